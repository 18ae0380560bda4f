"""Pages for stakeholder requests: submitting, following, discussing and triaging.

Thin views: the product through apps.products.access, the request and what
hangs off it through apps.requests.access, changes through services inside
`errors_on(form)` (or `flash_errors` for a button); htmx requests get a named
fragment of the same template (apps.core.http.page).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Action, allows
from apps.core import uploads
from apps.core.forms import error_text, errors_on, form_status
from apps.core.http import flash_errors, page, posted
from apps.notifications import selectors as notification_selectors
from apps.notifications import services as notifications
from apps.notifications.forms import PreferencesForm
from apps.notifications.kinds import Kind
from apps.products.access import get_product
from apps.requests import access, decisions, selectors, services
from apps.requests.delivery import expected_deliveries, planning_panels
from apps.requests.filters import InboxFilter, RequestFilter
from apps.requests.forms import (
    AttachmentsForm,
    CommentForm,
    EditForm,
    SubmitForm,
    TriageSettingsForm,
    WithdrawForm,
)
from apps.requests.models import SUBMITTED_FIELDS, TriageSettings
from apps.requests.rows import for_rows, request_rows

PAGE_SIZE = 50
REQUEST_KINDS = [Kind.REQUEST_STATUS, Kind.REQUEST_DELIVERY]


def _vote(*, actor, stakeholder_request):
    services.vote_add(actor=actor, stakeholder_request=stakeholder_request)


def _unvote(*, actor, stakeholder_request):
    services.vote_remove(actor=actor, stakeholder_request=stakeholder_request)


def _watch(*, actor, stakeholder_request):
    services.watch_set(actor=actor, stakeholder_request=stakeholder_request, watching=True)


def _unwatch(*, actor, stakeholder_request):
    services.watch_set(actor=actor, stakeholder_request=stakeholder_request, watching=False)


# The +1 and watch buttons, by the name in their URL.
VOTE_AND_WATCH_CHANGES = {"vote": _vote, "unvote": _unvote, "watch": _watch, "unwatch": _unwatch}


# --- Product pages ---------------------------------------------------------------


@login_required
def request_list(request, product_slug):
    product = get_product(request.user, product_slug, Action.VIEW_REQUESTS)
    filterset = RequestFilter(request.GET, queryset=selectors.request_list(request.user, product), request=request)
    context = {"product": product, "filter": filterset, "page": _page_with_deliveries(request, filterset.qs)}
    if allows(product.viewer_role, Action.TRIAGE_REQUESTS):
        context["settings_form"] = TriageSettingsForm(
            instance=TriageSettings(product=product, response_target_days=selectors.response_target_days(product))
        )
    return page(request, "requests/request_list.html", context, fragment="results")


@login_required
def request_submit(request, product_slug):
    product = get_product(request.user, product_slug, Action.SUBMIT_REQUEST)
    form = SubmitForm(posted(request), request.FILES if request.method == "POST" else None)
    status = None
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        files = fields.pop("attachments")
        try:
            with errors_on(form):
                stakeholder_request = services.request_submit(
                    actor=request.user, product=product, attachments=files, **fields
                )
                messages.success(
                    request, f"Thank you: {stakeholder_request.reference} is in the product manager's inbox."
                )
                return redirect(stakeholder_request)
        except services.SubmissionRateLimited as exc:
            form.add_error(None, str(exc))
            status = 429
    return TemplateResponse(
        request, "requests/request_form.html", {"product": product, "form": form}, status=status or form_status(form)
    )


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
    product = get_product(request.user, product_slug, Action.VIEW_REQUESTS)
    stakeholder_request = access.access_request(request.user, product, number)
    return TemplateResponse(request, "requests/request_detail.html", _detail_context(request, stakeholder_request))


@login_required
def request_edit(request, product_slug, number):
    """The requester corrects their request while it waits for a decision."""
    product = get_product(request.user, product_slug, Action.SUBMIT_REQUEST)
    stakeholder_request = access.access_own_request(request.user, product, number)
    form = EditForm(posted(request), instance=stakeholder_request, initial={"version": stakeholder_request.version})
    if form.is_bound and form.is_valid():
        changes = {field: form.cleaned_data[field] for field in SUBMITTED_FIELDS}
        with errors_on(form):
            services.request_edit(
                actor=request.user,
                stakeholder_request=stakeholder_request,
                expected_version=form.cleaned_data["version"],
                **changes,
            )
            messages.success(request, f"{stakeholder_request.reference} is saved.")
            return redirect(stakeholder_request)
    return _edit_page(request, product, stakeholder_request, edit_form=form)


@login_required
@require_POST
def request_withdraw(request, product_slug, number):
    """The requester withdraws their request before it is decided; watchers are told."""
    product = get_product(request.user, product_slug, Action.SUBMIT_REQUEST)
    stakeholder_request = access.access_own_request(request.user, product, number)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            services.request_withdraw(
                actor=request.user,
                stakeholder_request=stakeholder_request,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, f"{stakeholder_request.reference} is withdrawn; its watchers are told.")
            return redirect(stakeholder_request)
    return _edit_page(request, product, stakeholder_request, withdraw_form=form)


def _edit_page(request, product, stakeholder_request, *, edit_form=None, withdraw_form=None):
    """The edit page with its two forms (edit, withdraw), one of them as posted."""
    version = {"version": stakeholder_request.version}
    return TemplateResponse(
        request,
        "requests/request_edit.html",
        {
            "product": product,
            "stakeholder_request": stakeholder_request,
            "form": edit_form or EditForm(instance=stakeholder_request, initial=version),
            "withdraw_form": withdraw_form or WithdrawForm(initial=version),
        },
        status=form_status(edit_form, withdraw_form),
    )


@login_required
@require_POST
def vote_or_watch(request, product_slug, number, change):
    """The +1 and watch buttons: "vote", "unvote", "watch" or "unwatch". A
    refusal is a message on the page, or for htmx in the page's message area
    (apps.core.middleware)."""
    product = get_product(request.user, product_slug, Action.VIEW_REQUESTS)
    stakeholder_request = access.access_request(request.user, product, number)
    change_votes = VOTE_AND_WATCH_CHANGES[change]
    if not request.htmx:
        with flash_errors(request):
            change_votes(actor=request.user, stakeholder_request=stakeholder_request)
        return redirect(stakeholder_request)
    change_votes(actor=request.user, stakeholder_request=stakeholder_request)
    fresh = access.access_request(request.user, product, number)
    return TemplateResponse(
        request, "requests/request_detail.html#votes", {"stakeholder_request": fresh, "product": product}
    )


@login_required
@require_POST
def comment_add(request, product_slug, number):
    internal = request.POST.get("internal") == "1"
    product = get_product(request.user, product_slug, Action.VIEW_REQUESTS)
    stakeholder_request = access.access_comments(request.user, product, number, internal=internal)
    form = CommentForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            services.comment_add(
                actor=request.user,
                stakeholder_request=stakeholder_request,
                body=form.cleaned_data["body"],
                internal=internal,
            )
            messages.success(request, "Internal note added." if internal else "Comment added.")
            return redirect(stakeholder_request)
    key = "note_form" if internal else "comment_form"
    return TemplateResponse(
        request,
        "requests/request_detail.html",
        _detail_context(request, stakeholder_request, **{key: form}),
        status=form_status(form),
    )


@login_required
@require_POST
def attachments_add(request, product_slug, number):
    product = get_product(request.user, product_slug, Action.VIEW_REQUESTS)
    stakeholder_request = access.access_attachments(request.user, product, number, adding=True)
    form = AttachmentsForm(request.POST, request.FILES)
    if form.is_valid():
        with errors_on(form):
            added = services.attachments_add(
                actor=request.user, stakeholder_request=stakeholder_request, files=form.cleaned_data["attachments"]
            )
            messages.success(request, f"Attached {len(added)} file{'s' if len(added) != 1 else ''}.")
            return redirect(stakeholder_request)
    return TemplateResponse(
        request,
        "requests/request_detail.html",
        _detail_context(request, stakeholder_request, attachments_form=form),
        status=form_status(form),
    )


@login_required
def attachment_download(request, product_slug, number, attachment_id):
    """The only way to an uploaded file: it is never under a public URL."""
    product = get_product(request.user, product_slug, Action.VIEW_REQUESTS)
    attachment = access.access_attachment(request.user, product, number, attachment_id)
    return uploads.download(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)


@login_required
@require_POST
def triage(request, product_slug, number, decision):
    """The PM's decisions: accept, decline, merge, ask (for info), snooze.
    A decision based on an outdated version is a 409 with the form shown again."""
    if decision not in decisions.TRIAGE_DECISIONS:
        raise Http404("No such decision.")
    product = get_product(request.user, product_slug, Action.VIEW_REQUESTS)
    stakeholder_request = access.access_request(request.user, product, number, Action.TRIAGE_REQUESTS)
    form = decisions.TRIAGE_DECISIONS[decision].form(request.POST)
    if form.is_valid():
        with errors_on(form):
            done = decisions.TRIAGE_DECISIONS[decision].decide(
                actor=request.user, stakeholder_request=stakeholder_request, **form.cleaned_data
            )
            messages.success(request, decisions.confirmation(decision, done))
            return redirect(done)
    return TemplateResponse(
        request,
        "requests/request_detail.html",
        _detail_context(request, stakeholder_request, decision_forms={decision: form}),
        status=form_status(form),
    )


@login_required
@require_POST
def triage_settings(request, product_slug):
    product = get_product(request.user, product_slug, Action.TRIAGE_REQUESTS)
    form = TriageSettingsForm(request.POST)
    if form.is_valid():
        with flash_errors(request):
            services.triage_settings_set(actor=request.user, product=product, **form.cleaned_data)
            messages.success(request, "Service level saved.")
    else:
        messages.error(request, error_text(form))
    return redirect("requests:list", product.slug)


# --- Pages across products (no single product: their own checks) ---------------------


@login_required
def inbox(request):
    access.require_inbox(request.user)
    state = selectors.InboxState.of(request.GET.get("state"))
    filterset = InboxFilter(request.GET, queryset=selectors.inbox(request.user, state), request=request)
    requests_page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    requests_page.object_list = selectors.flag_service_levels(requests_page.object_list)
    context = {
        "filter": filterset,
        "page": requests_page,
        "state": state,
        "state_param": [("state", state)],
        "states": selectors.InboxState.choices,
    }
    return page(request, "requests/inbox.html", context, fragment="results")


@login_required
def my_requests(request):
    requests_page = _page_with_deliveries(request, selectors.my_requests(request.user))
    return TemplateResponse(request, "requests/my_requests.html", {"page": requests_page})


@login_required
def notification_settings(request):
    """The request rows of the notification settings (apps.notifications)."""
    form = PreferencesForm(
        posted(request), preferences=notification_selectors.preferences_of(request.user), kinds=REQUEST_KINDS
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            notifications.preferences_set(actor=request.user, choices=form.choices())
            messages.success(request, "Your request notification settings are saved.")
            return redirect("requests_overview:notification-settings")
    return TemplateResponse(request, "requests/notification_settings.html", {"form": form}, status=form_status(form))


# --- Helpers -----------------------------------------------------------------------


def _page_with_deliveries(request, queryset):
    """A page of the request table: rows (apps.requests.rows) with their expected delivery."""
    requests_page = Paginator(for_rows(queryset), PAGE_SIZE).get_page(request.GET.get("page"))
    requests = list(requests_page.object_list)
    requests_page.object_list = request_rows(requests, expected_deliveries(requests))
    return requests_page


def _detail_context(request, stakeholder_request, decision_forms=None, **forms) -> dict:
    role = stakeholder_request.product.viewer_role
    context = {
        "stakeholder_request": stakeholder_request,
        "product": stakeholder_request.product,
        "delivery": expected_deliveries([stakeholder_request]).get(stakeholder_request.pk),
        "timeline": selectors.timeline(stakeholder_request),
        "comment_form": CommentForm(),
        # A rule about this request's row (its requester), not about a role.
        "sees_attachments": access.may_see_attachments(request.user, stakeholder_request),
        "decision_panels": decisions.panels(stakeholder_request, decision_forms or {}),
        "planning_panels": planning_panels(stakeholder_request, request.user),
    }
    if context["sees_attachments"]:
        context["attachments"] = selectors.attachments_of(stakeholder_request)
        context["attachments_form"] = AttachmentsForm()
    if allows(role, Action.VIEW_REQUEST_INTERNALS):
        context["notes"] = selectors.internal_notes(stakeholder_request)
        context["note_form"] = CommentForm()
        context["service_level"] = selectors.service_level(stakeholder_request)
        context["duplicates"] = selectors.duplicates_of(stakeholder_request)
    context.update(forms)
    return context
