"""Every change to surveys, rounds, answers and happiness reports. The HTML
views, the API and the Celery tasks share these functions; each is atomic.
`actor=None` means the scheduler acted."""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.accounts.models import Membership, Role, User
from apps.accounts.permissions import TEAM
from apps.backlog import services as backlog
from apps.backlog.models import BacklogItem
from apps.core import ballots
from apps.core.exceptions import Conflict
from apps.core.queue import enqueue_after_commit
from apps.core.versions import refuse_if_stale
from apps.notifications import services as notifications
from apps.notifications.kinds import Kind
from apps.products.models import Product
from apps.reports import cadence, figures
from apps.reports.models import (
    Audience,
    Group,
    HappinessReport,
    Invitation,
    ReportSubscription,
    Survey,
    SurveyAnswer,
    SurveyRound,
)

SURVEY_FIELDS = frozenset(
    {"title", "audience", "capabilities", "open_days", "reminder_days_before_close", "min_responses"}
)
MAX_CAPABILITIES = 20
MAX_TEXT_ANSWER = 2000
REPORT_WAITS_FOR_CLOSE = "A report is built once the round has closed."


# --- Surveys --------------------------------------------------------------


@transaction.atomic
def survey_create(
    *,
    actor: User,
    product: Product,
    title: str,
    every_weeks: int,
    first_opening: datetime,
    audience: str = Audience.EVERYONE,
    capabilities: Sequence[str] = (),
    open_days: int = 14,
    reminder_days_before_close: int = 3,
    min_responses: int = 5,
    enabled: bool = True,
) -> Survey:
    """A survey and its periodic task, which opens the first round at `first_opening`."""
    survey = Survey(
        product=product,
        title=(title or "").strip(),
        audience=audience,
        capabilities=_clean_capabilities(capabilities),
        open_days=open_days,
        reminder_days_before_close=reminder_days_before_close,
        min_responses=min_responses,
        created_by=actor,
    )
    _validate_survey(survey, every_weeks)
    survey.save()
    survey.schedule = cadence.schedule_set(
        survey, every_weeks=every_weeks, first_opening=first_opening, enabled=enabled
    )
    survey.save(update_fields=["schedule"])
    return survey


@transaction.atomic
def survey_update(
    *,
    actor: User,
    survey: Survey,
    expected_version: int,
    every_weeks: int | None = None,
    first_opening: datetime | None = None,
    enabled: bool | None = None,
    **changes,
) -> Survey:
    """Change a survey and its cadence; `every_weeks=None` keeps the schedule as it is."""
    unknown = set(changes) - SURVEY_FIELDS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    current = (
        Survey.objects.select_for_update(of=("self",)).select_related("product", "schedule__interval").get(pk=survey.pk)
    )
    refuse_if_stale(current, expected_version, label=f"“{current.title}”")
    for field, value in changes.items():
        if field == "capabilities":
            value = _clean_capabilities(value)
        elif field == "title":
            value = (value or "").strip()
        setattr(current, field, value)
    if current.schedule is None and every_weeks is None:
        raise ValidationError({"every_weeks": "This survey has no schedule any more; choose how often it runs."})
    _validate_survey(current, every_weeks if every_weeks is not None else cadence.every_weeks(current))
    if enabled is None:
        enabled = current.schedule.enabled if current.schedule else True
    current.version += 1
    current.save()
    current.schedule = cadence.schedule_set(
        current, every_weeks=every_weeks, first_opening=first_opening, enabled=enabled
    )
    current.save(update_fields=["schedule"])
    return current


@transaction.atomic
def survey_delete(*, actor: User | None, survey: Survey) -> None:
    """Delete a survey with its rounds, answers and reports, and its schedule
    entry, which would otherwise go on running `reports.open_round` for nothing."""
    current = Survey.objects.select_for_update(of=("self",)).filter(pk=survey.pk).first()
    if current is None:
        return
    schedule_id = current.schedule_id
    for round_ in current.rounds.all():
        ballots.discard(ballot_box(round_))  # sealed answers of an open round go with it
    current.delete()
    if schedule_id is not None:
        PeriodicTask.objects.filter(pk=schedule_id).delete()


