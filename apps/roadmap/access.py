"""The way to roadmap objects: every page, API view, feed and export finds
them here. The team (VIEW_ROADMAP) sees every item with its internal notes,
links and forecasts; everyone else in the product (VIEW_SHARED_ROADMAP) sees
only the items and milestones shared with stakeholders. People outside the
product get a 404 (apps.products.access.get_product)."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from apps.accounts.models import Membership
from apps.accounts.permissions import TEAM, Action, can, product_ids_where, require
from apps.backlog import access as backlog_access
from apps.backlog.models import MAX_NUMBER, BacklogItem
from apps.core.http import as_id
from apps.core.lookups import one_by_id
from apps.hypotheses import access as hypotheses_access
from apps.hypotheses.models import Hypothesis
from apps.products import access as products_access
from apps.products.models import OutcomeMetric, Product
from apps.requests import access as requests_access
from apps.requests.models import StakeholderRequest
from apps.roadmap.models import FeedToken, Forecast, Milestone, RoadmapItem
from apps.sprints import access as sprints_access
from apps.sprints.models import Sprint


def sees_internals(user, product: Product) -> bool:
    """May the user see unshared items, internal notes, links and forecasts of epics?"""
    return can(user, Action.VIEW_ROADMAP, product)


def who_may_discuss(item: RoadmapItem, user_ids: set[int]) -> set[int]:
    """Those of `user_ids` on the product's team: the roadmap's threads and
    forecasts are the team's (stakeholders see shared items' public
    description only), so only they are mentioned or told."""
    return set(
        Membership.objects.filter(
            product_id=item.product_id, user_id__in=user_ids, role__in=[role.value for role in TEAM]
        ).values_list("user_id", flat=True)
    )


def visible_items(user, product: Product) -> QuerySet[RoadmapItem]:
    """The one list filter for roadmap items: lists, counts, timeline, feed and CSV all start here."""
    require(user, Action.VIEW_SHARED_ROADMAP, product)
    items = RoadmapItem.objects.filter(product=product)
    return items if sees_internals(user, product) else items.filter(shared=True)


def items_across(user) -> tuple[QuerySet[RoadmapItem], QuerySet[RoadmapItem]]:
    """Roadmap items of all the user's products (the global search): every item
    where they are on the team, and the shared ones elsewhere, which must be
    searched in their public fields only."""
    team = product_ids_where(user, Action.VIEW_ROADMAP)
    others = [pk for pk in product_ids_where(user, Action.VIEW_SHARED_ROADMAP) if pk not in team]
    return (
        RoadmapItem.objects.filter(product_id__in=team),
        RoadmapItem.objects.filter(product_id__in=others, shared=True),
    )


def visible_milestones(user, product: Product) -> QuerySet[Milestone]:
    """Stakeholders see shared milestones that hang on no item or on a shared one."""
    require(user, Action.VIEW_SHARED_ROADMAP, product)
    milestones = Milestone.objects.filter(product=product)
    if sees_internals(user, product):
        return milestones
    return milestones.filter(shared=True).filter(Q(roadmap_item__isnull=True) | Q(roadmap_item__shared=True))


def shared_milestones(user, product: Product) -> QuerySet[Milestone]:
    """What the stakeholder view shows, for stakeholders and for the team previewing it."""
    return (
        visible_milestones(user, product)
        .filter(shared=True)
        .filter(Q(roadmap_item__isnull=True) | Q(roadmap_item__shared=True))
    )


def access_item(user, product: Product, item_id, action: Action = Action.VIEW_SHARED_ROADMAP) -> RoadmapItem:
    require(user, action, product)
    items = visible_items(user, product).select_related("outcome_metric")
    item = one_by_id(items, item_id, "No such item on this roadmap.")
    item.product = product  # keeps the viewer's role set by get_product
    return item


def access_milestone(user, product: Product, milestone_id, action: Action = Action.VIEW_SHARED_ROADMAP) -> Milestone:
    require(user, action, product)
    return one_by_id(visible_milestones(user, product), milestone_id, "No such milestone on this roadmap.")


def access_forecast(user, product: Product, item: RoadmapItem) -> Forecast | None:
    """The stored forecast of an item the user may see (access_item first); None before the first computation."""
    require(user, Action.VIEW_SHARED_ROADMAP, product)
    if item.product_id != product.pk:
        raise Http404("No such item on this roadmap.")
    return Forecast.objects.filter(roadmap_item=item).first()


def access_epic(user, product: Product, number, action: Action = Action.VIEW_ROADMAP) -> BacklogItem:
    """An epic of the product's backlog, by its number, for its forecast (team only)."""
    require(user, action, product)
    number = as_id(number) or 0
    epic = BacklogItem.objects.filter(product=product, number=number, kind=BacklogItem.Kind.EPIC).first()
    if epic is None:
        raise Http404(f"No epic #{number} in this backlog.")
    return epic


def access_feed(secret: str) -> tuple[Product, FeedToken, bool]:
    """The product of the live feed token with this secret (found by its
    digest), whose owner may still see the roadmap, and whether the owner sees
    internals; 404 for anything else (a revoked token, a person who left the
    product or changed their password, a made-up secret)."""
    secret = str(secret)
    feed = None
    if 0 < len(secret) <= MAX_FEED_SECRET:
        feed = (
            FeedToken.objects.filter(digest=FeedToken.digest_of(secret), revoked_at__isnull=True)
            .select_related("product", "user")
            .first()
        )
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar.")
    if not can(feed.user, Action.VIEW_SHARED_ROADMAP, feed.product):
        raise Http404("No such calendar.")
    return feed.product, feed, sees_internals(feed.user, feed.product)


