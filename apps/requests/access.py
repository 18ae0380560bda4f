"""The way to stakeholder requests and what hangs off them, for pages and the
API alike: find the product with apps.products.access.get_product, then the
request, its thread or its files here.

Who may read a request is one rule, written once below as a filter
(`_readable`) beside the same rule for one object (`may_read`): the product
team reads every request of its product; other members read their own and the
public ones. Lists, counts, searches and suggestions start from the list
filters (`visible_requests`, `followed_requests`, `inbox_requests`); single
objects come from the `access_*` functions, which answer 404 when the thing is
not there or not the person's to read, and 403 when they may read it but
their role lacks the right. Services that tell or move people (emails, the
watchers of a merged duplicate) ask `may_read` too.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from apps.accounts.models import Role
from apps.accounts.permissions import Action, allows, product_ids_where, require, role_in, roles_of
from apps.core.http import as_id
from apps.core.lookups import one_by_id
from apps.products.models import Product
from apps.requests.models import Attachment, Comment, StakeholderRequest, StakeholderRequestQuerySet, Watcher

PUBLIC = StakeholderRequest.Visibility.PUBLIC
PRIVATE = StakeholderRequest.Visibility.PRIVATE


# --- The rule ------------------------------------------------------------------------


def reads_every_request(role: Role | None) -> bool:
    """The product team: private requests, internal notes and everyone's files included."""
    return allows(role, Action.VIEW_REQUEST_INTERNALS)


def may_read(stakeholder_request: StakeholderRequest, *, user_id: int | None, role: Role | None) -> bool:
    """The rule for one request: may a person with `role` in its product read it?"""
    if reads_every_request(role):
        return True
    return allows(role, Action.VIEW_REQUESTS) and (
        stakeholder_request.visibility == PUBLIC or stakeholder_request.requester_id == user_id
    )


def _readable(user, product_ids: Iterable[int]) -> Q:
    """The same rule as a filter over the requests of `product_ids`."""
    roles = roles_of(user)
    team = [pk for pk in product_ids if reads_every_request(roles.get(pk))]
    others = [pk for pk in product_ids if pk not in team and allows(roles.get(pk), Action.VIEW_REQUESTS)]
    # Django drops an empty `__in` branch of an OR, and skips the query when every branch is empty.
    return Q(product_id__in=team) | Q(Q(visibility=PUBLIC) | Q(requester_id=user.pk), product_id__in=others)


def may_follow_into(duplicate: StakeholderRequest, kept: StakeholderRequest) -> bool:
    """Whether everyone who may read `duplicate` may read `kept` too, so that
    sending them from one to the other (a merge) shows nobody a request they
    may not read: a private request is read by its requester and the team only."""
    return kept.visibility == PUBLIC or (
        duplicate.visibility == PRIVATE and duplicate.requester_id == kept.requester_id
    )


def on_team(user, product: Product | int) -> bool:
    """Whether the user is on the product's team (for rules such as "a team
    member's answer is the first response"), by the same rule."""
    return reads_every_request(role_in(user, product))


def may_see_attachments(user, stakeholder_request: StakeholderRequest) -> bool:
    """Files are the requester's and the team's: other members read the public
    request but not what was attached to it."""
    return stakeholder_request.requester_id == user.pk or on_team(user, stakeholder_request.product_id)


# --- List filters ----------------------------------------------------------------------


def visible_requests(user, product: Product) -> StakeholderRequestQuerySet:
    """The requests of `product` the user may read."""
    return StakeholderRequest.objects.filter(_readable(user, [product.pk]), product=product)


def followed_requests(user) -> StakeholderRequestQuerySet:
    """Across the user's products: the requests they raised or watch, as far as they may still read them."""
    mine_or_watched = Q(requester=user) | Q(pk__in=Watcher.objects.filter(user=user).values("request_id"))
    return StakeholderRequest.objects.filter(mine_or_watched, _readable(user, roles_of(user)))


def requests_across(user) -> StakeholderRequestQuerySet:
    """Every request the user may read, in all their products (the global search)."""
    return StakeholderRequest.objects.filter(_readable(user, product_ids_where(user, Action.VIEW_REQUESTS)))


def inbox_requests(user) -> StakeholderRequestQuerySet:
    """The requests of every product whose triage inbox the user may see."""
    return StakeholderRequest.objects.filter(_readable(user, product_ids_where(user, Action.VIEW_TRIAGE_INBOX)))


def visible_comments(user, stakeholder_request: StakeholderRequest) -> QuerySet[Comment]:
    """The public thread of a request the user reads, plus internal notes for the product team."""
    comments = stakeholder_request.comments.select_related("author")
    if not on_team(user, stakeholder_request.product_id):
        comments = comments.filter(internal=False)
    return comments


# --- Doors -------------------------------------------------------------------------------


def access_request(user, product: Product, number, action: Action = Action.VIEW_REQUESTS) -> StakeholderRequest:
    """The request with this number in `product`, as the user sees it (with
    vote_count, has_voted, is_watching): 404 when there is none or it is not
    theirs to read, 403 when they may read it but not do `action`."""
    number = as_id(number)
    stakeholder_request = (
        None if number is None else visible_requests(user, product).as_seen_by(user).filter(number=number).first()
    )
    if stakeholder_request is None:
        raise Http404("No such request.")
    require(user, action, product)
    stakeholder_request.product = product  # keeps viewer_role for templates
    return stakeholder_request


def access_own_request(user, product: Product, number) -> StakeholderRequest:
    """A request its requester edits or withdraws: 404 as for reading, 403 for
    anyone but the person who raised it (the team changes a request by triage)."""
    stakeholder_request = access_request(user, product, number, Action.SUBMIT_REQUEST)
    if stakeholder_request.requester_id != user.pk:
        raise PermissionDenied("Only the person who raised this request can edit or withdraw it.")
    return stakeholder_request


def access_comments(user, product: Product, number, *, internal: bool = False) -> StakeholderRequest:
    """The request whose thread the user reads or writes in. Internal notes are
    the team's: anyone else who may read the request gets 403 for them."""
    action = Action.VIEW_REQUEST_INTERNALS if internal else Action.VIEW_REQUESTS
    return access_request(user, product, number, action)


def access_attachments(user, product: Product, number, *, adding: bool = False) -> StakeholderRequest:
    """The request whose files the user lists (or adds to): the requester's and
    the team's. Other readers of the request get 404 for its files (they are
    not told there are any) and 403 when they try to add one."""
    stakeholder_request = access_request(user, product, number)
    if not may_see_attachments(user, stakeholder_request):
        if adding:
            raise PermissionDenied("Only the requester and the product team can attach files.")
        raise Http404("No attachments to show.")
    return stakeholder_request


def access_attachment(user, product: Product, number, attachment_id) -> Attachment:
    """One file of a request, to download."""
    stakeholder_request = access_attachments(user, product, number)
    attachment = one_by_id(stakeholder_request.attachments.all(), attachment_id, "No such attachment.")
    attachment.request = stakeholder_request
    return attachment


def require_inbox(user) -> None:
    """The door of the cross-product triage inbox: 403 for someone who may see no product's inbox."""
    if not product_ids_where(user, Action.VIEW_TRIAGE_INBOX):
        raise PermissionDenied("The triage inbox is for product managers and scrum masters.")
