"""Backlog pages. Objects are found through apps.backlog.access (role and
product checked there), read through selectors and changed through services
inside `errors_on(form)`; a refused change shows on its form or row (400), a
stale edit answers 409 with the same message everywhere. htmx requests get a
named fragment of the same template."""

import functools
from datetime import datetime
from decimal import Decimal
from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import ChoiceField
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Action
from apps.backlog import access, selectors, services, workflow
from apps.backlog.filters import FILTER_KEYS
from apps.backlog.forms import (
    AttachmentsForm,
    BlockerForm,
    BulkForm,
    CriterionForm,
    GroomForm,
    ItemForm,
    LabelForm,
    MoveForm,
    QuickAddForm,
    RelationForm,
    SavedFilterForm,
    WorkForm,
)
from apps.backlog.models import BacklogItem, expected_points, is_highly_uncertain
from apps.backlog.rows import assignee_filter_options, backlog_rows, epic_options, people_options
from apps.conversation.pages import thread_section
from apps.core import uploads
from apps.core.downloads import csv_download, safe_cell
from apps.core.forms import error_text, errors_on, form_status
from apps.core.http import flash_errors, page
from apps.products.access import get_product

PAGE_SIZE = 50
GROOMING_SIZE = 15
EPIC_CHILDREN_SHOWN = 200
ESTIMATE_FIELDS = ["story_points", "estimate_optimistic", "estimate_likely", "estimate_pessimistic"]


def _row_context(product, items) -> dict:
    """The rows (see rows.py) and what the page or a row fragment needs around them."""
    return {
        "product": product,
        "rows": backlog_rows(items, product=product),
        "statuses": BacklogItem.Status,
    }


def _row(request, product, item, *, error: str = "", status: int = 200) -> TemplateResponse:
    """One backlog row, fresh from the database, for htmx to swap in."""
    row = selectors.item_rows(access.visible_items(request.user, product, numbers=[item.number])).get()
    context = _row_context(product, [row])
    context |= {"row": context["rows"][0], "row_error": error}
    return TemplateResponse(request, "backlog/backlog.html#row", context, status=status)


@login_required
def backlog(request, product_slug):
    """The ordered backlog, filtered by the URL, loaded PAGE_SIZE rows at a
    time after the rank in `after` (keyset, so page 200 is as fast as page 1)."""
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    filters = access.filtered_items(request.user, product, request.GET)
    status = 200 if filters.is_valid() else 400
    items = filters.qs if status == 200 else filters.queryset.none()
    after = request.GET.get("after", "")
    rows, has_more = selectors.keyset_page(selectors.item_rows(items), after=after, size=PAGE_SIZE)
    query = [(key, value) for key in FILTER_KEYS for value in request.GET.getlist(key) if value]
    context = {
        **_row_context(product, rows),
        "filters": filters,
        "filter_query": urlencode(query),
        "more_url": f"?{urlencode([*query, ('after', rows[-1]['rank'])])}" if has_more else "",
        "has_more": has_more,
        "selected": {key: request.GET.getlist(key) for key in FILTER_KEYS},
    }
    if after and request.htmx:
        return page(request, "backlog/backlog.html", context, fragment="more-rows", status=status)
    people = selectors.team_menu(product)
    epic = request.GET.get("epic", "")
    context |= {
        "saved_filters": list(access.visible_saved_filters(request.user, product, "backlog")),
        "saved_filter_page": "backlog",
        "total": filters.qs.count() if status == 200 else 0,
        "labels": list(access.visible_labels(request.user, product)),
        "people_options": people_options(people),
        "assignee_options": assignee_filter_options(people, context["selected"]["assignee"]),
        "epic_title": selectors.epic_title(product, epic) if epic else "",
        "kinds": BacklogItem.Kind.choices,
        "bulk_actions": [choice for choice in BulkForm.ACTIONS if access.may_bulk(request.user, product, choice[0])],
    }
    return page(request, "backlog/backlog.html", context, status=status)