# Secrets are 43 characters (secrets.token_urlsafe(32)); anything much longer is not one.
MAX_FEED_SECRET = 100


def live_feed_token(user, product: Product) -> FeedToken | None:
    require(user, Action.VIEW_SHARED_ROADMAP, product)
    return FeedToken.objects.filter(user=user, product=product, revoked_at__isnull=True).first()


def _numbers(value, field: str, prefix: str) -> list[int]:
    """Numbers from "#3, #9" (or "R-3 R-7", or a list of ints); a token that is no number is named."""
    if value is None:
        return []
    tokens = value if isinstance(value, list | tuple) else str(value).replace(",", " ").split()
    numbers = []
    for token in tokens:
        text = str(token).strip().upper().removeprefix(prefix).removeprefix("#")
        number = as_id(text)
        if number is None or number > MAX_NUMBER:
            raise ValidationError({field: f"“{token}” is not a number like {prefix or '#'}12."})
        numbers.append(number)
    return numbers


def visible_hypotheses(user, product: Product) -> QuerySet[Hypothesis]:
    """The hypotheses a roadmap reader may see linked to an item, through the
    hypotheses app's door: the team's every one, everyone else's the published
    ones; none where the role (or a token's scope) shows no hypotheses at all."""
    if not can(user, Action.VIEW_PUBLISHED_HYPOTHESES, product):
        return Hypothesis.objects.none()
    return hypotheses_access.visible_hypotheses(user, product).select_related("metric").order_by("number")


def with_hypotheses(user, product: Product, items: QuerySet[RoadmapItem]) -> QuerySet[RoadmapItem]:
    """Items with `linked_hypotheses`: the ones of `visible_hypotheses`, in one more query for any number of items."""
    return items.prefetch_related(
        Prefetch("hypotheses", queryset=visible_hypotheses(user, product), to_attr="linked_hypotheses")
    )


def items_linking(user, product: Product, hypothesis: Hypothesis) -> QuerySet[RoadmapItem]:
    """The roadmap items the viewer may see that link `hypothesis` (a stakeholder: the shared ones)."""
    return visible_items(user, product).filter(hypotheses=hypothesis)


def resolve_links(user, product: Product, **links) -> dict[str, list]:
    """Epics, backlog items, requests and hypotheses by the numbers people see,
    found through the doors of their apps (apps.backlog.access,
    apps.requests.access, apps.hypotheses.access) within this product; a
    number that names nothing there is refused with its field."""
    resolved: dict[str, list] = {}
    for field in ("epics", "backlog_items"):
        if links.get(field) is None:
            continue
        numbers = _numbers(links[field], field, "")
        found = {item.number: item for item in backlog_access.visible_items(user, product, numbers=numbers)}
        wanted_epics = field == "epics"
        missing = [n for n in numbers if n not in found or (wanted_epics and found[n].kind != BacklogItem.Kind.EPIC)]
        if missing:
            what = "epic" if wanted_epics else "item"
            listed = ", ".join(f"#{n}" for n in missing)
            raise ValidationError({field: f"No {what} {listed} in this product's backlog."})
        resolved[field] = [found[n] for n in numbers]
    if links.get("requests") is not None:
        numbers = _numbers(links["requests"], "requests", "R-")
        visible = requests_access.visible_requests(user, product).filter(number__in=numbers)
        requests = {r.number: r for r in visible}
        missing = [n for n in numbers if n not in requests]
        if missing:
            raise ValidationError({"requests": f"No request {', '.join(f'R-{n}' for n in missing)} in this product."})
        resolved["requests"] = [requests[n] for n in numbers]
    if links.get("hypotheses") is not None:
        numbers = list(dict.fromkeys(_numbers(links["hypotheses"], "hypotheses", "H-")))
        bets = {h.number: h for h in visible_hypotheses(user, product).filter(number__in=numbers)}
        missing = [n for n in numbers if n not in bets]
        if missing:
            listed = ", ".join(f"H-{n}" for n in missing)
            raise ValidationError({"hypotheses": f"No hypothesis {listed} in this product."})
        resolved["hypotheses"] = [bets[n] for n in numbers]
    return resolved


def access_request(user, product: Product, number) -> StakeholderRequest:
    """A request of the product, to put on the roadmap (PM), through the requests app's door."""
    require(user, Action.EDIT_ROADMAP, product)
    return requests_access.access_request(user, product, number)


def access_sprint(user, product: Product, sprint_id, *, field: str | None = None) -> Sprint:
    """A sprint of the product a milestone is tied to, through the sprints app's door."""
    return sprints_access.access_sprint(user, product, sprint_id, field=field)


def sprints_of(user, product: Product) -> QuerySet[Sprint]:
    """Sprints a milestone may be tied to (the team's choice list)."""
    require(user, Action.VIEW_ROADMAP, product)
    return Sprint.objects.filter(product=product).order_by("-start_date")


def access_metric(user, product: Product, metric_id, *, field: str = "outcome_metric") -> OutcomeMetric:
    """An outcome metric of the product, through the products app's door; a bad id is an error on `field`."""
    try:
        return products_access.access_metric(user, product, metric_id, Action.VIEW_SHARED_ROADMAP)
    except Http404:
        raise ValidationError({field: "No such outcome metric in this product."}) from None


def metrics_of(user, product: Product) -> QuerySet[OutcomeMetric]:
    require(user, Action.VIEW_SHARED_ROADMAP, product)
    return OutcomeMetric.objects.filter(product=product).order_by("name")
