from django import forms

from apps.notifications.kinds import KINDS, Email, Kind


class PreferencesForm(forms.Form):
    """A row per kind: in the portal (a box) and email (off / at once / daily).
    A box left unticked is "off", as browsers send nothing for it; an email
    choice left out is "no email"."""

    def __init__(self, *args, preferences, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = {preference.kind: preference for preference in preferences}
        self.kinds = [Kind(kind) for kind in (kinds or KINDS)]
        for kind in self.kinds:
            preference = chosen[kind]
            self.fields[f"{kind}-in_app"] = forms.BooleanField(
                label=f"{KINDS[kind].label}: in the portal", required=False, initial=preference.in_app
            )
            self.fields[f"{kind}-email"] = forms.ChoiceField(
                label=f"{KINDS[kind].label}: email", choices=Email.choices, required=False, initial=preference.email
            )

    def rows(self):
        return [
            {
                "kind": kind,
                "info": KINDS[kind],
                "in_app": self[f"{kind}-in_app"],
                "email": self[f"{kind}-email"],
            }
            for kind in self.kinds
        ]

    def choices(self) -> dict[str, dict]:
        return {
            kind.value: {
                "in_app": self.cleaned_data[f"{kind}-in_app"],
                "email": self.cleaned_data[f"{kind}-email"] or Email.OFF,
            }
            for kind in self.kinds
        }