@login_required
def epic_choices(request, product_slug):
    """Suggestions of the epic filter while typing (<option>s of its datalist)."""
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    choices = selectors.epic_choices(product, request.GET.get("epic", "")[:200])
    return HttpResponse(epic_options(choices))


@login_required
def item_choices(request, product_slug):
    """Suggestions of an item picker while typing (<option>s of its datalist).
    The text is `q`, or the parameter that `field` names: htmx sends a picker's
    value under the input's own name (`?field=backlog_item&backlog_item=churn`)."""
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    text = request.GET.get(request.GET.get("field", "q")[:50], "")
    return HttpResponse(epic_options(selectors.item_choices(product, text[:200])))


@login_required
@require_POST
def quick_add(request, product_slug):
    product = get_product(request.user, product_slug, Action.ADD_BACKLOG_ITEM)
    form = QuickAddForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            item = services.item_create(actor=request.user, product=product, **form.cleaned_data)
    if form.errors:
        return _flash(request, error_text(form), level="error", status=form_status(form))
    if not request.htmx:
        messages.success(request, f"Added #{item.number}.")
        return redirect("backlog:list", product.slug)
    # The new row goes where it belongs in the loaded list: first, or last
    # unless more rows are still to load (it will arrive with them).
    if not form.cleaned_data["at_top"] and request.POST.get("has_more"):
        response = _flash(request, f"Added #{item.number} “{item.title}” at the bottom of the backlog.")
    else:
        response = _row(request, product, item)
        response["HX-Reswap"] = "afterbegin" if form.cleaned_data["at_top"] else "beforeend"
    return _with_count(request, product, response)


def _with_count(request, product, response: TemplateResponse) -> HttpResponse:
    """The answer, and the page header's item count as it is now (counted under
    the page's filters, sent back by the form), swapped in out of band."""
    filters = access.filtered_items(request.user, product, QueryDict(request.POST.get("filter_query", "")))
    total = filters.qs.count() if filters.is_valid() else 0
    count = render_to_string("backlog/backlog.html#count", {"total": total, "count_only": True}, request)
    response.render()
    response.content += count.encode()
    return response


def _flash(request, message: str, level: str = "success", status: int = 200) -> HttpResponse:
    response = TemplateResponse(
        request, "backlog/backlog.html#flash", {"message": message, "level": level}, status=status
    )
    response["HX-Reswap"] = "none"
    return response


@login_required
@require_POST
def item_work(request, product_slug, number):
    """Inline change of status, estimate or assignee: the row (htmx) or the item page."""
    product = get_product(request.user, product_slug, Action.WORK_BACKLOG_ITEM)
    item = access.access_item(request.user, product, number, Action.WORK_BACKLOG_ITEM)
    form = WorkForm(request.POST, product=product)
    if form.is_valid():
        changes = form.changes()
        with errors_on(form):
            services.item_edit(
                actor=request.user,
                item=item,
                expected_version=form.cleaned_data["version"],
                status=changes.pop("status", None) or None,
                **changes,
            )
            if not request.htmx:
                return redirect(item)
    if request.htmx:
        return _row(request, product, item, error=error_text(form), status=form_status(form))
    if form_status(form) == 409:
        # A stale change: the item page as it is now, saying why nothing was saved.
        item = access.access_item(request.user, product, number)
        context = _detail_context(product, item, work_error=error_text(form)) | thread_section(request, product, item)
        return TemplateResponse(request, "backlog/item_detail.html", context, status=409)
    messages.error(request, error_text(form))
    return redirect(item)


