"""Forms validate input for the pages; the services make the changes."""

import re

from django import forms
from django.urls import reverse
from django.utils.html import format_html

from apps.backlog.models import MAX_NUMBER
from apps.core.forms import MultipleFileField
from apps.requests import attachments
from apps.requests.models import SUBMITTED_FIELDS, StakeholderRequest, TriageSettings


class SubmitForm(forms.ModelForm):
    """Problem first: what is hard today, for whom, and what would be better; no solution field."""

    attachments = MultipleFileField(
        required=False,
        help_text=f"Optional: screenshots, exports, documents ({attachments.allowed_extensions()}).",
    )

    class Meta:
        model = StakeholderRequest
        fields = SUBMITTED_FIELDS
        labels = {"title": "The problem in one line"}
        help_texts = {"title": "Similar requests appear below as you type, so you can join one instead."}
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "problem": forms.Textarea(attrs={"rows": 5}),
            "desired_outcome": forms.Textarea(attrs={"rows": 3}),
            "success_measure": forms.Textarea(attrs={"rows": 2}),
            "business_value": forms.Textarea(attrs={"rows": 2}),
            "needed_by": forms.DateInput(attrs={"type": "date"}),
        }


class EditForm(forms.ModelForm):
    """The requester's correction of what they submitted, before a decision."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta(SubmitForm.Meta):
        fields = SUBMITTED_FIELDS


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text="Told to the watchers."
    )


class AttachmentsForm(forms.Form):
    attachments = MultipleFileField(help_text=f"Accepted: {attachments.allowed_extensions()}.")


class CommentForm(forms.Form):
    body = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000)


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ItemPicker(forms.TextInput):
    """Search as you type among the product's backlog items (the backlog's
    item-choices endpoint fills the datalist); the value sent is the number."""

    input_type = "search"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "placeholder": "Type a title or #number"} | (attrs or {}))

    def pick_from(self, choices_url: str, list_id: str) -> None:
        self.attrs |= {
            "list": list_id,
            "hx-get": choices_url,
            "hx-trigger": "input changed delay:200ms, focus once",
            "hx-target": f"#{list_id}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
        }

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        if "list" not in self.attrs:
            return field
        return format_html('{}<datalist id="{}"></datalist>', field, self.attrs["list"])


class AcceptForm(DecisionForm):
    backlog_item = forms.CharField(
        required=False,
        max_length=210,
        label="Link an existing backlog item",
        help_text="Type to search the backlog; leave empty to create a new backlog item from the request.",
        widget=ItemPicker(),
    )
    note = forms.CharField(required=False, label="Note to the requester", widget=forms.Textarea(attrs={"rows": 2}))

    def pick_from(self, product) -> None:
        self.fields["backlog_item"].widget.pick_from(
            reverse("backlog:item-choices", args=[product.slug]) + "?field=backlog_item", "backlog-item-choices"
        )

    def clean_backlog_item(self) -> int | None:
        """The item's number: "12", "#12" or "#12 Its title" (a picked suggestion)."""
        text = self.cleaned_data["backlog_item"].strip()
        if not text:
            return None
        number = re.match(r"#?(\d+)\b", text)
        if number is None or not 0 < int(number.group(1)) <= MAX_NUMBER:
            raise forms.ValidationError("Pick an item from the suggestions, or give its number, e.g. #12.")
        return int(number.group(1))


class DeclineForm(DecisionForm):
    reason = forms.CharField(label="Reason (shown to the requester)", widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(DecisionForm):
    into = forms.CharField(label="Duplicate of request", help_text="Its number, e.g. R-12 or 12.")
    note = forms.CharField(required=False, label="Note to the requester", widget=forms.Textarea(attrs={"rows": 2}))

    def clean_into(self):
        number = self.cleaned_data["into"].strip().upper().removeprefix("R-")
        if not number.isdecimal():
            raise forms.ValidationError("Give the number of the request to keep, e.g. R-12.")
        return int(number)


class AskForInfoForm(DecisionForm):
    question = forms.CharField(label="What do you need to know?", widget=forms.Textarea(attrs={"rows": 2}))


class SnoozeForm(DecisionForm):
    until = forms.DateField(label="Snooze until", widget=forms.DateInput(attrs={"type": "date"}))


class TriageSettingsForm(forms.ModelForm):
    class Meta:
        model = TriageSettings
        fields = ["response_target_days"]
