"""The way to a product's retrospectives and everything on their boards.

Each function finds the object inside its product (or retro), applies the
row-level rule and the role's right (apps.accounts.permissions), and returns
it or raises 404/403. The row-level rules written here, once:

- a retro's phases are run by its facilitator; the product's leads
  (FACILITATE_RETRO) may hand the retro to anyone in the team, themselves included;
- while cards are written, each person sees only their own: named cards by
  author, anonymous ones by the browser secret (apps.retros.writers);
- people edit and delete only their own cards;
- a vote is seen and taken back only by its voter.

Objects named in a form or body rather than in the URL are looked up with
`field=`: a miss is then an error of that field (400), as sprints.access does.
A sprint and its stages are found through apps.sprints.access.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404

from apps.accounts.models import Membership
from apps.accounts.permissions import TEAM, Action, can, product_ids_where, require, role_in
from apps.core.lookups import by_id, missing, one_by_id
from apps.products.access import get_product
from apps.products.models import Product
from apps.retros import writers
from apps.retros.models import (
    ActionItem,
    Card,
    Column,
    HealthCheck,
    HealthDimension,
    Phase,
    RetroFormat,
    Retrospective,
    Theme,
    Vote,
)


def visible_retros(user, product: Product) -> QuerySet[Retrospective]:
    require(user, Action.VIEW_RETROS, product)
    return Retrospective.objects.filter(product=product)


def access_retro(user, product: Product, retro_id, action: Action = Action.VIEW_RETROS) -> Retrospective:
    require(user, action, product)
    retro = one_by_id(
        Retrospective.objects.filter(product=product).select_related("sprint", "stage"),
        retro_id,
        "No such retrospective in this product.",
    )
    retro.product = product  # the checked product, with its viewer_role
    return retro


def may_facilitate(user, retro: Retrospective) -> bool:
    """Runs the phases: the facilitator, or a lead when the retro has none."""
    if retro.facilitator_id is not None:
        return retro.facilitator_id == user.pk and role_in(user, retro.product_id) in TEAM
    return can(user, Action.FACILITATE_RETRO, retro.product_id)


def may_hand_over(user, retro: Retrospective) -> bool:
    return may_facilitate(user, retro) or can(user, Action.FACILITATE_RETRO, retro.product_id)


def access_retro_to_facilitate(user, product: Product, retro_id) -> Retrospective:
    retro = access_retro(user, product, retro_id, Action.TAKE_PART_IN_RETRO)
    if not may_facilitate(user, retro):
        raise PermissionDenied("Only the retrospective's facilitator runs it.")
    return retro


def access_retro_to_hand_over(user, product: Product, retro_id) -> Retrospective:
    retro = access_retro(user, product, retro_id, Action.TAKE_PART_IN_RETRO)
    if not may_hand_over(user, retro):
        raise PermissionDenied("Only the facilitator, a product manager or a scrum master hands the retro over.")
    return retro


def access_column(user, retro: Retrospective, column_id, *, field: str | None = None) -> Column:
    require(user, Action.VIEW_RETROS, retro.product_id)
    return one_by_id(Column.objects.filter(retro=retro), column_id, "No such column on this board.", field=field)


def sees_card(user, card: Card, retro: Retrospective, secret: str | None) -> bool:
    """While cards are written, each person sees only their own."""
    if retro.phase not in (Phase.REVIEW, Phase.WRITE):
        return True
    return is_own_card(user, card, secret)


def is_own_card(user, card: Card, secret: str | None) -> bool:
    if card.anonymous:
        return writers.wrote(secret, card)
    return card.author_id is not None and card.author_id == user.pk


def own_card_ids(user, secret: str | None, rows) -> set[int]:
    """Which of these cards (rows of id, anonymous, author id, writer tag) the
    person wrote: named ones by author, anonymous ones by the browser secret."""
    own = set()
    for pk, anonymous, author_id, writer_tag in rows:
        if anonymous:
            if secret and writer_tag and writers.matches(writer_tag, secret, pk):
                own.add(pk)
        elif author_id is not None and author_id == user.pk:
            own.add(pk)
    return own


def board_version(user, product_slug: str, retro_id) -> int:
    """The version of a board the person may see, for a poll to compare: one
    query (and the roles). Who may not see it is told as get_product tells them."""
    found = (
        by_id(Retrospective.objects.filter(product__slug=product_slug), retro_id)
        .values_list("product_id", "board_version")
        .first()
    )
    if found is None:
        get_product(user, product_slug, Action.VIEW_RETROS)
        raise Http404("No such retrospective in this product.")
    require(user, Action.VIEW_RETROS, found[0])
    return found[1]


def require_view(user, retro: Retrospective) -> None:
    require(user, Action.VIEW_RETROS, retro.product_id)


def visible_cards(user, retro: Retrospective, secret: str | None, cards=None) -> list[Card]:
    """The cards of the board this person may see (all of them from the reveal on)."""
    require(user, Action.VIEW_RETROS, retro.product_id)
    if cards is None:
        cards = Card.objects.filter(retro=retro).select_related("author")
    return [card for card in cards if sees_card(user, card, retro, secret)]


def visible_cards_queryset(user, retro: Retrospective, secret: str | None) -> QuerySet[Card]:
    """The same rule as visible_cards, as a queryset (for filters and pages of the API)."""
    cards = Card.objects.filter(retro=retro)
    if retro.phase in (Phase.REVIEW, Phase.WRITE):
        own = [card.pk for card in visible_cards(user, retro, secret)]
        cards = cards.filter(pk__in=own)
    return cards.select_related("author")


def access_card(
    user,
    retro: Retrospective,
    card_id,
    secret: str | None,
    action: Action = Action.VIEW_RETROS,
    *,
    field: str | None = None,
) -> Card:
    require(user, action, retro.product_id)
    card = by_id(Card.objects.filter(retro=retro), card_id).select_related("author").first()
    if card is None or not sees_card(user, card, retro, secret):
        raise missing("No such card on this board.", field)
    return card


def access_own_card(user, retro: Retrospective, card_id, secret: str | None, *, field: str | None = None) -> Card:
    card = access_card(user, retro, card_id, secret, Action.TAKE_PART_IN_RETRO, field=field)
    if not is_own_card(user, card, secret):
        raise PermissionDenied("People edit and delete only their own cards.")
    return card


def access_theme(
    user, retro: Retrospective, theme_id, action: Action = Action.VIEW_RETROS, *, field: str | None = None
) -> Theme:
    require(user, action, retro.product_id)
    return one_by_id(Theme.objects.filter(retro=retro), theme_id, "No such theme on this board.", field=field)


def visible_themes(user, retro: Retrospective) -> QuerySet[Theme]:
    """The board's themes with their vote counts (pages decide when counts may show)."""
    require(user, Action.VIEW_RETROS, retro.product_id)
    return Theme.objects.filter(retro=retro).annotate(vote_count=Count("votes")).order_by("position", "id")


