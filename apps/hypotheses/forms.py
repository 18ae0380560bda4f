from typing import cast

from django import forms

from apps.backlog.models import BacklogItem
from apps.hypotheses.models import (
    Assumption,
    Experiment,
    FeasibilityAssessment,
    GateResult,
    Hypothesis,
    ModelVersion,
    ReleaseGate,
)
from apps.hypotheses.services import INTO_BACKLOG, PLACES
from apps.products.models import OutcomeMetric
from apps.sprints.models import SprintStage

DATE = forms.DateInput(attrs={"type": "date"})


def _rows(n: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": n})


# --- assumptions ----------------------------------------------------------------------


class AssumptionForm(forms.Form):
    text = forms.CharField(max_length=500, label="We assume that…")
    category = forms.ChoiceField(choices=Assumption.Category.choices)


class WrongForm(forms.Form):
    note = forms.CharField(widget=_rows(3), label="What turned out to be the case", max_length=5000)
    place = forms.ChoiceField(choices=list(PLACES.items()), widget=forms.RadioSelect, initial=INTO_BACKLOG)
    stage = forms.ModelChoiceField(queryset=SprintStage.objects.none(), required=False, empty_label="No stage")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, into_sprint: bool = False, stages=None, **kwargs):
        """`into_sprint`: whether the follow-ups may go into the assumption's
        sprint (it is open and the viewer may plan it); `stages`: its open
        stages to choose from, if it is staged."""
        super().__init__(*args, **kwargs)
        if not into_sprint:
            cast(forms.ChoiceField, self.fields["place"]).choices = [(INTO_BACKLOG, PLACES[INTO_BACKLOG])]
        if stages is None:
            del self.fields["stage"]
        else:
            cast(forms.ModelChoiceField, self.fields["stage"]).queryset = stages


FOLLOW_UP_KINDS = [(value, label) for value, label in BacklogItem.Kind.choices if value != BacklogItem.Kind.EPIC]


class FollowUpForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    kind = forms.ChoiceField(choices=FOLLOW_UP_KINDS, initial=BacklogItem.Kind.TASK)
    story_points = forms.DecimalField(required=False, min_value=0, max_digits=5, decimal_places=1, label="Points")


FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=3)


# --- hypotheses -----------------------------------------------------------------------


class HypothesisForm(forms.ModelForm):
    """The structured statement. The metric and owner choices come from the
    access functions (the product's metrics, its team)."""

    metric = forms.ModelChoiceField(
        queryset=OutcomeMetric.objects.none(), required=False, empty_label="— a metric of its own —"
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Hypothesis
        fields = [
            "change",
            "audience",
            "outcome",
            "metric",
            "metric_text",
            "direction",
            "unit",
            "baseline",
            "target",
            "target_date",
            "owner",
            "confidence_before",
            "confidence_after",
            "evidence",
            "learning",
            "next_step",
            "notes",
        ]
        widgets = {
            "change": _rows(2),
            "outcome": _rows(2),
            "target_date": DATE,
            "evidence": _rows(4),
            "learning": _rows(3),
            "next_step": _rows(2),
            "notes": _rows(3),
        }
        labels = {"direction": "Better when (own metric)", "unit": "Unit (own metric)"}

    def __init__(self, *args, metrics, team, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["metric"]).queryset = metrics
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = team
        for name in ("confidence_before", "confidence_after"):
            self.fields[name].widget.attrs.update(min=0, max=100)

    def _post_clean(self):
        pass  # the service checks the whole hypothesis, and names each field

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Hypothesis.Status.choices)
    reason = forms.CharField(required=False, widget=_rows(2), max_length=5000, help_text="Needed to reopen testing.")
    learning = forms.CharField(label="What we learned", required=False, widget=_rows(3), max_length=10000)
    next_step = forms.CharField(label="What we do next", required=False, widget=_rows(2), max_length=5000)
    confidence_after = forms.IntegerField(label="Confidence now (%)", required=False, min_value=0, max_value=100)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            cast(forms.ChoiceField, self.fields["status"]).choices = [
                (value, label) for value, label in Hypothesis.Status.choices if value in allowed
            ]


TEST_ITEM_KINDS = FOLLOW_UP_KINDS


class TestItemForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    kind = forms.ChoiceField(choices=TEST_ITEM_KINDS, initial=BacklogItem.Kind.EXPERIMENT)
    story_points = forms.DecimalField(required=False, min_value=0, max_digits=5, decimal_places=1, label="Points")


TestItemFormSet = forms.formset_factory(TestItemForm, extra=3, max_num=20, absolute_max=20)


