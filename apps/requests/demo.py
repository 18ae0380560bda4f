"""Demo stakeholder requests for `make run`: a handful per product from
stella in different states, with a conversation, votes, a declined one with
its reason and an accepted one linked to the backlog. Safe to run again: a
product that already has requests is left as it is."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from apps.backlog.models import BacklogItem
from apps.requests import services
from apps.requests.models import StakeholderRequest

# By product slug: what stella submits, and the PM's decision on it.
REQUESTS: dict[str, list[dict[str, Any]]] = {
    "recommender": [
        {
            "title": "Recommendations ignore items that are out of stock",
            "problem": "Shoppers click a recommended product and find it **out of stock**; they leave annoyed.",
            "affected": "Shoppers on product pages; the customer-care team handling complaints",
            "desired_outcome": "Recommended items can be bought when they are shown.",
            "success_measure": "Share of clicked recommendations that are out of stock, from 7% to under 1%.",
            "business_value": "Roughly 40 complaints a week and lost basket value.",
            "urgency": "high",
            "decision": "accept",
        },
        {
            "title": "Explain to merchandisers why an item is recommended",
            "problem": "Merchandisers cannot tell why the model pushes some items, so they override it by hand.",
            "affected": "Merchandising team (12 people)",
            "desired_outcome": "Merchandisers trust the ranking and override it less.",
            "success_measure": "Manual overrides per week halve.",
            "urgency": "medium",
            "decision": "accept",
            # Already in the backlog demo: accepting links it instead of creating a second item.
            "backlog_title": "Explain recommendations to merchandisers",
        },
        {
            "title": "Personalised recommendations in the printed catalogue",
            "problem": "The printed catalogue shows the same pages to everyone.",
            "affected": "Catalogue readers",
            "desired_outcome": "Readers see products they are likely to buy.",
            "urgency": "low",
            "decision": "decline",
        },
        {
            "title": "Recommendations for new shoppers without history",
            "problem": "First-time visitors get generic best-sellers that rarely fit.",
            "affected": "New visitors (about 30% of sessions)",
            "desired_outcome": "New visitors find relevant products in their first session.",
            "success_measure": "Click-through rate of first sessions from 1.2% to 2%.",
            "urgency": "medium",
            "decision": "ask",
        },
    ],
    "insights": [
        {
            "title": "Sales dashboard is too slow on Monday mornings",
            "problem": "The weekly sales dashboard takes over a minute to load when everyone opens it on Monday.",
            "affected": "Regional sales leads",
            "desired_outcome": "The dashboard opens in a few seconds at any time.",
            "success_measure": "p95 load time under 3 s on Monday 9-10 am.",
            "urgency": "high",
            "decision": "accept",
        },
        {
            "title": "Certified definition of 'active customer'",
            "problem": "Three teams report three different numbers of active customers.",
            "affected": "Finance, marketing and the executive team",
            "desired_outcome": "One documented definition that every report uses.",
            "urgency": "medium",
            "decision": "snooze",
        },
        {
            "title": "Export every dashboard to PowerPoint",
            "problem": "Preparing the monthly board deck takes a day of screenshots.",
            "affected": "Executive assistants",
            "desired_outcome": "The board deck takes an hour to prepare.",
            "urgency": "low",
            "decision": "decline",
        },
        {
            "title": "Warn dashboard owners when a data source arrives late",
            "problem": "When the nightly load is late, dashboards silently show yesterday's numbers.",
            "affected": "Everyone reading morning dashboards",
            "desired_outcome": "Readers know when numbers are stale before they act on them.",
            "urgency": "medium",
        },
    ],
}

DECLINE_REASON = (
    "Not this year: it would need a new data pipeline for a channel we are winding down. "
    "If the channel stays, raise it again in the next planning round."
)


def seed(*, products, people) -> None:
    stella, pia, sam, tara = (people[name] for name in ("stella", "pia", "sam", "tara"))
    for product in products:
        if StakeholderRequest.objects.filter(product=product).exists():
            continue
        for spec in REQUESTS.get(product.slug, []):
            spec = dict(spec)
            decision = spec.pop("decision", None)
            backlog_title = spec.pop("backlog_title", None)
            stakeholder_request = services.request_submit(actor=stella, product=product, **spec)
            services.vote_add(actor=tara, stakeholder_request=stakeholder_request)
            if spec["urgency"] == "high":
                services.vote_add(actor=sam, stakeholder_request=stakeholder_request)
            services.comment_add(
                actor=pia, stakeholder_request=stakeholder_request, body="Thanks, this is clear. We will discuss it."
            )
            services.comment_add(
                actor=sam,
                stakeholder_request=stakeholder_request,
                body="Related to the data-quality work planned for next quarter.",
                internal=True,
            )
            _decide(decision, stakeholder_request, pia=pia, backlog_title=backlog_title)


def _decide(decision, stakeholder_request, *, pia, backlog_title=None) -> None:
    if decision == "accept":
        existing = BacklogItem.objects.filter(product=stakeholder_request.product, title=backlog_title).first()
        services.request_accept(
            actor=pia,
            stakeholder_request=stakeholder_request,
            backlog_item=existing,
            note="Accepted: it hurts a key outcome metric. It goes into the next grooming.",
        )
    elif decision == "decline":
        services.request_decline(actor=pia, stakeholder_request=stakeholder_request, reason=DECLINE_REASON)
    elif decision == "ask":
        services.request_ask_for_info(
            actor=pia,
            stakeholder_request=stakeholder_request,
            question="Which product categories get the most first-time visitors?",
        )
    elif decision == "snooze":
        services.request_snooze(
            actor=pia, stakeholder_request=stakeholder_request, until=timezone.localdate() + timedelta(days=7)
        )
