"""Backlog pages. Thin: permissions from apps.accounts.permissions, reads
from selectors, writes through services; htmx requests get a named fragment
of the same template."""

import csv
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Action, can, require
from apps.backlog import selectors, services, workflow
from apps.backlog.filters import BacklogItemFilter
from apps.backlog.forms import (
    BlockerForm,
    BulkForm,
    CriterionForm,
    GroomForm,
    ItemForm,
    LabelForm,
    QuickAddForm,
    WorkForm,
)
from apps.backlog.models import AcceptanceCriterion, BacklogItem, Blocker, expected_points, is_highly_uncertain
from apps.backlog.rows import backlog_rows
from apps.core.exceptions import Conflict
from apps.core.forms import add_service_errors
from apps.products.access import get_product

PAGE_SIZE = 50
GROOMING_SIZE = 15
EPIC_CHILDREN_SHOWN = 200
ESTIMATE_FIELDS = ["story_points", "estimate_optimistic", "estimate_likely", "estimate_pessimistic"]
FILTER_KEYS = ["q", "kind", "status", "label", "assignee", "epic", "blocked", "uncertain"]


def _rights(user, product) -> dict:
    return {
        "can_add": can(user, Action.ADD_BACKLOG_ITEM, product),
        "can_work": can(user, Action.WORK_BACKLOG_ITEM, product),
        "can_edit": can(user, Action.EDIT_BACKLOG_ITEM, product),
        "can_reorder": can(user, Action.REORDER_BACKLOG, product),
    }


def _item(product, number: int) -> BacklogItem:
    try:
        return selectors.item_detail(product, number)
    except BacklogItem.DoesNotExist:
        raise Http404(f"No item #{number} in this backlog.") from None


def _form_errors(form) -> str:
    """A form's errors as one message naming the fields, for a flash or a row."""
    return " ".join(
        f"{message}" if field == "__all__" else f"{form[field].label}: {message}"
        for field, messages in form.errors.items()
        for message in messages
    )


def _filters(request, product) -> BacklogItemFilter:
    """The FilterSet over the URL's filters; empty values (an "any" choice) mean no filter."""
    data = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        data.setlist(key, [value for value in request.GET.getlist(key) if value])
    return BacklogItemFilter(data, queryset=selectors.backlog_items(product))


def _row_context(request, product, items) -> dict:
    """The rows (see rows.py) and what the page or a row fragment needs around them."""
    people = list(selectors.assignable_people(product))
    return {
        "product": product,
        "people": people,
        "rows": backlog_rows(items, product=product, people=people),
        "statuses": BacklogItem.Status,
        **_rights(request.user, product),
    }


@login_required
def backlog(request, product_slug):
    """The ordered backlog, filtered by the URL, loaded PAGE_SIZE rows at a
    time after the rank in `after` (keyset, so page 200 is as fast as page 1)."""
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    filters = _filters(request, product)
    status = 200 if filters.is_valid() else 400
    items = filters.qs if status == 200 else selectors.backlog_items(product).none()
    after = request.GET.get("after", "")
    if after.lstrip("-").isdecimal():
        items = items.filter(rank__gt=int(after))
    page = list(items[: PAGE_SIZE + 1])
    has_more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    query = [(key, value) for key in FILTER_KEYS for value in request.GET.getlist(key) if value]
    context = {
        **_row_context(request, product, page),
        "filters": filters,
        "filter_query": urlencode(query),
        "more_url": f"?{urlencode([*query, ('after', page[-1].rank)])}" if has_more else "",
        "has_more": has_more,
        "selected": {key: request.GET.getlist(key) for key in FILTER_KEYS},
    }
    if request.htmx and after:
        return TemplateResponse(request, "backlog/backlog.html#more-rows", context, status=status)
    context |= {
        "total": filters.qs.count() if status == 200 else 0,
        "labels": list(selectors.product_labels(product)),
        "epics": list(selectors.epics(product).values_list("number", "title")),
        "kinds": BacklogItem.Kind.choices,
        "bulk_actions": BulkForm.ACTIONS,
    }
    return TemplateResponse(request, "backlog/backlog.html", context, status=status)


