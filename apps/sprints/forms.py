"""Forms of the sprint pages: they parse input; the services decide and save."""

from django import forms

from apps.accounts.models import User
from apps.backlog.models import BacklogItem
from apps.sprints.models import Sprint
from apps.sprints.selectors import BOARD_COLUMNS
from apps.sprints.services import CARRY_OVER, WIP_LIMIT_MAX, CloseDecision, StageLeftover

DATE = forms.DateInput(attrs={"type": "date"})


class VersionForm(forms.Form):
    """The version of the object an edit was based on, sent back with the edit:
    a newer one in the database means the edit is stale (409)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class SprintFieldsForm(forms.Form):
    name = forms.CharField(max_length=120)
    start_date = forms.DateField(widget=DATE)
    end_date = forms.DateField(widget=DATE)
    goal = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Markdown.")
    capacity_points = forms.DecimalField(
        required=False, min_value=0, max_digits=8, decimal_places=1, help_text="Points the team can take on."
    )


class SprintForm(SprintFieldsForm):
    kind = forms.ChoiceField(
        choices=Sprint.Kind.choices,
        initial=Sprint.Kind.STANDARD,
        help_text="A staged sprint is split into the product's stages (by default four weeks of data science).",
    )
    field_order = ["name", "kind"]


class SprintEditForm(VersionForm, SprintFieldsForm):
    """Editing keeps the kind: stages are made when the sprint is created."""


class PlanItemForm(forms.Form):
    """An item pulled into the sprint, taken out or moved to another stage (the item by its backlog id)."""

    item = forms.IntegerField()
    stage = forms.IntegerField(required=False)


class CapacityForm(forms.Form):
    """One team member's row of the planning page: blank points leave them out of the sum."""

    person = forms.ModelChoiceField(queryset=User.objects.none(), widget=forms.HiddenInput)
    points = forms.DecimalField(
        min_value=0, max_digits=8, decimal_places=1, required=False, widget=forms.NumberInput(attrs={"step": "0.5"})
    )
    days_off = forms.IntegerField(min_value=0, initial=0, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class BaseCapacityFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {"people": self.form_kwargs["people"]}


CapacityFormSet = forms.formset_factory(CapacityForm, formset=BaseCapacityFormSet, extra=0)


class CloseForm(VersionForm):
    """One decision per unfinished item, and the planned sprint to carry them into."""

    next_sprint = forms.ModelChoiceField(
        queryset=Sprint.objects.none(), required=False, empty_label="A new sprint right after this one"
    )

    def __init__(self, *args, unfinished=(), planned=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_sprint"].queryset = planned
        self.items = list(unfinished)
        for entry in self.items:
            self.fields[f"decision_{entry.item_id}"] = forms.ChoiceField(
                label=str(entry.item), choices=CloseDecision.choices, widget=forms.RadioSelect, initial=CARRY_OVER
            )

    def decisions(self) -> dict[int, str]:
        return {entry.item_id: self.cleaned_data[f"decision_{entry.item_id}"] for entry in self.items}

    def decision_fields(self):
        return [(entry, self[f"decision_{entry.item_id}"]) for entry in self.items]


class ReviewForm(VersionForm):
    goal_met = forms.TypedChoiceField(
        choices=[("", "Not decided"), ("yes", "Yes, the goal was met"), ("no", "No, the goal was not met")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )
    review_notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Feedback from the review",
        help_text="Markdown.",
    )


class FindingForm(forms.Form):
    finding = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="What it answered",
        help_text="An experiment or analysis that answered its question counts as delivered.",
    )


class StageForm(VersionForm):
    name = forms.CharField(max_length=80)
    goal = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    start_date = forms.DateField(widget=DATE)
    end_date = forms.DateField(widget=DATE)


class StageCloseForm(forms.Form):
    override_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason to close with unmet criteria",
        help_text="Needed only when some exit criteria are not ticked.",
    )
    unfinished = forms.ChoiceField(
        required=False,
        widget=forms.RadioSelect,
        label="Unfinished items of this stage",
        choices=StageLeftover.choices,
    )

    def __init__(self, *args, leftovers: int = 0, next_stage: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if not leftovers:
            del self.fields["unfinished"]
            return
        field = self.fields["unfinished"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 -- for the type checker
        field.label = f"{leftovers} unfinished item{'s' if leftovers != 1 else ''} in this stage"
        field.choices = [
            (value, f"Move them to {next_stage}" if value == StageLeftover.NEXT_STAGE else label)
            for value, label in StageLeftover.choices
            if next_stage or value != StageLeftover.NEXT_STAGE
        ]


class StartForm(forms.Form):
    """Starting a sprint whose planned first day is still ahead: move its dates to today, or keep them."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    dates = forms.ChoiceField(required=False, choices=[("move", "Move the dates to today"), ("keep", "Keep the dates")])


class CriterionForm(forms.Form):
    text = forms.CharField(max_length=300, label="New exit criterion")


class CriterionTickForm(forms.Form):
    met = forms.BooleanField(required=False)


class TemplateStageForm(forms.Form):
    name = forms.CharField(max_length=80)
    days = forms.IntegerField(min_value=1, max_value=56)
    goal = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    exit_criteria = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="One criterion per line."
    )


TemplateFormSet = forms.formset_factory(TemplateStageForm, extra=1, can_delete=True)


class SettingsForm(forms.Form):
    allow_parallel_sprints = forms.BooleanField(
        required=False, help_text="Several teams may run sprints of this product at the same time."
    )


class WipLimitsForm(forms.Form):
    """A work-in-progress limit per board column; blank means none."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for status in BOARD_COLUMNS:
            self.fields[str(status)] = forms.IntegerField(
                label=BacklogItem.Status(status).label, required=False, min_value=1, max_value=WIP_LIMIT_MAX
            )

    def limits(self) -> dict[str, int | None]:
        return {str(status): self.cleaned_data.get(str(status)) for status in BOARD_COLUMNS}


class MoveForm(forms.Form):
    """A card dropped into another column of the board."""

    item = forms.IntegerField()
    status = forms.ChoiceField(choices=BacklogItem.Status.choices)
    version = forms.IntegerField(required=False)