@login_required
@require_POST
def item_move(request, product_slug, number):
    """Reorder: before/after another item's number, or to the top/bottom. Answers
    the page's script: 204, or 400 with the reason as plain text."""
    product = get_product(request.user, product_slug, Action.REORDER_BACKLOG)
    form = MoveForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            where, value = form.place()
            if where == "to":
                # To the top or bottom: the moving statement finds the item by its number (no read first).
                wanted = access.item_number(request.user, product, number, Action.REORDER_BACKLOG)
                try:
                    services.item_number_move_to(actor=request.user, product=product, number=wanted, edge=value)
                except BacklogItem.DoesNotExist:
                    raise Http404(f"No item #{number} in this backlog.") from None
            else:
                item = access.access_item(request.user, product, number, Action.REORDER_BACKLOG, detail=False)
                anchor = access.access_anchor(
                    request.user, product, value, message=f"There is no item #{value} in this backlog to move next to."
                )
                services.item_move(actor=request.user, item=item, **{where: anchor})
            if request.htmx or request.headers.get("X-Requested-With") == "fetch":
                return HttpResponse(status=204)
            return redirect("backlog:list", product.slug)
    # A move of an item that is not there is a 404 before it is a bad form.
    access.access_item(request.user, product, number, Action.REORDER_BACKLOG, detail=False)
    return HttpResponse(error_text(form), status=form_status(form), content_type="text/plain")


@login_required
@require_POST
def bulk(request, product_slug):
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    form = BulkForm(request.POST, product=product)
    if form.is_valid():
        try:
            access.require_bulk(request.user, product, [form.cleaned_data["action"]])
        except PermissionDenied as refused:
            # Said on the backlog as it was filtered, not on a bare "Not allowed" page.
            form.add_error(None, str(refused))
    if form.is_valid():
        with errors_on(form):
            numbers = form.cleaned_data["items"]
            services.items_bulk_update(actor=request.user, product=product, numbers=numbers, **form.service_arguments())
            messages.success(request, f"Updated {len(numbers)} items.")
    if form.errors:
        messages.error(request, error_text(form))
    return redirect(reverse("backlog:list", args=[product.slug]) + "?" + request.POST.get("filter_query", ""))


@login_required
def export_csv(request, product_slug):
    """The filtered backlog as CSV, streamed row by row in constant memory."""
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    filters = access.filtered_items(request.user, product, request.GET)
    if not filters.is_valid():
        return HttpResponse(
            "Bad filter: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in filters.errors.items()),
            status=400,
            content_type="text/plain",
        )
    header = [*selectors.EXPORT_COLUMNS, "expected_points", "highly_uncertain"]
    rows = (_export_row(row) for row in selectors.export_rows(filters.qs))
    return csv_download(header, rows, f"{product.slug}-backlog.csv")


def _export_row(row: dict) -> list:
    estimate = [row[name] for name in ESTIMATE_FIELDS]
    return [
        *(_cell(row[field]) for field in selectors.EXPORT_COLUMNS.values()),
        _cell(expected_points(*estimate), 2),
        _cell(is_highly_uncertain(*estimate[1:])),
    ]


def _cell(value, places: int = 1):
    if value is None or value is False:
        return ""
    if value is True:
        return "yes"
    if isinstance(value, Decimal):
        return f"{round(value, places):f}"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return safe_cell(value)  # a title like "=HYPERLINK(...)" stays text in a spreadsheet


@login_required
def item_detail(request, product_slug, number):
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    item = access.access_item(request.user, product, number)
    if request.htmx and request.GET.get("panel"):
        # The item beside the board or list it was opened from (partials/side_panel.html).
        return TemplateResponse(request, "backlog/item_detail.html#panel", _detail_context(product, item, panel=True))
    context = _detail_context(product, item) | thread_section(request, product, item)
    return TemplateResponse(request, "backlog/item_detail.html", context)


