"""Hypothesis pages: the ledger (filters in the URL, shared with its CSV
export and the API), the hypothesis page (statement, experiments,
assumptions, linked work, evidence, history), writing and editing, the
status decision, publishing, test items and links.

Objects come from apps.hypotheses.access (the role and the row-level rule of
published hypotheses are checked there), changes go through the services
inside `errors_on(form)` or `flash_errors`; htmx requests get a named
fragment of the same template. Stakeholders get the public shape of a
published hypothesis: statement, outcome, learning."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Action, require
from apps.core.downloads import csv_download, safe_cell
from apps.core.forms import errors_on, form_status
from apps.core.http import flash_errors, page, posted, posted_version
from apps.hypotheses import access, selectors, services
from apps.hypotheses.evaluation import experiment_verdict
from apps.hypotheses.forms import AssumptionForm, HypothesisForm, LinkForm, StatusForm, TestItemFormSet
from apps.hypotheses.models import Hypothesis
from apps.hypotheses.rows import for_rows, ledger_rows
from apps.products.access import get_product

PAGE_SIZE = 50
VIEW = Action.VIEW_PUBLISHED_HYPOTHESES
MANAGE = Action.MANAGE_HYPOTHESES


# --- the ledger -----------------------------------------------------------------------------


@login_required
def ledger(request, product_slug):
    """Every hypothesis of the product the viewer may see, newest first, with
    status, metric, target against observed and confidence."""
    product = get_product(request.user, product_slug, VIEW)
    filters = access.filtered_hypotheses(request.user, product, request.GET)
    valid = filters.is_valid()
    internal = access.sees_internals(request.user, product)
    rows = for_rows(filters.qs if valid else filters.queryset.none(), internal=internal)
    paged = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "product": product,
        "filter": filters,
        "page": paged,
        "rows": ledger_rows(paged.object_list, product=product, internal=internal),
        "internal": internal,
        "export_query": request.GET.urlencode(),
    }
    if context["internal"]:
        context["status_counts"] = _status_counts(access.visible_hypotheses(request.user, product))
    return page(request, "hypotheses/ledger.html", context, fragment="results", status=200 if valid else 400)


def _status_counts(hypotheses) -> list[tuple[str, str, int]]:
    counts = dict(hypotheses.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in Hypothesis.Status.choices]


LEDGER_COLUMNS = ["reference", "statement", "status", "learning", "url"]
INTERNAL_LEDGER_COLUMNS = [
    "reference",
    "statement",
    "status",
    "metric",
    "unit",
    "baseline",
    "target",
    "due",
    "observed",
    "confidence_before",
    "confidence_after",
    "owner",
    "experiments",
    "published",
    "learning",
    "next_step",
    "url",
]


@login_required
def ledger_export(request, product_slug):
    """The ledger as CSV, through the same filters and row rule as the page:
    stakeholders get published hypotheses and their public columns only."""
    product = get_product(request.user, product_slug, VIEW)
    filters = access.filtered_hypotheses(request.user, product, request.GET)
    if not filters.is_valid():
        return ledger(request, product_slug)
    internal = access.sees_internals(request.user, product)
    columns = INTERNAL_LEDGER_COLUMNS if internal else LEDGER_COLUMNS
    base = request.build_absolute_uri("/").rstrip("/")

    def cells(hypothesis):
        values = {
            "reference": hypothesis.reference,
            "statement": hypothesis.statement,
            "status": hypothesis.get_status_display(),
            "learning": hypothesis.learning,
            "url": base + reverse("hypotheses:detail", args=[product.slug, hypothesis.number]),
        }
        if internal:
            values |= {
                "metric": hypothesis.metric_name,
                "unit": hypothesis.metric_unit,
                "baseline": hypothesis.baseline,
                "target": hypothesis.target,
                "due": hypothesis.target_date,
                "observed": hypothesis.observed,
                "confidence_before": hypothesis.confidence_before,
                "confidence_after": hypothesis.confidence_after,
                "owner": hypothesis.owner.username if hypothesis.owner else "",
                "experiments": hypothesis.experiment_count,
                "published": "yes" if hypothesis.is_published else "no",
                "next_step": hypothesis.next_step,
            }
        return [safe_cell(values[column]) for column in columns]

    rows = (cells(hypothesis) for hypothesis in filters.qs.iterator(chunk_size=500))
    return csv_download(columns, rows, f"{product.slug}-hypotheses.csv")


# --- one hypothesis ----------------------------------------------------------------------------


def _status_form(hypothesis: Hypothesis, data=None) -> StatusForm:
    allowed = services.allowed_statuses(hypothesis.status)
    proposed = hypothesis.proposed_status if hypothesis.proposed_status in allowed else None
    return StatusForm(
        data,
        allowed=allowed,
        initial={
            "status": proposed or (allowed[0] if allowed else ""),
            "learning": hypothesis.learning,
            "next_step": hypothesis.next_step,
            "confidence_after": hypothesis.confidence_after,
            "version": hypothesis.version,
        },
    )


def _proposal(hypothesis: Hypothesis, experiments: list) -> dict | None:
    """The status the last recorded experiment proposes, and why, until the PM decides.
    The experiment is one of the hypothesis's own, already read for the page."""
    if not hypothesis.proposed_status or hypothesis.proposed_by_id is None:
        return None
    experiment = next((e for e in experiments if e.pk == hypothesis.proposed_by_id), None) or hypothesis.proposed_by
    if experiment is None or experiment.observed_value is None:
        return None
    why = ""
    if hypothesis.target is not None:
        why = experiment_verdict(experiment, hypothesis).because
    return {
        "status": Hypothesis.Status(hypothesis.proposed_status),
        "experiment": experiment,
        "because": why,
        "can_confirm": hypothesis.proposed_status in services.allowed_statuses(hypothesis.status),
    }


