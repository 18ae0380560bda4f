"""Release gates: the checklist, model versions on backlog items, gate
results and the PM's sign-off; and the rule that an item with a model
version that is not signed off cannot be done, refused alike by the service,
the item page, the board drop, bulk edits and the API."""

import pytest
from django.core.exceptions import ValidationError
from pytest_django.asserts import assertContains

from apps.backlog import services as backlog
from apps.backlog.models import BacklogItem
from apps.core.exceptions import Conflict
from apps.hypotheses import services
from apps.hypotheses.models import GateResult, ModelVersion, ReleaseGate
from apps.sprints import services as sprints
from tests.sprints.conftest import backlog_item


@pytest.fixture
def item(pm, product):
    return backlog_item(pm, product, "Ship ranker 2", status=BacklogItem.Status.IN_PROGRESS)


@pytest.fixture
def model_version(item, member):
    return services.model_version_register(actor=member, item=item, name="ranker 2.0.0")


def gates(product):
    return list(ReleaseGate.objects.filter(product=product, archived_at__isnull=True).order_by("position"))


def pass_all(member, model_version, product, *, but=()):
    for gate in gates(product):
        if gate.name not in but:
            services.gate_result_record(actor=member, model_version=model_version, gate=gate, result="pass")


def test_the_first_model_version_starts_the_checklist_from_the_defaults(model_version, product):
    assert [gate.name for gate in gates(product)] == [name for name, _ in ReleaseGate.DEFAULTS]
    assert all(gate.required for gate in gates(product))


def test_the_defaults_come_once_a_removed_gate_stays_removed(model_version, product, pm, item, member):
    benchmark = gates(product)[1]
    services.gate_remove(actor=pm, gate=benchmark)
    services.model_version_register(actor=member, item=item, name="ranker 2.0.1")
    assert benchmark.name not in [gate.name for gate in gates(product)]
    assert ReleaseGate.objects.filter(product=product).count() == 5  # archived, not deleted


def test_gate_names_are_unique_in_a_checklist(model_version, product, pm):
    with pytest.raises(ValidationError) as error:
        services.gate_add(actor=pm, product=product, name="public benchmark")
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.gate_add(actor=pm, product=product, name="  ")


def test_an_item_with_a_model_version_is_not_done_until_its_gates_pass_and_it_is_signed_off(
    model_version, item, member, pm, product
):
    with pytest.raises(ValidationError) as error:
        backlog.item_set_status(actor=member, item=item, status="done")
    reason = " ".join(error.value.message_dict["status"])
    assert f"#{item.number} cannot be done yet" in reason
    assert "Backtest on historical data" in reason and "Governance sign-off" in reason
    pass_all(member, model_version, product)
    with pytest.raises(ValidationError, match="not signed off by a product manager"):
        backlog.item_set_status(actor=member, item=item, status="done")
    services.model_version_sign_off(actor=pm, model_version=model_version)
    assert backlog.item_set_status(actor=member, item=item, status="done").status == "done"


def test_a_failed_gate_is_named_as_failed(model_version, item, member, product):
    shadow = gates(product)[3]
    services.gate_result_record(
        actor=member, model_version=model_version, gate=shadow, result="fail", evidence="p95 latency doubled"
    )
    with pytest.raises(ValidationError, match="failed: Shadow run on live traffic"):
        backlog.item_set_status(actor=member, item=item, status="done")


def test_sign_off_is_refused_while_a_required_gate_is_open_or_failed(model_version, member, pm, product):
    pass_all(member, model_version, product, but=("Labelled gold set",))
    with pytest.raises(ValidationError, match=r"Labelled gold set \(open\)"):
        services.model_version_sign_off(actor=pm, model_version=model_version)
    gold = gates(product)[2]
    services.gate_result_record(actor=member, model_version=model_version, gate=gold, result="fail", evidence="F1 .61")
    with pytest.raises(ValidationError, match=r"Labelled gold set \(failed\)"):
        services.model_version_sign_off(actor=pm, model_version=model_version)
    assert ModelVersion.objects.get(pk=model_version.pk).status == "candidate"


def test_optional_gates_do_not_hold_up_the_sign_off(model_version, member, pm, product):
    benchmark = gates(product)[1]
    services.gate_update(actor=pm, gate=benchmark, expected_version=benchmark.version, required=False)
    pass_all(member, model_version, product, but=("Public benchmark",))
    assert services.model_version_sign_off(actor=pm, model_version=model_version).status == "signed_off"


