from __future__ import annotations

from typing import TypedDict

from django import forms

from apps.accounts.models import User
from apps.backlog import selectors
from apps.backlog.models import MAX_NUMBER, BacklogItem, Blocker, Label
from apps.core import uploads
from apps.core.forms import MultipleFileField


class PointsOptions(TypedDict):
    """The options of every points input (typed, so `DecimalField(**POINTS)` is checked)."""

    max_digits: int
    decimal_places: int
    min_value: int
    required: bool


POINTS: PointsOptions = {"max_digits": 5, "decimal_places": 1, "min_value": 0, "required": False}


class QuickAddForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"placeholder": "New item title"}))
    kind = forms.ChoiceField(choices=BacklogItem.Kind.choices, initial=BacklogItem.Kind.STORY)
    at_top = forms.BooleanField(required=False, label="at the top")


class ProductScopedForm(forms.Form):
    """Choices limited to the product: its epics, its team, its labels."""

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        if "parent" in self.fields:
            self.fields["parent"].queryset = selectors.epics(product)
        if "assignee" in self.fields:
            self.fields["assignee"].queryset = selectors.assignable_people(product)
        if "labels" in self.fields:
            self.fields["labels"].queryset = selectors.product_labels(product)


class WorkForm(ProductScopedForm):
    """What a team member may change: status, estimates, assignee. Used by the
    inline controls of the backlog and by the item page."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=BacklogItem.Status.choices, required=False)
    story_points = forms.DecimalField(**POINTS)
    estimate_optimistic = forms.DecimalField(label="Optimistic", **POINTS)
    estimate_likely = forms.DecimalField(label="Likely", **POINTS)
    estimate_pessimistic = forms.DecimalField(label="Pessimistic", **POINTS)
    assignee: forms.ModelChoiceField[User] = forms.ModelChoiceField(queryset=None, required=False, empty_label="nobody")

    def changes(self) -> dict:
        """Only the fields the request carried, so a control that sends one field changes one field."""
        return {name: value for name, value in self.cleaned_data.items() if name in self.data and name != "version"}


class ItemForm(ProductScopedForm):
    """Everything about an item, for PM and scrum master."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=BacklogItem.Kind.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False, help_text="Markdown.")
    parent: forms.ModelChoiceField[BacklogItem] = forms.ModelChoiceField(queryset=None, required=False, label="Epic")
    labels: forms.ModelMultipleChoiceField[Label] = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    assignee: forms.ModelChoiceField[User] = forms.ModelChoiceField(queryset=None, required=False)
    story_points = forms.DecimalField(**POINTS)
    estimate_optimistic = forms.DecimalField(label="Optimistic", **POINTS)
    estimate_likely = forms.DecimalField(label="Likely", **POINTS)
    estimate_pessimistic = forms.DecimalField(label="Pessimistic", **POINTS)
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Overdue after this day."
    )

    @classmethod
    def initial_for(cls, item: BacklogItem) -> dict:
        fields = ["version", "title", "kind", "description", "parent", "assignee", "story_points"]
        fields += ["estimate_optimistic", "estimate_likely", "estimate_pessimistic", "due_date"]
        return {**{name: getattr(item, name) for name in fields}, "labels": list(item.labels.all())}


