from typing import cast

from django import forms

from apps.backlog.models import BacklogItem
from apps.hypotheses.models import Assumption
from apps.hypotheses.services import INTO_BACKLOG, PLACES
from apps.sprints.models import SprintStage


class AssumptionForm(forms.Form):
    text = forms.CharField(max_length=500, label="We assume that…")
    category = forms.ChoiceField(choices=Assumption.Category.choices)


class WrongForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="What turned out to be the case", max_length=5000
    )
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
