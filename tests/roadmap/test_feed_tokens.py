"""Calendar feed addresses are secrets kept like API tokens: only a digest is
stored, the address is shown once (re-creating it revokes the old one), every
address of a person stops working when their password changes, and a revoked
address or one used on another product's calendar shows nothing."""

import importlib
import re

import pytest
from django.apps import apps as django_apps

from apps.accounts.models import Role
from apps.roadmap import services
from apps.roadmap.models import FeedToken, Horizon
from tests.factories import PASSWORD, MembershipFactory

hash_tokens = importlib.import_module("apps.roadmap.migrations.0004_feed_token_digests").hash_tokens

PAGE = "/p/recommender/roadmap/calendar/"
NEW_PASSWORD = "a-new-pass-2027!"


def feed(client, secret, slug="recommender"):
    return client.get(f"/p/{slug}/roadmap/calendar/{secret}.ics")


def secret_in(page: str) -> str:
    return re.search(r"/roadmap/calendar/([A-Za-z0-9_-]+)\.ics", page).group(1)


@pytest.fixture
def on_the_roadmap(make_roadmap_item):
    return make_roadmap_item("Shared target", horizon=Horizon.NOW, shared=True, target_quarter="2030-Q2")


def test_the_address_is_shown_once_and_stored_only_as_a_digest(browser_client, client, stakeholder, on_the_roadmap):
    page = browser_client.as_user(stakeholder)
    response = page.post(PAGE, {"action": "issue"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert "Copy it now" in body
    secret = secret_in(body)
    token = FeedToken.objects.get(user=stakeholder)
    assert token.digest == FeedToken.digest_of(secret)
    assert not any(secret in str(value) for value in FeedToken.objects.values_list().get())
    again = page.get(PAGE).content.decode()
    assert secret not in again and ".ics" not in again and "You have a calendar address" in again
    answer = feed(client, secret)
    assert answer.status_code == 200 and "Shared target" in answer.content.decode()


def test_the_database_holds_no_usable_address(client, pm, stakeholder, product, on_the_roadmap):
    secrets = [services.feed_token_issue(actor=person, product=product)[1] for person in (pm, stakeholder)]
    assert all(feed(client, secret).status_code == 200 for secret in secrets)
    stored = [str(value) for row in FeedToken.objects.values_list() for value in row]
    for value in stored:
        assert feed(client, value).status_code == 404, value
    assert not any(secret in value for secret in secrets for value in stored)


def test_recreating_the_address_revokes_the_old_one(browser_client, client, stakeholder, on_the_roadmap):
    page = browser_client.as_user(stakeholder)
    first = secret_in(page.post(PAGE, {"action": "issue"}).content.decode())
    second = secret_in(page.post(PAGE, {"action": "issue"}).content.decode())
    assert first != second
    assert feed(client, first).status_code == 404 and feed(client, second).status_code == 200
    assert page.post(PAGE, {"action": "revoke"}).status_code == 302
    assert feed(client, second).status_code == 404
    assert page.post(PAGE, {"action": "revoke_all"}).status_code == 403


def test_a_repeated_submission_never_shows_the_address_again(browser_client, stakeholder):
    page = browser_client.as_user(stakeholder)
    data = {"action": "issue", "idempotency_key": "feed-key-0001"}
    assert page.post(PAGE, data).status_code == 200
    repeat = page.post(PAGE, data)
    assert repeat.status_code == 409 and b".ics" not in repeat.content
    assert FeedToken.objects.filter(user=stakeholder, revoked_at__isnull=True).count() == 1


def test_the_old_address_stops_working_after_a_password_change(
    browser_client, client, pm, member, product, other_product, on_the_roadmap
):
    MembershipFactory(user=pm, product=other_product, role=Role.PRODUCT_MANAGER)
    _, here = services.feed_token_issue(actor=pm, product=product)
    _, there = services.feed_token_issue(actor=pm, product=other_product)
    _, colleagues = services.feed_token_issue(actor=member, product=product)
    assert feed(client, here).status_code == 200 and feed(client, there, "other").status_code == 200
    response = browser_client.as_user(pm).post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert feed(client, here).status_code == 404 and feed(client, there, "other").status_code == 404
    assert not FeedToken.objects.filter(user=pm, revoked_at__isnull=True).exists()
    assert feed(client, colleagues).status_code == 200  # someone else's password, someone else's addresses


def test_any_way_of_setting_a_password_revokes_the_addresses(client, stakeholder, product, on_the_roadmap):
    _, secret = services.feed_token_issue(actor=stakeholder, product=product)
    stakeholder.set_password(NEW_PASSWORD)  # as `changepassword`, the admin and the reset form do
    stakeholder.save()
    assert feed(client, secret).status_code == 404


def test_signing_in_again_keeps_the_address(client, stakeholder, product, on_the_roadmap):
    _, secret = services.feed_token_issue(actor=stakeholder, product=product)
    assert client.post("/accounts/login/", {"username": stakeholder.username, "password": PASSWORD}).status_code == 302
    client.logout()
    stakeholder.first_name = "Renamed"
    stakeholder.save()
    assert feed(client, secret).status_code == 200


def test_a_revoked_or_other_products_address_shows_nothing(
    client, pm, stakeholder, product, other_product, on_the_roadmap, make_roadmap_item
):
    MembershipFactory(user=stakeholder, product=other_product, role=Role.STAKEHOLDER)
    make_roadmap_item("THEIR-TARGET", on=other_product, shared=True, target_quarter="2030-Q3")
    _, theirs = services.feed_token_issue(actor=stakeholder, product=other_product)
    answer = feed(client, theirs)  # another product's address under this product's path
    assert answer.status_code == 404
    assert b"THEIR-TARGET" not in answer.content and b"Shared target" not in answer.content
    assert b"THEIR-TARGET" in feed(client, theirs, "other").content
    _, revoked = services.feed_token_issue(actor=stakeholder, product=product)
    services.feed_token_revoke(actor=pm, product=product)
    answer = feed(client, revoked)
    assert answer.status_code == 404 and b"Shared target" not in answer.content
    assert feed(client, "x" * 500).status_code == 404


def test_clear_text_tokens_are_hashed_in_place_and_keep_working(client, stakeholder, product, on_the_roadmap):
    """The data migration: what the column held before (the secret itself) becomes its digest."""
    old = "an-address-made-before-the-migration-0123"
    FeedToken.objects.create(user=stakeholder, product=product, digest=old)
    hash_tokens(django_apps, None)
    token = FeedToken.objects.get(user=stakeholder)
    assert token.digest == FeedToken.digest_of(old) and old not in token.digest
    assert feed(client, old).status_code == 200
    assert feed(client, token.digest).status_code == 404