def _detail_context(request, product, hypothesis, **forms) -> dict:
    user = request.user
    internal = access.sees_internals(user, product)
    context = {
        "product": product,
        "hypothesis": hypothesis,
        "internal": internal,
        "linked_requests": list(access.linked_requests(user, product, hypothesis)),
    }
    if not internal:
        return context  # the public shape: statement, outcome, learning
    experiments = list(selectors.experiments_of(hypothesis))
    assumptions = list(access.visible_assumptions(user, product, hypothesis=hypothesis))
    context |= {
        "experiments": [(e, services.observed_summary(e, hypothesis.metric_unit)) for e in experiments],
        "test_items": list(selectors.test_items_of(hypothesis)),
        "assumptions": assumptions,
        "wrong_cost": selectors.cost_of_wrong(assumptions),
        "assumption_form": AssumptionForm(),
        "assumption_add_url": reverse("hypotheses:hypothesis-assumption-add", args=[product.slug, hypothesis.number]),
        "feasibility": access.visible_feasibility(user, product).filter(hypothesis=hypothesis).first(),
        "learning": list(
            selectors.learning_entries(access.visible_learning(user, product).filter(hypothesis=hypothesis))
        ),
        "proposal": _proposal(hypothesis, experiments),
        "history": selectors.hypothesis_history(hypothesis, internal=True),
        "chart": _chart(hypothesis, experiments),
        "status_form": forms.get("status_form") or _status_form(hypothesis),
        "test_items_form": forms.get("test_items_form") or TestItemFormSet(prefix="items"),
        "link_form": forms.get("link_form") or LinkForm(),
    }
    return context


def _chart(hypothesis: Hypothesis, experiments) -> dict:
    """Observed values against baseline and target, one bar per experiment with a result."""
    shown = [e for e in experiments if e.observed_value is not None]

    def number(value):
        return None if value is None else float(value)

    return {
        "unit": hypothesis.metric_unit,
        "baseline": number(hypothesis.baseline),
        "target": number(hypothesis.target),
        "experiments": [
            {
                "label": e.title,
                "observed": number(e.observed_value),
                "low": number(e.interval_low),
                "high": number(e.interval_high),
            }
            for e in shown
        ],
    }


@login_required
def hypothesis_detail(request, product_slug, number):
    product = get_product(request.user, product_slug, VIEW)
    hypothesis = access.access_hypothesis(request.user, product, number)
    context = _detail_context(request, product, hypothesis)
    template = "hypotheses/hypothesis_detail.html" if context["internal"] else "hypotheses/hypothesis_public.html"
    return TemplateResponse(request, template, context)


def _form(request, product, hypothesis=None) -> HypothesisForm:
    initial = {"version": hypothesis.version} if hypothesis is not None else {"owner": request.user.pk}
    return HypothesisForm(
        posted(request),
        instance=hypothesis,
        initial=initial,
        metrics=access.metrics_of(request.user, product),
        team=access.team_of(request.user, product),
    )


@login_required
def hypothesis_create(request, product_slug):
    product = get_product(request.user, product_slug, MANAGE)
    form = _form(request, product)
    if request.method == "GET" and request.GET.get("metric"):
        form.initial["metric"] = request.GET["metric"]
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            hypothesis = services.hypothesis_create(actor=request.user, product=product, **form.changes())
            messages.success(request, f"{hypothesis.reference} stated. Next: create the items that test it.")
            return redirect(hypothesis)
    return TemplateResponse(
        request, "hypotheses/hypothesis_form.html", {"product": product, "form": form}, status=form_status(form)
    )


