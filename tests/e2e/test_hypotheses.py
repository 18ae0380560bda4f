"""Browser journeys of the scientific side: a PM states a hypothesis on a
product metric and creates its test items, a team member records an
experiment that misses the target, the PM confirms "invalidated" (in the
learning log) and publishes it, and a stakeholder sees the learning and
nothing else; a pipeline's token pushes a reading that moves the metric
chart; a release gate keeps a card out of Done on the board until its gates
passed and a PM signed the model off."""

import datetime
import json
import re
import urllib.request

from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts import services as accounts
from apps.backlog import services as backlog
from apps.backlog.models import BacklogItem
from apps.hypotheses.models import Hypothesis
from apps.sprints import services as sprints
from tests.e2e.test_sprints import column, drag
from tests.factories import HypothesisFactory, OutcomeMetricFactory
from tests.sprints.conftest import backlog_item


def test_a_hypothesis_from_statement_to_published_learning(sign_in, pm, member, stakeholder, product):
    OutcomeMetricFactory(product=product, name="Click-through rate", unit="%", baseline=2, target=3)
    HypothesisFactory(product=product, number=90, change="a secret pricing test", status="testing")
    page = sign_in(pm)
    page.goto("/p/recommender/")
    page.get_by_role("navigation", name="Recommender").get_by_role("link", name="Hypotheses").click()
    page.get_by_role("link", name="New hypothesis").click()
    page.get_by_label("We believe").fill("ranking by recent views")
    page.get_by_label("For", exact=True).fill("returning shoppers")
    page.get_by_label("Will result in").fill("more clicks on recommendations")
    page.get_by_label("Metric", exact=True).select_option(label="Click-through rate")
    page.get_by_label("Moves from").fill("2")
    page.get_by_label("To", exact=True).fill("3")
    page.get_by_label("Confidence before").fill("60")
    page.get_by_role("button", name="State hypothesis").click()
    expect(page.get_by_test_id("statement")).to_contain_text(
        "We will know when Click-through rate moves from 2 % to 3 %"
    )

    page.get_by_label("Test item 1 title").fill("Offline evaluation of recency ranking")
    page.get_by_label("Test item 1 points").fill("3")
    page.get_by_label("Test item 2 title").fill("A/B test recency ranking")
    page.get_by_role("button", name="Create test items").click()
    work = page.locator("#test-items")
    expect(work).to_contain_text("Offline evaluation of recency ranking")
    expect(work).to_contain_text("A/B test recency ranking")
    page.get_by_label("Status").select_option("testing")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_test_id("status")).to_have_text("Testing")
    url = page.url

    page = sign_in(member)
    page.goto(url)
    page.get_by_role("link", name="Plan an experiment").click()
    page.get_by_label("Title").fill("Offline evaluation on March logs")
    page.get_by_label("Method").select_option(label="Offline evaluation")
    page.get_by_role("button", name="Plan experiment").click()
    page.get_by_label("Observed value").fill("2.4")
    page.get_by_label("Conclusion").fill("Recency barely moves clicks on the March logs.")
    page.get_by_role("button", name="Record result").click()
    expect(page.get_by_role("status").first).to_contain_text("proposes “invalidated”")

    page = sign_in(pm)
    page.goto(url)
    expect(page.get_by_test_id("proposal")).to_contain_text("2.4 % is below the target 3 % (higher is better)")
    page.get_by_label("What we learned").fill("Recency alone does not move clicks.")
    page.get_by_label("What we do next").fill("Test diversity in the carousel.")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("status")).to_have_text("Invalidated")
    page.get_by_role("button", name="Publish to stakeholders").click()
    page.get_by_role("navigation", name="Hypotheses").get_by_role("link", name="Learning log").click()
    log = page.get_by_role("list", name="Learning log")
    expect(log).to_contain_text("Recency alone does not move clicks.")
    expect(log).to_contain_text("Offline evaluation: Offline evaluation on March logs")

    page = sign_in(stakeholder)
    page.goto("/p/recommender/hypotheses/")
    ledger = page.get_by_role("table", name="Hypothesis ledger")
    expect(ledger).to_contain_text("ranking by recent views")
    expect(ledger).not_to_contain_text("secret pricing")
    ledger.get_by_role("link", name="ranking by recent views").click()
    expect(page.get_by_test_id("learning")).to_contain_text("Recency alone does not move clicks.")
    expect(page.get_by_test_id("outcome")).to_have_text("Invalidated")
    expect(page.locator("main")).not_to_contain_text("March logs")
    expect(page.locator("main")).not_to_contain_text("2.4")
    page.get_by_role("navigation", name="Hypotheses").get_by_role("link", name="Learning log").click()
    expect(page.get_by_role("list", name="Learning log")).to_contain_text("Recency alone does not move clicks.")
    expect(page.get_by_role("list", name="Learning log")).not_to_contain_text("Offline evaluation on March logs")


