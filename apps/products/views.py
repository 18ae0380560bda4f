"""Product pages. The pattern every app follows: find the objects through
access functions (they check the role and the row), change them through a
service inside `errors_on(form)`, answer with `form_status`; a stale edit or a
refused action that escapes a view is mapped by apps.core.middleware."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts import services as accounts
from apps.accounts.permissions import Action, can, may_create_products, require, require_product_creation
from apps.core.forms import errors_on, form_status
from apps.core.http import flash_errors, posted
from apps.products import selectors, services
from apps.products.access import (
    access_membership,
    access_metric,
    access_reading,
    get_product,
    visible_metrics,
    visible_readings,
)
from apps.products.forms import (
    MembershipForm,
    MetricEditForm,
    OutcomeMetricForm,
    ProductEditForm,
    ProductForm,
    ReadingForm,
)

READINGS_PER_PAGE = 50


@login_required
def dashboard(request):
    context = {
        "memberships": selectors.memberships_of_user(request.user),
        "may_create_products": may_create_products(request.user),
    }
    return TemplateResponse(request, "products/dashboard.html", context)


@login_required
def product_create(request):
    require_product_creation(request.user)
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            product = services.product_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"Created {product.name}; you are its product manager.")
            return redirect(product)
    return TemplateResponse(request, "products/product_form.html", {"form": form}, status=form_status(form))


def _detail_context(request, product, metric_form=None) -> dict:
    return {
        "product": product,
        "metrics": visible_metrics(request.user, product),
        "metric_form": metric_form or OutcomeMetricForm(),
    }


@login_required
def product_detail(request, product_slug):
    product = get_product(request.user, product_slug)
    return TemplateResponse(request, "products/product_detail.html", _detail_context(request, product))


@login_required
def product_edit(request, product_slug):
    product = get_product(request.user, product_slug, Action.EDIT_PRODUCT)
    form = ProductEditForm(request.POST or None, instance=product, initial={"version": product.version})
    if request.method == "POST" and form.is_valid():
        changes = {field: form.cleaned_data[field] for field in ProductForm.Meta.fields}
        with errors_on(form):
            services.product_update(
                actor=request.user, product=product, expected_version=form.cleaned_data["version"], **changes
            )
            messages.success(request, "Product saved.")
            return redirect(product)
    return TemplateResponse(
        request, "products/product_form.html", {"form": form, "product": product}, status=form_status(form)
    )


@login_required
@require_POST
def metric_add(request, product_slug):
    product = get_product(request.user, product_slug, Action.EDIT_PRODUCT)
    form = OutcomeMetricForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            metric = services.metric_add(actor=request.user, product=product, **form.cleaned_data)
            messages.success(request, f"Outcome metric “{metric.name}” added.")
            return redirect(product)
    return TemplateResponse(
        request, "products/product_detail.html", _detail_context(request, product, form), status=form_status(form)
    )


def _metric_context(request, product, metric, *, edit_form=None, reading_form=None) -> dict:
    readings = Paginator(visible_readings(request.user, product, metric), READINGS_PER_PAGE)
    context = {
        "product": product,
        "metric": metric,
        "page": readings.get_page(request.GET.get("page")),
        "reading_form": None,
        "edit_form": None,
        "sees_recorders": can(request.user, Action.VIEW_MEMBERS, product),
    }
    if can(request.user, Action.RECORD_READINGS, product):
        context["reading_form"] = reading_form or ReadingForm(initial={"measured_on": timezone.localdate()})
    if can(request.user, Action.EDIT_PRODUCT, product):
        context["edit_form"] = edit_form or MetricEditForm(instance=metric, initial={"version": metric.version})
    return context


@login_required
def metric_detail(request, product_slug, metric_id):
    """A metric's latest reading, its chart over time with baseline and target
    lines (drawn from metric_series; the table below holds the same figures),
    and for the team the form to record a reading; for the PM, the edit form."""
    product = get_product(request.user, product_slug)
    metric = access_metric(request.user, product, metric_id)
    return TemplateResponse(request, "products/metric_detail.html", _metric_context(request, product, metric))


@login_required
def metric_series(request, product_slug, metric_id):
    """The whole series as JSON, for the charts on the metric and product pages."""
    product = get_product(request.user, product_slug)
    metric = access_metric(request.user, product, metric_id)
    return JsonResponse(selectors.metric_series(metric))


@login_required
def metric_edit(request, product_slug, metric_id):
    product = get_product(request.user, product_slug, Action.EDIT_PRODUCT)
    metric = access_metric(request.user, product, metric_id, Action.EDIT_PRODUCT)
    form = MetricEditForm(posted(request), instance=metric, initial={"version": metric.version})
    if request.method == "POST" and form.is_valid():
        changes = {field: form.cleaned_data[field] for field in MetricEditForm.Meta.fields}
        with errors_on(form):
            metric = services.metric_update(
                actor=request.user, metric=metric, expected_version=form.cleaned_data["version"], **changes
            )
            messages.success(request, f"Metric “{metric.name}” saved.")
            return redirect(metric)
    metric = access_metric(request.user, product, metric_id)  # as saved, not as the rejected form left it
    return TemplateResponse(
        request,
        "products/metric_detail.html",
        _metric_context(request, product, metric, edit_form=form),
        status=form_status(form),
    )


@login_required
@require_POST
def reading_add(request, product_slug, metric_id):
    product = get_product(request.user, product_slug, Action.RECORD_READINGS)
    metric = access_metric(request.user, product, metric_id, Action.RECORD_READINGS)
    form = ReadingForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            data = form.cleaned_data
            services.readings_record(actor=request.user, metric=metric, readings=[(data["measured_on"], data["value"])])
            messages.success(request, f"Reading of {data['measured_on']:%d %b %Y} recorded.")
            return redirect(metric)
    return TemplateResponse(
        request,
        "products/metric_detail.html",
        _metric_context(request, product, metric, reading_form=form),
        status=form_status(form),
    )


@login_required
@require_POST
def reading_remove(request, product_slug, metric_id, reading_id):
    product = get_product(request.user, product_slug, Action.RECORD_READINGS)
    metric = access_metric(request.user, product, metric_id, Action.RECORD_READINGS)
    reading = access_reading(request.user, product, metric, reading_id)
    with flash_errors(request):
        services.reading_remove(actor=request.user, reading=reading)
        messages.success(request, f"Reading of {reading.measured_on:%d %b %Y} removed.")
    return redirect(metric)


@login_required
@require_POST
def metric_delete(request, product_slug, metric_id):
    product = get_product(request.user, product_slug, Action.EDIT_PRODUCT)
    metric = access_metric(request.user, product, metric_id, Action.EDIT_PRODUCT)
    services.metric_remove(actor=request.user, metric=metric)
    messages.success(request, f"Outcome metric “{metric.name}” removed.")
    return redirect(product)


@login_required
def members(request, product_slug):
    product = get_product(request.user, product_slug, Action.VIEW_MEMBERS)
    form = MembershipForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Action.MANAGE_MEMBERS, product)
        if form.is_valid():
            with errors_on(form):
                membership = accounts.membership_set(actor=request.user, product=product, **form.cleaned_data)
                messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
                return redirect("products:members", product.slug)
    return TemplateResponse(
        request,
        "products/members.html",
        {"product": product, "members": selectors.product_members(product), "form": form},
        status=form_status(form),
    )


@login_required
@require_POST
def member_remove(request, product_slug, membership_id):
    product = get_product(request.user, product_slug, Action.MANAGE_MEMBERS)
    membership = access_membership(request.user, product, membership_id)
    with flash_errors(request):
        accounts.membership_remove(actor=request.user, membership=membership)
        messages.success(request, f"{membership.user} removed from {product.name}.")
    return redirect("products:members", product.slug)
