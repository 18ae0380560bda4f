"""Double submission: a form or API call sent again with the same
idempotency key gets the first answer back, and the work is done once."""

import re
import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection, connections
from django.template import Context, Template
from django.test import Client
from django.utils import timezone

from apps.accounts import services as accounts
from apps.core import idempotency
from apps.core.models import IdempotencyRecord
from apps.core.services import idempotency_records_purge
from apps.products.models import OutcomeMetric, Product
from tests.utils import allow_creating_products

KEY = "5f0c0b6e4b7d4c3a9a1e2f3d4c5b6a79"


# Creating products is the form these tests send; only people the site allows may (issue 15).
@pytest.fixture
def pm(pm):
    return allow_creating_products(pm)


@pytest.fixture
def member(member):
    return allow_creating_products(member)


def _create_product(client, key=KEY, name="Churn model"):
    return client.post("/p/new/", {"name": name, "kind": "ml", "idempotency_key": key})


def test_a_product_form_sent_twice_creates_one_product(client, pm):
    client.force_login(pm)
    first = _create_product(client)
    second = _create_product(client)

    assert Product.objects.filter(name="Churn model").count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert second[idempotency.REPLAYED_HEADER] == "true"


def test_a_metric_form_sent_twice_adds_one_metric(client, pm, product):
    client.force_login(pm)
    data = {"name": "Recall@10", "unit": "%", "direction": OutcomeMetric.Direction.INCREASE, "idempotency_key": KEY}
    for _ in range(2):
        client.post(f"/p/{product.slug}/metrics/", data)
    assert OutcomeMetric.objects.filter(product=product, name="Recall@10").count() == 1


def test_without_a_key_nothing_changes(client, pm):
    client.force_login(pm)
    _create_product(client, key="")
    _create_product(client, key="")
    assert Product.objects.filter(name="Churn model").count() == 2


def test_a_refused_form_can_be_corrected_and_sent_with_the_same_key(client, pm):
    client.force_login(pm)
    assert _create_product(client, name="").status_code == 400
    assert _create_product(client).status_code == 302
    assert Product.objects.filter(name="Churn model").count() == 1


def test_keys_belong_to_one_person(client, pm, member):
    client.force_login(pm)
    _create_product(client)
    client.force_login(member)
    response = _create_product(client)
    assert idempotency.REPLAYED_HEADER not in response
    assert Product.objects.filter(name="Churn model").count() == 2


def test_a_key_reused_for_another_form_is_refused(client, pm, product):
    client.force_login(pm)
    _create_product(client)
    response = client.post(f"/p/{product.slug}/metrics/", {"name": "x", "idempotency_key": KEY})
    assert response.status_code == 422


def test_a_repeat_while_the_first_is_still_running_is_told_so(client, pm):
    client.force_login(pm)
    IdempotencyRecord.objects.create(
        principal=f"user:{pm.pk}", key=KEY, fingerprint="POST /p/new/", created_at=timezone.now()
    )
    with mock.patch.object(idempotency, "WAIT_FOR_FIRST_SECONDS", 0.2):
        response = _create_product(client)
    assert response.status_code == 409
    assert not Product.objects.filter(name="Churn model").exists()


def test_a_first_attempt_whose_process_died_is_taken_over(client, pm):
    client.force_login(pm)
    IdempotencyRecord.objects.create(
        principal=f"user:{pm.pk}", key=KEY, fingerprint="POST /p/new/", created_at=timezone.now() - timedelta(hours=1)
    )
    assert _create_product(client).status_code == 302
    assert Product.objects.filter(name="Churn model").count() == 1


def test_a_malformed_key_is_a_400(client, pm):
    client.force_login(pm)
    assert _create_product(client, key="short").status_code == 400


def test_the_api_honours_the_idempotency_key_header(api, pm):
    api.as_user(pm)
    answers = [
        api.post("/api/v1/products/", {"name": "Churn model", "kind": "ml"}, HTTP_IDEMPOTENCY_KEY=KEY) for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert answers[1][idempotency.REPLAYED_HEADER] == "true"
    assert Product.objects.filter(name="Churn model").count() == 1


def test_the_api_honours_the_key_for_token_callers_too(client, pm):
    _, secret = accounts.api_token_create(actor=pm, name="ci", lifetime_days=1)
    headers = {"HTTP_AUTHORIZATION": f"Token {secret}", "HTTP_IDEMPOTENCY_KEY": KEY}
    for _ in range(2):
        client.post(
            "/api/v1/products/", {"name": "Churn model", "kind": "ml"}, content_type="application/json", **headers
        )
    assert Product.objects.filter(name="Churn model").count() == 1


def test_an_answer_holding_a_secret_is_never_kept(api, pm):
    api.as_user(pm)
    first = api.post("/api/v1/auth/tokens/", {"name": "pipeline"}, HTTP_IDEMPOTENCY_KEY=KEY)
    again = api.post("/api/v1/auth/tokens/", {"name": "pipeline"}, HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == 201
    assert again.status_code == 409
    assert pm.api_tokens.count() == 1
    record = IdempotencyRecord.objects.get()
    assert record.body is None and record.headers == []


def test_the_template_tag_renders_a_fresh_hidden_key_each_time():
    template = Template("{% load portal %}{% idempotency_field %}{% idempotency_field %}")
    keys = re.findall(
        r'<input type="hidden" name="idempotency_key" value="([0-9a-f]{32})">', template.render(Context())
    )
    assert len(keys) == 2 and keys[0] != keys[1]


def test_product_and_account_forms_carry_the_key(client, pm, product):
    client.force_login(pm)
    for path in ("/p/new/", f"/p/{product.slug}/edit/", f"/p/{product.slug}/", f"/p/{product.slug}/members/"):
        assert b'name="idempotency_key"' in client.get(path).content, path
    assert b'name="idempotency_key"' in client.get("/accounts/password_change/").content


def test_old_answers_are_purged(db):
    IdempotencyRecord.objects.create(
        principal="user:1", key=KEY, fingerprint="POST /x/", created_at=timezone.now() - timedelta(days=2), status=302
    )
    IdempotencyRecord.objects.create(
        principal="user:1", key=KEY + "b", fingerprint="POST /x/", created_at=timezone.now()
    )
    assert idempotency_records_purge() == 1
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_copies_sent_at_the_same_moment_create_one_product(pm):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two requests really at once")
    start = threading.Barrier(2)
    answers = []

    def send():
        client = Client()
        client.force_login(pm)
        start.wait()
        try:
            answers.append(_create_product(client))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Product.objects.filter(name="Churn model").count() == 1
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
