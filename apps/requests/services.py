"""Every change to stakeholder requests goes through these functions; pages
and the API share them. Each is atomic and takes the acting user. They trust
the caller's access check (apps.requests.access) and enforce the business
rules: workflow, versions, limits, and who is told or moved by a change."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.backlog import services as backlog
from apps.backlog.models import BacklogItem
from apps.core.uploads import files_removed_on_failure, store
from apps.core.versions import refuse_if_stale
from apps.notifications import services as notifications
from apps.notifications.kinds import Email, Kind
from apps.products.models import Product
from apps.requests import access, conf, workflow
from apps.requests import attachments as uploads
from apps.requests import notifications as request_notifications
from apps.requests.delivery import ExpectedDelivery, expected_deliveries
from apps.requests.models import (
    SUBMITTED_FIELDS,
    Attachment,
    Comment,
    NotificationPreference,
    RequestEvent,
    StakeholderRequest,
    TriageSettings,
    Vote,
    Watcher,
)

Status = StakeholderRequest.Status

# Event notes are read by everyone who sees the request and emailed to its
# watchers, so they never name the backlog item: the backlog is the team's.
WORK_DONE = "The work on this request is done."
WORK_DONE_ALREADY = "The work on this request was already done."
WORK_REOPENED = "The work on this request was reopened; it goes on."


class SubmissionRateLimited(Exception):
    """Too many submissions by one person in the window; nothing was saved."""

    def __init__(self, retry_after: timedelta):
        self.retry_after = retry_after
        minutes = max(1, round(retry_after.total_seconds() / 60))
        super().__init__(
            f"You have submitted {conf.SUBMISSIONS_PER_WINDOW} requests in the last hour, the most allowed. "
            f"Please try again in about {minutes} minute{'s' if minutes != 1 else ''}."
        )


# --- Submitting --------------------------------------------------------------


@transaction.atomic
def request_submit(
    *,
    actor: User,
    product: Product,
    title: str,
    problem: str,
    desired_outcome: str,
    affected: str = "",
    success_measure: str = "",
    business_value: str = "",
    urgency: str = StakeholderRequest.Urgency.MEDIUM,
    needed_by: date | None = None,
    visibility: str = StakeholderRequest.Visibility.PUBLIC,
    attachments=(),
) -> StakeholderRequest:
    """Record a new request in the product's triage inbox."""
    _throttle_submissions(actor)
    stakeholder_request = StakeholderRequest(
        product=product,
        requester=actor,
        title=(title or "").strip(),
        problem=(problem or "").strip(),
        desired_outcome=(desired_outcome or "").strip(),
        affected=(affected or "").strip(),
        success_measure=(success_measure or "").strip(),
        business_value=(business_value or "").strip(),
        urgency=urgency,
        needed_by=needed_by,
        visibility=visibility,
    )
    if needed_by is not None and needed_by < timezone.localdate():
        raise ValidationError({"needed_by": "The needed-by date is in the past."})
    stakeholder_request.full_clean(exclude=["number", "product", "requester", "backlog_item", "duplicate_of"])
    accepted = _accepted_uploads(attachments, already=0)
    _lock_product(product)
    stakeholder_request.number = _next_number(product)
    stakeholder_request.save()
    with files_removed_on_failure() as written:
        _store_uploads(stakeholder_request, accepted, actor, written)
    return stakeholder_request


@transaction.atomic
def attachments_add(*, actor: User, stakeholder_request: StakeholderRequest, files) -> list[Attachment]:
    """Attach more files to a request; all are checked before any is stored."""
    if not files:
        raise ValidationError({"attachments": "Choose at least one file."})
    stakeholder_request = StakeholderRequest.objects.select_for_update().get(pk=stakeholder_request.pk)
    accepted = _accepted_uploads(files, already=stakeholder_request.attachments.count())
    with files_removed_on_failure() as written:
        return _store_uploads(stakeholder_request, accepted, actor, written)