def _detail_context(product, item, *, work_error: str = "", panel: bool = False) -> dict:
    initial = {name: getattr(item, name) for name in ["version", "status", "assignee", *ESTIMATE_FIELDS]}
    work_form = WorkForm(initial=initial, product=product)
    # The assignee menu from plain values (the team's names), not one model object per person;
    # read (once) only if the form is shown.
    assignee = cast(ChoiceField, work_form.fields["assignee"])
    assignee.choices = functools.cache(
        lambda: [("", "nobody"), *((pk, name) for pk, _, name in selectors.team_menu(product))]
    )
    return {
        "product": product,
        "item": item,
        "allowed_statuses": [BacklogItem.Status(s) for s in workflow.allowed_targets(item.status)],
        "readiness_problems": _readiness(item),
        "work_form": work_form,
        "work_error": work_error,
        "criterion_form": CriterionForm(),
        "blocker_form": BlockerForm(),
        "blockers": list(selectors.item_blockers(item)),
        "history": [] if panel else selectors.item_history(item),
        "relations": selectors.item_relations(item),
        "relation_form": RelationForm(),
        "attachments": list(selectors.item_attachments(item)),
        "attachments_form": AttachmentsForm(),
    }


@login_required
def item_edit(request, product_slug, number):
    product = get_product(request.user, product_slug, Action.EDIT_BACKLOG_ITEM)
    item = access.access_item(request.user, product, number, Action.EDIT_BACKLOG_ITEM)
    form = ItemForm(request.POST or None, initial=ItemForm.initial_for(item), product=product)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        with errors_on(form):
            services.item_update(actor=request.user, item=item, expected_version=changes.pop("version"), **changes)
            messages.success(request, f"Saved #{item.number}.")
            return redirect(item)
    return TemplateResponse(
        request, "backlog/item_form.html", {"product": product, "item": item, "form": form}, status=form_status(form)
    )


@login_required
@require_POST
def criterion_add(request, product_slug, number):
    product = get_product(request.user, product_slug, Action.EDIT_BACKLOG_ITEM)
    item = access.access_item(request.user, product, number, Action.EDIT_BACKLOG_ITEM)
    form = CriterionForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            services.criterion_add(actor=request.user, item=item, text=form.cleaned_data["text"])
    if form.errors and not request.htmx:
        messages.error(request, error_text(form))
    return _criteria_response(request, product, number, form=form)


@login_required
@require_POST
def criterion_toggle(request, product_slug, criterion_id):
    product = get_product(request.user, product_slug, Action.WORK_BACKLOG_ITEM)
    criterion = access.access_criterion(request.user, product, criterion_id, Action.WORK_BACKLOG_ITEM)
    # The page says which state the person asked for ("met": 1 or 0); without it, flip.
    wanted = request.POST.get("met")
    services.criterion_tick(
        actor=request.user, criterion=criterion, met=wanted == "1" if wanted in ("0", "1") else None
    )
    return _criteria_response(request, product, criterion.item.number)


def _criteria_response(request, product, number, form=None):
    """The item's acceptance criteria (htmx), showing why an added one was refused; else the item page."""
    item = access.access_item(request.user, product, number)
    if not request.htmx:
        return redirect(item)
    error = error_text(form) if form is not None and form.errors else ""
    context = {
        "product": product,
        "item": item,
        "criterion_form": CriterionForm(),
        "criterion_error": error,
        "readiness_problems": _readiness(item),
        "readiness_oob": True,
    }
    # The criteria, and the readiness line of the same page out of band: it changes with them.
    criteria = render_to_string("backlog/item_detail.html#criteria", context, request)
    readiness = render_to_string("backlog/item_detail.html#readiness", context, request)
    return HttpResponse(criteria + readiness, status=form_status(form))


def _readiness(item) -> list[str]:
    return workflow.readiness_problems(item) if item.status == BacklogItem.Status.NEW else []


@login_required
@require_POST
def blocker_add(request, product_slug, number):
    product = get_product(request.user, product_slug, Action.WORK_BACKLOG_ITEM)
    item = access.access_item(request.user, product, number, Action.WORK_BACKLOG_ITEM)
    form = BlockerForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            services.blocker_add(actor=request.user, item=item, **form.cleaned_data)
            messages.success(request, f"#{item.number} is flagged as blocked.")
    if form.errors:
        messages.error(request, error_text(form))
    return redirect(item)


