"""The learning log: decisions and concluded experiments, newest first,
searchable, with markdown and CSV exports through the same filters and the
same row rule (stakeholders: decisions on published hypotheses, and only what
we believed, the outcome and what we learned)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import reverse

from apps.accounts.permissions import Action
from apps.core.downloads import csv_download, download, safe_cell
from apps.core.http import page
from apps.hypotheses import access
from apps.hypotheses.rows import for_log, log_rows
from apps.products.access import get_product

PAGE_SIZE = 50
VIEW = Action.VIEW_PUBLISHED_HYPOTHESES
# Enough for years of decisions; an export beyond it says where it stopped.
MARKDOWN_LIMIT = 5000


@login_required
def learning_log(request, product_slug):
    product = get_product(request.user, product_slug, VIEW)
    filters = access.filtered_learning(request.user, product, request.GET)
    valid = filters.is_valid()
    internal = access.sees_internals(request.user, product)
    entries = for_log(filters.qs if valid else filters.queryset.none(), internal=internal)
    paged = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "product": product,
        "filter": filters,
        "page": paged,
        "rows": log_rows(paged.object_list, product=product),
        "internal": internal,
        "export_query": request.GET.urlencode(),
    }
    return page(request, "hypotheses/learning.html", context, fragment="results", status=200 if valid else 400)


def _columns(internal: bool) -> list[str]:
    if internal:
        return ["date", "hypothesis", "kind", "outcome", "believed", "ran", "learned", "next_step", "by", "url"]
    return ["date", "hypothesis", "outcome", "believed", "learned", "url"]


@login_required
def learning_csv(request, product_slug):
    product = get_product(request.user, product_slug, VIEW)
    filters = access.filtered_learning(request.user, product, request.GET)
    if not filters.is_valid():
        return learning_log(request, product_slug)
    internal = access.sees_internals(request.user, product)
    columns = _columns(internal)
    base = request.build_absolute_uri("/").rstrip("/")

    def cells(entry):
        values = {
            "date": entry.happened_at.date().isoformat(),
            "hypothesis": entry.hypothesis.reference,
            "kind": entry.get_kind_display(),
            "outcome": entry.get_status_display(),
            "believed": entry.believed,
            "ran": entry.ran,
            "learned": entry.learned,
            "next_step": entry.next_step,
            "by": str(entry.actor) if entry.actor else "",
            "url": base + reverse("hypotheses:detail", args=[product.slug, entry.hypothesis.number]),
        }
        return [safe_cell(values[column]) for column in columns]

    rows = (cells(entry) for entry in filters.qs.iterator(chunk_size=500))
    return csv_download(columns, rows, f"{product.slug}-learning-log.csv")


@login_required
def learning_markdown(request, product_slug):
    product = get_product(request.user, product_slug, VIEW)
    filters = access.filtered_learning(request.user, product, request.GET)
    if not filters.is_valid():
        return learning_log(request, product_slug)
    entries = list(filters.qs[: MARKDOWN_LIMIT + 1])
    text = render_to_string(
        "hypotheses/learning_log.md",
        {
            "product": product,
            "entries": entries[:MARKDOWN_LIMIT],
            "cut": len(entries) > MARKDOWN_LIMIT,
            "internal": access.sees_internals(request.user, product),
            "base": request.build_absolute_uri("/").rstrip("/"),
        },
    )
    return download(text, f"{product.slug}-learning-log.md")
