from django import forms

from apps.accounts.models import Role, User
from apps.products.models import OutcomeMetric, Product


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["name", "kind", "vision", "definition_of_done"]
        widgets = {
            "vision": forms.Textarea(attrs={"rows": 6}),
            "definition_of_done": forms.Textarea(attrs={"rows": 4}),
        }


class ProductEditForm(ProductForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class OutcomeMetricForm(forms.ModelForm):
    current = forms.DecimalField(
        required=False, label="Current value", help_text="Recorded as today's reading; later ones on the metric's page."
    )

    class Meta:
        model = OutcomeMetric
        fields = ["name", "unit", "direction", "baseline", "target", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class MetricEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = OutcomeMetric
        fields = ["name", "unit", "direction", "baseline", "target", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class ReadingForm(forms.Form):
    measured_on = forms.DateField(label="Measured on", widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.DecimalField(label="Value")


class MembershipForm(forms.Form):
    user = forms.CharField(label="Username or email")
    role = forms.ChoiceField(choices=Role.choices)

    def clean_user(self):
        login = self.cleaned_data["user"].strip()
        user = User.objects.filter(username__iexact=login).first() or User.objects.filter(email__iexact=login).first()
        if user is None:
            raise forms.ValidationError(f"No user with username or email {login!r}.")
        return user