def _clean_capabilities(names: Iterable[str] | None) -> list[str]:
    cleaned: list[str] = []
    for name in names or ():
        name = str(name).strip()
        if name and name.casefold() not in {n.casefold() for n in cleaned}:
            cleaned.append(name)
    if len(cleaned) > MAX_CAPABILITIES:
        raise ValidationError({"capabilities": f"At most {MAX_CAPABILITIES} capabilities per survey."})
    if any(len(name) > 60 for name in cleaned):
        raise ValidationError({"capabilities": "A capability name has at most 60 characters."})
    return cleaned


def _validate_survey(survey: Survey, every_weeks: int | None) -> None:
    if not survey.title:
        raise ValidationError({"title": "A survey needs a title."})
    survey.full_clean(exclude=["product", "schedule", "created_by", "capabilities"])
    if every_weeks is not None and not 1 <= every_weeks <= 52:
        raise ValidationError({"every_weeks": "Run a survey every 1 to 52 weeks."})
    if every_weeks is not None and survey.open_days >= every_weeks * cadence.DAYS_PER_WEEK:
        raise ValidationError(
            {"open_days": f"A round must close before the next one opens (every {every_weeks} weeks)."}
        )
    if survey.reminder_days_before_close >= survey.open_days:
        raise ValidationError(
            {"reminder_days_before_close": "The reminder must come after the round opens: fewer days than it is open."}
        )


# --- Rounds ---------------------------------------------------------------