class GroomForm(forms.Form):
    """Complete an item in the grooming session: criteria, estimate, ready."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    criteria = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "One acceptance criterion per line"}),
        required=False,
        label="New acceptance criteria",
    )
    story_points = forms.DecimalField(**POINTS)
    estimate_optimistic = forms.DecimalField(label="Optimistic", **POINTS)
    estimate_likely = forms.DecimalField(label="Likely", **POINTS)
    estimate_pessimistic = forms.DecimalField(label="Pessimistic", **POINTS)
    mark_ready = forms.BooleanField(required=False, label="Mark ready")

    def estimate_changes(self) -> dict:
        names = ["story_points", "estimate_optimistic", "estimate_likely", "estimate_pessimistic"]
        return {name: self.cleaned_data[name] for name in names}

    def criteria_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["criteria"].splitlines() if line.strip()]


class CriterionForm(forms.Form):
    text = forms.CharField(
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "Acceptance criterion"}),
        error_messages={"required": "An acceptance criterion needs some text."},
    )


class BlockerForm(forms.Form):
    kind = forms.ChoiceField(choices=Blocker.Kind.choices, initial=Blocker.Kind.DATA_ACCESS)
    reason = forms.CharField(
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "What is it waiting for?"}),
        error_messages={"required": "Say what the item is waiting for."},
    )


class MoveForm(forms.Form):
    """Where to put an item: before or after another item (by number), or at the top or bottom."""

    before = forms.CharField(required=False)
    after = forms.CharField(required=False)
    to = forms.ChoiceField(choices=[("top", "top"), ("bottom", "bottom")], required=False)

    def place(self) -> tuple[str, str]:
        """("to", "top"|"bottom") or ("before"|"after", the other item's number as sent)."""
        if self.cleaned_data["to"]:
            return "to", self.cleaned_data["to"]
        where = "before" if self.cleaned_data["before"] else "after"
        return where, self.cleaned_data[where]


class LabelForm(forms.ModelForm):
    class Meta:
        model = Label
        fields = ["name", "color"]
        widgets = {"color": forms.TextInput(attrs={"type": "color"})}


class BulkForm(ProductScopedForm):
    """One change applied to the selected items (checkboxes named "items")."""

    ACTIONS = [
        ("status", "Set status"),
        ("assignee", "Assign to"),
        ("add_label", "Add label"),
        ("remove_label", "Remove label"),
        ("move_to_top", "Move to top"),
    ]
    items = forms.TypedMultipleChoiceField(coerce=int, choices=(), error_messages={"required": "Select items first."})
    action = forms.ChoiceField(choices=ACTIONS)
    status = forms.ChoiceField(choices=BacklogItem.Status.choices, required=False)
    assignee: forms.ModelChoiceField[User] = forms.ModelChoiceField(queryset=None, required=False, empty_label="nobody")
    labels: forms.ModelChoiceField[Label] = forms.ModelChoiceField(queryset=None, required=False, label="Label")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any number may be sent; the service reports those not in this backlog.
        self.fields["items"].valid_value = lambda value: str(value).isdecimal() and int(value) <= MAX_NUMBER

    def clean(self):
        data = super().clean()
        if data.get("action") in ("add_label", "remove_label") and data.get("labels") is None:
            raise forms.ValidationError("Choose a label.")
        return data

    def service_arguments(self) -> dict:
        action, data = self.cleaned_data["action"], self.cleaned_data
        return {
            "status": {"status": data["status"] or None},
            "assignee": {"assignee": data["assignee"]},
            "add_label": {"add_label": data["labels"]},
            "remove_label": {"remove_label": data["labels"]},
            "move_to_top": {"move_to_top": True},
        }[action]


class RelationForm(forms.Form):
    relation = forms.ChoiceField(
        choices=[
            ("blocks", "blocks"),
            ("blocked_by", "is blocked by"),
            ("relates", "relates to"),
            ("duplicates", "duplicates"),
            ("duplicated_by", "is duplicated by"),
        ],
        label="This item",
    )
    other = forms.CharField(max_length=20, label="Item", help_text="Its number, e.g. #12.")

    def other_number(self) -> str:
        return self.cleaned_data["other"].strip().lstrip("#")


class AttachmentsForm(forms.Form):
    attachments = MultipleFileField(help_text=f"Accepted: {uploads.allowed_extensions()}.")


class SavedFilterForm(forms.Form):
    name = forms.CharField(max_length=60, label="Name this filter")
    page = forms.ChoiceField(choices=[("backlog", "Backlog"), ("board", "Sprint board")], widget=forms.HiddenInput)
    query = forms.CharField(max_length=2000, required=False, widget=forms.HiddenInput)
    shared = forms.BooleanField(required=False, label="share with the product")
