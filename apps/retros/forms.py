"""Forms of the retrospective pages. They parse what the browser sends; the
rules (phases, limits, who is in the team) are the services'."""

from django import forms

from apps.retros import formats
from apps.retros.models import (
    ACTION_TEXT_MAX,
    COMMENT_MAX,
    MAX_VOTES_PER_PERSON,
    ActionItem,
    Rating,
    RetroSettings,
)


class RetroForm(forms.Form):
    sprint = forms.TypedChoiceField(coerce=int, label="Sprint")
    stage = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Stage", help_text="Only for a staged sprint's stage retro."
    )
    title = forms.CharField(max_length=120, required=False, help_text="Leave empty for “Retrospective: <sprint>”.")
    format_key = forms.ChoiceField(label="Board layout")
    votes_per_person = forms.IntegerField(min_value=1, max_value=MAX_VOTES_PER_PERSON, label="Votes per person")
    several_votes_per_theme = forms.BooleanField(required=False, label="Several votes on one theme allowed")
    facilitator = forms.TypedChoiceField(coerce=int, label="Facilitator")
    health_check = forms.BooleanField(required=False, initial=True, label="Take the team health check too")

    def __init__(self, *args, sprints, stages, team, custom_formats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sprint"].choices = [(s.pk, f"{s.name} ({s.get_status_display().lower()})") for s in sprints]
        self.fields["stage"].choices = [("", "The whole sprint")] + [
            (stage.pk, f"{stage.sprint.name} · {stage.name}") for stage in stages
        ]
        self.fields["format_key"].choices = [(f.key, f.name) for f in formats.BUILT_IN.values()] + [
            (f"{formats.CUSTOM_PREFIX}{f.pk}", f"{f.name} (ours)") for f in custom_formats
        ]
        self.fields["facilitator"].choices = [(person.pk, str(person)) for person in team]


class RetroEditForm(forms.Form):
    title = forms.CharField(max_length=120)
    votes_per_person = forms.IntegerField(min_value=1, max_value=MAX_VOTES_PER_PERSON, label="Votes per person")
    several_votes_per_theme = forms.BooleanField(required=False, label="Several votes on one theme allowed")
    version = forms.IntegerField(widget=forms.HiddenInput)


class SettingsForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = RetroSettings
        fields = ["votes_per_person", "several_votes_per_theme", "health_min_answers"]


class FormatForm(forms.Form):
    name = forms.CharField(max_length=60, label="Layout name")
    columns = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One column per line: a title, optionally followed by “:” and a prompt.",
    )

    def clean_columns(self) -> list[dict]:
        rows = []
        for line in self.cleaned_data["columns"].splitlines():
            if line.strip():
                title, _, prompt = line.partition(":")
                rows.append({"title": title.strip(), "prompt": prompt.strip()})
        return rows


class DimensionForm(forms.Form):
    name = forms.CharField(max_length=80)
    green = forms.CharField(max_length=200, required=False, label="What green looks like")
    red = forms.CharField(max_length=200, required=False, label="What red looks like")


class ActionForm(forms.Form):
    text = forms.CharField(max_length=ACTION_TEXT_MAX, label="Action")
    owner = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Due")
    theme = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="From theme")

    def __init__(self, *args, team, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Nobody yet")] + [(p.pk, str(p)) for p in team]
        self.fields["theme"].choices = [("", "–")] + [(t.pk, t.title[:80]) for t in themes]


class ActionEditForm(forms.Form):
    text = forms.CharField(max_length=ACTION_TEXT_MAX, label="Action")
    owner = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Due")
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in ActionItem.Status if s != ActionItem.Status.CARRIED]
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Nobody yet")] + [(p.pk, str(p)) for p in team]


class HealthAnswerForm(forms.Form):
    """A rating and an optional comment per dimension of the check."""

    def __init__(self, *args, dimensions: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for dimension in dimensions:
            key = dimension["id"]
            self.fields[f"rating_{key}"] = forms.ChoiceField(
                choices=Rating.choices, widget=forms.RadioSelect, label=dimension["name"]
            )
            self.fields[f"comment_{key}"] = forms.CharField(
                max_length=COMMENT_MAX, required=False, label=f"Comment on {dimension['name']} (optional)"
            )

    def rows(self):
        return [(d, self[f"rating_{d['id']}"], self[f"comment_{d['id']}"]) for d in self.dimensions]

    def ratings(self) -> dict[int, tuple[str, str]]:
        return {
            d["id"]: (self.cleaned_data[f"rating_{d['id']}"], self.cleaned_data[f"comment_{d['id']}"])
            for d in self.dimensions
        }
