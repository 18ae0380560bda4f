from io import StringIO

from django.core.management import call_command

from apps.accounts.models import User
from apps.retros import selectors
from apps.retros.models import ActionItem, Card, Phase, Retrospective


def test_demo_retros_show_history_health_and_actions_and_are_idempotent(db):
    call_command("seed_demo", stdout=StringIO())
    for slug in ("recommender", "insights"):
        retros = Retrospective.objects.filter(product__slug=slug).order_by("created_at")
        assert [r.phase for r in retros] == [Phase.CLOSED] * 3 + [Phase.REVIEW]
        trend = selectors.health_trend(retros[0].product)
        assert len(trend["checks"]) == 3 and all(check["enough"] for check in trend["checks"])
        assert selectors.overdue_actions(retros[0].product).exists()
    assert Card.objects.filter(anonymous=True, author__isnull=True).exists()
    assert ActionItem.objects.filter(backlog_item__isnull=False).exists()
    assert ActionItem.objects.filter(status="carried").exists()
    before = Retrospective.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Retrospective.objects.count() == before


def test_every_demo_retro_page_renders(db, client):
    call_command("seed_demo", stdout=StringIO())
    client.force_login(User.objects.get(username="tara"))
    for retro in Retrospective.objects.select_related("product", "sprint"):
        base = f"/p/{retro.product.slug}/retros/{retro.pk}/"
        for url in (base, f"{base}summary/", f"{base}summary.md", f"{base}summary.pdf", f"{base}health/"):
            assert client.get(url).status_code == 200, url
        assert client.get(retro.sprint.get_absolute_url()).status_code == 200
    for slug in ("recommender", "insights"):
        for url in (f"/p/{slug}/retros/", f"/p/{slug}/retros/health/", f"/p/{slug}/retros/actions/"):
            assert client.get(url).status_code == 200, url