class LinkForm(forms.Form):
    items = forms.CharField(label="Backlog items", required=False, max_length=500, help_text="Numbers, e.g. #12, #15.")
    requests = forms.CharField(label="Stakeholder requests", required=False, max_length=500, help_text="E.g. R-3, R-7.")


# --- experiments ------------------------------------------------------------------------


class ExperimentForm(forms.ModelForm):
    sprint: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False, empty_label="— no sprint —")
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in (Experiment.Status.PLANNED, Experiment.Status.RUNNING)],
        initial=Experiment.Status.PLANNED,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Experiment
        fields = ["title", "method", "design_notes", "started_on", "ended_on", "sprint", "status"]
        widgets = {"design_notes": _rows(4), "started_on": DATE, "ended_on": DATE}

    def __init__(self, *args, sprints, concluded: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["sprint"]).queryset = sprints
        if concluded:
            del self.fields["status"]

    def _post_clean(self):
        pass  # the service checks the experiment and names each field

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class ResultForm(forms.Form):
    observed_value = forms.DecimalField(required=False, help_text="The metric's value the experiment observed.")
    control_value = forms.DecimalField(label="Control", required=False)
    control_size = forms.IntegerField(label="Control sample size", required=False, min_value=1)
    treatment_value = forms.DecimalField(label="Treatment", required=False)
    treatment_size = forms.IntegerField(label="Treatment sample size", required=False, min_value=1)
    interval_low = forms.DecimalField(label="Interval from", required=False)
    interval_high = forms.DecimalField(label="Interval to", required=False)
    interval_level = forms.IntegerField(label="Interval level (%)", required=False, min_value=1, max_value=99)
    conclusion = forms.CharField(widget=_rows(3), max_length=10000, help_text="What the result means.")
    tell_requesters = forms.CharField(
        label="Tell the requesters",
        required=False,
        widget=_rows(2),
        max_length=5000,
        help_text="Emailed to the requesters of linked requests; leave empty for a neutral note.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    RESULTS = [
        "observed_value",
        "control_value",
        "control_size",
        "treatment_value",
        "treatment_size",
        "interval_low",
        "interval_high",
        "interval_level",
    ]

    def results(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.RESULTS}


# --- feasibility ------------------------------------------------------------------------


class BlockerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"#{obj.item.number}: {obj.reason}" + (" (resolved)" if obj.resolved_at else "")


class FeasibilityForm(forms.ModelForm):
    subject = forms.CharField(
        label="Epic or hypothesis", max_length=20, help_text="An epic's number (#4) or a hypothesis (H-2)."
    )
    blockers = BlockerChoiceField(queryset=None, required=False, help_text="Data-access blockers.")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = FeasibilityAssessment
        fields = [
            "data_availability",
            "data_quality",
            "data_notes",
            "approvals_needed",
            "blockers",
            "expected_value",
            "effort_low",
            "effort_high",
        ]
        widgets = {"data_notes": _rows(3), "approvals_needed": _rows(2), "expected_value": _rows(2)}

    FIELDS = [
        "data_availability",
        "data_quality",
        "data_notes",
        "approvals_needed",
        "expected_value",
        "effort_low",
        "effort_high",
    ]
    field_order = ["subject", *FIELDS[:4], "blockers", *FIELDS[4:]]

    def __init__(self, *args, blockers, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["blockers"]).queryset = blockers
        if editing:
            del self.fields["subject"]

    def _post_clean(self):
        pass  # the service checks the assessment

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=FeasibilityAssessment.Decision.choices)
    decision_reason = forms.CharField(label="Reason", required=False, widget=_rows(2), max_length=5000)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


# --- release gates ------------------------------------------------------------------------


class GateForm(forms.ModelForm):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = ReleaseGate
        fields = ["name", "description", "required", "position"]
        widgets = {"description": _rows(2)}

    def _post_clean(self):
        pass  # the service checks names within the checklist


class ModelVersionForm(forms.ModelForm):
    artifact_url = forms.URLField(label="Artefact link", required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = ModelVersion
        fields = ["name", "artifact_url", "notes"]
        widgets = {"notes": _rows(2)}

    def _post_clean(self):
        pass  # the service checks names within the product


class GateResultForm(forms.Form):
    gate = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(choices=GateResult.Result.choices)
    evidence = forms.CharField(required=False, max_length=5000, help_text="A link or a note.")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SignOffForm(forms.Form):
    note = forms.CharField(required=False, widget=_rows(2), max_length=5000)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