def test_a_pipeline_token_pushes_a_reading_that_moves_the_metric_chart(sign_in, live_server, pm, member, product):
    metric = OutcomeMetricFactory(product=product, name="Click-through rate", unit="%", baseline=2, target=3)
    today = timezone.localdate()
    page = sign_in(member)
    page.goto(f"/p/recommender/metrics/{metric.pk}/")
    page.get_by_label("Measured on").fill((today - datetime.timedelta(days=2)).isoformat())
    page.get_by_label("Value").fill("2.1")
    page.get_by_role("button", name="Record reading").click()
    chart = page.locator("#metric-chart")
    expect(chart).to_have_attribute("data-last", "2.1")

    _, secret = accounts.api_token_create(
        actor=pm, name="nightly metrics job", lifetime_days=365, product_id=product.pk, actions=["record_readings"]
    )
    body = {"readings": [{"measured_on": (today - datetime.timedelta(days=1)).isoformat(), "value": 2.9}]}
    request = urllib.request.Request(  # noqa: S310 -- the live test server
        f"{live_server.url}/api/v1/products/recommender/metrics/{metric.pk}/readings/bulk/",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Token {secret}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        assert response.status == 201

    page.reload()
    expect(chart).to_have_attribute("data-points", "2")
    expect(chart).to_have_attribute("data-last", "2.9")
    expect(page.get_by_test_id("metric-current")).to_contain_text("2.90 %")
    expect(page.locator("#readings")).to_contain_text("Pushed by a pipeline")


def test_a_release_gate_keeps_a_card_out_of_done_until_passed_and_signed_off(
    sign_in, pm, scrum_master, member, product
):
    ship = backlog_item(pm, product, "Ship ranker 2", 3)
    sprint = sprints.sprint_create(
        actor=scrum_master,
        product=product,
        name="Sprint 7",
        start_date=timezone.localdate(),
        end_date=timezone.localdate() + datetime.timedelta(days=9),
    )
    sprints.sprint_item_add(actor=scrum_master, sprint=sprint, item=ship)
    sprints.sprint_start(actor=scrum_master, sprint=sprint)
    backlog.item_set_status(actor=member, item=BacklogItem.objects.get(pk=ship.pk), status="in_progress")

    page = sign_in(member)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"/p/recommender/backlog/items/{ship.number}/")
    page.locator("#model-versions summary").click()
    page.locator("#model-versions").get_by_label("Name").fill("ranker 2.0.0")
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_test_id("gate-blocking")).to_contain_text("required release gates open")

    page.goto(f"/p/recommender/sprints/{sprint.pk}/board/")
    drag(page, column(page, "In progress").locator("li", has_text="Ship ranker 2"), column(page, "Done"))
    expect(page.get_by_role("alert")).to_contain_text("cannot be done yet")
    expect(page.get_by_role("alert")).to_contain_text("Governance sign-off")
    expect(column(page, "Done")).not_to_contain_text("Ship ranker 2")

    page.goto("/p/recommender/hypotheses/gates/")
    page.get_by_role("link", name="ranker 2.0.0").click()
    gates = page.get_by_role("table", name="Gate results")
    for row in range(5):
        gate = gates.locator("tbody tr").nth(row)
        gate.get_by_label(re.compile("^Evidence for")).fill("https://ci.example.com/run/42")
        gate.get_by_role("button", name="Record").click()
        expect(page.get_by_role("table", name="Gate results").locator("tbody tr").nth(row)).to_contain_text("passed")
    expect(page.get_by_test_id("gate-blocking")).to_contain_text("not signed off")

    page = sign_in(pm)
    page.goto(page.url)
    page.get_by_role("button", name="Sign off ranker 2.0.0").click()
    expect(page.get_by_test_id("model-status")).to_have_text("Signed off")

    page = sign_in(member)
    page.goto(f"/p/recommender/sprints/{sprint.pk}/board/")
    drag(page, column(page, "In progress").locator("li", has_text="Ship ranker 2"), column(page, "Done"))
    expect(column(page, "Done").locator('li[data-status="done"]')).to_contain_text("Ship ranker 2")
    assert BacklogItem.objects.get(pk=ship.pk).status == "done"
    assert Hypothesis.objects.count() == 0