@login_required
@require_POST
def quick_add(request, product_slug):
    product = get_product(request.user, product_slug, Action.ADD_BACKLOG_ITEM)
    form = QuickAddForm(request.POST)
    if form.is_valid():
        try:
            item = services.item_create(actor=request.user, product=product, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
    if form.errors:
        message = _form_errors(form)
        return _flash(request, message, level="error", status=400)
    if not request.htmx:
        messages.success(request, f"Added #{item.number}.")
        return redirect("backlog:list", product.slug)
    # The new row goes where it belongs in the loaded list: first, or last
    # unless more rows are still to load (it will arrive with them).
    if not form.cleaned_data["at_top"] and request.POST.get("has_more"):
        return _flash(request, f"Added #{item.number} “{item.title}” at the bottom of the backlog.")
    context = _row_context(request, product, [selectors.backlog_items(product).get(pk=item.pk)])
    response = TemplateResponse(request, "backlog/backlog.html#row", {**context, "row": context["rows"][0]})
    response["HX-Reswap"] = "afterbegin" if form.cleaned_data["at_top"] else "beforeend"
    return response


def _flash(request, message: str, level: str = "success", status: int = 200) -> HttpResponse:
    response = TemplateResponse(request, "backlog/backlog.html#flash", {"message": message, "level": level})
    response.status_code = status
    response["HX-Reswap"] = "none"
    return response


@login_required
@require_POST
def item_work(request, product_slug, number):
    """Inline change of status, estimate or assignee: the row (htmx) or the item page."""
    product = get_product(request.user, product_slug, Action.WORK_BACKLOG_ITEM)
    item = _item(product, number)
    form = WorkForm(request.POST, product=product)
    status, error = 200, ""
    if form.is_valid():
        changes = form.changes()
        new_status = changes.pop("status", None) or None
        try:
            services.item_edit(
                actor=request.user,
                item=item,
                expected_version=form.cleaned_data["version"],
                status=new_status,
                **changes,
            )
        except Conflict as exc:
            status, error = 409, str(exc)
        except ValidationError as exc:
            status, error = 400, " ".join(exc.messages)
    else:
        status, error = 400, _form_errors(form)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(item)
    context = _row_context(request, product, [selectors.backlog_items(product).get(pk=item.pk)])
    context |= {"row": context["rows"][0], "row_error": error}
    return TemplateResponse(request, "backlog/backlog.html#row", context, status=status)


@login_required
@require_POST
def item_move(request, product_slug, number):
    """Reorder: before/after another item's number, or to the top/bottom."""
    product = get_product(request.user, product_slug, Action.REORDER_BACKLOG)
    item = _item(product, number)
    try:
        if request.POST.get("to"):
            services.item_move_to(actor=request.user, item=item, edge=request.POST["to"])
        else:
            where = "before" if request.POST.get("before") else "after"
            anchor_number = request.POST.get(where, "")
            anchor = BacklogItem.objects.filter(
                product=product, number=int(anchor_number) if anchor_number.isdecimal() else 0
            ).first()
            if anchor is None:
                raise ValidationError(f"There is no item #{anchor_number} in this backlog to move next to.")
            services.item_move(actor=request.user, item=item, **{where: anchor})
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
    if request.htmx or request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return redirect("backlog:list", product.slug)


@login_required
@require_POST
def bulk(request, product_slug):
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    form = BulkForm(request.POST, product=product)
    back = reverse("backlog:list", args=[product.slug]) + "?" + request.POST.get("filter_query", "")
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        arguments = form.service_arguments()
        require(request.user, _bulk_action(form.cleaned_data["action"]), product)
        services.items_bulk_update(actor=request.user, product=product, numbers=form.cleaned_data["items"], **arguments)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Updated {len(form.cleaned_data['items'])} items.")
    return redirect(back)


def _bulk_action(action: str) -> Action:
    return {
        "status": Action.WORK_BACKLOG_ITEM,
        "assignee": Action.WORK_BACKLOG_ITEM,
        "add_label": Action.EDIT_BACKLOG_ITEM,
        "remove_label": Action.EDIT_BACKLOG_ITEM,
        "move_to_top": Action.REORDER_BACKLOG,
    }[action]


class _Echo:
    """csv.writer target that hands each line back instead of storing it."""

    def write(self, value):
        return value


@login_required
def export_csv(request, product_slug):
    """The filtered backlog as CSV, streamed row by row in constant memory."""
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    filters = _filters(request, product)
    if not filters.is_valid():
        return HttpResponse(
            "Bad filter: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in filters.errors.items()),
            status=400,
            content_type="text/plain",
        )
    writer = csv.writer(_Echo())
    header = [*selectors.EXPORT_COLUMNS, "expected_points", "highly_uncertain"]

    def lines():
        yield writer.writerow(header)
        for row in selectors.export_rows(filters.qs):
            estimate = [row[name] for name in ESTIMATE_FIELDS]
            yield writer.writerow(
                [
                    *(_cell(row[field]) for field in selectors.EXPORT_COLUMNS.values()),
                    _cell(expected_points(*estimate), 2),
                    _cell(is_highly_uncertain(*estimate[1:])),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{product.slug}-backlog.csv"'
    return response


def _cell(value, places: int = 1) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "yes"
    if isinstance(value, Decimal):
        return f"{round(value, places):f}"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value


@login_required
def item_detail(request, product_slug, number):
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    item = _item(product, number)
    return TemplateResponse(request, "backlog/item_detail.html", _detail_context(request, product, item))


def _detail_context(request, product, item, **extra) -> dict:
    initial = {name: getattr(item, name) for name in ["version", "status", "story_points", "assignee"]}
    initial |= {
        name: getattr(item, name) for name in ["estimate_optimistic", "estimate_likely", "estimate_pessimistic"]
    }
    return {
        "product": product,
        "item": item,
        "allowed_statuses": [BacklogItem.Status(s) for s in workflow.allowed_targets(item.status)],
        "readiness_problems": workflow.readiness_problems(item) if item.status == BacklogItem.Status.NEW else [],
        "work_form": WorkForm(initial=initial, product=product),
        "criterion_form": CriterionForm(),
        "blocker_form": BlockerForm(),
        "blockers": list(selectors.item_blockers(item)),
        "history": selectors.item_history(item),
        **_rights(request.user, product),
        **extra,
    }


@login_required
def item_edit(request, product_slug, number):
    product = get_product(request.user, product_slug, Action.EDIT_BACKLOG_ITEM)
    item = _item(product, number)
    form = ItemForm(request.POST or None, initial=ItemForm.initial_for(item), product=product)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changes = dict(form.cleaned_data)
            try:
                services.item_update(actor=request.user, item=item, expected_version=changes.pop("version"), **changes)
            except Conflict as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Saved #{item.number}.")
                return redirect(item)
        status = 409 if status == 409 else 400
    return TemplateResponse(
        request, "backlog/item_form.html", {"product": product, "item": item, "form": form}, status=status
    )


@login_required
@require_POST
def criterion_add(request, product_slug, number):
    product = get_product(request.user, product_slug, Action.EDIT_BACKLOG_ITEM)
    item = _item(product, number)
    form = CriterionForm(request.POST)
    if form.is_valid():
        services.criterion_add(actor=request.user, item=item, text=form.cleaned_data["text"])
    else:
        messages.error(request, "An acceptance criterion needs some text.")
    return _criteria_response(request, product, number)


@login_required
@require_POST
def criterion_toggle(request, product_slug, criterion_id):
    product = get_product(request.user, product_slug, Action.WORK_BACKLOG_ITEM)
    criterion = get_object_or_404(
        AcceptanceCriterion.objects.select_related("item"), pk=criterion_id, item__product=product
    )
    # The page says which state the person asked for ("met": 1 or 0), so two people
    # ticking the same box at once both get a ticked box; without it, flip.
    wanted = request.POST.get("met")
    met = wanted == "1" if wanted in ("0", "1") else not criterion.met
    services.criterion_update(actor=request.user, criterion=criterion, met=met)
    return _criteria_response(request, product, criterion.item.number)


def _criteria_response(request, product, number):
    item = _item(product, number)
    if not request.htmx:
        return redirect(item)
    context = {"product": product, "item": item, "criterion_form": CriterionForm(), **_rights(request.user, product)}
    return TemplateResponse(request, "backlog/item_detail.html#criteria", context)


@login_required
@require_POST
def blocker_add(request, product_slug, number):
    product = get_product(request.user, product_slug, Action.WORK_BACKLOG_ITEM)
    item = _item(product, number)
    form = BlockerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Say what the item is waiting for.")
        services.blocker_add(actor=request.user, item=item, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"#{item.number} is flagged as blocked.")
    return redirect(item)


@login_required
@require_POST
def blocker_resolve(request, product_slug, blocker_id):
    product = get_product(request.user, product_slug, Action.WORK_BACKLOG_ITEM)
    blocker = get_object_or_404(Blocker.objects.select_related("item"), pk=blocker_id, item__product=product)
    try:
        services.blocker_resolve(actor=request.user, blocker=blocker)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(blocker.item.get_absolute_url())


@login_required
def grooming(request, product_slug):
    """The weekly grooming: the top of the backlog not yet ready, in rank order."""
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    items = list(selectors.grooming_queue(product)[:GROOMING_SIZE])
    cards = [_card(item) for item in items]
    return TemplateResponse(
        request,
        "backlog/grooming.html",
        {"product": product, "cards": cards, **_rights(request.user, product)},
    )


def _card(item, form=None, error="") -> dict:
    criteria = list(item.acceptance_criteria.all())
    problems = []
    if not criteria:
        problems.append("acceptance criteria")
    if not item.is_estimated:
        problems.append("an estimate")
    initial = {"version": item.version, "story_points": item.story_points}
    initial |= {
        name: getattr(item, name) for name in ["estimate_optimistic", "estimate_likely", "estimate_pessimistic"]
    }
    return {
        "item": item,
        "criteria": criteria,
        "missing": problems,
        "form": form or GroomForm(initial=initial),
        "error": error,
    }


@login_required
@require_POST
def groom(request, product_slug, number):
    """Complete one item in grooming: new criteria, estimate, and mark it ready."""
    product = get_product(request.user, product_slug, Action.EDIT_BACKLOG_ITEM)
    item = _item(product, number)
    form = GroomForm(request.POST)
    status, error = 200, ""
    if form.is_valid():
        try:
            item = services.item_groom(
                actor=request.user,
                item=item,
                expected_version=form.cleaned_data["version"],
                criteria=form.criteria_lines(),
                mark_ready=form.cleaned_data["mark_ready"],
                **form.estimate_changes(),
            )
        except Conflict as exc:
            status, error = 409, str(exc)
        except ValidationError as exc:
            status, error = 400, " ".join(exc.messages)
    else:
        status, error = 400, _form_errors(form)
    item = selectors.grooming_queue(product).filter(pk=item.pk).first() or _item(product, number)
    card = _card(item, form=None if status == 200 else form, error=error)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("backlog:grooming", product.slug)
    context = {"product": product, "card": card, **_rights(request.user, product)}
    return TemplateResponse(request, "backlog/grooming.html#card", context, status=status)


@login_required
def epic(request, product_slug, number):
    product = get_product(request.user, product_slug, Action.VIEW_BACKLOG)
    item = _item(product, number)
    if item.kind != BacklogItem.Kind.EPIC:
        return redirect(item)
    children = selectors.backlog_items(product).filter(parent=item)[:EPIC_CHILDREN_SHOWN]
    return TemplateResponse(
        request,
        "backlog/epic.html",
        {
            "product": product,
            "epic": item,
            "progress": selectors.epic_progress(item),
            "children": children,
        },
    )


@login_required
@require_POST
def label_add(request, product_slug):
    product = get_product(request.user, product_slug, Action.EDIT_BACKLOG_ITEM)
    form = LabelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        label = services.label_create(actor=request.user, product=product, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Label “{label.name}” added.")
    return redirect("backlog:list", product.slug)
