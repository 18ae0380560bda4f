"""Forms of the roadmap pages. Links are written as the numbers people see
(epics and items "#12, #15", requests "R-3", hypotheses "H-2"), resolved inside the product by
apps.roadmap.access, so another product's objects cannot even be named."""

from django import forms

from apps.roadmap.models import Horizon, Milestone, RoadmapItem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoadmapItemForm(forms.Form):
    title = forms.CharField(max_length=200)
    outcome = forms.CharField(label="Desired outcome", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    outcome_metric = forms.TypedChoiceField(label="Outcome metric", required=False, coerce=int, empty_value=None)
    horizon = forms.ChoiceField(choices=Horizon.choices, initial=Horizon.NEXT)
    status = forms.ChoiceField(choices=RoadmapItem.Status.choices, initial=RoadmapItem.Status.PLANNED)
    start_date = forms.DateField(label="Start date", required=False, widget=DATE)
    target_date = forms.DateField(label="Target date", required=False, widget=DATE)
    target_quarter = forms.CharField(label="Or target quarter", required=False, max_length=7, help_text="e.g. 2026-Q3")
    shared = forms.BooleanField(label="Shared with stakeholders", required=False)
    public_description = forms.CharField(
        label="Description for stakeholders", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    internal_notes = forms.CharField(
        label="Internal notes (team only)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    epics = forms.CharField(label="Epics", required=False, help_text="Numbers of epics, e.g. #3, #9")
    backlog_items = forms.CharField(label="Backlog items", required=False, help_text="Numbers, e.g. #12, #15")
    requests = forms.CharField(label="Stakeholder requests", required=False, help_text="e.g. R-3, R-7")
    hypotheses = forms.CharField(
        label="Hypotheses", required=False, help_text="Hypotheses of this product the item bets on, e.g. H-2, H-5"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, metrics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_metric"].choices = [("", "–"), *((m.pk, m.name) for m in metrics)]

    @classmethod
    def initial_of(cls, item: RoadmapItem) -> dict:
        return {
            **{name: getattr(item, name) for name in cls.ITEM_FIELDS if name != "outcome_metric"},
            "outcome_metric": item.outcome_metric_id,
            "epics": ", ".join(f"#{e.number}" for e in item.epics.all()),
            "backlog_items": ", ".join(f"#{i.number}" for i in item.backlog_items.all()),
            "requests": ", ".join(r.reference for r in item.requests.all()),
            "hypotheses": ", ".join(h.reference for h in item.hypotheses.order_by("number")),
            "version": item.version,
        }

    ITEM_FIELDS = (
        "title",
        "outcome",
        "outcome_metric",
        "horizon",
        "status",
        "start_date",
        "target_date",
        "target_quarter",
        "shared",
        "public_description",
        "internal_notes",
    )
    LINK_FIELDS = ("epics", "backlog_items", "requests", "hypotheses")


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=200)
    date = forms.DateField(widget=DATE)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    roadmap_item = forms.TypedChoiceField(label="Roadmap item", required=False, coerce=int, empty_value=None)
    sprint = forms.TypedChoiceField(label="Sprint", required=False, coerce=int, empty_value=None)
    shared = forms.BooleanField(label="Shared with stakeholders", required=False)
    reached_at = forms.DateField(label="Reached on", required=False, widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FIELDS = ("title", "date", "description", "roadmap_item", "sprint", "shared", "reached_at")

    def __init__(self, *args, items=(), sprints=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roadmap_item"].choices = [("", "–"), *((i.pk, i.title) for i in items)]
        self.fields["sprint"].choices = [("", "–"), *((s.pk, s.name) for s in sprints)]

    @classmethod
    def initial_of(cls, milestone: Milestone) -> dict:
        return {
            **{name: getattr(milestone, name) for name in ("title", "date", "description", "shared", "reached_at")},
            "roadmap_item": milestone.roadmap_item_id,
            "sprint": milestone.sprint_id,
            "version": milestone.version,
        }


class MoveForm(forms.Form):
    """Where an item goes: next to another item (by id), or to the top or bottom of a horizon."""

    horizon = forms.ChoiceField(choices=Horizon.choices, required=False)
    before = forms.CharField(required=False)
    after = forms.CharField(required=False)
    to = forms.ChoiceField(choices=[("top", "top"), ("bottom", "bottom")], required=False)

    def clean(self):
        data = super().clean()
        given = [name for name in ("before", "after", "to") if data.get(name)]
        if len(given) != 1 and not data.get("horizon"):
            raise forms.ValidationError(
                "Say where to move the item: before or after another item, or to the top or bottom."
            )
        return data
