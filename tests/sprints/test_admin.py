import pytest

from apps.hypotheses.services import assumption_record
from apps.sprints import services
from apps.sprints.models import Sprint


@pytest.mark.parametrize("model", ["sprint", "sprintitem", "exitcriterion", "stagetemplate", "sprintsettings"])
def test_admin_lists_open(admin_client, product, scrum_master, make_sprint, make_item, model):
    sprint = make_sprint(product, kind=Sprint.Kind.STAGED, days=28)
    services.sprint_item_add(actor=scrum_master, sprint=sprint, item=make_item(product, points=3, status="ready"))
    assert admin_client.get(f"/admin/sprints/{model}/").status_code == 200
    assert admin_client.get(f"/admin/sprints/sprint/{sprint.pk}/change/").status_code == 200


def test_admin_lists_assumptions(admin_client, product, scrum_master, make_sprint):
    assumption_record(actor=scrum_master, sprint=make_sprint(product), text="Data is fresh", category="data_quality")
    assert admin_client.get("/admin/hypotheses/assumption/").status_code == 200


def test_admin_names_the_models_in_plain_english(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "Exit criteria" in page and "Sprint settings" in page
    assert "criterions" not in page and "settingss" not in page


def test_the_admin_cannot_change_a_sprints_kind(admin_client, product, make_sprint):
    sprint = make_sprint(product)
    page = admin_client.get(f"/admin/sprints/sprint/{sprint.pk}/change/").content.decode()
    assert 'name="kind"' not in page
    assert 'name="kind"' in admin_client.get("/admin/sprints/sprint/add/").content.decode()