@login_required
def hypothesis_edit(request, product_slug, number):
    product = get_product(request.user, product_slug, MANAGE)
    hypothesis = access.access_hypothesis(request.user, product, number, MANAGE)
    form = _form(request, product, hypothesis)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            hypothesis = services.hypothesis_update(
                actor=request.user,
                hypothesis=hypothesis,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
            messages.success(request, f"{hypothesis.reference} saved.")
            return redirect(hypothesis)
    context = {"product": product, "form": form, "hypothesis": hypothesis}
    return TemplateResponse(request, "hypotheses/hypothesis_form.html", context, status=form_status(form))


@login_required
@require_POST
def hypothesis_status(request, product_slug, number):
    """The PM's decision: start testing, conclude (confirming the proposal or
    not), or go back to testing with a reason."""
    product = get_product(request.user, product_slug, MANAGE)
    hypothesis = access.access_hypothesis(request.user, product, number, MANAGE)
    form = StatusForm(request.POST)  # every status: the service names a jump that is not allowed
    if form.is_valid():
        data = form.cleaned_data
        with errors_on(form):
            hypothesis = services.hypothesis_set_status(
                actor=request.user,
                hypothesis=hypothesis,
                status=data["status"],
                reason=data["reason"],
                learning=data["learning"] if data["learning"] else None,
                next_step=data["next_step"] if data["next_step"] else None,
                confidence_after=data["confidence_after"],
                expected_version=data["version"],
            )
            messages.success(request, f"{hypothesis.reference} is now {hypothesis.get_status_display().lower()}.")
            return redirect(hypothesis)
    hypothesis = access.access_hypothesis(request.user, product, number, MANAGE)  # as saved
    form.fields["status"].choices = _status_form(hypothesis).fields["status"].choices
    return TemplateResponse(
        request,
        "hypotheses/hypothesis_detail.html",
        _detail_context(request, product, hypothesis, status_form=form),
        status=form_status(form),
    )


@login_required
@require_POST
def hypothesis_publish(request, product_slug, number):
    product = get_product(request.user, product_slug, Action.PUBLISH_HYPOTHESES)
    hypothesis = access.access_hypothesis(request.user, product, number, Action.PUBLISH_HYPOTHESES)
    published = request.POST.get("published") != "0"
    with flash_errors(request):
        hypothesis = services.hypothesis_publish(
            actor=request.user, hypothesis=hypothesis, published=published, expected_version=posted_version(request)
        )
        messages.success(
            request,
            f"{hypothesis.reference} is published to stakeholders."
            if published
            else f"{hypothesis.reference} is no longer shown to stakeholders.",
        )
    return redirect(hypothesis)


@login_required
@require_POST
def hypothesis_test_items(request, product_slug, number):
    """Create the backlog items that test the hypothesis, in one step."""
    product = get_product(request.user, product_slug, MANAGE)
    hypothesis = access.access_hypothesis(request.user, product, number, MANAGE)
    require(request.user, Action.ADD_BACKLOG_ITEM, product)  # the items join the backlog
    formset = TestItemFormSet(request.POST, prefix="items")
    if formset.is_valid():
        with flash_errors(request):
            items = services.hypothesis_create_test_items(
                actor=request.user, hypothesis=hypothesis, items=[f.cleaned_data for f in formset.forms]
            )
            numbers = ", ".join(f"#{item.number}" for item in items)
            messages.success(request, f"Created {numbers} to test {hypothesis.reference}.")
            return redirect(f"{hypothesis.get_absolute_url()}#test-items")
        return redirect(f"{hypothesis.get_absolute_url()}#test-items")
    return TemplateResponse(
        request,
        "hypotheses/hypothesis_detail.html",
        _detail_context(request, product, hypothesis, test_items_form=formset),
        status=400,
    )


@login_required
@require_POST
def hypothesis_links(request, product_slug, number):
    """Link existing backlog items (as tests) and the stakeholder requests that motivated the hypothesis."""
    product = get_product(request.user, product_slug, MANAGE)
    hypothesis = access.access_hypothesis(request.user, product, number, MANAGE)
    form = LinkForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            items = access.linkable_items(request.user, product, form.cleaned_data["items"])
            requests = access.linkable_requests(request.user, product, form.cleaned_data["requests"])
            if not items and not requests:
                form.add_error(None, "Name the items or requests to link.")
            else:
                added = services.hypothesis_link_items(actor=request.user, hypothesis=hypothesis, items=items)
                added += services.hypothesis_link_requests(actor=request.user, hypothesis=hypothesis, requests=requests)
                messages.success(request, f"Linked {added} to {hypothesis.reference}." if added else "Already linked.")
                return redirect(f"{hypothesis.get_absolute_url()}#links")
    return TemplateResponse(
        request,
        "hypotheses/hypothesis_detail.html",
        _detail_context(request, product, hypothesis, link_form=form),
        status=form_status(form) if form.errors else 400,
    )


@login_required
@require_POST
def hypothesis_unlink(request, product_slug, number, kind, link_number):
    product = get_product(request.user, product_slug, MANAGE)
    hypothesis = access.access_hypothesis(request.user, product, number, MANAGE)
    if kind not in ("items", "requests"):
        raise Http404("No such link.")
    if kind == "items":
        item = access.linkable_items(request.user, product, [link_number])[0]
        services.hypothesis_unlink_item(actor=request.user, hypothesis=hypothesis, item=item)
        messages.success(request, f"#{item.number} no longer tests {hypothesis.reference}.")
    else:
        found = access.linkable_requests(request.user, product, [link_number])[0]
        services.hypothesis_unlink_request(actor=request.user, hypothesis=hypothesis, stakeholder_request=found)
        messages.success(request, f"{found.reference} is no longer linked to {hypothesis.reference}.")
    return redirect(f"{hypothesis.get_absolute_url()}#links")