def access_theme_in_product(
    user, product: Product, theme_id, action: Action = Action.TAKE_PART_IN_RETRO, *, field: str | None = None
) -> Theme:
    """A theme of any retrospective of the product: for a request that names a
    theme of another board, so the service can refuse it with its reason."""
    require(user, action, product)
    return one_by_id(
        Theme.objects.filter(retro__product=product), theme_id, "No such theme in this product.", field=field
    )


def visible_columns(user, retro: Retrospective) -> QuerySet[Column]:
    require(user, Action.VIEW_RETROS, retro.product_id)
    return Column.objects.filter(retro=retro).order_by("position")


def visible_formats(user, product: Product) -> QuerySet[RetroFormat]:
    require(user, Action.VIEW_RETROS, product)
    return RetroFormat.objects.filter(product=product).order_by("name")


def access_vote(user, retro: Retrospective, vote_id) -> Vote:
    require(user, Action.TAKE_PART_IN_RETRO, retro.product_id)
    return one_by_id(Vote.objects.filter(retro=retro, voter=user), vote_id, "No such vote of yours on this board.")


def my_votes(user, retro: Retrospective) -> QuerySet[Vote]:
    require(user, Action.VIEW_RETROS, retro.product_id)
    return Vote.objects.filter(retro=retro, voter=user)


def team_of_retro(retro: Retrospective, user_ids: set[int]) -> set[int]:
    """Those of `user_ids` who take part in the retro's product's retrospectives (who may be told it started)."""
    return set(
        Membership.objects.filter(
            product_id=retro.product_id, user_id__in=user_ids, role__in=[role.value for role in TEAM]
        ).values_list("user_id", flat=True)
    )


def my_actions(user) -> QuerySet[ActionItem]:
    """Across the user's products: the open retro actions they own (My work)."""
    return ActionItem.objects.filter(
        owner_id=user.pk,
        status=ActionItem.Status.OPEN,  # a carried one lives on as an open copy in the next retro
        retro__product_id__in=product_ids_where(user, Action.VIEW_RETROS),
    )


def visible_actions(user, product: Product) -> QuerySet[ActionItem]:
    require(user, Action.VIEW_RETROS, product)
    return ActionItem.objects.filter(retro__product=product)


def access_action(
    user, product: Product, action_id, action: Action = Action.VIEW_RETROS, *, field: str | None = None
) -> ActionItem:
    require(user, action, product)
    item = (
        by_id(ActionItem.objects.filter(retro__product=product), action_id)
        .select_related("retro", "owner", "backlog_item")
        .first()
    )
    if item is None:
        raise missing("No such action item in this product.", field)
    return item


def access_retro_action(user, retro: Retrospective, action_id, action: Action = Action.VIEW_RETROS) -> ActionItem:
    """An action item made in this retrospective."""
    require(user, action, retro.product_id)
    return one_by_id(
        ActionItem.objects.filter(retro=retro).select_related("retro", "owner"),
        action_id,
        "No such action item in this retrospective.",
    )


def access_health_check(user, retro: Retrospective, action: Action = Action.VIEW_RETROS) -> HealthCheck:
    require(user, action, retro.product_id)
    check = HealthCheck.objects.filter(retro=retro).first()
    if check is None:
        raise Http404("This retrospective has no health check.")
    return check


def access_format(user, product: Product, format_id, action: Action = Action.FACILITATE_RETRO) -> RetroFormat:
    require(user, action, product)
    return one_by_id(RetroFormat.objects.filter(product=product), format_id, "No such board layout in this product.")


def visible_dimensions(user, product: Product) -> QuerySet[HealthDimension]:
    require(user, Action.VIEW_RETROS, product)
    return HealthDimension.objects.filter(product=product).order_by("position", "id")


def access_dimension(user, product: Product, dimension_id, action: Action = Action.FACILITATE_RETRO) -> HealthDimension:
    require(user, action, product)
    return one_by_id(
        HealthDimension.objects.filter(product=product), dimension_id, "No such health-check dimension in this product."
    )
