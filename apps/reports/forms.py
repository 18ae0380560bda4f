from django import forms
from django.utils import timezone

from apps.backlog.models import MAX_NUMBER, BacklogItem
from apps.reports.models import Audience, Survey

HAPPINESS_CHOICES = [
    (1, "1 · Very unhappy"),
    (2, "2 · Unhappy"),
    (3, "3 · Neutral"),
    (4, "4 · Happy"),
    (5, "5 · Very happy"),
]
RECOMMEND_CHOICES = [(n, str(n)) for n in range(11)]
SATISFACTION_CHOICES = [("", "I don't use it"), *((n, str(n)) for n in range(1, 6))]


class SurveyForm(forms.Form):
    title = forms.CharField(max_length=120, initial="Happiness survey")
    audience = forms.ChoiceField(choices=Audience.choices, initial=Audience.EVERYONE)
    capabilities = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line: what people use and rate, e.g. “Feature store”, “Documentation”.",
    )
    every_weeks = forms.IntegerField(
        min_value=1, max_value=52, initial=8, label="Run every (weeks)", help_text="Kept in the periodic task."
    )
    first_opening = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="When the first round opens.",
    )
    open_days = forms.IntegerField(min_value=1, max_value=60, initial=14, label="Open for (days)")
    reminder_days_before_close = forms.IntegerField(
        min_value=1, max_value=30, initial=3, label="Remind (days before close)"
    )
    min_responses = forms.IntegerField(
        min_value=3,
        max_value=100,
        initial=5,
        label="Minimum answers per slice",
        help_text="Fewer answers than this and a slice shows no figures.",
    )
    enabled = forms.BooleanField(required=False, initial=True, label="Scheduled (untick to pause)")

    def __init__(self, *args, survey: Survey | None = None, every_weeks: int | None = None, **kwargs):
        if survey is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": survey.title,
                    "audience": survey.audience,
                    "capabilities": "\n".join(survey.capabilities),
                    "every_weeks": every_weeks,
                    "open_days": survey.open_days,
                    "reminder_days_before_close": survey.reminder_days_before_close,
                    "min_responses": survey.min_responses,
                    "enabled": survey.schedule.enabled if survey.schedule else False,
                    "version": survey.version,
                },
            )
        else:
            kwargs.setdefault("initial", {"first_opening": timezone.localtime().replace(second=0, microsecond=0)})
        super().__init__(*args, **kwargs)
        if survey is not None:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.fields["first_opening"].required = False
            self.fields["first_opening"].help_text = "Leave empty to keep the current schedule."
            # Empty keeps a schedule someone set in the admin (e.g. a crontab).
            self.fields["every_weeks"].required = False

    def clean_capabilities(self):
        return [line.strip() for line in self.cleaned_data["capabilities"].splitlines() if line.strip()]


class AnswerForm(forms.Form):
    happiness = forms.TypedChoiceField(
        choices=HAPPINESS_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        label="Overall, how happy are you with this product?",
    )
    recommend = forms.TypedChoiceField(
        choices=RECOMMEND_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        label="How likely are you to recommend it to a colleague? (0 = not at all, 10 = extremely)",
    )
    liked = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="What works well for you?"
    )
    improve = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="What should we improve?"
    )

    def __init__(self, *args, capabilities: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.capability_fields = {}
        for index, name in enumerate(capabilities):
            field_name = f"capability_{index}"
            self.fields[field_name] = forms.TypedChoiceField(
                choices=SATISFACTION_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                label=f"{name}: how satisfied are you? (1–5)",
            )
            self.capability_fields[field_name] = name
        self.order_fields(["happiness", "recommend", *self.capability_fields, "liked", "improve"])

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "happiness": data["happiness"],
            "recommend": data["recommend"],
            "liked": data["liked"],
            "improve": data["improve"],
            "capabilities": {
                name: data[field] for field, name in self.capability_fields.items() if data.get(field) is not None
            },
        }


class ActionsForm(forms.Form):
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What we will do about it",
        help_text="Markdown.",
    )
    items = forms.CharField(
        required=False, label="Backlog items", help_text="Item numbers, e.g. 12, 15.", max_length=500
    )
    actions_version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_items(self):
        numbers = []
        for part in self.cleaned_data["items"].replace("#", " ").replace(",", " ").split():
            if not part.isdecimal() or int(part) > MAX_NUMBER:
                raise forms.ValidationError(f"“{part}” is not an item number.")
            numbers.append(int(part))
        return numbers


class ActionItemForm(forms.Form):
    title = forms.CharField(max_length=200, label="New backlog item")
    kind = forms.ChoiceField(choices=BacklogItem.Kind.choices, initial=BacklogItem.Kind.STORY)
    actions_version = forms.IntegerField(widget=forms.HiddenInput)