@transaction.atomic
def round_open(*, survey: Survey, actor: User | None = None, now: datetime | None = None) -> SurveyRound | None:
    """Open the survey's next round and invite its audience; None when a round
    is already open (so a doubled or retried run opens one round)."""
    survey = Survey.objects.select_for_update(of=("self",)).select_related("product").get(pk=survey.pk)
    if survey.rounds.filter(status=SurveyRound.Status.OPEN).exists():
        return None
    invitees = _audience_of(survey)
    if not invitees:
        raise ValidationError(
            f"Nobody to invite: {survey.product.name} has no {survey.get_audience_display().lower()}."
        )
    now = now or timezone.now()
    number = (survey.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
    round_ = SurveyRound.objects.create(
        survey=survey,
        number=number,
        opened_at=now,
        closes_at=now + timedelta(days=survey.open_days),
        invited_count=len(invitees),
    )
    Invitation.objects.bulk_create(
        Invitation(round=round_, person_id=person_id, group=group) for person_id, group in invitees
    )
    enqueue_after_commit("reports.send_invitations", round_.pk)
    # The bell's reminder of the invitation email; it leads to the signed-in way in (no personal link in it).
    notifications.notify(
        kind=Kind.SURVEY_OPENED,
        recipients=[person_id for person_id, _ in invitees],
        key=f"reports.round:{round_.pk}",
        text=f"“{survey.title}” is open for your answer until {timezone.localtime(round_.closes_at):%d %B}",
        link=reverse("reports:answer-mine", args=[survey.product.slug, round_.pk]),
        actor=actor,
        product=survey.product,
        target=round_,
    )
    return round_


@transaction.atomic
def round_open_now(*, survey: Survey, actor: User) -> SurveyRound:
    """A person opens the next round now; refused when one is already open
    (the schedule, which calls `round_open`, then finds it open and does nothing)."""
    round_ = round_open(survey=survey, actor=actor)
    if round_ is None:
        raise Conflict("A round of this survey is already open.")
    return round_


# Who a survey asks, by its audience, and the roles that make up each group.
GROUPS_ASKED: dict[str, list[Group]] = {
    Audience.TEAM: [Group.TEAM],
    Audience.STAKEHOLDERS: [Group.STAKEHOLDERS],
    Audience.EVERYONE: [Group.TEAM, Group.STAKEHOLDERS],
}
ROLES_OF_GROUP: dict[Group, frozenset[Role]] = {Group.TEAM: TEAM, Group.STAKEHOLDERS: frozenset({Role.STAKEHOLDER})}


def _audience_of(survey: Survey) -> list[tuple[int, str]]:
    """(person id, group) of each active member the survey asks."""
    group_of_role: dict[str, Group] = {
        role: group for group in GROUPS_ASKED[survey.audience] for role in ROLES_OF_GROUP[group]
    }
    memberships = Membership.objects.filter(
        product_id=survey.product_id, user__is_active=True, role__in=list(group_of_role)
    ).values_list("user_id", "role")
    return [(user_id, group_of_role[role]) for user_id, role in memberships]


@transaction.atomic
def round_remind(*, round_: SurveyRound, now: datetime | None = None) -> bool:
    """Mark the round's one reminder as due and queue it; False if it already was."""
    round_ = SurveyRound.objects.select_for_update().get(pk=round_.pk)
    if not round_.is_open or round_.reminder_sent_at is not None:
        return False
    round_.reminder_sent_at = now or timezone.now()
    round_.save(update_fields=["reminder_sent_at"])
    enqueue_after_commit("reports.send_reminders", round_.pk)
    return True


def rounds_remind_due(*, now: datetime | None = None) -> int:
    """Send the reminder of every open round that is within its reminder window."""
    now = now or timezone.now()
    due = [
        round_
        for round_ in SurveyRound.objects.filter(
            status=SurveyRound.Status.OPEN, reminder_sent_at__isnull=True, closes_at__gt=now
        ).select_related("survey")
        if round_.closes_at - timedelta(days=round_.survey.reminder_days_before_close) <= now
    ]
    return sum(round_remind(round_=round_, now=now) for round_ in due)


@transaction.atomic
def round_close(*, round_: SurveyRound, actor: User | None = None, now: datetime | None = None) -> bool:
    """Close an open round and queue its report; False if it was closed already."""
    round_ = SurveyRound.objects.select_for_update().get(pk=round_.pk)
    if not round_.is_open:
        return False
    round_.status = SurveyRound.Status.CLOSED
    round_.closed_at = now or timezone.now()
    round_.save(update_fields=["status", "closed_at"])
    _release(round_)
    enqueue_after_commit("reports.build_report", round_.pk)
    return True


@transaction.atomic
def round_close_now(*, round_: SurveyRound, actor: User) -> None:
    """A person closes the round now; refused when it is closed already."""
    if not round_close(round_=round_, actor=actor):
        raise Conflict(f"Round {round_.number} is already closed.")


def rounds_close_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    due = SurveyRound.objects.filter(status=SurveyRound.Status.OPEN, closes_at__lte=now)
    return sum(round_close(round_=round_, now=now) for round_ in due)


def reports_build_missing() -> int:
    """The sweep: every closed round without a report gets one (its queued
    build was lost: the broker was down at the close, or the worker died
    mid-build). Building is idempotent, so racing the queued build is harmless."""
    missing = SurveyRound.objects.filter(status=SurveyRound.Status.CLOSED, report__isnull=True).order_by("pk")
    built = 0
    for round_ in missing:
        report_build(round_=round_)
        built += 1
    return built


# --- Answers --------------------------------------------------------------


@transaction.atomic
def answer_submit(
    *,
    invitation: Invitation,
    happiness: int,
    recommend: int,
    capabilities: dict[str, int] | None = None,
    liked: str = "",
    improve: str = "",
) -> None:
    """Seal an anonymous answer and mark the invitation answered, together.

    Nothing is returned and nothing links the two: the answer is sealed
    (apps.core.ballots: encrypted, no author, no time, a random key) in the
    round's box until the round closes; the invitation gets only a flag.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).select_related("round__survey").get(pk=invitation.pk)
    )
    # The round's lock orders answers and the close: no answer is sealed after its box was released.
    round_ = SurveyRound.objects.select_for_update(of=("self",)).select_related("survey").get(pk=invitation.round_id)
    if invitation.answered:
        raise ValidationError("You have already answered this round; each person answers once.")
    if not round_.is_open or round_.closes_at <= timezone.now():
        raise ValidationError("This round has closed; answers are no longer accepted.")
    capabilities = capabilities or {}
    unknown = set(capabilities) - set(round_.survey.capabilities)
    if unknown:
        raise ValidationError({"capabilities": f"Not asked in this survey: {', '.join(sorted(unknown))}."})
    if any(not isinstance(score, int) or not 1 <= score <= 5 for score in capabilities.values()):
        raise ValidationError({"capabilities": "Rate each capability you use from 1 to 5."})
    answer = SurveyAnswer(
        round=round_,
        group=invitation.group,
        happiness=happiness,
        recommend=recommend,
        capabilities=capabilities,
        liked=(liked or "").strip()[:MAX_TEXT_ANSWER],
        improve=(improve or "").strip()[:MAX_TEXT_ANSWER],
    )
    answer.full_clean(exclude=["round", "capabilities", "id"])
    ballots.seal(box=ballot_box(round_), answer={field: getattr(answer, field) for field in ANSWER_FIELDS})
    invitation.answered = True
    invitation.save(update_fields=["answered"])


ANSWER_FIELDS = ("group", "happiness", "recommend", "capabilities", "liked", "improve")


def ballot_box(round_: SurveyRound) -> str:
    return f"survey-round:{round_.pk}"


def _release(round_: SurveyRound) -> int:
    """Open the round's box (at close; again at each build, which finds it
    empty unless an answer was sealed in a race) and write its answers, in
    random order, in this one transaction. Returns how many were written.

    What is withheld, so that no answer can be traced to a person by anyone
    who also sees who answered (staff, a database reader):
    - a round with fewer answers than the survey's minimum keeps none of
      them: they could never be shown, and one stored answer next to one
      "answered" mark is that person's answer;
    - when an audience group has fewer answers than the minimum, no answer
      keeps its group (as the report hides every group then).
    Counts come from the invitations' "answered" marks, so nothing is lost
    for the report's "N answers from M invited".
    """
    released = ballots.release(ballot_box(round_))
    if not released:
        return 0
    minimum = round_.survey.min_responses
    already = round_.answers.count()
    total = already + len(released)
    if total < minimum:
        return 0
    groups = GROUPS_ASKED[round_.survey.audience]
    per_group = {
        group: round_.answers.filter(group=group).count() + sum(a["group"] == group for a in released)
        for group in groups
    }
    withhold_groups = len(groups) > 1 and (
        min(per_group.values()) < minimum or round_.answers.filter(group="").exists()
    )
    if withhold_groups:
        round_.answers.exclude(group="").update(group="")
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(round=round_, **(answer | ({"group": ""} if withhold_groups else {}))) for answer in released
    )
    return len(released)


# --- Reports --------------------------------------------------------------


@transaction.atomic
def report_build(*, round_: SurveyRound, actor: User | None = None) -> HappinessReport:
    """Build (or rebuild) the round's report snapshot. A rebuild that changes
    nothing keeps the version, so it is not emailed again."""
    round_ = SurveyRound.objects.select_for_update(of=("self",)).select_related("survey__product").get(pk=round_.pk)
    if round_.is_open:
        # Snapshots taken while answers arrive would let anyone tell one answer
        # from the next by the difference between them.
        raise ValidationError(REPORT_WAITS_FOR_CLOSE)
    _release(round_)
    survey = round_.survey
    previous = (
        HappinessReport.objects.filter(round__survey=survey, round__number__lt=round_.number)
        .select_related("round")
        .order_by("-round__number")
        .first()
    )
    snapshot = figures.report_figures(
        header={
            "survey": survey.title,
            "product": survey.product.name,
            "audience": survey.get_audience_display(),
            "round": round_.number,
            "opened_on": timezone.localdate(round_.opened_at).isoformat(),
            "closed_on": timezone.localdate(round_.closed_at).isoformat(),
            "previous_round": previous.round.number if previous else None,
        },
        answers=[
            figures.Answer(
                group=r.group,
                happiness=r.happiness,
                recommend=r.recommend,
                capabilities=r.capabilities,
                liked=r.liked,
                improve=r.improve,
            )
            for r in round_.answers.order_by("id")
        ],
        responses=round_.invitations.filter(answered=True).count(),
        invited=round_.invited_count,
        groups=_groups_of(survey.audience),
        capabilities=survey.capabilities,
        min_responses=survey.min_responses,
        previous=previous.figures if previous else None,
        follow_up=_follow_up(previous),
    )
    report = HappinessReport.objects.select_for_update().filter(round=round_).first()
    if report is not None and report.figures == snapshot:
        return report
    if report is None:
        report = HappinessReport(round=round_, version=0)
    report.figures = snapshot
    report.version += 1
    report.built_at = timezone.now()
    report.save()
    enqueue_after_commit("reports.email_report", report.pk, report.version)
    return report


@transaction.atomic
def report_rebuild(*, actor: User, round_: SurveyRound) -> None:
    """Rebuild the round's report in the background (queued after commit);
    a rebuild that changes nothing is not emailed again."""
    if round_.is_open:
        raise ValidationError(REPORT_WAITS_FOR_CLOSE)
    enqueue_after_commit("reports.build_report", round_.pk)


def _groups_of(audience: str) -> dict[str, str]:
    return {group.value: group.label for group in GROUPS_ASKED[audience]}


def _follow_up(previous: HappinessReport | None) -> list[dict]:
    """What the previous report promised, and whether it was delivered."""
    if previous is None:
        return []
    return [
        {
            "number": item.number,
            "title": item.title,
            "status": item.get_status_display(),
            "delivered": item.status == BacklogItem.Status.DONE,
        }
        for item in previous.action_items.order_by("number")
    ]


@transaction.atomic
def report_actions_set(
    *, actor: User, report: HappinessReport, note: str, item_numbers: list[int], expected_version: int
) -> HappinessReport:
    """The PM's "what we will do about it": a note and the backlog items that deliver it."""
    report = _lock_report_actions(report, expected_version)
    product_id = report.round.survey.product_id
    wanted = sorted(set(item_numbers))
    items = list(BacklogItem.objects.filter(product_id=product_id, number__in=wanted))
    missing = sorted(set(wanted) - {item.number for item in items})
    if missing:
        raise ValidationError({"items": f"No backlog item {', '.join(f'#{n}' for n in missing)} in this product."})
    report.action_note = (note or "").strip()
    report.actions_version += 1
    report.save(update_fields=["action_note", "actions_version"])
    report.action_items.set(items)
    return report