def test_a_fail_needs_evidence_and_a_signed_off_version_is_final(model_version, member, pm, product):
    with pytest.raises(ValidationError) as error:
        services.gate_result_record(actor=member, model_version=model_version, gate=gates(product)[0], result="fail")
    assert "evidence" in error.value.message_dict
    pass_all(member, model_version, product)
    services.model_version_sign_off(actor=pm, model_version=model_version)
    with pytest.raises(ValidationError, match="part of its record"):
        services.gate_result_record(
            actor=member, model_version=model_version, gate=gates(product)[0], result="fail", evidence="x"
        )


def test_a_gate_result_records_who_and_when_and_a_correction_replaces_it(model_version, member, scrum_master, product):
    gate = gates(product)[0]
    services.gate_result_record(
        actor=member, model_version=model_version, gate=gate, result="fail", evidence="MAPE 14 %"
    )
    services.gate_result_record(
        actor=scrum_master, model_version=model_version, gate=gate, result="pass", evidence="https://ci/run/2"
    )
    result = GateResult.objects.get()
    assert (result.result, result.recorded_by, result.evidence, result.version) == (
        "pass",
        scrum_master,
        "https://ci/run/2",
        2,
    )
    assert result.history.count() == 2


def test_a_stale_sign_off_is_refused(model_version, member, pm, product):
    pass_all(member, model_version, product)
    with pytest.raises(Conflict):
        services.model_version_sign_off(actor=pm, model_version=model_version, expected_version=1)


def test_withdrawing_the_version_lets_the_item_be_done(model_version, item, member):
    with pytest.raises(ValidationError):
        services.model_version_withdraw(actor=member, model_version=model_version, note=" ")
    services.model_version_withdraw(actor=member, model_version=model_version, note="Superseded by 2.1")
    assert backlog.item_set_status(actor=member, item=item, status="done").status == "done"


def test_a_done_item_gets_no_model_version(item, member):
    item = backlog.item_set_status(actor=member, item=item, status="done")
    with pytest.raises(ValidationError, match="done already"):
        services.model_version_register(actor=member, item=item, name="late")


def test_model_version_names_are_unique_in_a_product(model_version, item, member):
    with pytest.raises(ValidationError) as error:
        services.model_version_register(actor=member, item=item, name="Ranker 2.0.0")
    assert "name" in error.value.message_dict


# --- every door refuses alike --------------------------------------------------------------


def test_the_item_page_refuses_done_with_the_reason(model_version, item, member, browser_client):
    response = browser_client.as_user(member).post(
        f"/p/recommender/backlog/items/{item.number}/work/",
        {"status": "done", "version": item.version},
        HTTP_REFERER=f"/p/recommender/backlog/items/{item.number}/",
        follow=True,
    )
    assertContains(response, "cannot be done yet", status_code=response.status_code)
    assert BacklogItem.objects.get(pk=item.pk).status == "in_progress"


