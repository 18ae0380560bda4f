"""Roadmap pages. Objects come from apps/roadmap/access.py (the role and the
shared flag are checked there), changes go through services inside
`errors_on(form)` or `flash_errors`, and an htmx request gets a named
fragment of the same template (apps.core.http.page)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Action, can, require
from apps.conversation.pages import thread_section
from apps.core.downloads import csv_download, safe_cell
from apps.core.forms import error_text, errors_on, form_status
from apps.core.http import flash_errors, page, posted, posted_version
from apps.core.idempotency import never_replayed
from apps.products.access import get_product
from apps.roadmap import access, forecasting, ical, rows, selectors, services
from apps.roadmap.forms import MilestoneForm, MoveForm, RoadmapItemForm
from apps.roadmap.models import Horizon

SCALES = ("months", "quarters")


def _rights(user, product) -> dict:
    return {
        "can_edit": can(user, Action.EDIT_ROADMAP, product),
        "sees_internals": access.sees_internals(user, product),
    }


@login_required
def board(request, product_slug):
    """Now / Next / Later. The team sees every item with its progress; stakeholders see the shared view."""
    product = get_product(request.user, product_slug, Action.VIEW_SHARED_ROADMAP)
    if not access.sees_internals(request.user, product):
        return shared(request, product_slug)
    columns = rows.board_columns(access.visible_items(request.user, product), product=product, with_work=True)
    context = {
        "product": product,
        "columns": [(Horizon(h), columns[h]) for h in Horizon.values],
        "horizons": list(Horizon),
        **_rights(request.user, product),
    }
    return page(request, "roadmap/board.html", context, fragment="board")


@login_required
def shared(request, product_slug):
    """What stakeholders see: shared items with their public description, and shared milestones."""
    product = get_product(request.user, product_slug, Action.VIEW_SHARED_ROADMAP)
    items = access.visible_items(request.user, product).filter(shared=True)
    columns = rows.board_columns(items, product=product, with_work=False, extra=("public_description",))
    milestones = access.shared_milestones(request.user, product)
    context = {
        "product": product,
        "columns": [(Horizon(h), columns[h]) for h in Horizon.values],
        "milestones": selectors.milestones(milestones),
        "preview": access.sees_internals(request.user, product),
        **_rights(request.user, product),
    }
    return TemplateResponse(request, "roadmap/shared.html", context)


@login_required
def timeline(request, product_slug):
    """Bars from start to target (or the forecast's 85 % date), milestones and
    today's column, as a table that reads without JavaScript."""
    product = get_product(request.user, product_slug, Action.VIEW_SHARED_ROADMAP)
    scale = request.GET.get("scale") if request.GET.get("scale") in SCALES else "months"
    items = rows.item_values(access.visible_items(request.user, product))
    milestones = selectors.milestones(access.visible_milestones(request.user, product))
    today = timezone.localdate()
    drawn = rows.timeline(items, milestones, prefix=rows.items_prefix(product), scale=scale, today=today)
    context = {
        "product": product,
        "scale": scale,
        "scales": SCALES,
        "timeline": drawn,
        "today": today,
        **_rights(request.user, product),
    }
    return TemplateResponse(request, "roadmap/timeline.html", context)


@login_required
def item_detail(request, product_slug, item_id):
    product = get_product(request.user, product_slug, Action.VIEW_SHARED_ROADMAP)
    item = selectors.item_links(access.access_item(request.user, product, item_id))
    item.product = product
    rights = _rights(request.user, product)
    forecast = access.access_forecast(request.user, product, item)
    work = selectors.work_of([item])[item.pk] if rights["sees_internals"] else []
    milestones = access.visible_milestones(request.user, product).filter(roadmap_item=item).order_by("date")
    hypotheses = access.visible_hypotheses(request.user, product).filter(roadmap_items=item)
    context = {
        "product": product,
        "item": item,
        "hypotheses": list(hypotheses),
        "forecast": forecast,
        "histogram_json": json.dumps(forecast.histogram if forecast else []),
        "work": work,
        "progress": selectors.progress_of(work),
        "milestones": list(milestones),
        **rights,
    }
    if rights["sees_internals"]:
        context |= thread_section(request, product, item)
    return TemplateResponse(request, "roadmap/item_detail.html", context)


def _item_form(request, product, item=None) -> RoadmapItemForm:
    initial = RoadmapItemForm.initial_of(item) if item is not None else {}
    horizon = request.GET.get("horizon")
    if item is None and horizon in Horizon.values:
        initial["horizon"] = horizon
    return RoadmapItemForm(posted(request), initial=initial, metrics=access.metrics_of(request.user, product))


def _item_changes(user, product, form) -> dict:
    data = form.cleaned_data
    changes = {name: data[name] for name in RoadmapItemForm.ITEM_FIELDS}
    changes["outcome_metric"] = (
        access.access_metric(user, product, changes["outcome_metric"]) if changes["outcome_metric"] else None
    )
    changes.update(access.resolve_links(user, product, **{name: data[name] for name in RoadmapItemForm.LINK_FIELDS}))
    return changes


@login_required
def item_create(request, product_slug):
    product = get_product(request.user, product_slug, Action.EDIT_ROADMAP)
    form = _item_form(request, product)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            changes = _item_changes(request.user, product, form)
            item = services.item_create(actor=request.user, product=product, **changes)
            messages.success(request, f"Added “{item.title}” to {item.get_horizon_display()}.")
            return redirect("roadmap:item", product.slug, item.pk)
    return TemplateResponse(
        request, "roadmap/item_form.html", {"product": product, "form": form}, status=form_status(form)
    )


@login_required
def item_edit(request, product_slug, item_id):
    product = get_product(request.user, product_slug, Action.EDIT_ROADMAP)
    item = access.access_item(request.user, product, item_id, Action.EDIT_ROADMAP)
    form = _item_form(request, product, item)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            changes = _item_changes(request.user, product, form)
            services.item_update(
                actor=request.user, item=item, expected_version=form.cleaned_data["version"], **changes
            )
            messages.success(request, "Roadmap item saved.")
            return redirect("roadmap:item", product.slug, item.pk)
    context = {"product": product, "form": form, "item": item}
    return TemplateResponse(request, "roadmap/item_form.html", context, status=form_status(form))


@login_required
@require_POST
def item_delete(request, product_slug, item_id):
    product = get_product(request.user, product_slug, Action.EDIT_ROADMAP)
    item = access.access_item(request.user, product, item_id, Action.EDIT_ROADMAP)
    services.item_delete(actor=request.user, item=item, expected_version=posted_version(request))
    messages.success(request, f"Removed “{item.title}” from the roadmap.")
    return redirect("roadmap:board", product.slug)


@login_required
@require_POST
def item_move(request, product_slug, item_id):
    """Drag-and-drop and the keyboard buttons: before/after another item (by id),
    or to the top/bottom of a horizon. A script's request gets 204 or the
    reason as text; a plain form post goes back to the board."""
    product = get_product(request.user, product_slug, Action.EDIT_ROADMAP)
    item = access.access_item(request.user, product, item_id, Action.EDIT_ROADMAP)
    form = MoveForm(request.POST)
    scripted = request.headers.get("X-Requested-With") == "fetch"
    try:
        if not form.is_valid():
            raise ValidationError(error_text(form))
        data = form.cleaned_data
        place: dict = {}
        for where in ("before", "after"):
            if data[where]:
                place[where] = access.access_item(request.user, product, data[where], Action.EDIT_ROADMAP)
        if not place:
            place["edge"] = data["to"] or "bottom"
        moved = services.item_move(actor=request.user, item=item, horizon=data["horizon"] or None, **place)
    except ValidationError as exc:
        if scripted:
            return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
        raise
    if scripted:
        return HttpResponse(status=204)
    messages.success(request, f"Moved “{moved.title}” ({moved.get_horizon_display()}).")
    return redirect(reverse("roadmap:board", args=[product.slug]) + f"#item-{moved.pk}")


@login_required
@require_POST
def item_forecast(request, product_slug, item_id):
    """Recompute this item's forecast now (the PM's button), instead of waiting for the next trigger."""
    product = get_product(request.user, product_slug, Action.EDIT_ROADMAP)
    item = access.access_item(request.user, product, item_id, Action.EDIT_ROADMAP)
    result = forecasting.recompute(product_id=product.pk, roadmap_item_ids=[item.pk])
    messages.success(request, "Forecast recomputed." if result.changed else "The forecast is up to date.")
    return redirect("roadmap:item", product.slug, item.pk)


@login_required
def forecasts(request, product_slug):
    """Every roadmap item's and every epic's forecast, for the team."""
    product = get_product(request.user, product_slug, Action.VIEW_ROADMAP)
    items = list(selectors.roadmap_items(access.visible_items(request.user, product)))
    context = {"product": product, "items": items, "epics": selectors.epics_with_forecasts(product)}
    return TemplateResponse(request, "roadmap/forecasts.html", {**context, **_rights(request.user, product)})


@login_required
def epic_forecast(request, product_slug, number):
    product = get_product(request.user, product_slug, Action.VIEW_ROADMAP)
    epic = access.access_epic(request.user, product, number)
    work = selectors.work_of_epic(epic)
    forecast = getattr(epic, "forecast", None)
    context = {
        "product": product,
        "epic": epic,
        "forecast": forecast,
        "histogram_json": json.dumps(forecast.histogram if forecast else []),
        "work": work,
        "progress": selectors.progress_of(work),
        **_rights(request.user, product),
    }
    return TemplateResponse(request, "roadmap/epic_forecast.html", context)


# --- Milestones -------------------------------------------------------------------


def _milestone_form(request, product, milestone=None) -> MilestoneForm:
    return MilestoneForm(
        posted(request),
        initial=MilestoneForm.initial_of(milestone) if milestone else {},
        items=selectors.roadmap_items(access.visible_items(request.user, product)),
        sprints=access.sprints_of(request.user, product),
    )


def _milestone_fields(request, product, form) -> dict:
    data = form.cleaned_data
    fields = {name: data[name] for name in MilestoneForm.FIELDS}
    if fields["roadmap_item"] is not None:
        fields["roadmap_item"] = access.access_item(request.user, product, fields["roadmap_item"])
    if fields["sprint"] is not None:
        fields["sprint"] = access.access_sprint(request.user, product, fields["sprint"], field="sprint")
    return fields


@login_required
def milestones(request, product_slug):
    product = get_product(request.user, product_slug, Action.VIEW_SHARED_ROADMAP)
    form = _milestone_form(request, product) if can(request.user, Action.EDIT_ROADMAP, product) else None
    if request.method == "POST":
        require(request.user, Action.EDIT_ROADMAP, product)
        if form is not None and form.is_valid():
            with errors_on(form):
                milestone = services.milestone_create(
                    actor=request.user, product=product, **_milestone_fields(request, product, form)
                )
                messages.success(request, f"Milestone “{milestone.title}” added.")
                return redirect("roadmap:milestones", product.slug)
    context = {
        "product": product,
        "milestones": selectors.milestones(access.visible_milestones(request.user, product)),
        "form": form,
        **_rights(request.user, product),
    }
    return TemplateResponse(request, "roadmap/milestones.html", context, status=form_status(form))


@login_required
def milestone_edit(request, product_slug, milestone_id):
    product = get_product(request.user, product_slug, Action.EDIT_ROADMAP)
    milestone = access.access_milestone(request.user, product, milestone_id, Action.EDIT_ROADMAP)
    form = _milestone_form(request, product, milestone)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.milestone_update(
                actor=request.user,
                milestone=milestone,
                expected_version=form.cleaned_data["version"],
                **_milestone_fields(request, product, form),
            )
            messages.success(request, "Milestone saved.")
            return redirect("roadmap:milestones", product.slug)
    context = {"product": product, "form": form, "milestone": milestone}
    return TemplateResponse(request, "roadmap/milestone_form.html", context, status=form_status(form))


@login_required
@require_POST
def milestone_delete(request, product_slug, milestone_id):
    product = get_product(request.user, product_slug, Action.EDIT_ROADMAP)
    milestone = access.access_milestone(request.user, product, milestone_id, Action.EDIT_ROADMAP)
    services.milestone_delete(actor=request.user, milestone=milestone, expected_version=posted_version(request))
    messages.success(request, f"Milestone “{milestone.title}” removed.")
    return redirect("roadmap:milestones", product.slug)


# --- Requests on the roadmap -----------------------------------------------------


@login_required
def request_attach(request, product_slug, number):
    """Put an accepted request on the roadmap: on an existing item or a new one made from it."""
    product = get_product(request.user, product_slug, Action.EDIT_ROADMAP)
    stakeholder_request = access.access_request(request.user, product, number)
    items = list(selectors.roadmap_items(access.visible_items(request.user, product)))
    failed = False
    if request.method == "POST":
        chosen = request.POST.get("item", "")
        with flash_errors(request):
            item = None if chosen == "new" else access.access_item(request.user, product, chosen, Action.EDIT_ROADMAP)
            item = services.request_attach(actor=request.user, stakeholder_request=stakeholder_request, item=item)
            messages.success(request, f"{stakeholder_request.reference} is on the roadmap as “{item.title}”.")
            return redirect("roadmap:item", product.slug, item.pk)
        failed = True
    context = {"product": product, "stakeholder_request": stakeholder_request, "items": items}
    return TemplateResponse(request, "roadmap/request_attach.html", context, status=400 if failed else 200)


# --- Exports ------------------------------------------------------------------------


CSV_COLUMNS = [
    "id",
    "title",
    "horizon",
    "status",
    "start",
    "target",
    "shared",
    "description",
    "forecast_85",
    "hypotheses",
    "url",
]
INTERNAL_COLUMNS = ["internal_notes", "epics", "backlog_items", "requests", "progress_percent", "forecast_50"]


@login_required
def export_csv(request, product_slug):
    """The roadmap as CSV, through the same filter as the pages: stakeholders get
    shared items and their public description only."""
    product = get_product(request.user, product_slug, Action.VIEW_SHARED_ROADMAP)
    internal = access.sees_internals(request.user, product)
    lines = rows.export_rows(
        access.visible_items(request.user, product),
        internal=internal,
        hypotheses=access.visible_hypotheses(request.user, product),
        prefix=rows.items_prefix(product),
    )
    base = request.build_absolute_uri("/").rstrip("/")
    header = CSV_COLUMNS + (INTERNAL_COLUMNS if internal else [])
    cells = ([safe_cell(line[name]) if name != "url" else base + line[name] for name in header] for line in lines)
    return csv_download(header, cells, f"{product.slug}-roadmap.csv")


@login_required
def calendar(request, product_slug):
    """The person's secret calendar address: issue (or replace) and revoke it;
    the PM can revoke everyone's. Only a digest is stored, so a new address is
    shown once, in the answer that made it (never stored, put in the session or
    a message, nor replayed for a repeated idempotency key)."""
    product = get_product(request.user, product_slug, Action.VIEW_SHARED_ROADMAP)
    new_feed_url = ""
    if request.method == "POST":
        what = request.POST.get("action")
        if what == "issue":
            _, secret = services.feed_token_issue(actor=request.user, product=product)
            new_feed_url = request.build_absolute_uri(reverse("roadmap:feed", args=[product.slug, secret]))
        elif what == "revoke":
            services.feed_token_revoke(actor=request.user, product=product, user=request.user)
            messages.success(request, "Your calendar address no longer works.")
        elif what == "revoke_all":
            require(request.user, Action.EDIT_ROADMAP, product)
            count = services.feed_token_revoke(actor=request.user, product=product)
            messages.success(request, f"Revoked {count} calendar address{'es' if count != 1 else ''}.")
        if not new_feed_url:
            return redirect("roadmap:calendar", product.slug)
    context = {
        "product": product,
        "token": access.live_feed_token(request.user, product),
        "new_feed_url": new_feed_url,
        **_rights(request.user, product),
    }
    response = TemplateResponse(request, "roadmap/calendar.html", context)
    if new_feed_url:
        response["Cache-Control"] = "no-store"
        never_replayed(response)
    return response


def feed(request, product_slug, secret):
    """The iCalendar feed: no sign-in (calendar apps cannot), the secret in the address is the key."""
    product, feed_token, internal = access.access_feed(secret)
    if product.slug != product_slug:
        return HttpResponse("No such calendar.", status=404, content_type="text/plain")
    user = feed_token.user
    items = access.visible_items(user, product)
    milestones = access.visible_milestones(user, product)
    body = ical.calendar(
        product=product,
        items=selectors.roadmap_items(items),
        milestones=selectors.milestones(milestones),
        internal=internal,
        base_url=request.build_absolute_uri("/").rstrip("/"),
        now=timezone.now(),
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
