"""Browser journeys of delivery reports: closing a sprint produces a report that
appears in the history and is emailed to subscribers; the PM dashboard draws its
charts; a stakeholder's product page shows her requests with forecasts and the
published summaries, and nothing internal."""

import datetime

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from apps.backlog.models import BacklogItem
from apps.backlog.services import item_set_status
from apps.delivery import services
from apps.delivery.models import DeliveryReport, DeliverySubscription
from apps.roadmap import services as roadmap
from apps.sprints import services as sprints
from apps.sprints.models import Sprint
from tests.factories import StakeholderRequestFactory
from tests.sprints.conftest import backlog_item


def running_sprint(scrum_master, pm, product):
    today = timezone.localdate()
    sprint = sprints.sprint_create(
        actor=scrum_master,
        product=product,
        name="Sprint 7",
        start_date=today - datetime.timedelta(days=6),
        end_date=today + datetime.timedelta(days=2),
    )
    done = backlog_item(pm, product, "Feature store", 3)
    open_ = backlog_item(pm, product, "Ranking model", 5)
    for item in (done, open_):
        sprints.sprint_item_add(actor=scrum_master, sprint=sprint, item=item)
    sprint = sprints.sprint_start(actor=scrum_master, sprint=sprint)
    done.refresh_from_db()
    done = item_set_status(actor=scrum_master, item=done, status=BacklogItem.Status.IN_PROGRESS)
    item_set_status(actor=scrum_master, item=done, status=BacklogItem.Status.DONE)
    return sprint, open_


def test_closing_a_sprint_produces_a_report_in_the_history_and_emails_it(sign_in, pm, scrum_master, product):
    sprint, open_item = running_sprint(scrum_master, pm, product)
    DeliverySubscription.objects.create(product=product, person=pm)
    mail.outbox.clear()
    page = sign_in(pm)
    page.goto(f"/p/recommender/sprints/{sprint.pk}/close/")
    expect(page.get_by_test_id("days-left")).to_contain_text("Closing 2 days early")
    page.get_by_label("Return to the backlog").check()
    page.get_by_role("button", name="Close sprint").click()
    expect(page.get_by_role("status").first).to_contain_text("closed 2 days early")

    page.goto("/p/recommender/delivery/")
    history = page.get_by_role("table", name="Report history")
    expect(history).to_contain_text("Sprint 7")
    history.get_by_role("link", name="Sprint 7").click()
    expect(page.get_by_test_id("summary")).to_contain_text("Delivered 3 of 8 committed points (38 %)")
    expect(page.locator('canvas[data-delivery-chart="sprints"][data-drawn="1"]')).to_have_count(1)

    report = DeliveryReport.objects.get(sprint=Sprint.objects.get(name="Sprint 7"))
    assert report.emailed_version == report.version == 1
    assert [message.to for message in mail.outbox] == [[pm.email]]
    assert "Delivered 3 of 8 committed points" in mail.outbox[0].body


def test_the_pm_dashboard_draws_its_charts_with_tables_beside_them(sign_in, pm, scrum_master, product):
    running_sprint(scrum_master, pm, product)
    StakeholderRequestFactory(product=product)
    page = sign_in(pm)
    page.goto("/p/recommender/delivery/dashboard/")
    for chart in ("burndown", "cumulative", "scatter", "funnel", "aging"):
        expect(page.locator(f'canvas[data-delivery-chart="{chart}"][data-drawn="1"]')).to_have_count(1)
    expect(page.get_by_role("table", name="Requests funnel")).to_contain_text("Received")
    # The scatter's table sits folded under the chart.
    expect(page.locator('table[aria-label="Cycle time"]')).to_contain_text("Feature store")


def test_a_stakeholder_sees_her_requests_forecasts_and_published_summaries_and_nothing_internal(
    sign_in, pm, scrum_master, stakeholder, product
):
    sprint, open_item = running_sprint(scrum_master, pm, product)
    StakeholderRequestFactory(
        product=product,
        requester=stakeholder,
        title="Explain forecast errors",
        status="accepted",
        backlog_item=open_item,
    )
    roadmap.item_create(actor=pm, product=product, title="Smarter ranking", shared=True)
    roadmap.item_create(actor=pm, product=product, title="Rewrite the pipeline", shared=False)
    report = services.sprint_report_build(sprint=sprint)
    services.report_publish(actor=pm, report=report, published=True)

    page = sign_in(stakeholder)
    page.goto("/p/recommender/")
    mine = page.get_by_role("table", name="Your requests")
    expect(mine).to_contain_text("Explain forecast errors")
    expect(mine).to_contain_text("Sprint 7")
    expect(page.get_by_role("table", name="Shared roadmap")).to_contain_text("Smarter ranking")
    expect(page.get_by_test_id("published-delivery")).to_contain_text("Delivered 3 of 8 committed points")
    expect(page.get_by_test_id("published-happiness")).to_contain_text("No happiness report has been published yet")
    body = page.locator("main")
    for internal in ("Rewrite the pipeline", "Ranking model", "Dashboard", "Delivery reports"):
        expect(body).not_to_contain_text(internal)
    expect(page.get_by_role("link", name="Backlog")).to_have_count(0)
