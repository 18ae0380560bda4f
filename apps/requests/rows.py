"""Rows of the request tables (a product's list, My requests) as plain dicts.

A row holds exactly what the table shows, so the template keeps each rendered
row in the fragments cache under the row itself: a change to anything shown
is a new key, and nothing is served stale."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse

from apps.requests.delivery import ExpectedDelivery
from apps.requests.models import StakeholderRequest

# What a table row does not show: the long texts of the submission.
NOT_IN_A_ROW = ["problem", "affected", "desired_outcome", "success_measure", "business_value"]


def for_rows(requests: QuerySet[StakeholderRequest]) -> QuerySet[StakeholderRequest]:
    """`requests` loading only what `request_rows` reads (the expected delivery needs backlog_item_id only)."""
    return requests.select_related(None).select_related("product", "duplicate_of").defer(*NOT_IN_A_ROW)


def request_rows(requests: Iterable[StakeholderRequest], deliveries: dict[int, ExpectedDelivery]) -> list[dict]:
    """`requests` as `selectors.request_list` or `my_requests` load them (with
    product, duplicate_of and vote_count); `deliveries` by request id."""
    # Labels and addresses built once per page: get_FOO_display and reverse() cost
    # more than the rest of a row together.
    visibilities = dict(StakeholderRequest.Visibility.choices)
    urgencies = dict(StakeholderRequest.Urgency.choices)
    statuses = dict(StakeholderRequest.Status.choices)
    lists: dict[str, str] = {}

    def url(product, number: int) -> str:
        if product.slug not in lists:
            lists[product.slug] = reverse("requests:list", args=[product.slug])
        return f"{lists[product.slug]}{number}/"

    rows = []
    for stakeholder_request in requests:
        duplicate_of = stakeholder_request.duplicate_of
        delivery = deliveries.get(stakeholder_request.pk)
        rows.append(
            {
                "url": url(stakeholder_request.product, stakeholder_request.number),
                "reference": stakeholder_request.reference,
                "title": stakeholder_request.title,
                "visibility": stakeholder_request.visibility,
                "visibility_label": visibilities.get(stakeholder_request.visibility, ""),
                "urgency_label": urgencies.get(stakeholder_request.urgency, ""),
                "created_at": stakeholder_request.created_at,
                "product_name": stakeholder_request.product.name,
                "status": stakeholder_request.status,
                "status_label": statuses.get(stakeholder_request.status, ""),
                "duplicate_of": None
                if duplicate_of is None
                # A request is merged only into one of its own product.
                else {
                    "url": url(stakeholder_request.product, duplicate_of.number),
                    "reference": duplicate_of.reference,
                },
                "decision_note": stakeholder_request.decision_note,
                "delivery": delivery.label if delivery else "",
                "vote_count": stakeholder_request.vote_count,  # type: ignore[attr-defined]  # annotated by as_seen_by
            }
        )
    return rows
