"""Every change to comments and watches goes through these functions; pages
and the API share them. They trust the caller's access check (the owning
app's door, through apps.conversation.access) and enforce the rules: length,
mentions only of people who may see the object, one's own comments only, and
who is told (apps.notifications)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.conversation import mentions, selectors
from apps.conversation.models import COMMENT_MAX_LENGTH, Comment, Watch
from apps.conversation.subjects import Subject
from apps.core.versions import refuse_if_stale
from apps.notifications import services as notifications
from apps.notifications.kinds import Kind
from apps.notifications.models import Notification


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something first."})
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"body": f"A comment can be at most {COMMENT_MAX_LENGTH:,} characters; this one has {len(body):,}."}
        )
    return body


def _resolve_mentions(body: str, *, subject: Subject, target, product) -> list[User]:
    """The people the body mentions; a ValidationError naming anyone who is not
    in the product or may not see `target` (nobody is mentioned then)."""
    names = mentions.mentioned_usernames(body)
    if not names:
        return []
    if len(names) > mentions.MAX_MENTIONS:
        raise ValidationError({"body": f"A comment can mention at most {mentions.MAX_MENTIONS} people."})
    wanted = Q()
    for name in names:
        wanted |= Q(username__iexact=name)
    members = set(Membership.objects.filter(product=product).values_list("user_id", flat=True))
    found = {person.username.lower(): person for person in User.objects.filter(wanted, is_active=True)}
    people = {name: found.get(name.lower()) for name in names}
    strangers = [name for name, person in people.items() if person is None or person.pk not in members]
    if strangers:
        listed = ", ".join(f"@{name}" for name in strangers)
        raise ValidationError(
            {"body": f"{listed} {'is' if len(strangers) == 1 else 'are'} not in {product.name}; mention a member."}
        )
    allowed = subject.audience(target, {person.pk for person in people.values() if person is not None})
    blind = [name for name, person in people.items() if person is not None and person.pk not in allowed]
    if blind:
        listed = ", ".join(f"@{name}" for name in blind)
        raise ValidationError(
            {
                "body": f"{listed} cannot see this {subject.noun}, so cannot be mentioned here "
                "(stakeholders do not see the team's internal work)."
            }
        )
    return [person for person in people.values() if person is not None]


@transaction.atomic
def comment_add(*, actor: User, product, subject: Subject, target, body: str) -> Comment:
    """Add to the object's thread; the author and everyone mentioned watch it
    from now on; the mentioned and the watchers are told."""
    body = _clean_body(body)
    mentioned = _resolve_mentions(body, subject=subject, target=target, product=product)
    comment = Comment.objects.create(
        product=product, author=actor, body=body, created_at=timezone.now(), **selectors.of_target(target)
    )
    watchers_before = selectors.watcher_ids(target)
    comment.mentioned.set(mentioned)
    watchers_add(target=target, user_ids=[actor.pk, *(person.pk for person in mentioned)])
    _tell(comment, actor=actor, product=product, subject=subject, target=target, mentioned=mentioned)
    notifications.notify(
        kind=Kind.ITEM_COMMENT,
        recipients=watchers_before - {person.pk for person in mentioned},
        key=f"conversation.comment:{comment.pk}",
        text=f"{actor} commented on {subject.label(target)}",
        link=_link(comment, subject, target, product),
        actor=actor,
        product=product,
        target=target,
    )
    return comment


@transaction.atomic
def comment_edit(
    *, actor: User, comment: Comment, subject: Subject, target, body: str, expected_version: int | None = None
) -> Comment:
    """Change one's own comment; people it newly mentions are told."""
    current = Comment.objects.select_for_update().select_related("product").get(pk=comment.pk)
    if current.author_id != actor.pk:
        raise ValidationError("Only its author can edit a comment.")
    refuse_if_stale(current, expected_version, label="This comment")
    body = _clean_body(body)
    mentioned = _resolve_mentions(body, subject=subject, target=target, product=current.product)
    if body == current.body:
        return current
    current.body = body
    current.edited_at = timezone.now()
    current.version += 1
    current.save(update_fields=["body", "edited_at", "version"])
    told = set(current.mentioned.values_list("pk", flat=True))
    current.mentioned.set(mentioned)
    newly = [person for person in mentioned if person.pk not in told]
    watchers_add(target=target, user_ids=[person.pk for person in newly])
    _tell(current, actor=actor, product=current.product, subject=subject, target=target, mentioned=newly)
    return current


@transaction.atomic
def comment_delete(*, actor: User, comment: Comment) -> None:
    """Delete one's own comment, and what it told people that they have not read."""
    if comment.author_id != actor.pk:
        raise ValidationError("Only its author can delete a comment.")
    Notification.objects.filter(
        key__in=[f"conversation.mention:{comment.pk}", f"conversation.comment:{comment.pk}"], read_at__isnull=True
    ).delete()
    comment.delete()


def _tell(comment: Comment, *, actor: User, product, subject: Subject, target, mentioned: Iterable[User]) -> None:
    notifications.notify(
        kind=Kind.MENTIONED,
        recipients=mentioned,
        key=f"conversation.mention:{comment.pk}",
        text=f"{actor} mentioned you on {subject.label(target)}",
        link=_link(comment, subject, target, product),
        actor=actor,
        product=product,
        target=target,
    )


def _link(comment: Comment, subject: Subject, target, product) -> str:
    return f"{subject.url(target, product)}#comment-{comment.pk}"


# --- watching --------------------------------------------------------------------


@transaction.atomic
def watch_set(*, actor: User, target, watching: bool) -> bool:
    if watching:
        Watch.objects.get_or_create(user=actor, **selectors.of_target(target))
    else:
        Watch.objects.filter(user=actor, **selectors.of_target(target)).delete()
    return watching


def watchers_add(*, target, user_ids: Iterable[int | None]) -> None:
    """Make these people watch `target` (those who already do are left alone):
    the creator, the assignee, the mentioned."""
    where = selectors.of_target(target)
    Watch.objects.bulk_create(
        [Watch(user_id=user_id, **where) for user_id in {pk for pk in user_ids if pk is not None}],
        ignore_conflicts=True,
    )


def watchers_of(target) -> set[int]:
    return selectors.watcher_ids(target)