def _throttle_submissions(actor: User) -> None:
    """Lock the person's row, then refuse when their window is full. The lock
    serialises one person's submissions, so parallel requests (any process)
    cannot slip past the count."""
    User.objects.select_for_update().filter(pk=actor.pk).values_list("pk").first()
    window_start = timezone.now() - conf.SUBMISSION_WINDOW
    recent = StakeholderRequest.objects.filter(requester=actor, created_at__gte=window_start).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    if recent["count"] >= conf.SUBMISSIONS_PER_WINDOW:
        raise SubmissionRateLimited(retry_after=recent["oldest"] - window_start)


def _accepted_uploads(files, *, already: int):
    """Each upload with its extension and file type, or a ValidationError for the first one refused."""
    files = list(files)
    if already + len(files) > conf.ATTACHMENTS_PER_REQUEST:
        raise ValidationError(
            {"attachments": f"A request can have at most {conf.ATTACHMENTS_PER_REQUEST} attachments."}
        )
    return [(upload, *uploads.accepted_type(upload)) for upload in files]


def _store_uploads(
    stakeholder_request: StakeholderRequest, accepted, actor: User, written: list[str]
) -> list[Attachment]:
    stored = []
    for upload, extension, file_type in accepted:
        attachment = store(Attachment(request=stakeholder_request), upload, extension, file_type, actor, written)
        attachment.full_clean(exclude=["request", "uploaded_by", "file"])
        attachment.save()
        stored.append(attachment)
    return stored


# --- The requester's own changes before a decision ----------------------------


