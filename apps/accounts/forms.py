from django import forms
from django.conf import settings

from apps.accounts.permissions import Action

LIFETIMES = [(7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "1 year")]


def action_label(action: Action) -> str:
    return action.value.replace("_", " ").capitalize()


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses it, e.g. “nightly metrics pipeline”.")
    expires_in_days = forms.TypedChoiceField(label="Expires after", coerce=int, initial=30, choices=LIFETIMES)
    product = forms.TypedChoiceField(
        label="Limited to product",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Leave empty for a token with all your rights in all your products.",
    )
    actions = forms.MultipleChoiceField(
        label="May do (in that product)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(action.value, action_label(action)) for action in Action],
    )

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "— all my products —")] + [
            (membership.product_id, f"{membership.product.name} ({membership.get_role_display()})")
            for membership in memberships
        ]
        self.fields["expires_in_days"].choices = [
            (days, label) for days, label in LIFETIMES if days <= settings.API_TOKEN_MAX_DAYS
        ]