@login_required
@require_POST
def blocker_resolve(request, product_slug, blocker_id):
    product = get_product(request.user, product_slug, Action.WORK_BACKLOG_ITEM)
    blocker = access.access_blocker(request.user, product, blocker_id, Action.WORK_BACKLOG_ITEM)
    with flash_errors(request):
        services.blocker_resolve(actor=request.user, blocker=blocker)
    return redirect(blocker.item)


@login_required
def grooming(request, product_slug):
    """The weekly grooming: the top of the backlog not yet ready, in rank order."""
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    return TemplateResponse(request, "backlog/grooming.html", _grooming_context(product))


def _grooming_context(product, *, failed: BacklogItem | None = None, form=None) -> dict:
    """The grooming cards; the card of `failed` keeps the refused `form` and says why."""
    cards = []
    for item in selectors.grooming_queue(product)[:GROOMING_SIZE]:
        refused = failed is not None and item.pk == failed.pk
        cards.append(_card(item, form=form if refused else None, error=error_text(form) if refused else ""))
    return {"product": product, "cards": cards}


def _card(item, form=None, error="") -> dict:
    initial = {name: getattr(item, name) for name in ["version", *ESTIMATE_FIELDS]}
    return {
        "item": item,
        "criteria": list(item.acceptance_criteria.all()),
        "missing": [lack.what for lack in workflow.readiness_lacks(item)],
        "form": form or GroomForm(initial=initial),
        "error": error,
    }


@login_required
@require_POST
def groom(request, product_slug, number):
    """Complete one item in grooming: new criteria, estimate, and mark it ready."""
    product = get_product(request.user, product_slug, Action.EDIT_BACKLOG_ITEM)
    item = access.access_item(request.user, product, number, Action.EDIT_BACKLOG_ITEM)
    form = GroomForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            item = services.item_groom(
                actor=request.user,
                item=item,
                expected_version=form.cleaned_data["version"],
                criteria=form.criteria_lines(),
                mark_ready=form.cleaned_data["mark_ready"],
                **form.estimate_changes(),
            )
            if not request.htmx:
                return redirect("backlog:grooming", product.slug)
    status = form_status(form)
    if not request.htmx:
        if status == 409:
            # A stale save: the grooming page as it is now, the card saying why nothing was saved.
            context = _grooming_context(product, failed=item, form=form)
            if not any(card["error"] for card in context["cards"]):
                messages.error(request, error_text(form))
            return TemplateResponse(request, "backlog/grooming.html", context, status=409)
        messages.error(request, error_text(form))
        return redirect("backlog:grooming", product.slug)
    card = _card(
        access.access_item(request.user, product, number),
        form=None if status == 200 else form,
        error=error_text(form) if status != 200 else "",
    )
    return TemplateResponse(request, "backlog/grooming.html#card", {"product": product, "card": card}, status=status)


@login_required
def epic(request, product_slug, number):
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    item = access.access_item(request.user, product, number)
    if item.kind != BacklogItem.Kind.EPIC:
        return redirect(item)
    context = {
        "product": product,
        "epic": item,
        "progress": selectors.epic_progress(item),
        "children": selectors.epic_children(item)[:EPIC_CHILDREN_SHOWN],
    }
    return TemplateResponse(request, "backlog/epic.html", context)


@login_required
@require_POST
def label_add(request, product_slug):
    product = get_product(request.user, product_slug, Action.EDIT_BACKLOG_ITEM)
    form = LabelForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            label = services.label_create(actor=request.user, product=product, **form.cleaned_data)
            messages.success(request, f"Label “{label.name}” added.")
    if form.errors:
        messages.error(request, error_text(form))
    return redirect("backlog:list", product.slug)


# --- links between items and attachments -----------------------------------------


