"""Reads of threads and watch lists that pages and the API share."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from apps.accounts.models import Membership, User
from apps.conversation.models import Comment, Watch
from apps.conversation.subjects import Subject

THREAD_PAGE = 50


def of_target(target) -> dict:
    return {"target_type": ContentType.objects.get_for_model(target), "target_id": target.pk}


def comments_on(target) -> QuerySet[Comment]:
    return Comment.objects.filter(**of_target(target)).select_related("author")


THREAD_FIELDS = (
    "id",
    "author_id",
    "author__username",
    "author__first_name",
    "author__last_name",
    "body",
    "created_at",
    "edited_at",
)


def thread(target, *, before: int | None = None, size: int = THREAD_PAGE) -> tuple[list[dict], bool]:
    """The newest `size` comments (before the comment with id `before`, when
    given), oldest first, as dicts of THREAD_FIELDS, and whether earlier ones exist."""
    comments = Comment.objects.filter(**of_target(target)).order_by("-created_at", "-id")
    if before is not None:
        anchor = Comment.objects.filter(pk=before, **of_target(target)).values_list("created_at", "id").first()
        if anchor is not None:
            comments = comments.filter(Q(created_at__lt=anchor[0]) | Q(created_at=anchor[0], id__lt=anchor[1]))
    rows = list(comments.values(*THREAD_FIELDS)[: size + 1])
    return list(reversed(rows[:size])), len(rows) > size


def is_watching(user, target) -> bool:
    return Watch.objects.filter(user_id=user.pk, **of_target(target)).exists()


def watcher_ids(target) -> set[int]:
    return set(Watch.objects.filter(**of_target(target)).values_list("user_id", flat=True))


def mentionable(subject: Subject, target, product, query: str = "", limit: int = 8) -> list[User]:
    """Members of the product who may see `target`, matching what was typed after @."""
    query = (query or "").strip().lstrip("@")[:50]
    people = User.objects.filter(
        pk__in=Membership.objects.filter(product=product).values("user_id"), is_active=True
    ).order_by("username")
    if query:
        people = people.filter(
            Q(username__istartswith=query) | Q(first_name__istartswith=query) | Q(last_name__istartswith=query)
        )
    candidates = list(people[: limit * 4])
    allowed = subject.audience(target, {person.pk for person in candidates})
    return [person for person in candidates if person.pk in allowed][:limit]
