"""Personal invitation links: signed, so they cannot be guessed or altered,
and valid only while their round is open."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from apps.reports.models import Invitation

SALT = "reports.invitation"


class LinkProblem(Exception):
    """Why an invitation link cannot be used; the message is shown to the person."""

    def __init__(self, title: str, message: str, status: int):
        super().__init__(message)
        self.title = title
        self.status = status


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"invitation": invitation.pk, "round": invitation.round_id}, salt=SALT, compress=True)


def invitation_path(invitation: Invitation, product_slug: str) -> str:
    return reverse("reports:answer", args=[product_slug, invitation_token(invitation)])


def invitation_url(invitation: Invitation, product_slug: str) -> str:
    return settings.PORTAL_BASE_URL + invitation_path(invitation, product_slug)


def invitation_from_token(token: str, product_slug: str) -> Invitation:
    """The invitation a link stands for, if it may still be answered."""
    try:
        payload = signing.loads(token, salt=SALT)
        invitation = (
            Invitation.objects.select_related("round__survey__product", "person")
            .filter(pk=payload["invitation"], round_id=payload["round"], round__survey__product__slug=product_slug)
            .first()
        )
    except (signing.BadSignature, KeyError, TypeError):
        invitation = None
    if invitation is None:
        raise LinkProblem(
            "This link is not valid",
            "The survey link is incomplete or has been altered. Open the link from your invitation email again.",
            400,
        )
    round_ = invitation.round
    if not round_.is_open or round_.closes_at <= timezone.now():
        closed_on = timezone.localtime(round_.closed_at or round_.closes_at)
        raise LinkProblem(
            "This survey has closed",
            f"Round {round_.number} of “{round_.survey.title}” closed on {closed_on:%d %B %Y}. "
            "You will get a new link when the next round opens.",
            410,
        )
    if invitation.answered:
        raise LinkProblem(
            "You have already answered",
            "Thank you: your answer to this round is in. Each person answers a round once.",
            409,
        )
    return invitation
