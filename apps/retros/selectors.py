"""Reads shared by pages, the API, exports and other apps (the sprint page,
the happiness report). Each does its own joins, so the number of queries does
not grow with the number of cards, themes or checks."""

import datetime
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.accounts.permissions import TEAM
from apps.products.models import Product
from apps.retros import access
from apps.retros.models import (
    ActionItem,
    Card,
    Column,
    HealthAnswer,
    HealthCheck,
    HealthCheckMark,
    Phase,
    Rating,
    Retrospective,
    Theme,
    Vote,
)
from apps.sprints.models import Sprint

SCORES = {Rating.GREEN: 100, Rating.AMBER: 50, Rating.RED: 0}
TREND_STEP = 10  # points of 100 that count as a move up or down
TREND_CHECKS = 6


def retro_list(product: Product) -> QuerySet[Retrospective]:
    return (
        Retrospective.objects.filter(product=product)
        .select_related("sprint", "stage", "facilitator")
        .annotate(
            card_count=Count("cards", distinct=True),
            open_actions=Count("actions", filter=Q(actions__status=ActionItem.Status.OPEN), distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def team_of(product: Product) -> list[User]:
    """The people who take part in the product's retrospectives (owners, facilitators)."""
    user_ids = Membership.objects.filter(product=product, role__in=list(TEAM)).values("user_id")
    return list(User.objects.filter(pk__in=user_ids).order_by("first_name", "last_name", "username"))


def team_member(product: Product, user_id: int | None) -> User | None:
    """The person of the product's team with this id (an owner, a facilitator), or None."""
    if user_id is None:
        return None
    return next((person for person in team_of(product) if person.pk == user_id), None)


def sprints_for_retros(product: Product) -> QuerySet[Sprint]:
    return Sprint.objects.filter(product=product).exclude(status=Sprint.Status.PLANNED).order_by("-start_date", "-id")


@dataclass
class CardRow:
    """A card as a board shows it. An anonymous card has no author to show."""

    pk: int
    column_id: int
    theme_id: int | None
    content: str
    anonymous: bool
    author_id: int | None
    author: str
    version: int


@dataclass
class ThemeView:
    theme: Theme
    cards: list[CardRow] = field(default_factory=list)
    votes: int | None = None  # None while votes are secret (vote phase)
    my_votes: int = 0


@dataclass
class ColumnView:
    column: Column
    cards: list[CardRow] = field(default_factory=list)


@dataclass
class Board:
    retro: Retrospective
    columns: list[ColumnView]
    themes: list[ThemeView]
    card_count: int
    own: set[int]
    my_votes_used: int
    actions: list[ActionItem]
    to_review: list[ActionItem]
    reviewed: list[ActionItem]
    health: HealthCheck | None
    health_answered: bool
    health_answers: dict

    @property
    def votes_left(self) -> int:
        return max(self.retro.votes_per_person - self.my_votes_used, 0)

    @property
    def loose_cards(self) -> int:
        return sum(len(c.cards) for c in self.columns)


def board(retro: Retrospective, viewer: User, secret: str | None) -> Board:
    """Everything one person's board shows, in a fixed number of queries.
    While cards are written, a person sees only their own (read in full);
    from the reveal on, every card, read as plain rows (a board holds hundreds)."""
    access.require_view(viewer, retro)
    columns = list(Column.objects.filter(retro=retro))
    writing = retro.phase in (Phase.REVIEW, Phase.WRITE)
    if writing:
        rows = list(Card.objects.filter(retro=retro).values_list("pk", "anonymous", "author_id", "writer_tag"))
        own = access.own_card_ids(viewer, secret, rows)
        cards = [
            _row_of(card, content=card.content)
            for card in Card.objects.filter(pk__in=own).select_related("author").order_by("position", "id")
        ]
        card_count = len(rows)
    else:
        cards = [
            CardRow(
                pk=row["pk"],
                column_id=row["column_id"],
                theme_id=row["theme_id"],
                content=row["text"],
                anonymous=row["anonymous"],
                author_id=row["author_id"],
                author=_name(row),
                version=row["version"],
            )
            for row in Card.objects.filter(retro=retro)
            .order_by("position", "id")
            .values(
                "pk",
                "column_id",
                "theme_id",
                "text",
                "anonymous",
                "author_id",
                "version",
                "author__first_name",
                "author__last_name",
                "author__username",
            )
        ]
        card_count = len(cards)
    grouping = retro.is_at_least(Phase.GROUP)
    votes_public = retro.is_at_least(Phase.DISCUSS)
    themes = list(
        Theme.objects.filter(retro=retro).annotate(vote_count=Count("votes")).order_by("position", "id")
        if grouping
        else []
    )
    mine = Counter(access.my_votes(viewer, retro).values_list("theme_id", flat=True)) if grouping else Counter()
    by_theme: dict[int, list[CardRow]] = defaultdict(list)
    by_column: dict[int, list[CardRow]] = defaultdict(list)
    for card in cards:
        if grouping and card.theme_id:
            by_theme[card.theme_id].append(card)
        else:
            by_column[card.column_id].append(card)
    theme_views = [
        ThemeView(
            theme=t,
            cards=by_theme.get(t.pk, []),
            votes=getattr(t, "vote_count", 0) if votes_public else None,
            my_votes=mine.get(t.pk, 0),
        )
        for t in themes
    ]
    if votes_public:
        theme_views.sort(key=lambda view: (-(view.votes or 0), view.theme.position, view.theme.pk))
    check = HealthCheck.objects.filter(retro=retro).first()
    return Board(
        retro=retro,
        columns=[ColumnView(column=c, cards=by_column.get(c.pk, [])) for c in columns],
        themes=theme_views,
        card_count=card_count,
        own={card.pk for card in cards} if writing else set(),
        my_votes_used=sum(mine.values()),
        actions=list(
            ActionItem.objects.filter(retro=retro)
            .select_related("owner", "backlog_item", "theme", "carried_from__retro")
            .order_by("id")
        ),
        to_review=list(review_list(retro)) if retro.phase == Phase.REVIEW else [],
        reviewed=list(ActionItem.objects.filter(reviewed_in=retro).select_related("owner", "retro").order_by("id")),
        health=check,
        health_answered=check is not None
        and HealthCheckMark.objects.filter(health_check=check, person=viewer).exists(),
        health_answers=answer_count(check) if check else {},
    )


def _name(row: Mapping[str, Any]) -> str:
    full = f"{row['author__first_name']} {row['author__last_name']}".strip()
    return full or (row["author__username"] or "")


def _row_of(card: Card, *, content: str) -> "CardRow":
    return CardRow(
        pk=card.pk,
        column_id=card.column_id,
        theme_id=card.theme_id,
        content=content,
        anonymous=card.anonymous,
        author_id=card.author_id,
        author=str(card.author) if card.author else "",
        version=card.version,
    )


def review_list(retro: Retrospective) -> QuerySet[ActionItem]:
    """Open actions of earlier retrospectives, to be reviewed when this one opens."""
    return (
        ActionItem.objects.filter(
            retro__product_id=retro.product_id,
            retro__created_at__lte=retro.created_at,
            status=ActionItem.Status.OPEN,
        )
        .exclude(retro=retro)
        .select_related("owner", "retro", "backlog_item")
        .order_by("retro__created_at", "id")
    )


def overdue_actions(product: Product, *, today: datetime.date | None = None) -> QuerySet[ActionItem]:
    today = today or timezone.localdate()
    return (
        ActionItem.objects.filter(retro__product=product, status=ActionItem.Status.OPEN, due_date__lt=today)
        .select_related("owner", "retro", "backlog_item")
        .order_by("due_date", "id")
    )


def sprint_section(product: Product, sprint: Sprint) -> dict:
    """What the sprint page shows of retrospectives: the sprint's retros and the product's overdue actions."""
    return {
        "retros": list(Retrospective.objects.filter(sprint=sprint).select_related("stage").order_by("stage_id", "id")),
        "overdue": list(overdue_actions(product)),
    }


# --- Summary ---------------------------------------------------------------------


def retro_summary(retro: Retrospective) -> dict:
    """The summary of a retrospective: themes by votes with their decisions,
    actions, the review of earlier actions and the health-check grid. Card
    authors are left out: a summary is about what was said, not who said it."""
    themes = list(
        Theme.objects.filter(retro=retro).annotate(vote_count=Count("votes")).order_by("-vote_count", "position", "id")
    )
    cards: dict[int, list[Card]] = defaultdict(list)
    loose: list[Card] = []
    # Before the reveal the cards are their writers' alone.
    revealed = Card.objects.filter(retro=retro) if retro.is_at_least(Phase.REVEAL) else Card.objects.none()
    for card in revealed.select_related("column").order_by("column__position", "position"):
        (cards[card.theme_id] if card.theme_id else loose).append(card)
    actions = ActionItem.objects.filter(retro=retro).select_related("owner", "backlog_item").order_by("id")
    reviewed = ActionItem.objects.filter(reviewed_in=retro).select_related("owner").order_by("id")
    check = HealthCheck.objects.filter(retro=retro).first()
    return {
        "title": retro.title,
        "product": retro.product.name,
        "sprint": retro.sprint.name,
        "stage": retro.stage.name if retro.stage else "",
        "format": retro.format_name,
        "phase": retro.get_phase_display(),
        "closed_on": retro.closed_at.date().isoformat() if retro.closed_at else "",
        "themes": [
            {
                "title": t.title,
                "votes": t.vote_count,
                "decision": t.decision,
                "cards": [{"column": c.column.title, "text": c.text} for c in cards.get(t.pk, [])],
            }
            for t in themes
        ],
        "loose_cards": [{"column": c.column.title, "text": c.text} for c in loose],
        "actions": [_action_row(a) for a in actions],
        "reviewed": [_action_row(a) for a in reviewed],
        "health": health_of(check) if check else None,
    }


def _action_row(action: ActionItem) -> dict:
    return {
        "text": action.text,
        "owner": str(action.owner) if action.owner_id else "",
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "status": action.get_status_display(),
        "backlog_item": f"#{action.backlog_item.number}" if action.backlog_item else "",
    }


# --- Health checks ---------------------------------------------------------------


def health_of(check: HealthCheck) -> dict:
    """One check's grid, with trend arrows against the product's previous
    check that had enough answers. Nothing at all while it is open or below
    the minimum number of answers."""
    trend = health_trend(check.product_id, last=TREND_CHECKS, until=check)
    column = trend["checks"][-1] if trend["checks"] else None
    rows = []
    if column and column["enough"]:
        for dimension in trend["dimensions"]:
            cell = dimension["cells"][-1]
            if cell is not None:
                rows.append({"name": dimension["name"], **cell})
    return {
        "open": check.is_open,
        "enough": check.enough_answers,
        "responses": check.responses if not check.is_open else None,
        "min_answers": check.min_answers,
        "rows": rows,
    }


def health_trend(
    product: Product | int,
    *,
    last: int = TREND_CHECKS,
    until: HealthCheck | None = None,
    closed_by: datetime.datetime | None = None,
) -> dict:
    """The product's last closed health checks as a grid: a column per check
    (by sprint), a row per dimension, each cell the score (green 100, amber
    50, red 0), its colour, the counts and the trend against the previous
    check with enough answers. Checks below their minimum number of answers
    show as a column without figures; their answers are never read.

    Used by the retrospectives' health page and by the happiness report (which
    shows the checks closed by the time its round closed: `closed_by`)."""
    product_id = product if isinstance(product, int) else product.pk
    checks_qs = HealthCheck.objects.filter(product_id=product_id, status=HealthCheck.Status.CLOSED)
    if until is not None:
        checks_qs = HealthCheck.objects.filter(product_id=product_id).filter(
            Q(pk=until.pk) | Q(status=HealthCheck.Status.CLOSED, retro__created_at__lt=until.retro.created_at)
        )
    if closed_by is not None:
        checks_qs = checks_qs.filter(closed_at__lte=closed_by)
    checks = list(
        checks_qs.select_related("retro__sprint", "retro__stage").order_by("-retro__created_at", "-id")[:last]
    )
    checks.reverse()
    enough = [c for c in checks if c.enough_answers]
    counts: dict[tuple[int, str], Counter] = defaultdict(Counter)
    names: dict[str, str] = {}
    order: dict[str, int] = {}
    for row in (
        HealthAnswer.objects.filter(health_check__in=enough)
        .values("health_check_id", "dimension_id", "dimension_name", "rating")
        .annotate(n=Count("id"))
    ):
        key = str(row["dimension_id"] or row["dimension_name"])
        counts[(row["health_check_id"], key)][row["rating"]] += row["n"]
        names[key] = row["dimension_name"]
    for check in checks:
        for i, dimension in enumerate(check.dimensions):
            key = str(dimension["id"])
            names.setdefault(key, dimension["name"])
            order.setdefault(key, i)
    dimensions = []
    for key in sorted(names, key=lambda k: (order.get(k, 999), names[k])):
        cells: list[dict | None] = []
        previous = None
        for check in checks:
            tally = counts.get((check.pk, key))
            if not check.enough_answers or not tally:
                cells.append(None)
                continue
            total = sum(tally.values())
            score = round(sum(SCORES[Rating(r)] * n for r, n in tally.items()) / total)
            cells.append(
                {
                    "score": score,
                    "colour": "green" if score >= 67 else "amber" if score >= 34 else "red",
                    "green": tally.get(Rating.GREEN, 0),
                    "amber": tally.get(Rating.AMBER, 0),
                    "red": tally.get(Rating.RED, 0),
                    "trend": _trend(previous, score),
                    "previous": previous,
                }
            )
            previous = score
        dimensions.append({"key": key, "name": names[key], "cells": cells})
    return {
        "checks": [
            {
                "id": c.pk,
                "label": c.retro.sprint.name + (f" · {c.retro.stage.name}" if c.retro.stage else ""),
                "retro_id": c.retro_id,
                "responses": c.responses if c.enough_answers else None,
                "enough": c.enough_answers,
                "open": c.is_open,
                "min_answers": c.min_answers,
            }
            for c in checks
        ],
        "dimensions": dimensions,
    }


def _trend(previous: int | None, score: int) -> str:
    if previous is None:
        return ""
    if score - previous >= TREND_STEP:
        return "up"
    if previous - score >= TREND_STEP:
        return "down"
    return "same"


def health_comments(check: HealthCheck) -> list[dict]:
    """The comments of a closed check with enough answers, by dimension (in
    the random order they were released in, never by time)."""
    if not check.enough_answers:
        return []
    by_dimension: dict[str, list[str]] = defaultdict(list)
    for name, comment in (
        HealthAnswer.objects.filter(health_check=check).exclude(comment="").values_list("dimension_name", "comment")
    ):
        by_dimension[name].append(comment)
    return [{"name": name, "comments": comments} for name, comments in by_dimension.items()]


def has_answered(check: HealthCheck, person: User) -> bool:
    return HealthCheckMark.objects.filter(health_check=check, person=person).exists()


def answer_count(check: HealthCheck) -> dict:
    """How many people answered (never who). While the check is open the count
    moves in steps of its minimum ("fewer than 5", "at least 5", ...), so
    nobody can time a single answer by watching it; exact once closed."""
    answered = HealthCheckMark.objects.filter(health_check=check).count()
    if not check.is_open:
        return {"count": answered, "exact": True, "text": f"{answered} answer{'s' if answered != 1 else ''}"}
    step = max(check.min_answers, 1)
    floor = answered // step * step
    text = f"fewer than {step} answers" if floor == 0 else f"at least {floor} answers"
    return {"count": floor, "exact": False, "text": text}


def my_vote_ids(viewer: User, retro: Retrospective) -> list[int]:
    return list(Vote.objects.filter(retro=retro, voter=viewer).values_list("pk", flat=True))
