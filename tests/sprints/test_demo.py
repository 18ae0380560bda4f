from io import StringIO

from django.core.management import call_command

from apps.accounts.models import User
from apps.hypotheses.models import Assumption
from apps.sprints import selectors
from apps.sprints.models import Sprint


def test_demo_sprints_show_history_a_running_sprint_each_and_are_idempotent(db):
    call_command("seed_demo", stdout=StringIO())
    counts = {(s.product.slug, s.status, s.kind) for s in Sprint.objects.select_related("product")}
    assert ("recommender", "active", "standard") in counts and ("insights", "active", "staged") in counts
    for slug in ("recommender", "insights"):
        velocity = selectors.velocity(Sprint.objects.filter(product__slug=slug).first().product)
        assert len(velocity["sprints"]) == 3
        assert all(row["completed"] > 0 for row in velocity["sprints"])
    closed = Sprint.objects.filter(status=Sprint.Status.CLOSED).first()
    assert len(set(closed.burndown["remaining"])) > 2, "a burndown that moves over the days"
    assert set(Assumption.objects.values_list("status", flat=True)) == {"open", "held", "wrong"}
    assert Assumption.objects.get(status="wrong", sprint__isnull=False).follow_up_items.count() == 2
    before = Sprint.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Sprint.objects.count() == before


def test_every_demo_sprint_page_renders(db, client):
    call_command("seed_demo", stdout=StringIO())
    client.force_login(User.objects.get(username="sam"))
    for sprint in Sprint.objects.select_related("product"):
        base = f"/p/{sprint.product.slug}/sprints/{sprint.pk}/"
        pages = [base, f"{base}board/?lanes=assignee", f"{base}review/"]
        pages += [f"{base}plan/"] if not sprint.is_closed else []
        pages += [f"{base}close/"] if sprint.status == Sprint.Status.ACTIVE else []
        pages += [f"{base}stages/{stage.pk}/" for stage in sprint.stages.all()]
        for url in pages:
            assert client.get(url).status_code == 200, url
    assert client.get("/p/insights/sprints/").status_code == 200
