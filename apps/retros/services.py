"""Every change to retrospectives goes through these functions; the HTML views
and the API share them. Each is atomic, keyword-only and takes the acting
user. Callers have checked access (apps.retros.access); these enforce the
business rules: phases, limits, sizes, versions.

Every change to a board locks the retrospective's row first and moves its
`board_version` (what clients poll), so the phase read here cannot change
underneath a write, and a vote limit is counted while no other vote on the
board can land.

Nothing here records who wrote an anonymous card, in a row or in a log line.
"""

import datetime
import random
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.accounts.permissions import TEAM
from apps.backlog import services as backlog
from apps.backlog.models import BacklogItem
from apps.core import ballots
from apps.core.http import as_id
from apps.core.queue import enqueue_after_commit
from apps.core.versions import refuse_if_stale
from apps.notifications import services as notifications
from apps.notifications.kinds import Kind
from apps.products.models import Product
from apps.retros import formats, writers
from apps.retros.models import (
    ACTION_TEXT_MAX,
    CARD_TEXT_MAX,
    COLUMN_PROMPT_MAX,
    COLUMN_TITLE_MAX,
    COMMENT_MAX,
    DECISION_MAX,
    MAX_VOTES_PER_PERSON,
    PHASE_ORDER,
    THEME_TITLE_MAX,
    ActionItem,
    Card,
    Column,
    HealthAnswer,
    HealthCheck,
    HealthCheckMark,
    HealthDimension,
    Phase,
    Rating,
    RetroFormat,
    RetroSettings,
    Retrospective,
    SummaryEmail,
    Theme,
    Vote,
)
from apps.sprints.models import Sprint, SprintStage

_shuffle = random.SystemRandom().shuffle
POSITION_GAP = 1024
MAX_TIMER_MINUTES = 120

# --- Settings, layouts, dimensions -----------------------------------------------


def settings_of(product: Product) -> RetroSettings:
    return RetroSettings.objects.filter(product=product).first() or RetroSettings(product=product)


@transaction.atomic
def settings_update(
    *,
    actor: User,
    product: Product,
    expected_version: int | None,
    votes_per_person: int,
    several_votes_per_theme: bool,
    health_min_answers: int,
) -> RetroSettings:
    current = RetroSettings.objects.select_for_update().filter(product=product).first()
    if current is None:
        current = RetroSettings(product=product, version=0)
    elif expected_version is not None:
        refuse_if_stale(current, expected_version, label="The retrospective settings")
    current.votes_per_person = votes_per_person
    current.several_votes_per_theme = several_votes_per_theme
    current.health_min_answers = health_min_answers
    current.full_clean(exclude=["product"])
    current.version += 1
    current.save()
    return current


def _clean_columns(columns: Iterable[dict]) -> list[dict]:
    cleaned = []
    for column in columns:
        title = _text(column.get("title"), COLUMN_TITLE_MAX, "columns", "A column title")
        prompt = (column.get("prompt") or "").strip()
        if len(prompt) > COLUMN_PROMPT_MAX:
            raise ValidationError({"columns": f"A column prompt has at most {COLUMN_PROMPT_MAX} characters."})
        cleaned.append({"title": title, "prompt": prompt})
    if not cleaned:
        raise ValidationError({"columns": "A board needs at least one column."})
    if len(cleaned) > formats.MAX_COLUMNS:
        raise ValidationError({"columns": f"A board has at most {formats.MAX_COLUMNS} columns."})
    if len({c["title"].casefold() for c in cleaned}) != len(cleaned):
        raise ValidationError({"columns": "Two columns have the same title."})
    return cleaned


@transaction.atomic
def format_save(*, actor: User, product: Product, name: str, columns: Iterable[dict]) -> RetroFormat:
    """Save (or replace) a board layout of the product's own under `name`."""
    name = _text(name, 60, "name", "A layout name")
    cleaned = _clean_columns(columns)
    found = RetroFormat.objects.select_for_update().filter(product=product, name=name).first()
    if found is None:
        return RetroFormat.objects.create(product=product, name=name, columns=cleaned, created_by=actor)
    found.columns = cleaned
    found.version += 1
    found.save(update_fields=["columns", "version"])
    return found


@transaction.atomic
def format_delete(*, actor: User, board_format: RetroFormat) -> None:
    board_format.delete()