@login_required
@require_POST
def relation_add(request, product_slug, number):
    product = get_product(request.user, product_slug, Action.WORK_BACKLOG_ITEM)
    item = access.access_item(request.user, product, number, Action.WORK_BACKLOG_ITEM, detail=False)
    form = RelationForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            other = access.access_linkable(request.user, product, form.other_number())
            services.relation_add(actor=request.user, item=item, relation=form.cleaned_data["relation"], other=other)
            messages.success(request, f"Linked #{item.number} and #{other.number}.")
    if form.errors:
        messages.error(request, error_text(form))
    return redirect(reverse("backlog:item", args=[product.slug, item.number]) + "#relations")


@login_required
@require_POST
def relation_remove(request, product_slug, relation_id):
    product = get_product(request.user, product_slug, Action.WORK_BACKLOG_ITEM)
    relation = access.access_relation(request.user, product, relation_id)
    services.relation_remove(actor=request.user, relation=relation)
    seen_from = relation.target if request.POST.get("from") == str(relation.target.number) else relation.source
    messages.success(request, f"Unlinked #{relation.source.number} and #{relation.target.number}.")
    return redirect(reverse("backlog:item", args=[product.slug, seen_from.number]) + "#relations")


@login_required
@require_POST
def attachments_add(request, product_slug, number):
    product = get_product(request.user, product_slug, Action.WORK_BACKLOG_ITEM)
    item = access.access_item(request.user, product, number, Action.WORK_BACKLOG_ITEM, detail=False)
    form = AttachmentsForm(request.POST, request.FILES)
    if form.is_valid():
        with errors_on(form):
            added = services.attachments_add(actor=request.user, item=item, files=form.cleaned_data["attachments"])
            messages.success(request, f"Attached {len(added)} file{'s' if len(added) != 1 else ''}.")
    if form.errors:
        messages.error(request, error_text(form))
        item = access.access_item(request.user, product, number)
        context = _detail_context(product, item) | thread_section(request, product, item)
        context["attachments_form"] = form
        return TemplateResponse(request, "backlog/item_detail.html", context, status=form_status(form))
    return redirect(reverse("backlog:item", args=[product.slug, item.number]) + "#attachments")


@login_required
def attachment_download(request, product_slug, number, attachment_id):
    """The only way to an item's file: it is never under a public URL."""
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    attachment = access.access_attachment(request.user, product, number, attachment_id)
    return uploads.download(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)


@login_required
@require_POST
def attachment_remove(request, product_slug, number, attachment_id):
    product = get_product(request.user, product_slug, Action.WORK_BACKLOG_ITEM)
    attachment = access.access_own_attachment(request.user, product, number, attachment_id)
    services.attachment_remove(actor=request.user, attachment=attachment)
    messages.success(request, f"Removed “{attachment.original_name}”.")
    return redirect(reverse("backlog:item", args=[product.slug, attachment.item.number]) + "#attachments")


# --- saved filters -----------------------------------------------------------------


@login_required
@require_POST
def saved_filter_save(request, product_slug):
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    form = SavedFilterForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            saved = services.saved_filter_save(actor=request.user, product=product, **form.cleaned_data)
            messages.success(request, f"Filter “{saved.name}” saved{' and shared' if saved.shared else ''}.")
            return redirect(_back_to(request, product, saved.page, saved.query))
    messages.error(request, error_text(form))
    return redirect(_back_to(request, product, request.POST.get("page", ""), request.POST.get("query", "")))


@login_required
@require_POST
def saved_filter_delete(request, product_slug, saved_id):
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    saved = access.access_saved_filter(request.user, product, saved_id, own=True)
    with flash_errors(request):
        services.saved_filter_delete(actor=request.user, saved=saved)
        messages.success(request, f"Filter “{saved.name}” deleted.")
    return redirect(_back_to(request, product, saved.page, ""))


def _back_to(request, product, page: str, query: str) -> str:
    """The page the filter belongs to (a board's address comes back in `next`), with the filter applied."""
    following = request.POST.get("next", "")
    if page == "board" and url_has_allowed_host_and_scheme(following, allowed_hosts={request.get_host()}):
        base = following.split("?", 1)[0]
    else:
        base = reverse("backlog:list", args=[product.slug])
    return f"{base}?{query}" if query else base
