"""The roadmap reaching stakeholders through their requests: the forecast as
expected delivery on the request page and on /requests/mine/, the PM's panel
to put a request on the roadmap, and watchers told when a forecast moves."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.backlog.models import BacklogItem
from apps.notifications.models import Notification
from apps.requests.delivery import expected_deliveries
from apps.requests.models import RequestEvent, Watcher
from apps.roadmap import forecasting, services
from apps.roadmap.models import RoadmapItem
from tests.factories import StakeholderRequestFactory
from tests.roadmap.conftest import backlog, closed_sprints


@pytest.fixture
def accepted(product, stakeholder):
    closed_sprints(product, 10, 10, 10)
    item = backlog(product, 10, 10)[0]
    return StakeholderRequestFactory(product=product, requester=stakeholder, status="accepted", backlog_item=item)


def p85_label(days=14):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return f"85 % likely by {day.day} {day:%B %Y}"


def test_a_request_on_a_roadmap_item_shows_its_forecast(
    browser_client, stakeholder, pm, product, accepted, make_roadmap_item
):
    item = make_roadmap_item("Explainable forecasts", shared=True, backlog_items=backlog(product, 10))
    services.request_attach(actor=pm, stakeholder_request=accepted, item=item)
    forecasting.recompute(product_id=product.pk)
    delivery = expected_deliveries([accepted])[accepted.pk]
    assert (delivery.source, delivery.label) == ("forecast", p85_label(28))
    client = browser_client.as_user(stakeholder)
    page = client.get(accepted.get_absolute_url()).content.decode()
    assert p85_label(28) in page and "Part of “Explainable forecasts” on the roadmap" in page
    assert p85_label(28) in client.get("/requests/mine/").content.decode()


def test_an_unshared_item_is_not_named_to_the_stakeholder(
    browser_client, stakeholder, pm, product, accepted, make_roadmap_item
):
    make_roadmap_item("INTERNAL-NAME", backlog_items=[accepted.backlog_item])
    forecasting.recompute(product_id=product.pk)
    page = browser_client.as_user(stakeholder).get(accepted.get_absolute_url()).content.decode()
    assert "85 % likely by" in page and "INTERNAL-NAME" not in page and "planned work on the roadmap" in page


def test_without_enough_history_the_sprint_plan_or_nothing_is_said(pm, product, stakeholder, make_roadmap_item):
    item = backlog(product, 3)[0]
    stakeholder_request = StakeholderRequestFactory(product=product, status="accepted", backlog_item=item)
    make_roadmap_item("x", backlog_items=[item])
    forecasting.recompute(product_id=product.pk)
    assert expected_deliveries([stakeholder_request])[stakeholder_request.pk].source == "unplanned"


def test_the_pm_puts_a_request_on_the_roadmap_from_its_page(browser_client, pm, member, product, accepted):
    client = browser_client.as_user(pm)
    page = client.get(accepted.get_absolute_url()).content.decode()
    assert "Put on the roadmap" in page
    response = client.post(f"/p/recommender/roadmap/requests/{accepted.number}/attach/", {"item": "new"})
    item = RoadmapItem.objects.get(requests=accepted)
    assert response.status_code == 302 and item.title == accepted.title and not item.shared
    assert "On the roadmap as" in client.get(accepted.get_absolute_url()).content.decode()
    assert "Put on the roadmap" not in browser_client.as_user(member).get(accepted.get_absolute_url()).content.decode()
    client = browser_client.as_user(pm)
    assert client.post(f"/p/recommender/roadmap/requests/{accepted.number}/attach/", {"item": "999"}).status_code == 404


def test_a_declined_request_cannot_be_planned(browser_client, pm, product):
    declined = StakeholderRequestFactory(product=product, status="declined")
    client = browser_client.as_user(pm)
    client.post(f"/p/recommender/roadmap/requests/{declined.number}/attach/", {"item": "new"})
    assert not RoadmapItem.objects.exists()


def test_a_forecast_that_moves_more_than_a_week_tells_the_watchers(
    pm, member, product, stakeholder, accepted, make_roadmap_item, django_capture_on_commit_callbacks
):
    Watcher.objects.create(request=accepted, user=member)
    items = backlog(product, 10)
    item = make_roadmap_item("x", backlog_items=items)
    services.request_attach(actor=pm, stakeholder_request=accepted, item=item)
    forecasting.recompute(product_id=product.pk)
    from apps.requests.services import expected_deliveries_refresh

    expected_deliveries_refresh()  # the baseline watchers were told
    told = RequestEvent.objects.filter(kind=RequestEvent.Kind.DELIVERY_MOVED).count()
    BacklogItem.objects.filter(pk=items[0].pk).update(story_points=Decimal(12))  # a wobble of days: nobody told
    forecasting.recompute(product_id=product.pk)
    assert RequestEvent.objects.filter(kind=RequestEvent.Kind.DELIVERY_MOVED).count() == told
    BacklogItem.objects.filter(pk=items[0].pk).update(story_points=Decimal(40))
    with django_capture_on_commit_callbacks(execute=False):
        result = forecasting.recompute(product_id=product.pk)
    assert result.flagged
    event = RequestEvent.objects.filter(kind=RequestEvent.Kind.DELIVERY_MOVED).latest("pk")
    assert "85 % likely by" in event.note
    assert set(Notification.objects.filter(event=event).values_list("recipient_id", flat=True)) == {
        stakeholder.pk,
        member.pk,
    }