@transaction.atomic
def request_edit(
    *, actor: User, stakeholder_request: StakeholderRequest, expected_version: int, **changes
) -> StakeholderRequest:
    """The requester corrects what they submitted, while the request waits for
    a decision (new, or more information asked); a stale edit is refused."""
    unknown = set(changes) - set(SUBMITTED_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    current = _lock_current(stakeholder_request, expected_version)
    if not current.is_open:
        raise ValidationError(
            f"{current.reference} is {current.get_status_display().lower()}; "
            "a request can be edited only until it is decided."
        )
    before = {field: getattr(current, field) for field in changes}
    for field, value in changes.items():
        setattr(current, field, value.strip() if isinstance(value, str) else value)
    new_date = current.needed_by if "needed_by" in changes and current.needed_by != before["needed_by"] else None
    if new_date is not None and new_date < timezone.localdate():
        raise ValidationError({"needed_by": "The needed-by date is in the past."})
    current.full_clean(exclude=["number", "product", "requester", "backlog_item", "duplicate_of"])
    changed = [field for field in changes if getattr(current, field) != before[field]]
    if not changed:
        return current
    current.version += 1
    current.save(update_fields=[*changed, "version", "updated_at"])
    return current


@transaction.atomic
def request_withdraw(
    *, actor: User, stakeholder_request: StakeholderRequest, expected_version: int, reason: str = ""
) -> StakeholderRequest:
    """The requester takes the request back before it is decided; the watchers are told."""
    current = _lock_current(stakeholder_request, expected_version)
    _check_move(current, Status.WITHDRAWN)
    current.snoozed_until = None
    current.decision_note = ""
    _move(current, Status.WITHDRAWN, actor=actor, note=(reason or "").strip() or "Withdrawn by the requester.")
    return current


# --- The public thread, team notes, votes and watching ------------------------


@transaction.atomic
def comment_add(*, actor: User, stakeholder_request: StakeholderRequest, body: str, internal: bool = False) -> Comment:
    """Add to the public thread or an internal note of the team. The
    requester's answer to a question puts the request back in the inbox; a
    team member's public answer is the request's first response."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something first."})
    if len(body) > 10_000:
        raise ValidationError({"body": "A comment can be at most 10,000 characters."})
    by_team = access.on_team(actor, stakeholder_request.product_id)
    if internal and not by_team:
        # The door (access.access_comments) answers 403 before this; kept because a
        # note its own author could not read back is no valid record, whoever calls.
        raise ValidationError({"internal": "Only the product team can write internal notes."})
    comment = Comment.objects.create(request=stakeholder_request, author=actor, body=body, internal=internal)
    if internal:
        return comment
    current = _lock_current(stakeholder_request, None)
    if current.status == Status.NEEDS_INFO and actor.pk == current.requester_id:
        current.decision_note = ""
        _move(current, Status.NEW, actor=actor, note="The requester answered; back in the triage inbox.")
    elif actor.pk != current.requester_id and by_team:
        _record_first_response(current)
    return comment


@transaction.atomic
def vote_add(*, actor: User, stakeholder_request: StakeholderRequest) -> Vote:
    """ "This is my problem too": counts the person in and makes them a watcher."""
    if stakeholder_request.requester_id == actor.pk:
        raise ValidationError("You raised this request; it already counts you.")
    if stakeholder_request.status == Status.DUPLICATE and stakeholder_request.duplicate_of is not None:
        kept = stakeholder_request.duplicate_of
        raise ValidationError(f"This request was merged into {kept.reference}; add your vote there.")
    vote, _ = Vote.objects.get_or_create(request=stakeholder_request, user=actor)
    Watcher.objects.get_or_create(request=stakeholder_request, user=actor)
    return vote


@transaction.atomic
def vote_remove(*, actor: User, stakeholder_request: StakeholderRequest) -> None:
    Vote.objects.filter(request=stakeholder_request, user=actor).delete()


@transaction.atomic
def watch_set(*, actor: User, stakeholder_request: StakeholderRequest, watching: bool) -> None:
    if watching:
        Watcher.objects.get_or_create(request=stakeholder_request, user=actor)
    else:
        Watcher.objects.filter(request=stakeholder_request, user=actor).delete()


# --- Triage ------------------------------------------------------------------


@transaction.atomic
def request_accept(
    *,
    actor: User,
    stakeholder_request: StakeholderRequest,
    backlog_item: BacklogItem | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> StakeholderRequest:
    """Accept into the backlog: link `backlog_item` (same product) or create a new item from the request."""
    current = _lock_current(stakeholder_request, expected_version)
    _check_move(current, Status.ACCEPTED)
    if backlog_item is None:
        backlog_item = backlog.item_create(
            actor=actor, product=current.product, title=current.title, description=_item_description(current)
        )
    elif backlog_item.product_id != current.product_id:
        raise ValidationError({"backlog_item": "Link an item of the same product's backlog."})
    elif backlog_item.status == BacklogItem.Status.DROPPED:
        raise ValidationError({"backlog_item": f"{backlog_item} was dropped; link an open item or create one."})
    current.backlog_item = backlog_item
    current.decision_note = (note or "").strip()
    current.snoozed_until = None
    _move(current, Status.ACCEPTED, actor=actor, note=current.decision_note)
    if backlog_item.status == BacklogItem.Status.DONE:
        _move(current, Status.DELIVERED, actor=actor, note=WORK_DONE_ALREADY)
    else:
        # What the acceptance email says is the baseline later "delivery moved" emails compare with.
        current.expected_delivery = expected_deliveries([current])[current.pk].on
        current.save(update_fields=["expected_delivery"])
    return current


@transaction.atomic
def request_decline(
    *, actor: User, stakeholder_request: StakeholderRequest, reason: str, expected_version: int | None = None
) -> StakeholderRequest:
    """Decline with a reason, which the requester is told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the requester a reason for declining."})
    current = _lock_current(stakeholder_request, expected_version)
    _check_move(current, Status.DECLINED)
    current.decision_note = reason
    current.snoozed_until = None
    _move(current, Status.DECLINED, actor=actor, note=reason)
    return current


@transaction.atomic
def request_merge(
    *,
    actor: User,
    stakeholder_request: StakeholderRequest,
    into: StakeholderRequest,
    note: str = "",
    expected_version: int | None = None,
) -> StakeholderRequest:
    """Close as a duplicate of `into`; votes and watchers move there, and the
    duplicate's requester counts there as a voter."""
    if into.pk == stakeholder_request.pk:
        raise ValidationError({"into": "A request cannot be a duplicate of itself."})
    if into.product_id != stakeholder_request.product_id:
        raise ValidationError({"into": "Merge into a request of the same product."})
    current = _lock_current(stakeholder_request, expected_version)
    kept = StakeholderRequest.objects.select_for_update().select_related("product").get(pk=into.pk)
    if kept.status == Status.WITHDRAWN:
        raise ValidationError({"into": f"{kept.reference} was withdrawn by its requester; merge into an open request."})
    if kept.status == Status.DUPLICATE:
        raise ValidationError(
            {"into": f"{kept.reference} is itself a duplicate; merge into the request it was kept as."}
        )
    if not access.may_follow_into(current, kept):
        # The duplicate's requester and readers are sent to the kept request (its reference and
        # title are in the decision note); they must be able to open it.
        raise ValidationError(
            {
                "into": f"{kept.reference} is private to its requester, so the people following "
                f"{current.reference} could not see it. Merge into a public request."
            }
        )
    _check_move(current, Status.DUPLICATE)
    _move_votes_and_watchers(current, kept)
    current.duplicate_of = kept
    current.decision_note = (note or "").strip() or (
        f"The same problem as {kept.reference} “{kept.title}”. Your vote moved there; follow it for news."
    )
    current.snoozed_until = None
    _move(current, Status.DUPLICATE, actor=actor, note=current.decision_note)
    return current


@transaction.atomic
def request_ask_for_info(
    *, actor: User, stakeholder_request: StakeholderRequest, question: str, expected_version: int | None = None
) -> StakeholderRequest:
    """Send the request back to the requester with a question; their answer in
    the thread returns it to the inbox."""
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": "Say what information you need."})
    current = _lock_current(stakeholder_request, expected_version)
    _check_move(current, Status.NEEDS_INFO)
    current.snoozed_until = None
    current.decision_note = question  # shown to the requester until they answer
    _move(current, Status.NEEDS_INFO, actor=actor, note=question)
    return current


@transaction.atomic
def request_snooze(
    *, actor: User, stakeholder_request: StakeholderRequest, until: date, expected_version: int | None = None
) -> StakeholderRequest:
    """Hide from the triage inbox until `until`; it returns by itself that day."""
    if until is None or until <= timezone.localdate():
        raise ValidationError({"until": "Snooze until a day after today."})
    current = _lock_current(stakeholder_request, expected_version)
    if current.status != Status.NEW:
        raise ValidationError(
            f"Only new requests can be snoozed; {current.reference} is {current.get_status_display()}."
        )
    current.snoozed_until = until
    current.version += 1
    current.save(update_fields=["snoozed_until", "version", "updated_at"])
    return current


@transaction.atomic
def triage_settings_set(*, actor: User, product: Product, response_target_days: int) -> TriageSettings:
    triage_settings, _ = TriageSettings.objects.select_for_update().get_or_create(product=product)
    triage_settings.response_target_days = response_target_days
    triage_settings.full_clean(exclude=["product"])
    triage_settings.save()
    return triage_settings


@transaction.atomic
def notification_preference_set(*, actor: User, email_on_request_updates: bool) -> NotificationPreference:
    """The switch of the "Request emails" page and API, from before the portal
    had in-app notifications: off means request updates (decisions, status,
    expected delivery) are not told at all; on brings them back, by email at
    once and in the portal. The notification settings set each channel."""
    choice = {"in_app": True, "email": Email.NOW} if email_on_request_updates else {"in_app": False, "email": Email.OFF}
    notifications.preferences_set(actor=actor, choices={Kind.REQUEST_STATUS: choice, Kind.REQUEST_DELIVERY: choice})
    return NotificationPreference.objects.get(user=actor)


# --- Delivery ----------------------------------------------------------------


@transaction.atomic
def request_finding_share(*, actor: User, stakeholder_request: StakeholderRequest, note: str) -> RequestEvent:
    """Tell the requester and watchers what came of work the request
    motivated (an experiment that concluded: an intermediate delivery). The
    request's status does not change; the note is on its timeline and in the
    email, so it must say only what they may read."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say what was found."})
    return _record_event(stakeholder_request, actor=actor, kind=RequestEvent.Kind.FINDING, note=note[:5000])


def on_backlog_status_change(*, item: BacklogItem, old_status: str, new_status: str, actor: User) -> None:
    """Listener registered with apps.backlog.events: runs in the status change's transaction."""
    if new_status == BacklogItem.Status.DONE:
        linked = StakeholderRequest.objects.filter(backlog_item=item, status=Status.ACCEPTED)
        for stakeholder_request in linked.select_for_update().select_related("product"):
            _move(stakeholder_request, Status.DELIVERED, actor=actor, note=WORK_DONE)
    elif old_status == BacklogItem.Status.DONE:
        linked = StakeholderRequest.objects.filter(backlog_item=item, status=Status.DELIVERED)
        for stakeholder_request in linked.select_for_update().select_related("product"):
            _move(stakeholder_request, Status.ACCEPTED, actor=actor, note=WORK_REOPENED)


def expected_deliveries_refresh(*, chunk: int = 500, request_ids: list[int] | None = None) -> int:
    """Tell watchers of accepted requests (all, or those named) whose expected
    delivery moved since they were last told (by more than the estimate's
    tolerance); the new date becomes the baseline, so running again sends
    nothing. Returns how many moved."""
    moved = 0
    last_pk = 0
    accepted = StakeholderRequest.objects.filter(status=Status.ACCEPTED)
    if request_ids is not None:
        accepted = accepted.filter(pk__in=request_ids)
    while True:
        batch = list(
            accepted.filter(pk__gt=last_pk)
            .order_by("pk")
            .only("pk", "status", "backlog_item_id", "expected_delivery", "delivered_at")[:chunk]
        )
        if not batch:
            return moved
        last_pk = batch[-1].pk
        estimates = expected_deliveries(batch)
        moved += sum(
            _delivery_moved(stakeholder_request.pk, estimates[stakeholder_request.pk])
            for stakeholder_request in batch
            if estimates[stakeholder_request.pk].moved_from(stakeholder_request.expected_delivery)
        )


@transaction.atomic
def _delivery_moved(pk: int, estimate: ExpectedDelivery) -> bool:
    current = StakeholderRequest.objects.select_for_update().select_related("product").get(pk=pk)
    if current.status != Status.ACCEPTED or not estimate.moved_from(current.expected_delivery):
        return False  # someone else got here first
    _record_event(
        current,
        actor=None,
        kind=RequestEvent.Kind.DELIVERY_MOVED,
        note=f"Expected delivery is now {estimate.label}.",
        old_date=current.expected_delivery,
        new_date=estimate.on,
    )
    current.expected_delivery = estimate.on
    current.save(update_fields=["expected_delivery", "updated_at"])
    return True


# --- Internals ---------------------------------------------------------------


def _check_move(stakeholder_request: StakeholderRequest, target: str) -> None:
    if not workflow.can_move(stakeholder_request.status, target):
        raise ValidationError(
            f"{stakeholder_request.reference} is {stakeholder_request.get_status_display().lower()}; "
            f"it cannot become {Status(target).label.lower()}."
        )


def _move(stakeholder_request: StakeholderRequest, target: str, *, actor: User | None, note: str = "") -> None:
    """Change the status (already locked and checked by the caller), stamp the
    service-level clocks, and record the event that tells the watchers."""
    _check_move(stakeholder_request, target)
    old_status = stakeholder_request.status
    now = timezone.now()
    stakeholder_request.status = target
    if target in workflow.DECIDED_STATUSES and stakeholder_request.decided_at is None:
        stakeholder_request.decided_at = now
    if target in workflow.DECIDED_STATUSES | {Status.NEEDS_INFO} and stakeholder_request.first_response_at is None:
        stakeholder_request.first_response_at = now
    stakeholder_request.delivered_at = now if target == Status.DELIVERED else None
    stakeholder_request.version += 1
    stakeholder_request.save()
    _record_event(
        stakeholder_request,
        actor=actor,
        kind=RequestEvent.Kind.STATUS,
        old_status=old_status,
        new_status=target,
        note=note,
    )


def _record_first_response(stakeholder_request: StakeholderRequest) -> None:
    if stakeholder_request.first_response_at is None:
        stakeholder_request.first_response_at = timezone.now()
        stakeholder_request.save(update_fields=["first_response_at", "updated_at"])


def _record_event(stakeholder_request: StakeholderRequest, *, actor: User | None, kind: str, **details) -> RequestEvent:
    event = RequestEvent.objects.create(request=stakeholder_request, actor=actor, kind=kind, **details)
    notifications.notify(
        kind=request_notifications.kind_of(event),
        recipients=_recipients(stakeholder_request),
        key=request_notifications.notification_key(event),
        text=request_notifications.text_of(event, stakeholder_request),
        link=stakeholder_request.get_absolute_url(),
        actor=actor,
        product=stakeholder_request.product_id,
        target=event,
    )
    return event


def _recipients(stakeholder_request: StakeholderRequest) -> set[int]:
    """The requester and the watchers. The notification system leaves out the
    actor, people who left the product or may not read the request (the rule
    registered from apps.requests.notifications) and those who turned it off."""
    user_ids = set(Watcher.objects.filter(request=stakeholder_request).values_list("user_id", flat=True))
    if stakeholder_request.requester_id:
        user_ids.add(stakeholder_request.requester_id)
    return user_ids


def _move_votes_and_watchers(duplicate: StakeholderRequest, kept: StakeholderRequest) -> None:
    voters = set(Vote.objects.filter(request=duplicate).values_list("user_id", flat=True))
    watchers = set(Watcher.objects.filter(request=duplicate).values_list("user_id", flat=True))
    if duplicate.requester_id:
        voters.add(duplicate.requester_id)
        watchers.add(duplicate.requester_id)
    if kept.requester_id:
        voters.discard(kept.requester_id)
        watchers.discard(kept.requester_id)
    # Someone who may not read the kept request must not hear about it either.
    roles = Membership.objects.filter(product_id=kept.product_id, user_id__in=watchers).values_list("user_id", "role")
    watchers = {user_id for user_id, role in roles if access.may_read(kept, user_id=user_id, role=Role(role))}
    Vote.objects.bulk_create((Vote(request=kept, user_id=user_id) for user_id in voters), ignore_conflicts=True)
    Watcher.objects.bulk_create((Watcher(request=kept, user_id=user_id) for user_id in watchers), ignore_conflicts=True)
    Vote.objects.filter(request=duplicate).delete()
    Watcher.objects.filter(request=duplicate).delete()


def _item_description(stakeholder_request: StakeholderRequest) -> str:
    parts = [
        f"From stakeholder request {stakeholder_request.reference}.",
        f"**Problem**\n\n{stakeholder_request.problem}",
        f"**Desired outcome**\n\n{stakeholder_request.desired_outcome}",
    ]
    if stakeholder_request.success_measure:
        parts.append(f"**How it would be measured**\n\n{stakeholder_request.success_measure}")
    return "\n\n".join(parts)


def _lock_product(product: Product) -> None:
    # Serialises numbering within one product.
    Product.objects.select_for_update().filter(pk=product.pk).values_list("pk").first()


def _next_number(product: Product) -> int:
    highest = StakeholderRequest.objects.filter(product=product).aggregate(n=Max("number"))["n"]
    return (highest or 0) + 1


def _lock_current(stakeholder_request: StakeholderRequest, expected_version: int | None) -> StakeholderRequest:
    current = StakeholderRequest.objects.select_for_update().select_related("product").get(pk=stakeholder_request.pk)
    refuse_if_stale(current, expected_version, label=current.reference)
    return current