def dimensions_of(product: Product, *, active_only: bool = True) -> list[HealthDimension]:
    """The product's health-check dimensions; the squad health check's defaults until it edits them."""
    dimensions = HealthDimension.objects.filter(product=product)
    if not dimensions.exists():
        _default_dimensions(product)
    if active_only:
        dimensions = dimensions.filter(active=True)
    return list(dimensions)


@transaction.atomic
def _default_dimensions(product: Product) -> None:
    Product.objects.select_for_update().filter(pk=product.pk).first()
    if HealthDimension.objects.filter(product=product).exists():
        return
    HealthDimension.objects.bulk_create(
        HealthDimension(product=product, position=i, name=name, green=green, red=red)
        for i, (name, green, red) in enumerate(formats.DEFAULT_DIMENSIONS)
    )


@transaction.atomic
def dimension_add(*, actor: User, product: Product, name: str, green: str = "", red: str = "") -> HealthDimension:
    dimensions_of(product, active_only=False)
    name = _text(name, 80, "name", "A dimension name")
    if HealthDimension.objects.filter(product=product, name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a dimension called “{name}”."})
    position = (HealthDimension.objects.filter(product=product).aggregate(m=Max("position"))["m"] or 0) + 1
    dimension = HealthDimension(product=product, position=position, name=name, green=green.strip(), red=red.strip())
    dimension.full_clean()
    dimension.save()
    return dimension


@transaction.atomic
def dimension_update(*, actor: User, dimension: HealthDimension, **changes: Any) -> HealthDimension:
    unknown = set(changes) - {"name", "green", "red", "active", "position"}
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    current = HealthDimension.objects.select_for_update().get(pk=dimension.pk)
    if "name" in changes:
        changes["name"] = _text(changes["name"], 80, "name", "A dimension name")
        if (
            HealthDimension.objects.filter(product_id=current.product_id, name__iexact=changes["name"])
            .exclude(pk=current.pk)
            .exists()
        ):
            raise ValidationError({"name": f"There is already a dimension called “{changes['name']}”."})
    for field, value in changes.items():
        setattr(current, field, value.strip() if isinstance(value, str) else value)
    current.full_clean()
    current.save()
    return current


# --- Retrospectives --------------------------------------------------------------


@transaction.atomic
def retro_create(
    *,
    actor: User,
    product: Product,
    sprint: Sprint,
    stage: SprintStage | None = None,
    title: str = "",
    format_key: str = formats.DEFAULT_FORMAT,
    votes_per_person: int | None = None,
    several_votes_per_theme: bool | None = None,
    facilitator: User | None = None,
    health_check: bool = True,
) -> Retrospective:
    """Open a retrospective of a sprint (or of one stage of a staged sprint).
    It starts with the review of earlier open actions when there are any."""
    if sprint.product_id != product.pk:
        raise ValidationError({"sprint": "That sprint belongs to another product."})
    if stage is not None and stage.sprint_id != sprint.pk:
        raise ValidationError({"stage": "That stage belongs to another sprint."})
    if sprint.status == Sprint.Status.PLANNED:
        raise ValidationError(
            {"sprint": f"{sprint.name} has not started yet; a retrospective looks back on work done."}
        )
    Sprint.objects.select_for_update().filter(pk=sprint.pk).first()
    if Retrospective.objects.filter(sprint=sprint, stage=stage).exists():
        where = f"stage “{stage.name}” of {sprint.name}" if stage else sprint.name
        raise ValidationError({"sprint": f"{where} already has a retrospective."})
    name, columns = _columns_for(product, format_key)
    defaults = settings_of(product)
    facilitator = facilitator or actor
    _refuse_outside_team(product, facilitator, "facilitator")
    retro = Retrospective(
        product=product,
        sprint=sprint,
        stage=stage,
        title=_text(title or _default_title(sprint, stage)[:120], 120, "title", "A title"),
        format_name=name,
        facilitator=facilitator,
        votes_per_person=defaults.votes_per_person if votes_per_person is None else votes_per_person,
        several_votes_per_theme=(
            defaults.several_votes_per_theme if several_votes_per_theme is None else several_votes_per_theme
        ),
        previous=Retrospective.objects.filter(product=product).order_by("-created_at", "-id").first(),
        created_by=actor,
    )
    retro.full_clean(exclude=["product", "sprint", "stage", "previous", "facilitator", "discussing"])
    try:
        with transaction.atomic():
            retro.save()
    except IntegrityError as exc:
        raise ValidationError({"sprint": "This sprint already has a retrospective."}) from exc
    Column.objects.bulk_create(
        Column(retro=retro, position=i, title=c["title"], prompt=c["prompt"]) for i, c in enumerate(columns)
    )
    if actions_to_review(retro).exists():
        retro.phase = Phase.REVIEW
        retro.save(update_fields=["phase"])
    if health_check:
        dimensions = dimensions_of(product)
        if dimensions:
            HealthCheck.objects.create(
                retro=retro,
                product=product,
                dimensions=[{"id": d.pk, "name": d.name} for d in dimensions],
                min_answers=defaults.health_min_answers,
            )
    notifications.notify(
        kind=Kind.RETRO_STARTED,
        recipients=Membership.objects.filter(product=product, role__in=[role.value for role in TEAM]).values_list(
            "user_id", flat=True
        ),
        key=f"retros.started:{retro.pk}",
        text=f"{actor} started the retrospective “{retro.title}”: add your cards",
        link=reverse("retros:board", args=[product.slug, retro.pk]),
        actor=actor,
        product=product,
        target=retro,
    )
    return retro


def _default_title(sprint: Sprint, stage: SprintStage | None) -> str:
    return f"Retrospective: {sprint.name}" + (f" · {stage.name}" if stage else "")


def _columns_for(product: Product, format_key: str) -> tuple[str, list[dict]]:
    if format_key in formats.BUILT_IN:
        chosen = formats.BUILT_IN[format_key]
        return chosen.name, [{"title": t, "prompt": p} for t, p in chosen.columns]
    if format_key.startswith(formats.CUSTOM_PREFIX):
        pk = as_id(format_key.removeprefix(formats.CUSTOM_PREFIX))
        custom = None if pk is None else RetroFormat.objects.filter(product=product, pk=pk).first()
        if custom is not None:
            return custom.name, _clean_columns(custom.columns)
    raise ValidationError({"format_key": "Choose one of the board layouts."})


def actions_to_review(retro: Retrospective):
    """Open actions of the product's earlier retrospectives: this one reviews them first."""
    return ActionItem.objects.filter(
        retro__product_id=retro.product_id, retro__created_at__lte=retro.created_at, status=ActionItem.Status.OPEN
    ).exclude(retro=retro)


@transaction.atomic
def retro_update(
    *,
    actor: User,
    retro: Retrospective,
    expected_version: int | None,
    title: str | None = None,
    votes_per_person: int | None = None,
    several_votes_per_theme: bool | None = None,
) -> Retrospective:
    current = _lock(retro)
    refuse_if_stale(current, expected_version, label=f"“{current.title}”")
    _refuse_closed(current)
    if title is not None:
        current.title = _text(title, 120, "title", "A title")
    voting = {"votes_per_person": votes_per_person, "several_votes_per_theme": several_votes_per_theme}
    voting = {field: value for field, value in voting.items() if value is not None and value != getattr(current, field)}
    if voting and current.is_at_least(Phase.VOTE):
        raise ValidationError("The voting rules cannot change once voting has started.")
    if votes_per_person is not None and not 1 <= votes_per_person <= MAX_VOTES_PER_PERSON:
        raise ValidationError({"votes_per_person": f"Give each person between 1 and {MAX_VOTES_PER_PERSON} votes."})
    for field, value in voting.items():
        setattr(current, field, value)
    current.version += 1
    current.save(update_fields=["title", "votes_per_person", "several_votes_per_theme", "version"])
    _moved(current)
    return current


@transaction.atomic
def retro_hand_over(
    *, actor: User, retro: Retrospective, facilitator: User, expected_version: int | None = None
) -> Retrospective:
    """Hand the facilitation to anyone in the product's team."""
    current = _lock(retro)
    refuse_if_stale(current, expected_version, label=f"“{current.title}”")
    _refuse_closed(current)
    _refuse_outside_team(current.product, facilitator, "facilitator")
    current.facilitator = facilitator
    current.version += 1
    current.save(update_fields=["facilitator", "version"])
    _moved(current)
    return current


@transaction.atomic
def phase_advance(*, actor: User, retro: Retrospective, to: str) -> Retrospective:
    """Move the retrospective on to phase `to`, never back. Skipping ahead runs
    what each skipped step does (reveal the cards, make solo themes, close)."""
    current = _lock(retro)
    try:
        target = Phase(to)
    except ValueError:
        raise ValidationError({"to": f"“{to}” is not a phase."}) from None
    here = PHASE_ORDER.index(Phase(current.phase))
    there = PHASE_ORDER.index(target)
    if current.is_closed:
        raise ValidationError("This retrospective is closed.")
    if there == here:
        raise ValidationError(f"The retrospective is already in the {target.label.lower()} phase.")
    if there < here:
        raise ValidationError(
            f"Phases only move forward: the retrospective is in the {current.get_phase_display().lower()} phase, "
            f"past {target.label.lower()}."
        )
    for step in PHASE_ORDER[here + 1 : there + 1]:
        _enter(current, step, actor=actor)
        current.phase = step
    current.save(update_fields=["phase", "discussing", "timer_ends_at", "closed_at"])
    _moved(current)
    return current


def _enter(retro: Retrospective, phase: Phase, *, actor: User) -> None:
    if phase == Phase.WRITE:
        waiting = actions_to_review(retro).count()
        if waiting:
            raise ValidationError(
                f"Review the {waiting} open action{'s' if waiting != 1 else ''} of the last retrospective first: "
                "done, still open (carried) or dropped."
            )
    elif phase == Phase.REVEAL:
        cards_reveal(retro)
    elif phase == Phase.VOTE:
        _themes_for_voting(retro)
    elif phase == Phase.DISCUSS:
        retro.discussing = _ranked_themes(retro).first()
        retro.timer_ends_at = None
    elif phase == Phase.CLOSED:
        if retro.discussing_id:
            Theme.objects.filter(pk=retro.discussing_id).update(discussed=True)
        retro.discussing = None
        retro.timer_ends_at = None
        retro.closed_at = timezone.now()
        check = HealthCheck.objects.filter(retro=retro).first()
        if check is not None and check.is_open:
            health_check_close(actor=actor, check=check)
        _queue_summary_emails(retro)


def cards_reveal(retro: Retrospective) -> None:
    """Write every card again under a new id, in a random order, in clear and
    without the writers' tags: nothing of the writing (ids, row order,
    transaction ids, request logs naming a card) leads back to a writer."""
    cards = list(Card.objects.filter(retro=retro))
    Card.objects.filter(retro=retro).delete()
    _shuffle(cards)
    positions: dict[int, int] = {}
    fresh = []
    for card in cards:
        positions[card.column_id] = positions.get(card.column_id, 0) + POSITION_GAP
        fresh.append(
            Card(
                retro=retro,
                column_id=card.column_id,
                text=card.content,
                anonymous=card.anonymous,
                author_id=None if card.anonymous else card.author_id,
                position=positions[card.column_id],
            )
        )
    Card.objects.bulk_create(fresh)


def _themes_for_voting(retro: Retrospective) -> None:
    """Every card is voted on in a theme: empty themes go, a card on its own becomes a theme of its own."""
    Theme.objects.filter(retro=retro, cards__isnull=True).delete()
    loose = list(Card.objects.filter(retro=retro, theme__isnull=True).order_by("column__position", "position"))
    start = (Theme.objects.filter(retro=retro).aggregate(m=Max("position"))["m"] or 0) + POSITION_GAP
    themes = Theme.objects.bulk_create(
        Theme(retro=retro, title=_title_from(card.text), solo=True, position=start + i * POSITION_GAP)
        for i, card in enumerate(loose)
    )
    for card, theme in zip(loose, themes, strict=True):
        card.theme = theme
    Card.objects.bulk_update(loose, ["theme"])


def _title_from(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= THEME_TITLE_MAX else line[: THEME_TITLE_MAX - 1] + "…"


def _ranked_themes(retro: Retrospective):
    return Theme.objects.filter(retro=retro).annotate(vote_count=Count("votes")).order_by("-vote_count", "position")


# --- Cards -----------------------------------------------------------------------


@transaction.atomic
def card_add(
    *, actor: User, retro: Retrospective, column: Column, text: str, anonymous: bool = False, secret: str | None = None
) -> Card:
    """Write a card in the write phase. An anonymous one keeps no trace of its
    writer but the HMAC tag of `secret` (the writer's browser secret)."""
    current = _lock(retro)
    _refuse_unless_phase(current, Phase.WRITE, "Cards are written in the write phase")
    if column.retro_id != current.pk:
        raise ValidationError({"column": "That column belongs to another retrospective."})
    text = _text(text, CARD_TEXT_MAX, "text", "A card")
    if anonymous and not secret:
        raise ValidationError("An anonymous card needs the secret of the browser writing it.")
    position = (Card.objects.filter(column=column).aggregate(m=Max("position"))["m"] or 0) + POSITION_GAP
    card = Card.objects.create(
        retro=current,
        column=column,
        text="" if anonymous else text,
        sealed=writers.seal_draft(text, retro_id=current.pk) if anonymous else None,
        anonymous=anonymous,
        author=None if anonymous else actor,
        position=position,
    )
    if anonymous and secret:
        card.writer_tag = writers.tag(secret, card.pk)
        Card.objects.filter(pk=card.pk).update(writer_tag=card.writer_tag)
    _moved(current)
    return card


@transaction.atomic
def card_edit(*, actor: User, card: Card, text: str, expected_version: int | None = None) -> Card:
    """Change the text of one's own card, while cards are written."""
    retro = _lock(card.retro)
    _refuse_unless_phase(retro, Phase.WRITE, "Cards are edited in the write phase")
    current = Card.objects.select_for_update().get(pk=card.pk)
    refuse_if_stale(current, expected_version, label="Your card")
    text = _text(text, CARD_TEXT_MAX, "text", "A card")
    if current.sealed is not None:
        current.sealed = writers.seal_draft(text, retro_id=retro.pk)
    else:
        current.text = text
    current.version += 1
    current.save(update_fields=["text", "sealed", "version"])
    _moved(retro)
    return current


@transaction.atomic
def card_delete(*, actor: User, card: Card) -> None:
    retro = _lock(card.retro)
    _refuse_unless_phase(retro, Phase.WRITE, "Cards are deleted in the write phase")
    Card.objects.filter(pk=card.pk).delete()
    _moved(retro)


@transaction.atomic
def card_group(*, actor: User, card: Card, theme: Theme | None) -> Card:
    """Put a card into a theme (or take it out, with None), in the group phase."""
    retro = _lock(card.retro)
    _refuse_unless_phase(retro, Phase.GROUP, "Cards are grouped in the group phase")
    if theme is not None and theme.retro_id != card.retro_id:
        raise ValidationError({"theme": "That theme belongs to another retrospective."})
    Card.objects.filter(pk=card.pk).update(theme=theme, version=F("version") + 1)
    card.theme = theme
    _moved(retro)
    return card


# --- Themes ----------------------------------------------------------------------


@transaction.atomic
def theme_create(*, actor: User, retro: Retrospective, title: str, cards: Iterable[Card] = ()) -> Theme:
    current = _lock(retro)
    _refuse_unless_phase(current, Phase.GROUP, "Themes are made in the group phase")
    cards = list(cards)
    if any(card.retro_id != current.pk for card in cards):
        raise ValidationError({"cards": "A card of another retrospective cannot join this theme."})
    position = (Theme.objects.filter(retro=current).aggregate(m=Max("position"))["m"] or 0) + POSITION_GAP
    theme = Theme.objects.create(
        retro=current, title=_text(title, THEME_TITLE_MAX, "title", "A theme name"), position=position
    )
    if cards:
        Card.objects.filter(pk__in=[c.pk for c in cards]).update(theme=theme, version=F("version") + 1)
    _moved(current)
    return theme


@transaction.atomic
def theme_update(
    *,
    actor: User,
    theme: Theme,
    expected_version: int | None,
    title: str | None = None,
    decision: str | None = None,
) -> Theme:
    """Rename a theme (group phase) or record what was decided about it (discussion)."""
    retro = _lock(theme.retro)
    current = Theme.objects.select_for_update().get(pk=theme.pk)
    refuse_if_stale(current, expected_version, label=f"The theme “{current.title}”")
    fields = ["version"]
    if title is not None and title.strip() != current.title:
        _refuse_unless_phase(retro, Phase.GROUP, "Themes are named in the group phase")
        current.title = _text(title, THEME_TITLE_MAX, "title", "A theme name")
        fields.append("title")
    if decision is not None and decision.strip() != current.decision:
        _refuse_unless_phase(retro, Phase.DISCUSS, "Decisions are recorded in the discussion")
        decision = decision.strip()
        if len(decision) > DECISION_MAX:
            raise ValidationError({"decision": f"A decision has at most {DECISION_MAX} characters."})
        current.decision = decision
        fields.append("decision")
    current.version += 1
    current.save(update_fields=fields)
    _moved(retro)
    return current


@transaction.atomic
def theme_delete(*, actor: User, theme: Theme) -> None:
    """Undo a theme in the group phase: its cards are loose again."""
    retro = _lock(theme.retro)
    _refuse_unless_phase(retro, Phase.GROUP, "Themes are undone in the group phase")
    Card.objects.filter(theme=theme).update(theme=None, version=F("version") + 1)
    Theme.objects.filter(pk=theme.pk).delete()
    _moved(retro)


# --- Votes -----------------------------------------------------------------------


@transaction.atomic
def vote_add(*, actor: User, retro: Retrospective, theme: Theme) -> Vote:
    """One vote on a theme, within the person's limit. Counted under the
    board's lock, so two votes at the same moment cannot both take the last one."""
    current = _lock(retro)
    _refuse_unless_phase(current, Phase.VOTE, "Votes are cast in the vote phase")
    if theme.retro_id != current.pk:
        raise ValidationError({"theme": "That theme belongs to another retrospective."})
    mine = Vote.objects.filter(retro=current, voter=actor)
    used = mine.count()
    if used >= current.votes_per_person:
        raise ValidationError(
            f"You have used all your {current.votes_per_person} votes. Take one back to vote for something else."
        )
    if not current.several_votes_per_theme and mine.filter(theme=theme).exists():
        raise ValidationError("One vote per theme in this retrospective: you already voted for it.")
    # The board version stays: while people vote nobody sees anyone else's
    # votes, so no other board changes (30 voters would otherwise make every
    # poll of every board a full render). The voter's own answer shows it.
    return Vote.objects.create(retro=current, theme=theme, voter=actor)


@transaction.atomic
def vote_remove(*, actor: User, retro: Retrospective, theme: Theme) -> None:
    """Take back one of one's votes on a theme."""
    current = _lock(retro)
    _refuse_unless_phase(current, Phase.VOTE, "Votes are taken back in the vote phase")
    vote = Vote.objects.filter(retro=current, voter=actor, theme=theme).order_by("-id").first()
    if vote is None:
        raise ValidationError("You have no vote on that theme to take back.")
    vote.delete()  # the board version stays, as for vote_add


# --- Discussion ------------------------------------------------------------------


@transaction.atomic
def discuss(*, actor: User, retro: Retrospective, theme: Theme, minutes: int | None = None) -> Retrospective:
    """Discuss one theme at a time, with a timer of `minutes` (none when 0 or None)."""
    current = _lock(retro)
    _refuse_unless_phase(current, Phase.DISCUSS, "Themes are discussed in the discussion phase")
    if theme.retro_id != current.pk:
        raise ValidationError({"theme": "That theme belongs to another retrospective."})
    if minutes is not None and not 0 <= minutes <= MAX_TIMER_MINUTES:
        raise ValidationError({"minutes": f"A timer runs between 1 and {MAX_TIMER_MINUTES} minutes."})
    if current.discussing_id and current.discussing_id != theme.pk:
        Theme.objects.filter(pk=current.discussing_id).update(discussed=True)
    current.discussing = theme
    current.timer_ends_at = timezone.now() + datetime.timedelta(minutes=minutes) if minutes else None
    current.save(update_fields=["discussing", "timer_ends_at"])
    _moved(current)
    return current


# --- Action items ----------------------------------------------------------------


@transaction.atomic
def action_add(
    *,
    actor: User,
    retro: Retrospective,
    text: str,
    owner: User | None = None,
    due_date: datetime.date | None = None,
    theme: Theme | None = None,
    card: Card | None = None,
) -> ActionItem:
    """An action the team agrees on, from a theme or a card of this board."""
    current = _lock(retro)
    _refuse_closed(current)
    if not current.is_at_least(Phase.REVEAL):
        raise ValidationError("Actions come from the cards: add them once the cards are revealed.")
    for source, name in ((theme, "theme"), (card, "card")):
        if source is not None and source.retro_id != current.pk:
            raise ValidationError({name: f"That {name} belongs to another retrospective."})
    if owner is not None:
        _refuse_outside_team(current.product, owner, "owner")
    action = ActionItem(
        retro=current,
        text=_text(text, ACTION_TEXT_MAX, "text", "An action"),
        owner=owner,
        due_date=due_date,
        theme=theme or (card.theme if card is not None else None),
        card=card,
        created_by=actor,
    )
    action.save()
    _moved(current)
    return action


@transaction.atomic
def action_update(*, actor: User, action: ActionItem, expected_version: int | None, **changes: Any) -> ActionItem:
    """Change an action's text, owner, due date or status (done, dropped, open again)."""
    unknown = set(changes) - {"text", "owner", "due_date", "status"}
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    retro = _lock(action.retro)
    current = ActionItem.objects.select_for_update().get(pk=action.pk)
    refuse_if_stale(current, expected_version, label="The action")
    if "text" in changes:
        current.text = _text(changes["text"], ACTION_TEXT_MAX, "text", "An action")
    if "owner" in changes:
        if changes["owner"] is not None:
            _refuse_outside_team(retro.product, changes["owner"], "owner")
        current.owner = changes["owner"]
    if "due_date" in changes:
        current.due_date = changes["due_date"]
    if "status" in changes and changes["status"] != current.status:
        allowed = {ActionItem.Status.OPEN, ActionItem.Status.DONE, ActionItem.Status.DROPPED}
        if changes["status"] not in allowed:
            raise ValidationError({"status": "An action is carried only by the review at the next retrospective."})
        if current.status == ActionItem.Status.CARRIED:
            raise ValidationError({"status": "This action was carried into a later retrospective; change it there."})
        current.status = changes["status"]
    current.version += 1
    current.save()
    _moved(retro)
    return current


@transaction.atomic
def action_to_backlog(*, actor: User, action: ActionItem) -> BacklogItem:
    """Turn an action into a backlog item in one step; the two stay linked."""
    retro = _lock(action.retro)
    current = ActionItem.objects.select_for_update().get(pk=action.pk)
    if current.backlog_item is not None:
        raise ValidationError(f"This action is already backlog item #{current.backlog_item.number}.")
    if current.status != ActionItem.Status.OPEN:
        raise ValidationError(f"This action is {current.get_status_display().lower()}; only open actions move on.")
    description = f"Action from the retrospective “{retro.title}”."
    if current.due_date:
        description += f" Due {current.due_date:%d %b %Y}."
    item = backlog.item_create(
        actor=actor,
        product=retro.product,
        title=current.text[:200],
        kind=BacklogItem.Kind.TASK,
        description=description,
        assignee=current.owner,
    )
    current.backlog_item = item
    current.version += 1
    current.save(update_fields=["backlog_item", "version"])
    _moved(retro)
    return item


@transaction.atomic
def action_review(*, actor: User, retro: Retrospective, action: ActionItem, outcome: str) -> ActionItem:
    """At the start of a retrospective: an earlier open action is done, still
    open (carried into this retro as a new action) or dropped."""
    current_retro = _lock(retro)
    _refuse_closed(current_retro)
    current = ActionItem.objects.select_for_update().get(pk=action.pk)
    if current.retro_id == current_retro.pk or not actions_to_review(current_retro).filter(pk=current.pk).exists():
        raise ValidationError("Only open actions of earlier retrospectives are reviewed here.")
    if outcome not in (ActionItem.Status.DONE, ActionItem.Status.CARRIED, ActionItem.Status.DROPPED):
        raise ValidationError({"outcome": "An action is done, still open (carried) or dropped."})
    current.status = outcome
    current.reviewed_in = current_retro
    current.version += 1
    current.save(update_fields=["status", "reviewed_in", "version"])
    if outcome == ActionItem.Status.CARRIED:
        ActionItem.objects.create(
            retro=current_retro,
            text=current.text,
            owner=current.owner,
            due_date=current.due_date,
            backlog_item=current.backlog_item,
            carried_from=current,
            created_by=actor,
        )
    _moved(current_retro)
    return current


def on_backlog_status_change(*, item, old_status: str, new_status: str, actor) -> None:
    """A backlog item made from an action is done: so is the action."""
    if new_status == BacklogItem.Status.DONE:
        ActionItem.objects.filter(backlog_item=item, status=ActionItem.Status.OPEN).update(
            status=ActionItem.Status.DONE, version=F("version") + 1
        )


# --- Health check ----------------------------------------------------------------


@transaction.atomic
def health_answer(*, actor: User, check: HealthCheck, ratings: dict[int, tuple[str, str]]) -> None:
    """Answer a health check, anonymously: the answer is sealed with no author
    and no time until the check closes; only *that* the person answered is kept."""
    current = HealthCheck.objects.select_for_update().get(pk=check.pk)
    if not current.is_open:
        raise ValidationError("This health check is closed.")
    asked = {d["id"]: d["name"] for d in current.dimensions}
    unknown = set(ratings) - set(asked)
    if unknown:
        raise ValidationError("Some ratings are for dimensions this check does not ask about.")
    missing = [name for pk, name in asked.items() if pk not in ratings]
    if missing:
        raise ValidationError({"ratings": f"Rate every dimension (missing: {', '.join(missing)})."})
    answer = {}
    for pk, (rating, comment) in ratings.items():
        if rating not in Rating.values:
            raise ValidationError({"ratings": f"Rate {asked[pk]} green, amber or red."})
        comment = (comment or "").strip()
        if len(comment) > COMMENT_MAX:
            raise ValidationError({"ratings": f"A comment has at most {COMMENT_MAX} characters ({asked[pk]})."})
        answer[str(pk)] = [rating, comment]
    try:
        with transaction.atomic():
            HealthCheckMark.objects.create(health_check=current, person=actor)
    except IntegrityError:
        raise ValidationError("You have already answered this health check.") from None
    ballots.seal(box=current.box, answer=answer)


@transaction.atomic
def health_check_close(*, actor: User, check: HealthCheck) -> HealthCheck:
    """Close the check and release its answers all at once, each dimension's
    ratings in their own random order (so one person's ratings cannot be
    joined); below the minimum of answers, only their number is kept."""
    current = HealthCheck.objects.select_for_update().get(pk=check.pk)
    if not current.is_open:
        raise ValidationError("This health check is already closed.")
    released = ballots.release(current.box)
    current.responses = len(released)
    if len(released) < current.min_answers:
        # They could never be shown, and a few stored answers beside their
        # "answered" marks would narrow down whose they are: none are kept.
        released = []
    names = {str(d["id"]): d["name"] for d in current.dimensions}
    existing = set(
        HealthDimension.objects.filter(pk__in=[d["id"] for d in current.dimensions]).values_list("pk", flat=True)
    )
    rows: list[HealthAnswer] = []
    for key, name in names.items():
        ratings = [answer[key] for answer in released if key in answer]
        _shuffle(ratings)
        dimension_id = int(key) if int(key) in existing else None
        rows.extend(
            HealthAnswer(health_check=current, dimension_id=dimension_id, dimension_name=name, rating=r, comment=c)
            for r, c in ratings
        )
    HealthAnswer.objects.bulk_create(rows)
    current.status = HealthCheck.Status.CLOSED
    current.closed_at = timezone.now()
    current.save(update_fields=["status", "responses", "closed_at"])
    Retrospective.objects.filter(pk=current.retro_id).update(board_version=F("board_version") + 1)
    return current


# --- Summary email ---------------------------------------------------------------


def _queue_summary_emails(retro: Retrospective) -> None:
    """One outbox row per team member with an address; sent after commit (a
    lost task is picked up by the sweep, a doubled one sends nothing twice)."""
    recipients = (
        Membership.objects.filter(product_id=retro.product_id, role__in=list(TEAM))
        .exclude(user__email="")
        .values_list("user_id", flat=True)
    )
    SummaryEmail.objects.bulk_create(
        (SummaryEmail(retro=retro, recipient_id=user_id) for user_id in recipients), ignore_conflicts=True
    )
    enqueue_after_commit("retros.send_summary_emails", retro.pk)


# --- Helpers ---------------------------------------------------------------------


def _lock(retro: Retrospective) -> Retrospective:
    """The retrospective's row, locked: every change to a board takes it first."""
    current = Retrospective.objects.select_for_update().select_related("product").get(pk=retro.pk)
    return current


def _moved(retro: Retrospective) -> None:
    Retrospective.objects.filter(pk=retro.pk).update(board_version=F("board_version") + 1)
    retro.board_version += 1


def _refuse_closed(retro: Retrospective) -> None:
    if retro.is_closed:
        raise ValidationError("This retrospective is closed; nothing on it changes any more.")


def _refuse_unless_phase(retro: Retrospective, phase: Phase, what: str) -> None:
    _refuse_closed(retro)
    if retro.phase != phase:
        raise ValidationError(f"{what}; this retrospective is in the {retro.get_phase_display().lower()} phase.")


def _refuse_outside_team(product: Product, person: User, field: str) -> None:
    role = Membership.objects.filter(product=product, user=person).values_list("role", flat=True).first()
    if role not in TEAM:
        raise ValidationError({field: f"{person} is not in the team of {product.name}."})


def _text(value: Any, limit: int, field: str, what: str) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if not text:
        raise ValidationError({field: f"{what} needs some text."})
    if len(text) > limit:
        raise ValidationError({field: f"{what} has at most {limit} characters ({len(text)} sent)."})
    return text
