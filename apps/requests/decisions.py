"""The PM's triage decisions by name, with the input each takes. Pages pair
them with forms, the API with serializers; both end in the same services.
The request comes through the door (apps.requests.access) already checked;
what a decision names (a backlog item, the request to keep) is found through
the doors of its app within the request's product, and a name that finds
nothing is a form error."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404

from apps.backlog import access as backlog_access
from apps.core.http import as_id
from apps.requests import access, forms, services
from apps.requests.models import StakeholderRequest


def accept(*, actor, stakeholder_request, version=None, backlog_item=None, note=""):
    """Accept, linking the item with number `backlog_item` when given (found through the backlog's door)."""
    item = None
    if backlog_item:
        try:
            item = backlog_access.access_item(actor, stakeholder_request.product, backlog_item, detail=False)
        except Http404:
            raise ValidationError(
                {"backlog_item": f"There is no item #{backlog_item} in this product's backlog."}
            ) from None
    return services.request_accept(
        actor=actor, stakeholder_request=stakeholder_request, backlog_item=item, note=note, expected_version=version
    )


def decline(*, actor, stakeholder_request, reason, version=None):
    return services.request_decline(
        actor=actor, stakeholder_request=stakeholder_request, reason=reason, expected_version=version
    )


def merge(*, actor, stakeholder_request, into, note="", version=None):
    """Merge into request `into` (a number), found among the requests the PM may read."""
    number = as_id(into)
    kept = (
        None
        if number is None
        else access.visible_requests(actor, stakeholder_request.product).filter(number=number).first()
    )
    if kept is None:
        raise ValidationError({"into": f"There is no request R-{into} in this product."})
    return services.request_merge(
        actor=actor, stakeholder_request=stakeholder_request, into=kept, note=note, expected_version=version
    )


def ask(*, actor, stakeholder_request, question, version=None):
    return services.request_ask_for_info(
        actor=actor, stakeholder_request=stakeholder_request, question=question, expected_version=version
    )


def snooze(*, actor, stakeholder_request, until, version=None):
    return services.request_snooze(
        actor=actor, stakeholder_request=stakeholder_request, until=until, expected_version=version
    )


@dataclass(frozen=True)
class Decision:
    form: type
    decide: Callable
    title: str
    button: str


# The decisions a PM takes in triage, by the name in their URL (page and API).
TRIAGE_DECISIONS = {
    "accept": Decision(forms.AcceptForm, accept, "Accept into the backlog", "Accept"),
    "decline": Decision(forms.DeclineForm, decline, "Decline", "Decline"),
    "merge": Decision(forms.MergeForm, merge, "Merge as duplicate", "Merge"),
    "ask": Decision(forms.AskForInfoForm, ask, "Ask for more information", "Ask"),
    "snooze": Decision(forms.SnoozeForm, snooze, "Snooze", "Snooze"),
}


def confirmation(decision: str, stakeholder_request: StakeholderRequest) -> str:
    reference = stakeholder_request.reference
    if decision == "accept":
        return f"{reference} accepted; backlog item {stakeholder_request.backlog_item} is linked to it."
    if decision == "merge" and stakeholder_request.duplicate_of is not None:
        return f"{reference} merged into {stakeholder_request.duplicate_of.reference}; votes and watchers moved."
    if decision == "snooze":
        return f"{reference} snoozed until {stakeholder_request.snoozed_until:%d %b %Y}."
    return f"{reference} is now {stakeholder_request.get_status_display().lower()}; the requester will be told."


def panels(stakeholder_request: StakeholderRequest, bound: dict) -> list[dict]:
    """The decisions open to this request now, each with its form (the
    submitted one from `bound` when it was refused, else a blank one)."""
    if not stakeholder_request.is_open:
        return []
    names = [name for name in TRIAGE_DECISIONS if name != "snooze" or stakeholder_request.status == "new"]
    panels = [
        {
            "name": name,
            "decision": TRIAGE_DECISIONS[name],
            "form": bound.get(name) or TRIAGE_DECISIONS[name].form(initial={"version": stakeholder_request.version}),
        }
        for name in names
    ]
    for panel in panels:
        if isinstance(panel["form"], forms.AcceptForm):
            panel["form"].pick_from(stakeholder_request.product)
    return panels
