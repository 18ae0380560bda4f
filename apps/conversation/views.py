"""Comment threads and watching, for every object an app registered
(apps.conversation.subjects). The object is found through its own app's
door (apps.conversation.access), changed through services inside
`errors_on(form)` / `flash_errors`; htmx requests get a fragment of the
thread, plain posts go back to the object's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Action
from apps.conversation import selectors, services
from apps.conversation.access import READ, WRITE, access_comment, access_subject
from apps.conversation.forms import CommentForm
from apps.conversation.pages import thread_section
from apps.core.forms import errors_on, form_status
from apps.core.http import as_id, flash_errors
from apps.products.access import get_product


def _thread(request, product, target, *, form=None, status=200, fragment="thread"):
    context = thread_section(request, product, target, form=form, before=as_id(request.GET.get("before")))
    return TemplateResponse(request, f"conversation/_thread.html#{fragment}", context, status=status)


@login_required
def comments(request, product_slug, subject, ref):
    """GET: the thread (or, with ?before=<id>, the comments before that one).
    POST: add a comment."""
    product = get_product(request.user, product_slug, Action.VIEW_PRODUCT)
    if request.method != "POST":
        subject_, target = access_subject(request.user, product, subject, ref, READ)
        return _thread(request, product, target, fragment="earlier" if request.GET.get("before") else "thread")
    subject_, target = access_subject(request.user, product, subject, ref, WRITE)
    form = CommentForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            comment = services.comment_add(
                actor=request.user, product=product, subject=subject_, target=target, body=form.cleaned_data["body"]
            )
            if request.htmx:
                return _thread(request, product, target)
            return redirect(f"{subject_.url(target, product)}#comment-{comment.pk}")
    if request.htmx:
        return _thread(request, product, target, form=form, status=form_status(form))
    return _form_page(request, product, subject_, target, form)


def _form_page(request, product, subject, target, form, comment=None):
    """Without JavaScript a refused comment is shown again on a page of its own, with why."""
    context = {
        "product": product,
        "label": subject.label(target),
        "url": subject.url(target, product),
        "form": form,
        "comment": comment,
        "subject": subject.name,
        "ref": subject.ref(target),
    }
    return TemplateResponse(request, "conversation/comment_form.html", context, status=form_status(form))


@login_required
def comment_edit(request, product_slug, subject, ref, comment_id):
    product = get_product(request.user, product_slug, Action.VIEW_PRODUCT)
    subject_, target = access_subject(request.user, product, subject, ref, WRITE)
    comment = access_comment(request.user, product, subject_, target, comment_id, own=True)
    if request.method != "POST":
        form = CommentForm(initial={"body": comment.body, "version": comment.version})
        if request.htmx:
            context = {"product": product, "comment": comment, "form": form, "thread": {"subject": subject, "ref": ref}}
            return TemplateResponse(request, "conversation/_thread.html#edit", context)
        return _form_page(request, product, subject_, target, form, comment)
    form = CommentForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            services.comment_edit(
                actor=request.user,
                comment=comment,
                subject=subject_,
                target=target,
                body=form.cleaned_data["body"],
                expected_version=form.cleaned_data["version"],
            )
            if request.htmx:
                return _thread(request, product, target)
            return redirect(f"{subject_.url(target, product)}#comment-{comment.pk}")
    if request.htmx:
        context = {"product": product, "comment": comment, "form": form, "thread": {"subject": subject, "ref": ref}}
        return TemplateResponse(request, "conversation/_thread.html#edit", context, status=form_status(form))
    return _form_page(request, product, subject_, target, form, comment)


@login_required
@require_POST
def comment_delete(request, product_slug, subject, ref, comment_id):
    product = get_product(request.user, product_slug, Action.VIEW_PRODUCT)
    subject_, target = access_subject(request.user, product, subject, ref, WRITE)
    comment = access_comment(request.user, product, subject_, target, comment_id, own=True)
    with flash_errors(request):
        services.comment_delete(actor=request.user, comment=comment)
        if not request.htmx:
            messages.success(request, "Comment deleted.")
    if request.htmx:
        return _thread(request, product, target)
    return redirect(f"{subject_.url(target, product)}#activity")


@login_required
@require_POST
def watch(request, product_slug, subject, ref):
    """Watch (watching=1) or stop watching (watching=0) the object."""
    product = get_product(request.user, product_slug, Action.VIEW_PRODUCT)
    subject_, target = access_subject(request.user, product, subject, ref, READ)
    watching = services.watch_set(actor=request.user, target=target, watching=request.POST.get("watching") == "1")
    if request.htmx:
        context = {"product": product, "thread": {"subject": subject, "ref": ref, "watching": watching}}
        return TemplateResponse(request, "conversation/_thread.html#watch", context)
    messages.success(request, f"You {'now watch' if watching else 'no longer watch'} {subject_.label(target)}.")
    return redirect(subject_.url(target, product))


@login_required
def people(request, product_slug, subject, ref):
    """Who may be mentioned on this object: the autocomplete after @."""
    product = get_product(request.user, product_slug, Action.VIEW_PRODUCT)
    subject_, target = access_subject(request.user, product, subject, ref, WRITE)
    found = selectors.mentionable(subject_, target, product, request.GET.get("q", ""))
    return JsonResponse(
        {
            "people": [
                {"username": person.username, "name": person.get_full_name() or person.username} for person in found
            ]
        }
    )
