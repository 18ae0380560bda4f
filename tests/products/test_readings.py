"""Outcome metrics over time: readings by hand and by a pipeline's token, the
metric page with its chart data, and editing a metric with a version."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from apps.accounts import services as accounts
from apps.core.exceptions import Conflict
from apps.products import services
from apps.products.models import MetricReading, OutcomeMetric
from tests.factories import OutcomeMetricFactory
from tests.utils import queries_of

TODAY = datetime.date(2026, 5, 20)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


@pytest.fixture
def metric(product):
    return OutcomeMetricFactory(product=product, name="Click-through rate", unit="%", baseline=2, target=3)


def days_before(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def add_readings(metric, count: int) -> None:
    MetricReading.objects.bulk_create(
        MetricReading(metric=metric, measured_on=days_before(n), value=Decimal("2.5")) for n in range(count)
    )


def pipeline_token(user, product, actions=("record_readings",)) -> str:
    _, secret = accounts.api_token_create(
        actor=user, name="nightly job", lifetime_days=365, product_id=product.pk, actions=list(actions)
    )
    return secret


# --- the service -------------------------------------------------------------------


def test_a_reading_becomes_the_metrics_current_value(metric, member):
    services.readings_record(actor=member, metric=metric, readings=[(days_before(3), "2.4"), (days_before(1), 2.6)])
    metric.refresh_from_db()
    assert (metric.current, metric.current_on) == (Decimal("2.6"), days_before(1))
    assert MetricReading.objects.get(measured_on=days_before(1)).recorded_by == member


def test_an_older_reading_does_not_replace_the_latest(metric, member):
    services.readings_record(actor=member, metric=metric, readings=[(days_before(1), "2.6")])
    services.readings_record(actor=member, metric=metric, readings=[(days_before(9), "1.0")])
    metric.refresh_from_db()
    assert metric.current == Decimal("2.6")


def test_a_second_reading_for_a_day_replaces_the_first(metric, member, pm):
    services.readings_record(actor=member, metric=metric, readings=[(days_before(1), "2.6")])
    services.readings_record(actor=pm, metric=metric, readings=[(days_before(1), "2.7")])
    reading = MetricReading.objects.get()
    assert (reading.value, reading.recorded_by) == (Decimal("2.7"), pm)


def test_values_are_rounded_to_four_places(metric, member):
    services.readings_record(actor=member, metric=metric, readings=[(days_before(1), 0.123456789)])
    assert MetricReading.objects.get().value == Decimal("0.1235")


@pytest.mark.parametrize(
    "bad, message",
    [
        ((TODAY + datetime.timedelta(days=1), "2"), "is in the future"),
        ((days_before(1), "two"), "is not a number"),
        ((days_before(1), "NaN"), "is not a number"),
        ((days_before(1), "Infinity"), "is not a number"),
        ((days_before(1), "1e12"), "is not a number"),
        ((days_before(1), True), "is not a number"),
        ((days_before(2), "1"), "comes twice"),
        (("2026-05-01", "1"), "on which day"),
    ],
)
def test_one_bad_reading_refuses_the_whole_push(metric, member, bad, message):
    good = [(days_before(2), "2.1"), (days_before(3), "2.2")]
    with pytest.raises(ValidationError) as error:
        services.readings_record(actor=member, metric=metric, readings=[*good, bad])
    assert message in " ".join(error.value.message_dict["readings"])
    assert "Reading 3" in " ".join(error.value.message_dict["readings"])
    assert not MetricReading.objects.exists()
    metric.refresh_from_db()
    assert metric.current is None


def test_an_empty_push_is_refused(metric, member):
    with pytest.raises(ValidationError, match="at least one"):
        services.readings_record(actor=member, metric=metric, readings=[])


def test_removing_the_latest_reading_falls_back_to_the_one_before(metric, member):
    services.readings_record(actor=member, metric=metric, readings=[(days_before(5), "2.1"), (days_before(1), "2.9")])
    services.reading_remove(actor=member, reading=MetricReading.objects.get(measured_on=days_before(1)))
    metric.refresh_from_db()
    assert (metric.current, metric.current_on) == (Decimal("2.1"), days_before(5))


def test_adding_a_metric_with_a_current_value_records_todays_reading(product, pm):
    metric = services.metric_add(actor=pm, product=product, name="Revenue per session", current=Decimal("4.2"))
    assert (metric.current, metric.current_on) == (Decimal("4.2"), TODAY)
    assert MetricReading.objects.get().source == MetricReading.Source.MANUAL


def test_a_stale_metric_edit_is_refused(metric, pm):
    services.metric_update(actor=pm, metric=metric, expected_version=1, target=Decimal("3.5"))
    with pytest.raises(Conflict):
        services.metric_update(actor=pm, metric=metric, expected_version=1, unit="percent")
    metric.refresh_from_db()
    assert (metric.target, metric.unit, metric.version) == (Decimal("3.5"), "%", 2)


def test_two_metrics_cannot_share_a_name(metric, pm, product):
    other = OutcomeMetricFactory(product=product, name="Revenue")
    with pytest.raises(ValidationError) as error:
        services.metric_update(actor=pm, metric=other, expected_version=1, name="click-through rate")
    assert "name" in error.value.message_dict


# --- pages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, sees_form, sees_edit",
    [("pm", True, True), ("scrum_master", True, False), ("member", True, False), ("stakeholder", False, False)],
    indirect=["persona"],
)
def test_the_metric_page_shows_each_role_what_it_may_do(browser_client, persona, metric, sees_form, sees_edit):
    add_readings(metric, 3)
    response = browser_client.as_user(persona).get(metric.get_absolute_url())
    assert response.status_code == 200
    assertContains(response, 'data-metric-chart="full"')
    assertContains(response, "Readings, newest first (3)")
    (assertContains if sees_form else assertNotContains)(response, "Record a reading")
    (assertContains if sees_edit else assertNotContains)(response, "Edit the metric")


def test_outsiders_get_404_for_the_metric_page_its_series_and_its_forms(browser_client, outsider, metric):
    client = browser_client.as_user(outsider)
    base = metric.get_absolute_url()
    assert client.get(base).status_code == 404
    assert client.get(base + "series.json").status_code == 404
    assert client.post(base + "readings/", {"measured_on": "2026-05-01", "value": "2"}).status_code == 404
    assert not MetricReading.objects.exists()


def test_a_metric_of_another_product_is_not_found(browser_client, pm, other_product):
    foreign = OutcomeMetricFactory(product=other_product)
    assert browser_client.as_user(pm).get(f"/p/recommender/metrics/{foreign.pk}/").status_code == 404
    assert browser_client.as_user(pm).get("/p/recommender/metrics/99999999999999999999/").status_code == 404


def test_a_member_records_a_reading_on_the_page(browser_client, member, metric):
    response = browser_client.as_user(member).post(
        metric.get_absolute_url() + "readings/", {"measured_on": "2026-05-19", "value": "2.8"}
    )
    assert response.status_code == 302
    metric.refresh_from_db()
    assert metric.current == Decimal("2.8")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"measured_on": "2026-05-21", "value": "2.8"}, "is in the future"),
        ({"measured_on": "2026-05-19", "value": "lots"}, "Enter a number"),
        ({"measured_on": "yesterday", "value": "2"}, "Enter a valid date"),
    ],
)
def test_a_bad_reading_on_the_page_is_a_400_and_saves_nothing(browser_client, member, metric, data, message):
    response = browser_client.as_user(member).post(metric.get_absolute_url() + "readings/", data)
    assertContains(response, message, status_code=400)
    assert not MetricReading.objects.exists()


def test_stakeholders_cannot_record_readings(browser_client, stakeholder, metric):
    response = browser_client.as_user(stakeholder).post(
        metric.get_absolute_url() + "readings/", {"measured_on": "2026-05-19", "value": "2.8"}
    )
    assert response.status_code == 403
    assert not MetricReading.objects.exists()


def test_the_pm_edits_a_metric_and_a_stale_edit_is_a_409(browser_client, pm, metric):
    client = browser_client.as_user(pm)
    form = {"name": "CTR", "unit": "%", "direction": "increase", "baseline": "2", "target": "3.2", "version": "1"}
    assert client.post(metric.get_absolute_url() + "edit/", form).status_code == 302
    response = client.post(metric.get_absolute_url() + "edit/", {**form, "target": "4"})
    assertContains(response, "changed by someone else", status_code=409)
    metric.refresh_from_db()
    assert (metric.name, metric.target, metric.version) == ("CTR", Decimal("3.2"), 2)


def test_a_scrum_master_may_not_edit_a_metric(browser_client, scrum_master, metric):
    response = browser_client.as_user(scrum_master).post(metric.get_absolute_url() + "edit/", {"name": "x"})
    assert response.status_code == 403


def test_the_series_has_every_reading_oldest_first_with_baseline_and_target(browser_client, stakeholder, metric):
    add_readings(metric, 3)
    body = browser_client.as_user(stakeholder).get(metric.get_absolute_url() + "series.json").json()
    assert [point[0] for point in body["points"]] == ["2026-05-18", "2026-05-19", "2026-05-20"]
    assert (body["baseline"], body["target"], body["unit"]) == (2.0, 3.0, "%")


def test_the_product_page_links_each_metric_with_its_latest_reading(browser_client, stakeholder, metric, member):
    services.readings_record(actor=member, metric=metric, readings=[(days_before(1), "2.7")])
    response = browser_client.as_user(stakeholder).get("/p/recommender/")
    assertContains(response, f'href="{metric.get_absolute_url()}"')
    assertContains(response, "2.70 %")
    assertContains(response, 'data-metric-chart="spark"')


def test_the_metric_page_and_series_queries_do_not_grow_with_readings(
    browser_client, member, metric, django_assert_num_queries
):
    client = browser_client.as_user(member)
    add_readings(metric, 5)
    page_queries = queries_of(lambda: client.get(metric.get_absolute_url()))
    series_queries = queries_of(lambda: client.get(metric.get_absolute_url() + "series.json"))
    MetricReading.objects.all().delete()
    add_readings(metric, 400)
    with django_assert_num_queries(page_queries):
        assertContains(client.get(metric.get_absolute_url()), "Readings, newest first (400)")
    with django_assert_num_queries(series_queries):
        assert len(client.get(metric.get_absolute_url() + "series.json").json()["points"]) == 400


# --- API ----------------------------------------------------------------------------------


def readings_url(metric, suffix="") -> str:
    return f"/api/v1/products/recommender/metrics/{metric.pk}/readings/{suffix}"


def test_a_pipeline_token_pushes_readings_in_bulk(client, pm, product, metric):
    secret = pipeline_token(pm, product)
    response = client.post(
        readings_url(metric, "bulk/"),
        {"readings": [{"measured_on": "2026-05-18", "value": 2.61}, {"measured_on": "2026-05-19", "value": "2.7"}]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {secret}",
    )
    assert response.status_code == 201, response.content
    assert response.json()["recorded"] == 2
    assert response.json()["metric"]["current"] == "2.7000"
    reading = MetricReading.objects.get(measured_on="2026-05-19")
    assert (reading.source, reading.token_name, reading.recorded_by) == ("pipeline", "nightly job", pm)


def test_a_push_pushed_again_changes_nothing(client, pm, product, metric):
    secret = pipeline_token(pm, product)
    body = {"readings": [{"measured_on": "2026-05-18", "value": 2.61}]}
    for _ in range(2):
        response = client.post(
            readings_url(metric, "bulk/"), body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {secret}"
        )
        assert response.status_code == 201
    assert MetricReading.objects.count() == 1


@pytest.mark.parametrize(
    "row, field",
    [
        ({"measured_on": "2026-05-21", "value": 2}, "readings"),
        ({"measured_on": "2026-05-19", "value": "n/a"}, "readings"),
        ({"measured_on": "19/05/2026", "value": 2}, "readings"),
        ({"value": 2}, "readings"),
    ],
)
def test_a_bad_row_in_a_bulk_push_is_a_400_and_nothing_is_saved(client, pm, product, metric, row, field):
    secret = pipeline_token(pm, product)
    response = client.post(
        readings_url(metric, "bulk/"),
        {"readings": [{"measured_on": "2026-05-17", "value": 2}, row]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {secret}",
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not MetricReading.objects.exists()


def test_a_bulk_push_that_is_not_a_list_is_a_400(api, member, metric):
    response = api.as_user(member).post(readings_url(metric, "bulk/"), {"readings": "lots"}, format="json")
    assert response.status_code == 400
    response = api.as_user(member).post(readings_url(metric, "bulk/"), {"readings": []}, format="json")
    assert response.status_code == 400


def test_a_token_without_the_action_may_read_but_not_push(client, pm, product, metric):
    secret = pipeline_token(pm, product, actions=("view_backlog",))
    auth = {"HTTP_AUTHORIZATION": f"Token {secret}"}
    assert client.get(readings_url(metric), **auth).status_code == 200
    response = client.post(
        readings_url(metric), {"measured_on": "2026-05-18", "value": 2}, content_type="application/json", **auth
    )
    assert response.status_code == 403
    assert not MetricReading.objects.exists()


def test_a_token_of_one_product_cannot_push_to_another(client, pm, product, metric, other_product):
    from apps.accounts.models import Membership, Role

    Membership.objects.create(user=pm, product=other_product, role=Role.PRODUCT_MANAGER)
    foreign = OutcomeMetricFactory(product=other_product)
    secret = pipeline_token(pm, product)
    response = client.post(
        f"/api/v1/products/other/metrics/{foreign.pk}/readings/",
        {"measured_on": "2026-05-18", "value": 2},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {secret}",
    )
    assert response.status_code == 404
    assert not MetricReading.objects.exists()


def test_the_team_records_one_reading_and_stakeholders_only_read(api, member, stakeholder, metric):
    response = api.as_user(member).post(readings_url(metric), {"measured_on": "2026-05-18", "value": "2.2"})
    assert response.status_code == 201
    assert response.json()["source"] == "manual"
    api.logout()
    client = api.as_user(stakeholder)
    assert client.get(readings_url(metric)).json()["count"] == 1
    assert client.post(readings_url(metric), {"measured_on": "2026-05-19", "value": "2"}).status_code == 403


def test_readings_filter_by_date(api, member, metric):
    add_readings(metric, 10)
    response = api.as_user(member).get(readings_url(metric) + "?measured_after=2026-05-18&measured_before=2026-05-19")
    assert [row["measured_on"] for row in response.json()["results"]] == ["2026-05-19", "2026-05-18"]
    assert api.get(readings_url(metric) + "?measured_after=soon").status_code == 400


def test_outsiders_get_404_for_metrics_and_readings(api, outsider, metric):
    client = api.as_user(outsider)
    assert client.get("/api/v1/products/recommender/metrics/").status_code == 404
    assert client.get(readings_url(metric)).status_code == 404


def test_metric_edits_through_the_api_need_the_version(api, pm, member, metric):
    client = api.as_user(pm)
    url = f"/api/v1/products/recommender/metrics/{metric.pk}/"
    assert client.patch(url, {"target": "3.3"}).status_code == 400
    assert client.patch(url, {"target": "3.3", "version": 1}).json()["version"] == 2
    assert client.patch(url, {"target": "3.4", "version": 1}).status_code == 409
    api.logout()
    assert api.as_user(member).patch(url, {"target": "9", "version": 2}).status_code == 403
    metric.refresh_from_db()
    assert metric.target == Decimal("3.3")


def test_a_metric_named_like_another_is_a_400(api, pm, metric):
    response = api.as_user(pm).post("/api/v1/products/recommender/metrics/", {"name": "click-through rate"})
    assert response.status_code == 400
    assert "name" in response.json()
    assert OutcomeMetric.objects.count() == 1


def test_the_readings_api_queries_do_not_grow_with_readings(api, member, metric, django_assert_num_queries):
    client = api.as_user(member)
    add_readings(metric, 3)
    with_few = queries_of(lambda: client.get(readings_url(metric)))
    MetricReading.objects.all().delete()
    add_readings(metric, 120)
    with django_assert_num_queries(with_few):
        assert client.get(readings_url(metric)).json()["count"] == 120