def test_the_api_refuses_done_with_the_reason(model_version, item, member, api):
    response = api.as_user(member).patch(
        f"/api/v1/products/recommender/backlog/items/{item.number}/",
        {"status": "done", "version": item.version},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "cannot be done yet" in " ".join(response.json()["status"])
    assert BacklogItem.objects.get(pk=item.pk).status == "in_progress"


def test_a_bulk_edit_refuses_done_with_the_reason(model_version, item, member, product):
    with pytest.raises(ValidationError, match="cannot be done yet"):
        backlog.items_bulk_update(actor=member, product=product, numbers=[item.number], status="done")


def test_the_board_drop_refuses_done_with_the_reason(member, pm, scrum_master, product, make_sprint, browser_client):
    work = backlog_item(pm, product, "Ship ranker 2")
    sprint = make_sprint(product)
    sprints.sprint_item_add(actor=scrum_master, sprint=sprint, item=work)
    sprints.sprint_start(actor=scrum_master, sprint=sprint)
    work = backlog.item_set_status(actor=member, item=BacklogItem.objects.get(pk=work.pk), status="in_progress")
    services.model_version_register(actor=member, item=work, name="ranker 2.0.0")
    response = browser_client.as_user(member).post(
        f"/p/recommender/sprints/{sprint.pk}/board/move/",
        {"item": work.pk, "status": "done", "version": work.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "cannot be done yet" in response.content.decode()
    assert BacklogItem.objects.get(pk=work.pk).status == "in_progress"


# --- pages ------------------------------------------------------------------------------------


def test_the_item_page_shows_its_model_versions_and_gates(model_version, item, member, browser_client):
    response = browser_client.as_user(member).get(f"/p/recommender/backlog/items/{item.number}/")
    assertContains(response, "Model release gates")
    assertContains(response, "ranker 2.0.0")
    assertContains(response, "0 of 5 gates passed")
    assertContains(response, "Not done until")


def test_the_team_records_results_on_the_page_and_only_a_pm_signs_off(
    model_version, member, pm, product, browser_client
):
    client = browser_client.as_user(member)
    url = f"/p/recommender/hypotheses/models/{model_version.pk}/"
    for gate in gates(product):
        response = client.post(
            f"{url}gates/{gate.pk}/",
            {f"gate-{gate.pk}-gate": gate.pk, f"gate-{gate.pk}-result": "pass", f"gate-{gate.pk}-evidence": "ok"},
        )
        assert response.status_code == 302
    assert client.post(f"{url}sign-off/", {"note": "", "version": ""}).status_code == 403
    client = browser_client.as_user(pm)
    assert client.post(f"{url}sign-off/", {"note": "Ship it"}).status_code == 302
    assert ModelVersion.objects.get(pk=model_version.pk).status == "signed_off"


def test_a_sign_off_with_an_open_gate_is_a_400_with_the_reason(model_version, pm, browser_client):
    response = browser_client.as_user(pm).post(
        f"/p/recommender/hypotheses/models/{model_version.pk}/sign-off/", {"note": ""}
    )
    assertContains(response, "cannot be signed off", status_code=400)


def test_a_fail_without_evidence_on_the_page_is_a_400(model_version, member, product, browser_client):
    gate = gates(product)[0]
    response = browser_client.as_user(member).post(
        f"/p/recommender/hypotheses/models/{model_version.pk}/gates/{gate.pk}/",
        {f"gate-{gate.pk}-gate": gate.pk, f"gate-{gate.pk}-result": "fail", f"gate-{gate.pk}-evidence": ""},
    )
    assertContains(response, "Say what failed", status_code=400)
    assert not GateResult.objects.exists()


@pytest.mark.parametrize("persona, code", [("stakeholder", 403), ("outsider", 404)], indirect=["persona"])
def test_the_checklist_and_model_versions_are_the_teams(persona, code, model_version, browser_client, api):
    client = browser_client.as_user(persona)
    assert client.get("/p/recommender/hypotheses/gates/").status_code == code
    assert client.get(f"/p/recommender/hypotheses/models/{model_version.pk}/").status_code == code
    assert api.as_user(persona).get("/api/v1/products/recommender/model-versions/").status_code == code


def test_only_the_pm_edits_the_checklist(scrum_master, pm, product, browser_client):
    response = browser_client.as_user(scrum_master).post("/p/recommender/hypotheses/gates/", {"name": "Bias audit"})
    assert response.status_code == 403
    response = browser_client.as_user(pm).post(
        "/p/recommender/hypotheses/gates/", {"name": "Bias audit", "required": "on", "position": 9}
    )
    assert response.status_code == 302
    assert [gate.name for gate in gates(product)][-1] == "Bias audit"


# --- API ----------------------------------------------------------------------------------------


def test_the_gates_through_the_api(api, item, member, pm, product):
    client = api.as_user(member)
    created = client.post(
        "/api/v1/products/recommender/model-versions/", {"item": item.number, "name": "ranker 3.0.0"}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert len(body["gates"]) == 5 and all(gate["state"] == "open" for gate in body["gates"])
    url = f"/api/v1/products/recommender/model-versions/{body['id']}/"
    for gate in body["gates"]:
        response = client.post(url + "gates/", {"gate": gate["gate"], "result": "pass"}, format="json")
        assert response.status_code == 200
    assert client.post(url + "sign-off/", {"version": response.json()["version"]}, format="json").status_code == 403
    api.logout()
    signed = api.as_user(pm).post(url + "sign-off/", {"version": response.json()["version"]}, format="json")
    assert signed.status_code == 200 and signed.json()["status"] == "signed_off"
    assert signed.json()["blocking"] == ""


def test_bad_gate_input_through_the_api_is_a_400(api, model_version, member, other_product):
    client = api.as_user(member)
    url = f"/api/v1/products/recommender/model-versions/{model_version.pk}/gates/"
    assert client.post(url, {"gate": 999999, "result": "pass"}, format="json").status_code == 400
    assert client.post(url, {"gate": "x", "result": "pass"}, format="json").status_code == 400
    response = client.post(
        "/api/v1/products/recommender/model-versions/", {"item": 424242, "name": "ghost"}, format="json"
    )
    assert response.status_code == 400 and "item" in response.json()


def test_checklist_edits_through_the_api_need_the_version(api, model_version, pm, product):
    gate = gates(product)[0]
    url = f"/api/v1/products/recommender/release-gates/{gate.pk}/"
    client = api.as_user(pm)
    assert client.patch(url, {"required": False}, format="json").status_code == 400
    assert client.patch(url, {"required": False, "version": gate.version}, format="json").status_code == 200
    assert client.patch(url, {"required": True, "version": gate.version}, format="json").status_code == 409
    assert client.delete(url).status_code == 204
    assert client.get("/api/v1/products/recommender/release-gates/").json()["count"] == 4
