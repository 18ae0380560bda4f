"""Pages for stakeholder requests: submitting, following, discussing and triaging.

Thin views: access through selectors.get_request / apps.accounts.permissions,
changes through services, htmx requests get a named fragment of the same template.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Action, can, product_ids_where
from apps.core.exceptions import Conflict
from apps.core.forms import add_service_errors
from apps.products.access import get_product
from apps.requests import decisions, selectors, services
from apps.requests.delivery import expected_deliveries
from apps.requests.filters import InboxFilter, RequestFilter
from apps.requests.forms import (
    AttachmentsForm,
    CommentForm,
    NotificationPreferenceForm,
    SubmitForm,
    TriageSettingsForm,
)
from apps.requests.models import Attachment, NotificationPreference, TriageSettings

PAGE_SIZE = 50
VOICE_CHANGES = ("vote", "unvote", "watch", "unwatch")


# --- Product pages ---------------------------------------------------------------


@login_required
def request_list(request, product_slug):
    product = get_product(request.user, product_slug, Action.VIEW_REQUESTS)
    filterset = RequestFilter(request.GET, queryset=selectors.request_list(request.user, product), request=request)
    page = _page_with_deliveries(request, filterset.qs)
    context = {"product": product, "filter": filterset, "page": page}
    if can(request.user, Action.TRIAGE_REQUESTS, product):
        context["settings_form"] = TriageSettingsForm(
            instance=TriageSettings(product=product, response_target_days=selectors.response_target_days(product))
        )
    template = "requests/request_list.html#results" if request.htmx else "requests/request_list.html"
    return TemplateResponse(request, template, context)


@login_required
def request_submit(request, product_slug):
    product = get_product(request.user, product_slug, Action.SUBMIT_REQUEST)
    posted = request.method == "POST"
    form = SubmitForm(request.POST if posted else None, request.FILES if posted else None)
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            fields = dict(form.cleaned_data)
            files = fields.pop("attachments")
            try:
                stakeholder_request = services.request_submit(
                    actor=request.user, product=product, attachments=files, **fields
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except services.SubmissionRateLimited as exc:
                form.add_error(None, str(exc))
                status = 429
            else:
                messages.success(
                    request, f"Thank you: {stakeholder_request.reference} is in the product manager's inbox."
                )
                return redirect(stakeholder_request)
    return TemplateResponse(request, "requests/request_form.html", {"product": product, "form": form}, status=status)


@login_required
def similar(request, product_slug):
    """Suggestions while the title is typed (htmx, debounced in the page)."""
    product = get_product(request.user, product_slug, Action.VIEW_REQUESTS)
    matches = selectors.similar_requests(request.user, product, request.GET.get("title", ""))
    return TemplateResponse(
        request, "requests/request_form.html#suggestions", {"product": product, "suggestions": matches}
    )


@login_required
def request_detail(request, product_slug, number):
    stakeholder_request = selectors.get_request(request.user, product_slug, number)
    return TemplateResponse(request, "requests/request_detail.html", _detail_context(request, stakeholder_request))


@login_required
@require_POST
def voice(request, product_slug, number, change):
    """+1 / watch buttons: "vote", "unvote", "watch" or "unwatch"."""
    stakeholder_request = selectors.get_request(request.user, product_slug, number)
    actor = request.user
    try:
        if change == "vote":
            services.vote_add(actor=actor, stakeholder_request=stakeholder_request)
        elif change == "unvote":
            services.vote_remove(actor=actor, stakeholder_request=stakeholder_request)
        else:
            services.watch_set(actor=actor, stakeholder_request=stakeholder_request, watching=change == "watch")
    except ValidationError as exc:
        error = " ".join(exc.messages)
    else:
        error = ""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(stakeholder_request)
    fresh = selectors.get_request(request.user, product_slug, number)
    return TemplateResponse(
        request,
        "requests/request_detail.html#voice",
        {"stakeholder_request": fresh, "product": fresh.product, "voice_error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def comment_add(request, product_slug, number):
    internal = request.POST.get("internal") == "1"
    action = Action.VIEW_REQUEST_INTERNALS if internal else Action.VIEW_REQUESTS
    stakeholder_request = selectors.get_request(request.user, product_slug, number, action)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(
                actor=request.user,
                stakeholder_request=stakeholder_request,
                body=form.cleaned_data["body"],
                internal=internal,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Internal note added." if internal else "Comment added.")
            return redirect(stakeholder_request)
    key = "note_form" if internal else "comment_form"
    return TemplateResponse(
        request,
        "requests/request_detail.html",
        _detail_context(request, stakeholder_request, **{key: form}),
        status=400,
    )


@login_required
@require_POST
def attachments_add(request, product_slug, number):
    stakeholder_request = selectors.get_request(request.user, product_slug, number)
    if not selectors.may_see_attachments(request.user, stakeholder_request):
        raise PermissionDenied("Only the requester and the product team can attach files.")
    form = AttachmentsForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = services.attachments_add(
                actor=request.user, stakeholder_request=stakeholder_request, files=form.cleaned_data["attachments"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Attached {len(added)} file{'s' if len(added) != 1 else ''}.")
            return redirect(stakeholder_request)
    return TemplateResponse(
        request,
        "requests/request_detail.html",
        _detail_context(request, stakeholder_request, attachments_form=form),
        status=400,
    )


@login_required
def attachment_download(request, product_slug, number, attachment_id):
    """The only way to an uploaded file: it is never under a public URL."""
    stakeholder_request = selectors.get_request(request.user, product_slug, number)
    if not selectors.may_see_attachments(request.user, stakeholder_request):
        raise Http404("No such attachment.")
    attachment = get_object_or_404(Attachment, request=stakeholder_request, pk=attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def triage(request, product_slug, number, decision):
    """The PM's decisions: accept, decline, merge, ask (for info), snooze."""
    if decision not in decisions.DECISIONS:
        raise Http404("No such decision.")
    stakeholder_request = selectors.get_request(request.user, product_slug, number, Action.TRIAGE_REQUESTS)
    form = decisions.DECISIONS[decision].form(request.POST)
    status = 400
    if form.is_valid():
        try:
            done = decisions.DECISIONS[decision].decide(
                actor=request.user, stakeholder_request=stakeholder_request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, str(exc))
            status = 409
        else:
            messages.success(request, decisions.confirmation(decision, done))
            return redirect(done)
    return TemplateResponse(
        request,
        "requests/request_detail.html",
        _detail_context(request, stakeholder_request, decision_forms={decision: form}),
        status=status,
    )


