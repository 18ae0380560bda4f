"""Forms of the delivery pages: they parse input; the services decide and save."""

from django import forms


class SettingsForm(forms.Form):
    monthly = forms.BooleanField(required=False, label="Build a report of each month (on the first of the next)")
    after_sprint_close = forms.BooleanField(required=False, label="Build a report of each sprint when it closes")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class MonthForm(forms.Form):
    month = forms.DateField(
        label="Month", widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m", "%Y-%m-%d"]
    )


class CompareForm(forms.Form):
    """Two reports of the product, side by side (the ids are checked by the access functions)."""

    a = forms.IntegerField(min_value=1, label="Report")
    b = forms.IntegerField(min_value=1, label="Compared with")
