"""Personal invitation links: an opaque random token per email, of which only
the SHA-256 is stored (InvitationLink), valid only while the round is open.

The token says nothing by itself (no ids, no signature to decode), and it
appears in one request only: opening the link puts the invitation in the
person's session and redirects to the round's token-less answer page, so the
answer is posted, refused or thanked for at an address that names nobody.
Links from before this scheme (signed tokens) no longer open anything.
"""

import hashlib
import secrets

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.reports.models import Invitation, InvitationLink

TOKEN_BYTES = 32
_MAX_TOKEN_LENGTH = 100
_SESSION_KEY = "survey-invitation:{product}"


class LinkProblem(Exception):
    """Why an invitation link cannot be used; the message is shown to the person."""

    def __init__(self, title: str, message: str, status: int):
        super().__init__(message)
        self.title = title
        self.status = status


INVALID = (
    "This link is not valid",
    "The survey link is incomplete or no longer valid. Open the link from your invitation email again.",
    400,
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_invitation_url(invitation: Invitation, product_slug: str) -> str:
    """A fresh personal link for an email (its hash is stored, the token is not)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    InvitationLink.objects.create(invitation=invitation, token_hash=token_hash(token))
    return settings.PORTAL_BASE_URL + reverse("reports:answer-link", args=[product_slug, token])


def invitation_from_token(token: str, product_slug: str) -> Invitation:
    """The invitation a link stands for, if it may still be answered."""
    link = None
    if token and len(token) <= _MAX_TOKEN_LENGTH:
        link = (
            InvitationLink.objects.select_related("invitation")
            .filter(token_hash=token_hash(token), invitation__round__survey__product__slug=product_slug)
            .first()
        )
    if link is None:
        raise LinkProblem(*INVALID)
    return usable(link.invitation.pk, product_slug)


def usable(invitation_id: int, product_slug: str) -> Invitation:
    """The invitation, if it may still be answered; else the problem to show."""
    invitation = (
        Invitation.objects.select_related("round__survey__product", "person")
        .filter(pk=invitation_id, round__survey__product__slug=product_slug)
        .first()
    )
    if invitation is None:
        raise LinkProblem(*INVALID)
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


def remember(session, product_slug: str, invitation: Invitation | None) -> None:
    """Keep (or forget, with None) the invitation being answered in the session."""
    key = _SESSION_KEY.format(product=product_slug)
    if invitation is None:
        session.pop(key, None)
    else:
        session[key] = invitation.pk


def remembered(session, product_slug: str) -> int | None:
    value = session.get(_SESSION_KEY.format(product=product_slug))
    return value if isinstance(value, int) else None


def remember_problem(session, product_slug: str, problem: LinkProblem) -> None:
    session[_SESSION_KEY.format(product=product_slug) + ":problem"] = [problem.title, str(problem), problem.status]


def remembered_problem(session, product_slug: str) -> LinkProblem | None:
    """The problem the link had, once (it is forgotten as it is read)."""
    value = session.pop(_SESSION_KEY.format(product=product_slug) + ":problem", None)
    return LinkProblem(*value) if isinstance(value, list) and len(value) == 3 else None