@login_required
@require_POST
def triage_settings(request, product_slug):
    product = get_product(request.user, product_slug, Action.TRIAGE_REQUESTS)
    form = TriageSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.triage_settings_set(actor=request.user, product=product, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Service level saved.")
    else:
        messages.error(request, "The target must be a whole number of working days between 1 and 60.")
    return redirect("requests:list", product.slug)


# --- Pages across products ---------------------------------------------------------


@login_required
def inbox(request):
    if not product_ids_where(request.user, Action.VIEW_TRIAGE_INBOX):
        raise PermissionDenied("The triage inbox is for product managers and scrum masters.")
    state = selectors.InboxState.of(request.GET.get("state"))
    filterset = InboxFilter(request.GET, queryset=selectors.inbox(request.user, state), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.flag_service_levels(page.object_list)
    context = {
        "filter": filterset,
        "page": page,
        "state": state,
        "state_param": [("state", state)],
        "states": selectors.InboxState.choices,
    }
    template = "requests/inbox.html#results" if request.htmx else "requests/inbox.html"
    return TemplateResponse(request, template, context)


@login_required
def my_requests(request):
    page = _page_with_deliveries(request, selectors.my_requests(request.user))
    return TemplateResponse(request, "requests/my_requests.html", {"page": page})


@login_required
def notification_settings(request):
    preference = NotificationPreference.objects.filter(user=request.user).first() or NotificationPreference(
        user=request.user
    )
    form = NotificationPreferenceForm(request.POST if request.method == "POST" else None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.notification_preference_set(actor=request.user, **form.cleaned_data)
        messages.success(request, "Your email setting is saved.")
        return redirect("requests_overview:notification-settings")
    return TemplateResponse(request, "requests/notification_settings.html", {"form": form})


# --- Helpers -----------------------------------------------------------------------


def _page_with_deliveries(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    deliveries = expected_deliveries(page.object_list)
    for stakeholder_request in page.object_list:
        stakeholder_request.delivery = deliveries.get(stakeholder_request.pk)
    return page


def _detail_context(request, stakeholder_request, decision_forms=None, **forms) -> dict:
    user = request.user
    product = stakeholder_request.product
    team = can(user, Action.VIEW_REQUEST_INTERNALS, product)
    may_triage = can(user, Action.TRIAGE_REQUESTS, product)
    context = {
        "stakeholder_request": stakeholder_request,
        "product": product,
        "team": team,
        "delivery": expected_deliveries([stakeholder_request]).get(stakeholder_request.pk),
        "timeline": selectors.timeline(stakeholder_request),
        "comment_form": CommentForm(),
        "may_attach": selectors.may_see_attachments(user, stakeholder_request),
    }
    if context["may_attach"]:
        context["attachments"] = selectors.attachments_of(stakeholder_request)
        context["attachments_form"] = AttachmentsForm()
    if team:
        context["notes"] = selectors.internal_notes(stakeholder_request)
        context["note_form"] = CommentForm()
        context["service_level"] = selectors.service_level(stakeholder_request)
        context["duplicates"] = stakeholder_request.duplicates.all()
    if may_triage:
        context["decision_panels"] = decisions.panels(stakeholder_request, decision_forms or {})
    context.update(forms)
    return context
