"""Roadmap items link the hypotheses they bet on: set on the item's form and
in the API, shown on the item page and (through the hypotheses app's page
hook) on the hypothesis page. Permissions both ways: a stakeholder sees a
linked hypothesis only once published and a roadmap item only when shared;
nothing leaks through lists, the CSV or the API; query counts stay flat."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.hypotheses import services as hypotheses
from apps.roadmap import services
from apps.roadmap.models import Horizon, RoadmapItem
from tests.factories import HypothesisFactory
from tests.utils import queries_of

API = "/api/v1/products/recommender/roadmap/items/"


def hypothesis(pm, product, change, *, published=False):
    made = hypotheses.hypothesis_create(
        actor=pm,
        product=product,
        change=change,
        audience="returning shoppers",
        outcome="more clicks",
        metric_text="Click-through rate",
        baseline=2,
        target=3,
    )
    if published:
        hypotheses.hypothesis_set_status(actor=pm, hypothesis=made, status="testing")
        hypotheses.hypothesis_set_status(actor=pm, hypothesis=made, status="invalidated", learning="Not by itself.")
        made = hypotheses.hypothesis_publish(actor=pm, hypothesis=made)
    return made


@pytest.fixture
def bets(pm, product, make_roadmap_item):
    """A shared item betting on a published and an unpublished hypothesis, and
    an internal item betting on the published one."""
    published = hypothesis(pm, product, "PUBLISHED-BET re-ranking by recency", published=True)
    unpublished = hypothesis(pm, product, "UNPUBLISHED-BET a bigger carousel")
    shared = make_roadmap_item("Shared item", horizon=Horizon.NOW, shared=True, hypotheses=[published, unpublished])
    internal = make_roadmap_item("INTERNAL-ITEM", horizon=Horizon.NEXT, hypotheses=[published])
    return shared, internal, published, unpublished


def item_url(name, *args):
    return reverse(f"roadmap:{name}", args=["recommender", *args])


def hypothesis_url(h):
    return reverse("hypotheses:detail", args=["recommender", h.number])


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


# --- the rule: same product only ----------------------------------------------------------


def test_another_products_hypothesis_is_refused_with_a_clear_message(pm, product, other_product, make_roadmap_item):
    theirs = HypothesisFactory(product=other_product)
    with pytest.raises(ValidationError) as refused:
        make_roadmap_item("x", hypotheses=[theirs])
    assert "Hypotheses of another product cannot be linked: " + theirs.reference in str(refused.value)
    assert not RoadmapItem.objects.exists()
    item = make_roadmap_item("y")
    with pytest.raises(ValidationError):
        services.item_update(actor=pm, item=item, expected_version=item.version, hypotheses=[theirs])
    assert not item.hypotheses.exists()


def test_linking_only_hypotheses_bumps_the_version_and_an_unchanged_link_writes_nothing(pm, product, bets):
    shared, _, published, unpublished = bets
    updated = services.item_update(actor=pm, item=shared, expected_version=shared.version, hypotheses=[published])
    assert updated.version == shared.version + 1 and list(updated.hypotheses.all()) == [published]
    again = services.item_update(actor=pm, item=updated, expected_version=updated.version, hypotheses=[published])
    assert again.version == updated.version


# --- the item's form and page ----------------------------------------------------------------


def test_the_pm_links_hypotheses_in_the_items_form(browser_client, pm, product, bets):
    _, internal, published, unpublished = bets
    client = browser_client.as_user(pm)
    form = client.get(item_url("item-edit", internal.pk)).content.decode()
    assert f'value="{published.reference}"' in form
    data = {"title": internal.title, "horizon": "next", "status": "planned", "version": internal.version}
    response = client.post(
        item_url("item-edit", internal.pk), {**data, "hypotheses": f"{unpublished.reference}, h-{published.number}"}
    )
    assert response.status_code == 302
    assert set(RoadmapItem.objects.get(pk=internal.pk).hypotheses.all()) == {published, unpublished}


def test_an_unknown_or_foreign_hypothesis_is_a_form_error(browser_client, pm, product, other_product):
    theirs = HypothesisFactory(product=other_product, number=77)
    client = browser_client.as_user(pm)
    base = {"title": "x", "horizon": "next", "status": "planned"}
    response = client.post(item_url("item-create"), {**base, "hypotheses": theirs.reference})
    assert response.status_code == 400 and "No hypothesis H-77 in this product." in response.content.decode()
    response = client.post(item_url("item-create"), {**base, "hypotheses": "H-x"})
    assert response.status_code == 400 and "is not a number like H-12" in response.content.decode()
    assert not RoadmapItem.objects.exists()


@pytest.mark.parametrize("persona", ["pm", "scrum_master", "member"], indirect=True)
def test_the_team_sees_every_linked_hypothesis_on_the_item_page(browser_client, persona, bets):
    shared, _, published, unpublished = bets
    page = browser_client.as_user(persona).get(item_url("item", shared.pk)).content.decode()
    assert published.statement in page and unpublished.statement in page
    assert hypothesis_url(unpublished) in page and "Invalidated" in page and "Proposed" in page


def test_a_stakeholder_sees_only_published_hypotheses_of_shared_items(browser_client, stakeholder, bets):
    shared, internal, published, unpublished = bets
    client = browser_client.as_user(stakeholder)
    page = client.get(item_url("item", shared.pk)).content.decode()
    assert published.statement in page and hypothesis_url(published) in page
    assert "UNPUBLISHED-BET" not in page and unpublished.reference not in page
    assert client.get(item_url("item", internal.pk)).status_code == 404


def test_an_outsider_gets_404(browser_client, outsider, bets):
    shared, _, published, _ = bets
    client = browser_client.as_user(outsider)
    assert client.get(item_url("item", shared.pk)).status_code == 404
    assert client.get(hypothesis_url(published)).status_code == 404
    assert client.get(API).status_code == 404


# --- the hypothesis's page (the roadmap's section) -------------------------------------------------


@pytest.mark.parametrize("persona", ["pm", "scrum_master", "member"], indirect=True)
def test_the_hypothesis_page_shows_the_items_that_bet_on_it(browser_client, persona, bets):
    shared, internal, published, unpublished = bets
    client = browser_client.as_user(persona)
    page = client.get(hypothesis_url(published)).content.decode()
    assert "On the roadmap" in page
    assert item_url("item", shared.pk) in page and item_url("item", internal.pk) in page
    alone = client.get(hypothesis_url(hypothesis(persona, shared.product, "nothing bets on it"))).content.decode()
    assert "No roadmap item bets on it yet" in alone


def test_a_stakeholder_sees_only_shared_items_on_a_published_hypothesis(browser_client, stakeholder, bets):
    shared, internal, published, unpublished = bets
    client = browser_client.as_user(stakeholder)
    page = client.get(hypothesis_url(published)).content.decode()
    assert item_url("item", shared.pk) in page and "Shared item" in page
    assert "INTERNAL-ITEM" not in page and item_url("item", internal.pk) not in page
    assert client.get(hypothesis_url(unpublished)).status_code == 404


def test_a_stakeholder_sees_no_section_when_only_internal_items_bet_on_it(pm, browser_client, stakeholder, bets):
    shared, _, published, _ = bets
    services.item_update(actor=pm, item=shared, expected_version=shared.version, hypotheses=[])
    page = browser_client.as_user(stakeholder).get(hypothesis_url(published)).content.decode()
    assert "On the roadmap" not in page and "INTERNAL-ITEM" not in page


# --- the API ----------------------------------------------------------------------------------------


def test_the_pm_sets_hypotheses_through_the_api(api, pm, product, bets):
    _, internal, published, unpublished = bets
    client = api.as_user(pm)
    made = client.post(API, {"title": "Bets", "hypotheses": [unpublished.reference]}, format="json")
    assert made.status_code == 201
    assert [h["reference"] for h in made.json()["hypotheses"]] == [unpublished.reference]
    assert made.json()["hypotheses"][0]["statement"] == unpublished.statement
    edited = client.patch(
        f"{API}{internal.pk}/",
        {"hypotheses": [published.reference, unpublished.reference], "version": internal.version},
        format="json",
    )
    assert edited.status_code == 200
    assert {h["number"] for h in edited.json()["hypotheses"]} == {published.number, unpublished.number}
    cleared = client.patch(
        f"{API}{internal.pk}/", {"hypotheses": [], "version": edited.json()["version"]}, format="json"
    )
    assert cleared.status_code == 200 and cleared.json()["hypotheses"] == []


def test_bad_hypotheses_in_the_api_are_a_400_on_the_field(api, pm, product, other_product, bets):
    _, internal, _, _ = bets
    theirs = HypothesisFactory(product=other_product, number=88)
    client = api.as_user(pm)
    for value in ([theirs.reference], ["H-9999"], ["banana"], "H-1"):
        response = client.post(API, {"title": "x", "hypotheses": value}, format="json")
        assert response.status_code == 400 and "hypotheses" in response.json(), (value, response.json())
    patched = client.patch(
        f"{API}{internal.pk}/", {"hypotheses": [theirs.reference], "version": internal.version}, format="json"
    )
    assert patched.status_code == 400 and "No hypothesis H-88 in this product." in patched.json()["hypotheses"]
    assert RoadmapItem.objects.filter(title="x").count() == 0


@pytest.mark.parametrize("persona", ["pm", "scrum_master", "member"], indirect=True)
def test_the_team_reads_every_linked_hypothesis_in_the_api(api, persona, bets):
    shared, internal, published, unpublished = bets
    rows = {row["title"]: row for row in api.as_user(persona).get(API).json()["results"]}
    assert {h["reference"] for h in rows["Shared item"]["hypotheses"]} == {published.reference, unpublished.reference}
    assert [h["reference"] for h in rows["INTERNAL-ITEM"]["hypotheses"]] == [published.reference]


def test_a_stakeholder_reads_only_published_hypotheses_of_shared_items_in_the_api(api, stakeholder, bets):
    shared, internal, published, unpublished = bets
    client = api.as_user(stakeholder)
    body = client.get(API).json()
    assert [row["title"] for row in body["results"]] == ["Shared item"]
    assert body["results"][0]["hypotheses"] == [
        {
            "number": published.number,
            "reference": published.reference,
            "statement": published.statement,
            "status": "invalidated",
        }
    ]
    detail = client.get(f"{API}{shared.pk}/").json()
    assert [h["reference"] for h in detail["hypotheses"]] == [published.reference]
    assert "UNPUBLISHED-BET" not in str(body) + str(detail)
    assert client.get(f"{API}{internal.pk}/").status_code == 404


def test_the_schema_documents_hypothesis_links(api, pm):
    schema = api.as_user(pm).get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    assert "hypotheses" in components["RoadmapItemInputRequest"]["properties"]
    for shape in ("RoadmapItem", "PublicRoadmapItem"):
        field = components[shape]["properties"]["hypotheses"]
        assert field["type"] == "array" and field["items"]["$ref"].endswith("/RoadmapHypothesis")
    assert set(components["RoadmapHypothesis"]["properties"]) == {"number", "reference", "statement", "status"}


# --- the CSV -----------------------------------------------------------------------------------------


def test_the_csv_names_only_the_hypotheses_each_reader_may_see(browser_client, pm, stakeholder, bets):
    shared, internal, published, unpublished = bets
    team = {row["title"]: row for row in csv_rows(browser_client.as_user(pm).get(item_url("export")))}
    assert set(team["Shared item"]["hypotheses"].split()) == {published.reference, unpublished.reference}
    assert team["INTERNAL-ITEM"]["hypotheses"] == published.reference
    theirs = csv_rows(browser_client.as_user(stakeholder).get(item_url("export")))
    assert [(row["title"], row["hypotheses"]) for row in theirs] == [("Shared item", published.reference)]


# --- query counts at two sizes -------------------------------------------------------------------------


def _more_bets(pm, product, make_roadmap_item, count):
    for n in range(count):
        bet = hypothesis(pm, product, f"bet {n}", published=bool(n % 2))
        make_roadmap_item(f"Item {n}", horizon=Horizon.values[n % 3], shared=bool(n % 2), hypotheses=[bet])


@pytest.mark.parametrize("persona", ["pm", "stakeholder"], indirect=True)
def test_lists_and_exports_run_the_same_queries_for_more_links(
    api, browser_client, persona, pm, product, make_roadmap_item, django_assert_num_queries
):
    api_client = api.as_user(persona)
    page_client = browser_client.as_user(persona)

    def export():
        b"".join(page_client.get(item_url("export")).streaming_content)

    actions = {"api": lambda: api_client.get(API), "csv": export}
    _more_bets(pm, product, make_roadmap_item, 2)
    counts = {name: queries_of(action) for name, action in actions.items()}
    _more_bets(pm, product, make_roadmap_item, 8)
    for name, action in actions.items():
        with django_assert_num_queries(counts[name]):
            action()


@pytest.mark.parametrize("persona", ["pm", "stakeholder"], indirect=True)
def test_the_two_pages_run_the_same_queries_for_more_links(
    browser_client, persona, pm, product, make_roadmap_item, django_assert_num_queries
):
    bet = hypothesis(pm, product, "the one bet", published=True)
    item = make_roadmap_item("Hub", shared=True, hypotheses=[bet])
    client = browser_client.as_user(persona)
    pages = [item_url("item", item.pk), hypothesis_url(bet)]

    def grow(count):
        start = item.hypotheses.count()
        more = [hypothesis(pm, product, f"bet {start + n}", published=bool(n % 2)) for n in range(count)]
        services.item_update(
            actor=pm,
            item=item,
            expected_version=RoadmapItem.objects.get(pk=item.pk).version,
            hypotheses=[*item.hypotheses.all(), *more],
        )
        for n in range(count):
            make_roadmap_item(f"Also {start + n}", shared=bool(n % 2), hypotheses=[bet])

    grow(2)
    counts = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = queries_of(lambda url=url: client.get(url))
    grow(6)
    for url in pages:
        with django_assert_num_queries(counts[url]):
            client.get(url)
