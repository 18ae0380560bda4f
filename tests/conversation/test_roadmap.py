"""Roadmap items are discussed by the team, and the watchers of one hear when its forecast moves."""

import datetime

from pytest_django.asserts import assertContains, assertNotContains

from apps.conversation import selectors, services
from apps.conversation.subjects import subject_named
from apps.notifications.kinds import Kind
from apps.notifications.models import Notification
from apps.roadmap import services as roadmap


def test_the_team_discusses_a_roadmap_item_and_stakeholders_neither_see_nor_are_mentioned(
    browser_client, pm, member, stakeholder, product
):
    item = roadmap.item_create(actor=pm, product=product, title="Churn v2", shared=True)
    assert selectors.watcher_ids(item) == {pm.pk}
    subject = subject_named("roadmap-items")
    services.comment_add(actor=pm, product=product, subject=subject, target=item, body="@member can we make Q3?")
    assert Notification.objects.get(kind=Kind.MENTIONED).recipient == member
    page = browser_client.as_user(member).get(f"/p/recommender/roadmap/items/{item.pk}/")
    assertContains(page, "can we make Q3?")
    page = browser_client.as_user(stakeholder).get(f"/p/recommender/roadmap/items/{item.pk}/")
    assert page.status_code == 200
    assertNotContains(page, "can we make Q3?")
    response = browser_client.as_user(member).post(
        f"/p/recommender/threads/roadmap-items/{item.pk}/comments/", {"body": "@stakeholder fyi"}
    )
    assertContains(response, "@stakeholder cannot see this roadmap item", status_code=400)
    assert (
        browser_client.as_user(stakeholder).get(f"/p/recommender/threads/roadmap-items/{item.pk}/comments/").status_code
        == 403
    )


def test_watchers_hear_once_when_a_forecast_moves(pm, member, product):
    from apps.roadmap import forecasting
    from apps.roadmap.models import Forecast

    item = roadmap.item_create(actor=pm, product=product, title="Churn v2")
    services.watch_set(actor=member, target=item, watching=True)
    moved = Forecast(roadmap_item=item, product=product, fingerprint="f1", moved_days=12, flagged=True)
    moved.p85 = datetime.date(2031, 3, 14)
    forecasting._tell_item_watchers([moved])
    forecasting._tell_item_watchers([moved])  # the same forecast again: nothing new
    told = Notification.objects.filter(kind=Kind.FORECAST_MOVED)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["member", "pm"]
    assert told.first().text == "The forecast of “Churn v2” moved 12 days later: 85 % likely by 14 Mar 2031"
