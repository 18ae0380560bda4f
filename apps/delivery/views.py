"""Delivery pages: thin views. Each finds its objects through
apps.delivery.access (which checks the role), changes them through a service
inside `errors_on(form)` or `flash_errors(request)`, and answers with
`form_status`; what escapes is mapped by apps.core.middleware."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Action
from apps.core.downloads import download
from apps.core.forms import errors_on, form_status
from apps.core.http import flash_errors, posted_version
from apps.delivery import access, cadence, documents, figures, selectors, services
from apps.delivery import dashboard as live
from apps.delivery.forms import CompareForm, MonthForm, SettingsForm
from apps.products.access import get_product, products_where
from apps.roadmap import access as roadmap_access

VIEW, MANAGE = Action.VIEW_DELIVERY_REPORTS, Action.MANAGE_DELIVERY_REPORTS
REPORTS_PER_PAGE = 25


def _home_context(request, product, *, settings_form=None, month_form=None) -> dict:
    reports = Paginator(access.visible_reports(request.user, product), REPORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    delivery_settings = selectors.settings_of(product)
    return {
        "product": product,
        "page_obj": reports,
        "reports": list(reports),
        "latest": selectors.latest_report(product) if reports.number == 1 else None,
        "has_sprints": services.has_activity(product),
        "subscribed": selectors.is_subscribed(request.user, product),
        "cadence": cadence.describe(delivery_settings),
        "delivery_settings": delivery_settings,
        "settings_form": settings_form
        or SettingsForm(
            initial={
                "monthly": delivery_settings.schedule is None or delivery_settings.schedule.enabled,
                "after_sprint_close": delivery_settings.after_sprint_close,
                "version": delivery_settings.version,
            }
        ),
        "month_form": month_form or MonthForm(),
        "compare_form": CompareForm(),
    }


@login_required
def home(request, product_slug):
    """The report history, the cadence, and a friendly start for a product without sprints."""
    product = get_product(request.user, product_slug, VIEW)
    return TemplateResponse(request, "delivery/home.html", _home_context(request, product))


@login_required
def report(request, product_slug, report_id):
    product = get_product(request.user, product_slug, VIEW)
    report = access.access_report(request.user, product, report_id)
    others = access.visible_reports(request.user, product).exclude(pk=report.pk)[:24]
    return TemplateResponse(
        request,
        "delivery/report.html",
        {"product": product, "report": report, "figures": report.figures, "others": others},
    )


@login_required
def report_download(request, product_slug, report_id, kind):
    product = get_product(request.user, product_slug, VIEW)
    report = access.access_report(request.user, product, report_id)
    content = documents.report_pdf(report) if kind == "pdf" else documents.report_html(report)
    return download(content, f"delivery-{product.slug}-{report.period}-{report.start:%Y-%m-%d}.{kind}")


@login_required
def compare(request, product_slug):
    """Two periods side by side."""
    product = get_product(request.user, product_slug, VIEW)
    form = CompareForm(request.GET or None)
    pair = None
    if form.is_valid():
        first = access.access_report(request.user, product, form.cleaned_data["a"])
        second = access.access_report(request.user, product, form.cleaned_data["b"])
        pair = sorted([first, second], key=lambda r: (r.end, r.start))
    status = 400 if form.is_bound and not form.is_valid() else 200
    return TemplateResponse(
        request,
        "delivery/compare.html",
        {
            "product": product,
            "form": form,
            "pair": pair,
            "rows": _compare_rows(pair) if pair else [],
            "reports": access.visible_reports(request.user, product)[:100],
        },
        status=status,
    )


COMPARED = [
    ("Committed points", ("sprints", "committed"), "points"),
    ("Completed points", ("sprints", "completed"), "points"),
    ("Say/do", ("sprints", "say_do"), "percent"),
    ("Scope added mid-sprint", ("sprints", "scope_added"), "points"),
    ("Scope removed mid-sprint", ("sprints", "scope_removed"), "points"),
    ("Carried over", ("sprints", "carried_over"), "points"),
    ("Items finished", ("flow", "finished"), "count"),
    ("Cycle time, 50 % (days)", ("flow", "cycle_time", "p50"), "count"),
    ("Cycle time, 85 % (days)", ("flow", "cycle_time", "p85"), "count"),
    ("Lead time, 85 % (days)", ("flow", "lead_time", "p85"), "count"),
    ("Experiment items finished", ("science", "experiments_concluded"), "count"),
    ("Points added by wrong assumptions", ("science", "follow_up_points"), "points"),
    ("Blocker-days", ("blockers", "days"), "points"),
    ("Data-access days", ("blockers", "data_access_days"), "points"),
    ("Requests received", ("requests", "received"), "count"),
    ("Requests decided", ("requests", "decided"), "count"),
    ("Median working days to a decision", ("requests", "median_decision_days"), "count"),
    ("Roadmap forecasts moved", ("roadmap", "moved"), "count"),
]


def _dig(data: dict, path: tuple[str, ...]):
    value: object = data
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _compare_rows(pair) -> list[dict]:
    rows = []
    for label, path, kind in COMPARED:
        before, after = (_dig(report.figures, path) for report in pair)
        change = None
        if isinstance(before, int | float) and isinstance(after, int | float):
            change = round(after - before, 3)
        rows.append({"label": label, "kind": kind, "before": before, "after": after, "change": change})
    return rows


@login_required
@require_POST
def settings_edit(request, product_slug):
    product = get_product(request.user, product_slug, MANAGE)
    form = SettingsForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            services.settings_set(
                actor=request.user,
                product=product,
                monthly=form.cleaned_data["monthly"],
                after_sprint_close=form.cleaned_data["after_sprint_close"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, "Report cadence saved.")
            return redirect("delivery:home", product.slug)
    context = _home_context(request, product, settings_form=form)
    return TemplateResponse(request, "delivery/home.html", context, status=form_status(form))


@login_required
@require_POST
def build_month(request, product_slug):
    product = get_product(request.user, product_slug, MANAGE)
    form = MonthForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            services.report_request(actor=request.user, product=product, month=form.cleaned_data["month"])
            messages.success(request, "The report is being built; reload in a moment.")
            return redirect("delivery:home", product.slug)
    context = _home_context(request, product, month_form=form)
    return TemplateResponse(request, "delivery/home.html", context, status=form_status(form))


@login_required
@require_POST
def subscription(request, product_slug):
    product = get_product(request.user, product_slug, VIEW)
    subscribed = services.subscription_set(
        actor=request.user, product=product, subscribed=request.POST.get("subscribed") == "1"
    )
    messages.success(
        request, "You will get each delivery report by email." if subscribed else "No more delivery report emails."
    )
    return redirect("delivery:home", product.slug)


@login_required
@require_POST
def report_rebuild(request, product_slug, report_id):
    product = get_product(request.user, product_slug, MANAGE)
    report = access.access_report(request.user, product, report_id, MANAGE)
    with flash_errors(request):
        services.report_rebuild(actor=request.user, report=report)
        messages.success(request, "The report is being rebuilt; reload in a moment.")
    return redirect(report)


@login_required
@require_POST
def report_publish(request, product_slug, report_id):
    """Publish the report's summary to everyone in the product (or take it back)."""
    product = get_product(request.user, product_slug, MANAGE)
    report = access.access_report(request.user, product, report_id, MANAGE)
    published = request.POST.get("published") == "1"
    with flash_errors(request):
        services.report_publish(
            actor=request.user, report=report, published=published, expected_version=posted_version(request)
        )
        messages.success(
            request, "Summary published to stakeholders." if published else "Summary no longer shown to stakeholders."
        )
    return redirect(report)


@login_required
def dashboard(request, product_slug):
    """The PM's live dashboard: charts drawn by delivery.js from JSON in the page, each with its table."""
    product = get_product(request.user, product_slug, VIEW)
    data = live.pm_dashboard(product, milestones=roadmap_access.visible_milestones(request.user, product))
    return TemplateResponse(
        request,
        "delivery/dashboard.html",
        {"product": product, "data": data, "has_sprints": services.has_activity(product)},
    )


@login_required
def portfolio(request):
    """One row per product the person may read reports of, with its last report's headline figures."""
    products = list(products_where(request.user, VIEW).order_by("name"))
    latest = selectors.latest_per_product([product.pk for product in products])
    rows = [
        {"product": product, "report": latest.get(product.pk), "headline": figures.headline(latest[product.pk].figures)}
        if product.pk in latest
        else {"product": product, "report": None, "headline": None}
        for product in products
    ]
    return TemplateResponse(request, "delivery/portfolio.html", {"rows": rows})