@transaction.atomic
def report_item_create(
    *, actor: User, report: HappinessReport, title: str, kind: str, expected_version: int
) -> BacklogItem:
    """Create a backlog item from the feedback and link it to the report."""
    report = _lock_report_actions(report, expected_version)
    round_ = report.round
    item = backlog.item_create(
        actor=actor,
        product=round_.survey.product,
        title=title,
        kind=kind,
        description=f"From the happiness report “{round_.survey.title}”, round {round_.number}.",
    )
    report.action_items.add(item)
    report.actions_version += 1
    report.save(update_fields=["actions_version"])
    return item


def _lock_report_actions(report: HappinessReport, expected_version: int) -> HappinessReport:
    current = HappinessReport.objects.select_for_update(of=("self",)).select_related("round__survey").get(pk=report.pk)
    refuse_if_stale(current, expected_version, label="“What we will do about it”", field="actions_version")
    return current


# --- Subscriptions --------------------------------------------------------


@transaction.atomic
def subscription_set(*, actor: User, product: Product, subscribed: bool) -> bool:
    """Subscribe the actor to the product's reports by email, or unsubscribe."""
    if subscribed:
        ReportSubscription.objects.get_or_create(product=product, person=actor)
    else:
        ReportSubscription.objects.filter(product=product, person=actor).delete()
    return subscribed


def quotes_of(report: HappinessReport) -> list[str]:
    """Every quote a report's themes carry: what a PM may pick to publish."""
    themes = (report.figures or {}).get("themes") or {}
    return [quote for key in ("liked", "improve") for theme in themes.get(key, []) for quote in theme["quotes"]]


@transaction.atomic
def report_publish(
    *, actor: User, report: HappinessReport, published: bool, quotes: list[str] | None = None
) -> HappinessReport:
    """Show the report's aggregates to the product's stakeholders (or stop), with
    only the quotes the PM picked; a quote the report does not carry is refused."""
    report = HappinessReport.objects.select_for_update().get(pk=report.pk)
    picked = [quote for quote in (quotes or []) if quote]
    unknown = set(picked) - set(quotes_of(report))
    if unknown:
        raise ValidationError({"quotes": "Only quotes from this report can be published."})
    report.published_at = timezone.now() if published else None
    report.published_by = actor if published else None
    report.published_quotes = picked if published else []
    report.save(update_fields=["published_at", "published_by", "published_quotes"])
    return report
