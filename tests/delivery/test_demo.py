from io import StringIO

from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from apps.accounts.models import User
from apps.delivery.models import DeliveryReport


def test_demo_reports_are_built_published_and_idempotent(db, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    for slug in ("recommender", "insights"):
        reports = DeliveryReport.objects.filter(product__slug=slug)
        assert reports.filter(period="sprint").exists()
        assert reports.filter(published_at__isnull=False).count() == 1
    assert PeriodicTask.objects.filter(task="delivery.build_scheduled").count() == 2
    before = DeliveryReport.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    assert DeliveryReport.objects.count() == before
    for username in ("pia", "stella"):
        client.force_login(User.objects.get(username=username))
        assert client.get("/p/recommender/").status_code == 200
    client.force_login(User.objects.get(username="pia"))
    for url in ("/p/recommender/delivery/", "/p/recommender/delivery/dashboard/", "/portfolio/"):
        assert client.get(url).status_code == 200, url
    report = DeliveryReport.objects.filter(product__slug="insights").first()
    assert client.get(f"/p/insights/delivery/reports/{report.pk}/").status_code == 200
