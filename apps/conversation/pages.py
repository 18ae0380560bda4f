"""The thread as a section of its object's page: the owning app's view calls
`thread_section` and its template includes "conversation/_thread.html"."""

from django.urls import reverse
from django.utils import timezone

from apps.accounts.permissions import can
from apps.conversation import selectors
from apps.conversation.forms import CommentForm
from apps.conversation.subjects import subject_of
from apps.core.markdown import render_markdown_many


def thread_section(request, product, target, *, form=None, before: int | None = None) -> dict:
    subject = subject_of(target)
    ref = subject.ref(target)
    comments, has_earlier = selectors.thread(target, before=before)
    may_write = can(request.user, subject.write, product)
    comments_url = reverse("conversation:comments", args=[product.slug, subject.name, ref])
    editor = request.user.pk if may_write else None
    return {
        "product": product,
        "thread": {
            "subject": subject.name,
            "ref": ref,
            "label": subject.label(target),
            "noun": subject.noun,
            "url": subject.url(target, product),
            "comments": comment_rows(comments, comments_url=comments_url, editor=editor),
            "comments_url": comments_url,
            "has_earlier": has_earlier,
            "earliest": comments[0]["id"] if comments else None,
            "watching": selectors.is_watching(request.user, target),
            "may_write": may_write,
            "form": form or CommentForm(),
            "me": request.user.pk,
        },
    }


def comment_rows(comments: list[dict], *, comments_url: str, editor: int | None) -> list[dict]:
    """What the thread shows of each comment (`selectors.thread` rows), its
    Markdown rendered (or read from the fragments cache, keyed by the text);
    the edit and delete links only on the comments `editor` wrote."""
    bodies = render_markdown_many([comment["body"] for comment in comments])
    rows = []
    for comment, body in zip(comments, bodies, strict=True):
        pk = comment["id"]
        created = timezone.localtime(comment["created_at"])
        mine = editor is not None and comment["author_id"] == editor
        first, last = comment["author__first_name"] or "", comment["author__last_name"] or ""
        rows.append(
            {
                "pk": pk,
                "author": f"{first} {last}".strip() or comment["author__username"] or "",
                "datetime": created.isoformat(),
                "when": created.strftime("%Y-%m-%d %H:%M"),
                "edited": comment["edited_at"] is not None,
                "edit_url": f"{comments_url}{pk}/edit/" if mine else "",
                "delete_url": f"{comments_url}{pk}/delete/" if mine else "",
                "body": body,
            }
        )
    return rows
