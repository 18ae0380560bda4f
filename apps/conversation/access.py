"""The way to a thread: the object is found through its own app's door (the
`find` it registered, apps.conversation.subjects), so a thread is reachable
exactly where its object is, with the object's rights (404 outside the
product or for an object the person may not see, 403 for a missing right).
Comments are found inside that thread; editing or deleting one is its
author's only."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from apps.accounts.permissions import require
from apps.conversation import selectors
from apps.conversation.models import Comment
from apps.conversation.subjects import Subject, subject_named
from apps.core.lookups import one_by_id

READ, WRITE = "read", "write"


def access_subject(user, product, subject_name: str, ref, mode: str = READ):
    """(subject, object) for a thread the user reads (or, with WRITE, writes in)."""
    subject = subject_named(subject_name)
    target = subject.find(user, product, ref, subject.write if mode == WRITE else subject.read)
    return subject, target


def visible_comments(user, product, subject: Subject, target) -> QuerySet[Comment]:
    """The thread of an object reached through `access_subject`."""
    require(user, subject.read, product)
    return selectors.comments_on(target)


def access_comment(user, product, subject: Subject, target, comment_id, *, own: bool = False) -> Comment:
    """A comment of the thread; with `own`, one the user wrote and may still write (403 otherwise)."""
    require(user, subject.write if own else subject.read, product)
    comment = one_by_id(visible_comments(user, product, subject, target), comment_id, "No such comment here.")
    if own and comment.author_id != user.pk:
        raise PermissionDenied("You can only edit or delete your own comments.")
    return comment
