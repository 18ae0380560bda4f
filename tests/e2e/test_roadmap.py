"""Browser journeys of the roadmap: a PM drags an item from Next to Now and
reads its forecast and histogram; a stakeholder sees the shared roadmap
without internal items, and her accepted request's "85 % likely by" date."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from apps.roadmap import forecasting, services
from apps.roadmap.models import Horizon, RoadmapItem
from tests.factories import StakeholderRequestFactory
from tests.roadmap.conftest import backlog, closed_sprints


def drag(page, card, target):
    """Drag a card by its lower part (not its link) with real mouse moves (Sortable runs in pointer mode)."""
    card.scroll_into_view_if_needed()
    box = card.bounding_box()
    start_x, start_y = box["x"] + box["width"] - 12, box["y"] + box["height"] / 2
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    goal = target.bounding_box()
    end_x, end_y = goal["x"] + goal["width"] / 2, goal["y"] + goal["height"] - 8
    for step in range(1, 21):
        page.mouse.move(start_x + (end_x - start_x) * step / 20, start_y + (end_y - start_y) * step / 20)
        page.wait_for_timeout(15)
    for wiggle in (2, -2, 0):
        page.mouse.move(end_x + wiggle, end_y)
        page.wait_for_timeout(50)
    page.mouse.up()


def test_pm_moves_an_item_from_next_to_now_and_reads_its_forecast(sign_in, pm, product):
    closed_sprints(product, 8, 13, 10, 12)
    services.item_create(actor=pm, product=product, title="Already running", horizon=Horizon.NOW)
    item = services.item_create(
        actor=pm,
        product=product,
        title="Session-based ranking",
        horizon=Horizon.NEXT,
        target_date=timezone.localdate() + datetime.timedelta(days=60),
        backlog_items=backlog(product, 5, 8, 3),
    )
    forecasting.recompute(product_id=product.pk)
    page = sign_in(pm)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto("/p/recommender/roadmap/")
    now, next_ = page.get_by_role("list", name="Now", exact=True), page.get_by_role("list", name="Next", exact=True)
    expect(next_).to_contain_text("Session-based ranking")
    # The card moves at once in the browser; the server's answer comes after.
    with page.expect_response(lambda response: "/move/" in response.url) as answer:
        drag(page, next_.locator("li", has_text="Session-based ranking"), now)
    assert answer.value.status == 204
    expect(now).to_contain_text("Session-based ranking")
    expect(next_).not_to_contain_text("Session-based ranking")
    expect(now.locator("li[data-item]")).to_have_count(2)
    assert RoadmapItem.objects.get(pk=item.pk).horizon == Horizon.NOW

    now.get_by_role("link", name="Session-based ranking").click()
    expect(page.get_by_test_id("horizon")).to_have_text("Now")
    expect(page.get_by_test_id("forecast-dates")).to_contain_text("50 % likely by")
    expect(page.get_by_test_id("p85")).not_to_have_text("–")
    expect(page.get_by_test_id("chance")).to_contain_text("%")
    expect(page.locator("canvas[data-histogram][data-drawn]")).to_be_visible()
    page.get_by_text("Finishing dates: table").click()
    expect(page.get_by_role("table", name="Histogram of finishing dates")).to_be_visible()


def test_stakeholder_sees_the_shared_roadmap_and_her_requests_forecast(sign_in, pm, stakeholder, product):
    closed_sprints(product, 10, 10, 10)
    work = backlog(product, 10, 10)
    shared = services.item_create(
        actor=pm,
        product=product,
        title="Explainable forecasts",
        horizon=Horizon.NOW,
        shared=True,
        public_description="Planners see **why** a forecast changed.",
        internal_notes="SECRET-NOTE",
        backlog_items=work,
    )
    services.item_create(actor=pm, product=product, title="INTERNAL-ONLY rewrite", horizon=Horizon.NEXT)
    accepted = StakeholderRequestFactory(
        product=product, requester=stakeholder, status="accepted", backlog_item=work[0], title="Why did it change?"
    )
    services.request_attach(actor=pm, stakeholder_request=accepted, item=shared)
    forecasting.recompute(product_id=product.pk)
    p85 = RoadmapItem.objects.get(pk=shared.pk).forecast.p85

    page = sign_in(stakeholder)
    page.goto("/p/recommender/")
    page.get_by_role("navigation", name="Recommender").get_by_role("link", name="Roadmap").click()
    roadmap = page.get_by_test_id("shared-roadmap")
    expect(roadmap).to_contain_text("Explainable forecasts")
    expect(roadmap).to_contain_text("Planners see why a forecast changed.")
    expect(page.locator("body")).not_to_contain_text("INTERNAL-ONLY")
    expect(page.locator("body")).not_to_contain_text("SECRET-NOTE")

    page.get_by_role("link", name="My requests").click()
    page.get_by_role("link", name="Why did it change?").click()
    expect(page.get_by_test_id("expected-delivery")).to_have_text(f"85 % likely by {p85.day} {p85:%B %Y}")
    expect(page.get_by_test_id("delivery-detail")).to_contain_text("Explainable forecasts")
