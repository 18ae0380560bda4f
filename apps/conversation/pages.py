"""The thread as a section of its object's page: the owning app's view calls
`thread_section` and its template includes "conversation/_thread.html"."""

from apps.accounts.permissions import can
from apps.conversation import selectors
from apps.conversation.forms import CommentForm
from apps.conversation.subjects import subject_of


def thread_section(request, product, target, *, form=None, before: int | None = None) -> dict:
    subject = subject_of(target)
    comments, has_earlier = selectors.thread(target, before=before)
    return {
        "product": product,
        "thread": {
            "subject": subject.name,
            "ref": subject.ref(target),
            "label": subject.label(target),
            "noun": subject.noun,
            "url": subject.url(target, product),
            "comments": comments,
            "has_earlier": has_earlier,
            "earliest": comments[0].pk if comments else None,
            "watching": selectors.is_watching(request.user, target),
            "may_write": can(request.user, subject.write, product),
            "form": form or CommentForm(),
            "me": request.user.pk,
        },
    }
