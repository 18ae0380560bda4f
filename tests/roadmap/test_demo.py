from io import StringIO

from django.core.management import call_command

from apps.accounts.models import User
from apps.requests.delivery import expected_deliveries
from apps.requests.models import StakeholderRequest
from apps.roadmap.models import Forecast, Milestone, RoadmapItem


def test_demo_roadmaps_have_forecasts_and_are_idempotent(db):
    call_command("seed_demo", stdout=StringIO())
    for slug in ("recommender", "insights"):
        items = RoadmapItem.objects.filter(product__slug=slug)
        assert {item.horizon for item in items} == {"now", "next", "later"}
        assert items.filter(shared=True).count() == 2
        assert Forecast.objects.filter(roadmap_item__product__slug=slug, outcome="forecast").exists()
    accepted = StakeholderRequest.objects.filter(status="accepted", roadmap_items__isnull=False)
    assert accepted.exists()
    assert all(d.source == "forecast" for d in expected_deliveries(accepted).values())
    before = (RoadmapItem.objects.count(), Milestone.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (RoadmapItem.objects.count(), Milestone.objects.count()) == before


def test_every_demo_roadmap_page_renders(db, client):
    call_command("seed_demo", stdout=StringIO())
    for username in ("pia", "stella"):
        client.force_login(User.objects.get(username=username))
        for slug in ("recommender", "insights"):
            base = f"/p/{slug}/roadmap/"
            pages = [
                base,
                f"{base}timeline/",
                f"{base}timeline/?scale=quarters",
                f"{base}milestones/",
                f"{base}shared/",
            ]
            pages += [f"{base}items/{item.pk}/" for item in RoadmapItem.objects.filter(product__slug=slug, shared=True)]
            for page in pages:
                assert client.get(page).status_code == 200, (username, page)


def test_demo_roadmap_items_bet_on_demo_hypotheses(db, client):
    from django.utils.html import escape

    from apps.hypotheses.models import Hypothesis

    call_command("seed_demo", stdout=StringIO())
    for slug in ("recommender", "insights"):
        assert RoadmapItem.hypotheses.through.objects.filter(roadmapitem__product__slug=slug).exists(), slug
    session = RoadmapItem.objects.get(product__slug="recommender", title="Rankings that follow the session")
    published = [h for h in session.hypotheses.all() if h.is_published]
    unpublished = [h for h in session.hypotheses.all() if not h.is_published]
    assert published and unpublished
    client.force_login(User.objects.get(username="stella"))
    page = client.get(f"/p/recommender/roadmap/items/{session.pk}/").content.decode()
    assert escape(published[0].statement) in page and escape(unpublished[0].statement) not in page
    hypothesis_page = client.get(f"/p/recommender/hypotheses/{published[0].number}/").content.decode()
    assert "On the roadmap" in hypothesis_page and session.title in hypothesis_page
    links = RoadmapItem.hypotheses.through.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert RoadmapItem.hypotheses.through.objects.count() == links
    assert Hypothesis.objects.filter(roadmap_items__isnull=False).exists()
