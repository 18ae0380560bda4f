from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from apps.accounts import services as accounts
from apps.accounts.models import Membership
from apps.accounts.permissions import Action, get_product
from apps.core.exceptions import Conflict
from apps.core.forms import add_service_errors
from apps.products import selectors, services
from apps.products.forms import MembershipForm, OutcomeMetricForm, ProductEditForm, ProductForm
from apps.products.models import OutcomeMetric


@login_required
def dashboard(request):
    return TemplateResponse(
        request, "products/dashboard.html", {"memberships": selectors.memberships_of_user(request.user)}
    )


@login_required
def product_create(request):
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Created {product.name}; you are its product manager.")
            return redirect(product)
    return TemplateResponse(request, "products/product_form.html", {"form": form})


@login_required
def product_detail(request, product_slug):
    product = get_product(request.user, product_slug)
    return TemplateResponse(
        request,
        "products/product_detail.html",
        {"product": product, "metrics": product.outcome_metrics.all(), "metric_form": OutcomeMetricForm()},
    )


@login_required
def product_edit(request, product_slug):
    product = get_product(request.user, product_slug, Action.EDIT_PRODUCT)
    form = ProductEditForm(request.POST or None, instance=product, initial={"version": product.version})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            changes = {field: form.cleaned_data[field] for field in ProductForm.Meta.fields}
            try:
                services.product_update(
                    actor=request.user, product=product, expected_version=form.cleaned_data["version"], **changes
                )
            except Conflict as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Product saved.")
                return redirect(product)
    return TemplateResponse(request, "products/product_form.html", {"form": form, "product": product}, status=status)


@login_required
@require_POST
def metric_add(request, product_slug):
    product = get_product(request.user, product_slug, Action.EDIT_PRODUCT)
    form = OutcomeMetricForm(request.POST, instance=OutcomeMetric(product=product))
    if form.is_valid():
        form.save()
        messages.success(request, f"Outcome metric “{form.instance.name}” added.")
        return redirect(product)
    return TemplateResponse(
        request,
        "products/product_detail.html",
        {"product": product, "metrics": product.outcome_metrics.all(), "metric_form": form},
        status=400,
    )


@login_required
@require_POST
def metric_delete(request, product_slug, metric_id):
    product = get_product(request.user, product_slug, Action.EDIT_PRODUCT)
    metric = get_object_or_404(OutcomeMetric, product=product, pk=metric_id)
    metric.delete()
    messages.success(request, f"Outcome metric “{metric.name}” removed.")
    return redirect(product)


@login_required
def members(request, product_slug):
    product = get_product(request.user, product_slug, Action.VIEW_MEMBERS)
    form = MembershipForm(request.POST or None)
    status = 200
    if request.method == "POST":
        get_product(request.user, product_slug, Action.MANAGE_MEMBERS)
        if form.is_valid():
            try:
                membership = accounts.membership_set(actor=request.user, product=product, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
                return redirect("products:members", product.slug)
        status = 400
    return TemplateResponse(
        request,
        "products/members.html",
        {"product": product, "members": selectors.product_members(product), "form": form},
        status=status,
    )


@login_required
@require_POST
def member_remove(request, product_slug, membership_id):
    product = get_product(request.user, product_slug, Action.MANAGE_MEMBERS)
    membership = get_object_or_404(Membership, product=product, pk=membership_id)
    try:
        accounts.membership_remove(actor=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{membership.user} removed from {product.name}.")
    return redirect("products:members", product.slug)
