"""Roadmap pages: who sees what (both ways), bad input, stale edits, and
query counts that do not grow with the number of items."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.roadmap import forecasting
from apps.roadmap.models import Horizon, Milestone, RoadmapItem
from tests.roadmap.conftest import backlog, closed_sprints, epic
from tests.utils import queries_of


@pytest.fixture
def roadmap(make_roadmap_item, product, pm):
    closed_sprints(product, 10, 10, 10)
    shared = make_roadmap_item(
        "Faster checkout recommendations",
        horizon=Horizon.NOW,
        shared=True,
        public_description="Recommendations appear **while** you pay.",
        internal_notes="SECRET-NOTE: depends on the payments team",
        target_date=timezone.localdate() + datetime.timedelta(days=60),
        backlog_items=backlog(product, 5, 5),
    )
    internal = make_roadmap_item("INTERNAL-ONLY rewrite of the feature store", horizon=Horizon.NEXT)
    forecasting.recompute(product_id=product.pk)
    return shared, internal


def url(name, *args, product_slug="recommender"):
    return reverse(f"roadmap:{name}", args=[product_slug, *args])


@pytest.mark.parametrize("persona", ["pm", "scrum_master", "member"], indirect=True)
def test_the_team_sees_every_item_with_internal_notes(browser_client, persona, roadmap):
    client = browser_client.as_user(persona)
    shared, internal = roadmap
    board = client.get(url("board")).content.decode()
    assert shared.title in board and internal.title in board
    detail = client.get(url("item", shared.pk)).content.decode()
    assert "SECRET-NOTE" in detail and "85&nbsp;% likely by" not in detail  # the card shows the dates
    assert "85 % likely by" in detail
    assert client.get(url("item", internal.pk)).status_code == 200


def test_a_stakeholder_sees_only_shared_items_and_their_public_description(browser_client, stakeholder, roadmap):
    client = browser_client.as_user(stakeholder)
    shared, internal = roadmap
    for page in ("board", "shared", "timeline", "milestones"):
        body = client.get(url(page)).content.decode()
        assert internal.title not in body, page
        assert "SECRET-NOTE" not in body, page
    board = client.get(url("board")).content.decode()
    assert shared.title in board and "<strong>while</strong>" in board
    detail = client.get(url("item", shared.pk)).content.decode()
    assert "SECRET-NOTE" not in detail and "85 % likely by" in detail
    assert client.get(url("item", internal.pk)).status_code == 404
    assert client.get(url("forecasts")).status_code == 403
    assert client.get(url("item-create")).status_code == 403
    csv = b"".join(client.get(url("export")).streaming_content).decode()
    assert shared.title in csv and internal.title not in csv and "SECRET-NOTE" not in csv
    assert "internal_notes" not in csv.splitlines()[0]


def test_an_outsider_gets_404_everywhere(browser_client, outsider, roadmap):
    client = browser_client.as_user(outsider)
    shared, _ = roadmap
    for target in (url("board"), url("timeline"), url("item", shared.pk), url("export"), url("calendar")):
        assert client.get(target).status_code == 404, target


@pytest.mark.parametrize("persona", ["scrum_master", "member", "stakeholder"], indirect=True)
def test_only_the_pm_changes_the_roadmap(browser_client, persona, roadmap):
    client = browser_client.as_user(persona)
    shared, internal = roadmap
    assert client.post(url("item-create"), {"title": "x", "horizon": "now", "status": "idea"}).status_code == 403
    assert client.post(url("item-move", internal.pk), {"horizon": "now", "to": "top"}).status_code in (403, 404)
    assert client.post(url("item-edit", shared.pk), {"title": "x"}).status_code == 403
    assert RoadmapItem.objects.count() == 2
    assert RoadmapItem.objects.get(pk=internal.pk).horizon == Horizon.NEXT


def test_the_pm_adds_an_item_with_links(browser_client, pm, product):
    ranking_epic = epic(product)
    response = browser_client.as_user(pm).post(
        url("item-create"),
        {"title": "Ranking v2", "horizon": "next", "status": "planned", "epics": f"#{ranking_epic.number}"},
    )
    item = RoadmapItem.objects.get(title="Ranking v2")
    assert response.status_code == 302 and list(item.epics.all()) == [ranking_epic]


def test_another_products_epic_is_a_clear_form_error(browser_client, pm, product, other_product):
    foreign = epic(other_product)
    backlog(product, 1)  # #1 here is a story, so the foreign epic's number names no epic
    response = browser_client.as_user(pm).post(
        url("item-create"), {"title": "x", "horizon": "next", "status": "planned", "epics": f"#{foreign.number}"}
    )
    assert response.status_code == 400
    assert f"No epic #{foreign.number} in this product" in response.content.decode()
    assert not RoadmapItem.objects.exists()


def test_impossible_dates_are_form_errors(browser_client, pm):
    client = browser_client.as_user(pm)
    response = client.post(
        url("item-create"),
        {"title": "x", "horizon": "next", "status": "planned", "start_date": "2026-05-01", "target_date": "2026-04-01"},
    )
    assert response.status_code == 400 and "cannot be before the start date" in response.content.decode()
    response = client.post(
        url("item-create"), {"title": "x", "horizon": "next", "status": "planned", "target_date": "2026-02-30"}
    )
    assert response.status_code == 400 and "Enter a valid date" in response.content.decode()
    assert not RoadmapItem.objects.exists()


def test_a_stale_edit_answers_409(browser_client, pm, roadmap):
    shared, _ = roadmap
    client = browser_client.as_user(pm)
    form = {"title": "Renamed", "horizon": "now", "status": "planned", "version": shared.version}
    assert client.post(url("item-edit", shared.pk), form).status_code == 302
    stale = client.post(url("item-edit", shared.pk), {**form, "title": "Again"})
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()
    assert RoadmapItem.objects.get(pk=shared.pk).title == "Renamed"


def test_moving_next_to_another_products_item_changes_nothing(
    browser_client, pm, roadmap, make_roadmap_item, other_product
):
    _, internal = roadmap
    theirs = make_roadmap_item("theirs", on=other_product, actor=pm)
    response = browser_client.as_user(pm).post(
        url("item-move", internal.pk), {"before": theirs.pk}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 404
    assert RoadmapItem.objects.get(pk=internal.pk).horizon == Horizon.NEXT


def test_the_pm_moves_an_item_with_the_keyboard_buttons(browser_client, pm, roadmap):
    shared, internal = roadmap
    client = browser_client.as_user(pm)
    response = client.post(url("item-move", internal.pk), {"horizon": "now", "to": "bottom"})
    assert response.status_code == 302
    assert RoadmapItem.objects.get(pk=internal.pk).horizon == Horizon.NOW
    assert (
        client.post(url("item-move", internal.pk), {"before": shared.pk}, HTTP_X_REQUESTED_WITH="fetch").status_code
        == 204
    )
    ranks = dict(RoadmapItem.objects.values_list("pk", "rank"))
    assert ranks[internal.pk] < ranks[shared.pk]


def test_milestones_shared_or_not(browser_client, pm, stakeholder, product, roadmap):
    shared, internal = roadmap
    client = browser_client.as_user(pm)
    response = client.post(
        url("milestones"), {"title": "Model in shadow traffic", "date": "2026-06-01", "shared": "on"}
    )
    assert response.status_code == 302
    Milestone.objects.create(product=product, title="INTERNAL-MILESTONE", date=datetime.date(2026, 6, 2))
    Milestone.objects.create(
        product=product, title="ON-INTERNAL-ITEM", date=datetime.date(2026, 6, 3), shared=True, roadmap_item=internal
    )
    body = browser_client.as_user(stakeholder).get(url("milestones")).content.decode()
    assert "Model in shadow traffic" in body
    assert "INTERNAL-MILESTONE" not in body and "ON-INTERNAL-ITEM" not in body


def _many(make_roadmap_item, product, count):
    start = RoadmapItem.objects.filter(product=product).count()
    for n in range(start, count):
        make_roadmap_item(
            f"Item {n}",
            horizon=Horizon.values[n % 3],
            shared=bool(n % 2),
            target_date=datetime.date(2026, 1 + n % 12, 1 + n % 27),
            backlog_items=backlog(product, 3),
        )
    forecasting.recompute(product_id=product.pk)


@pytest.mark.parametrize("page", ["board", "timeline", "shared", "export", "forecasts"])
def test_query_counts_do_not_grow_with_items(
    browser_client, pm, product, make_roadmap_item, django_assert_num_queries, page
):
    closed_sprints(product, 10, 10, 10)
    client = browser_client.as_user(pm)

    def get():
        response = client.get(url(page))
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)

    _many(make_roadmap_item, product, 3)
    expected = queries_of(get)
    _many(make_roadmap_item, product, 12)
    with django_assert_num_queries(expected):
        get()


def test_keyboard_buttons_move_up_and_down(browser_client, pm, product, make_roadmap_item):
    a, b, c = (make_roadmap_item(name, horizon=Horizon.NOW) for name in "abc")
    client = browser_client.as_user(pm)
    board = client.get(url("board")).content.decode()
    assert "Move “a” up" not in board and "Move “c” down" not in board and "Move “b” up" in board
    client.post(url("item-move", c.pk), {"before": b.pk})
    client.post(url("item-move", a.pk), {"after": b.pk})
    titles = RoadmapItem.objects.filter(horizon=Horizon.NOW).order_by("rank").values_list("title", flat=True)
    assert list(titles) == ["c", "b", "a"]


def test_the_board_buttons_send_the_pages_one_move_form(browser_client, pm, product, make_roadmap_item):
    # Cards are kept rendered (no CSRF token in them): each button names the page's one form and the item's address.
    a, b = make_roadmap_item("a", horizon=Horizon.NOW), make_roadmap_item("b", horizon=Horizon.NOW)
    client = browser_client.as_user(pm)
    board = client.get(url("board")).content.decode()
    assert board.count('<form id="roadmap-move" method="post" hidden><input type="hidden" name="csrfmiddlew') == 1
    assert f'form="roadmap-move" formaction="{url("item-move", b.pk)}" name="to" value="top"' in board
    assert f'form="roadmap-move" formaction="{url("item-move", a.pk)}" name="horizon" value="later"' in board
    # What the buttons send: "to top" alone keeps the horizon; a horizon alone goes to its bottom.
    assert client.post(url("item-move", b.pk), {"to": "top"}).status_code == 302
    assert list(RoadmapItem.objects.filter(horizon=Horizon.NOW).order_by("rank").values_list("title", flat=True)) == [
        "b",
        "a",
    ]
    make_roadmap_item("c", horizon=Horizon.LATER)
    assert client.post(url("item-move", b.pk), {"horizon": "later"}).status_code == 302
    later = RoadmapItem.objects.filter(horizon=Horizon.LATER).order_by("rank").values_list("title", flat=True)
    assert list(later) == ["c", "b"]


def test_cards_rendered_for_the_pm_are_never_served_to_another_role(browser_client, pm, member, make_roadmap_item):
    make_roadmap_item("a", horizon=Horizon.NOW), make_roadmap_item("b", horizon=Horizon.NOW)
    assert "Move “b” up" in browser_client.as_user(pm).get(url("board")).content.decode()
    board = browser_client.as_user(member).get(url("board")).content.decode()
    assert "“b”" not in board and 'id="roadmap-move"' not in board and ">b</a>" in board


def test_a_card_shows_what_changed_since_it_was_last_rendered(browser_client, pm, product, make_roadmap_item):
    closed_sprints(product, 10, 10, 10)
    work = backlog(product, 3, 5)
    item = make_roadmap_item("Churn model", horizon=Horizon.NOW, shared=True, backlog_items=work)
    client = browser_client.as_user(pm)
    for page in ("board", "shared", "timeline"):
        assert "Churn model" in client.get(url(page)).content.decode()
    RoadmapItem.objects.filter(pk=item.pk).update(title="Churn model v2", target_quarter="2031-Q2")
    work[0].status = "done"
    work[0].save()
    board = client.get(url("board")).content.decode()
    assert "Churn model v2" in board and "Target 2031 Q2" in board and "1 of 2 items, 3 of 8 points done" in board
    assert "Churn model v2" in client.get(url("shared")).content.decode()
    timeline = client.get(url("timeline")).content.decode()
    assert "Churn model v2" in timeline and "1 Apr – 30 Jun 2031" in timeline


def test_the_timeline_draws_bars_within_months_and_today(browser_client, pm, make_roadmap_item):
    make_roadmap_item("Dated", start_date=datetime.date(2026, 1, 16), target_date=datetime.date(2026, 3, 15))
    body = browser_client.as_user(pm).get(url("timeline") + "?scale=months").content.decode()
    assert "Jan 2026" in body and "Mar 2026" in body
    assert 'class="cell start"' in body and 'class="cell end"' in body and "today-line" in body
    assert browser_client.get(url("timeline") + "?scale=quarters").status_code == 200


def test_a_stale_milestone_edit_answers_409(browser_client, pm, product):
    from apps.roadmap import services

    milestone = services.milestone_create(actor=pm, product=product, title="Shadow", date=datetime.date(2026, 6, 1))
    client = browser_client.as_user(pm)
    form = {"title": "Shadow traffic", "date": "2026-06-01", "version": 1}
    assert client.post(url("milestone-edit", milestone.pk), form).status_code == 302
    stale = client.post(url("milestone-edit", milestone.pk), {**form, "title": "Again"})
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).title == "Shadow traffic"
    bad = client.post(url("milestone-edit", milestone.pk), {**form, "version": 2, "date": "2026-13-01"})
    assert bad.status_code == 400


def test_the_pm_ties_an_item_to_an_outcome_metric(browser_client, pm, product):
    from tests.factories import OutcomeMetricFactory

    metric = OutcomeMetricFactory(product=product, name="Conversion")
    response = browser_client.as_user(pm).post(
        url("item-create"), {"title": "x", "horizon": "next", "status": "planned", "outcome_metric": metric.pk}
    )
    assert response.status_code == 302 and RoadmapItem.objects.get(title="x").outcome_metric == metric
