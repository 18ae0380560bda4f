import pytest

from apps.hypotheses import services
from tests.factories import ExperimentFactory, HypothesisFactory, ModelVersionFactory

MODELS = [
    "hypothesis",
    "experiment",
    "learningentry",
    "assumption",
    "feasibilityassessment",
    "releasegate",
    "modelversion",
    "gateresult",
]


@pytest.mark.parametrize("model", MODELS)
def test_every_model_of_the_app_is_in_the_admin(admin_client, product, pm, model):
    hypothesis = HypothesisFactory(product=product)
    ExperimentFactory(hypothesis=hypothesis)
    model_version = ModelVersionFactory(item__product=product)
    services.release_gates_set_up(actor=pm, product=product)
    assert admin_client.get(f"/admin/hypotheses/{model}/").status_code == 200
    assert admin_client.get(f"/admin/hypotheses/hypothesis/{hypothesis.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/hypotheses/modelversion/{model_version.pk}/change/").status_code == 200


def test_readings_are_in_the_admin(admin_client, db):
    assert admin_client.get("/admin/products/metricreading/").status_code == 200
    assert admin_client.get("/admin/products/outcomemetric/").status_code == 200
    assert "Learning entries" in admin_client.get("/admin/").content.decode()
