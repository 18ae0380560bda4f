"""API tokens: stored only as a digest, listed and revoked by their owner,
expiring, revoked on any password change, and optionally limited to one
product and a list of actions that apps.accounts.permissions honours."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.accounts import permissions, services
from apps.accounts.models import ApiToken, Role
from apps.accounts.permissions import Action
from tests.factories import PASSWORD, MembershipFactory

move_drf_tokens = importlib.import_module("apps.accounts.migrations.0005_move_drf_tokens")


def _token(user, **kwargs):
    kwargs.setdefault("name", "test")
    kwargs.setdefault("lifetime_days", 30)
    return services.api_token_create(actor=user, **kwargs)


def _get(client, path, secret):
    return client.get(path, HTTP_AUTHORIZATION=f"Token {secret}")


# --- made, shown once, stored as a digest ------------------------------------


def test_a_token_made_on_the_profile_page_is_shown_once_and_stored_only_as_a_digest(client, pm):
    client.force_login(pm)
    response = client.post("/accounts/profile/tokens/", {"name": "laptop", "expires_in_days": 30})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = response.context["new_token"][1]
    assert secret.startswith("dsp_") and secret.encode() in response.content

    token = ApiToken.objects.get(user=pm)
    assert token.digest == ApiToken.digest_of(secret)
    stored = [str(value) for value in ApiToken.objects.values_list().get()]
    assert not any(secret in value for value in stored)
    assert secret.encode() not in client.get("/accounts/profile/").content
    assert _get(client.__class__(), "/api/v1/me/", secret).status_code == 200


def test_the_profile_page_lists_tokens_and_revokes_one(client, pm):
    _, keep = _token(pm, name="keep me")
    gone, revoked = _token(pm, name="revoke me")
    client.force_login(pm)
    page = client.get("/accounts/profile/").content.decode()
    assert "keep me" in page and "revoke me" in page and gone.key_prefix in page

    assert client.post(f"/accounts/profile/tokens/{gone.pk}/revoke/").status_code == 302
    assert _get(client.__class__(), "/api/v1/me/", revoked).status_code in (401, 403)
    assert _get(client.__class__(), "/api/v1/me/", keep).status_code == 200


def test_nobody_revokes_someone_elses_token(client, pm, member):
    token, secret = _token(pm)
    client.force_login(member)
    assert client.post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_an_expired_token_is_refused(client, pm):
    token, secret = _token(pm)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _get(client, "/api/v1/me/", secret).status_code in (401, 403)


def test_a_token_of_a_deactivated_person_is_refused(client, pm):
    _, secret = _token(pm)
    pm.is_active = False
    pm.save()
    assert _get(client, "/api/v1/me/", secret).status_code in (401, 403)


def test_use_is_recorded_at_most_once_a_minute(client, pm, django_assert_num_queries):
    token, secret = _token(pm)
    assert _get(client, "/api/v1/me/", secret).status_code == 200
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    _get(client, "/api/v1/me/", secret)
    token.refresh_from_db()
    assert token.last_used_at == first_use


def test_lifetimes_are_bounded(pm, settings):
    with pytest.raises(ValidationError):
        _token(pm, lifetime_days=settings.API_TOKEN_MAX_DAYS + 1)
    with pytest.raises(ValidationError):
        _token(pm, lifetime_days=0)
    with pytest.raises(ValidationError):
        _token(pm, name="  ")


def test_username_and_password_give_a_new_expiring_token(api, pm, settings):
    response = api.post("/api/v1/auth/token/", {"username": "pm", "password": PASSWORD, "name": "cli"})
    assert response.status_code == 200
    body = response.json()
    token = ApiToken.objects.get(user=pm, name="cli")
    assert token.digest == ApiToken.digest_of(body["token"])
    expected = timezone.now() + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)
    assert abs((token.expires_at - expected).total_seconds()) < 60


# --- revoked on password change, not on sign-out --------------------------------


def test_changing_the_password_revokes_every_token(client, pm):
    _, first = _token(pm)
    _, second = _token(pm)
    client.force_login(pm)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "a-new-pass-2027!", "new_password2": "a-new-pass-2027!"},
    )
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=pm).exists()
    assert _get(client.__class__(), "/api/v1/me/", first).status_code in (401, 403)
    assert "revoked" in client.get(response["Location"]).content.decode()


def test_resetting_the_password_revokes_every_token(client, pm):
    _, secret = _token(pm)
    uid = urlsafe_base64_encode(force_bytes(pm.pk))
    url = f"/accounts/reset/{uid}/{default_token_generator.make_token(pm)}/"
    set_password_url = client.get(url)["Location"]
    response = client.post(set_password_url, {"new_password1": "a-new-pass-2027!", "new_password2": "a-new-pass-2027!"})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=pm).exists()


def test_an_admin_setting_a_password_revokes_every_token(client, pm, django_user_model):
    _, secret = _token(pm)
    admin = django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{pm.pk}/password/",
        {"password1": "a-new-pass-2027!", "password2": "a-new-pass-2027!", "usable_password": "true"},
    )
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=pm).exists()


def test_a_password_rehash_on_sign_in_keeps_the_tokens(client, pm, settings):
    """Django upgrades an old hash when someone signs in: not a password change."""
    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    type(pm).objects.filter(pk=pm.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    _token(pm)
    assert client.post("/accounts/login/", {"username": "pm", "password": PASSWORD}).status_code == 302
    pm.refresh_from_db()
    assert pm.password.startswith("md5$")
    assert ApiToken.objects.filter(user=pm).exists()


def test_signing_out_leaves_tokens_working(client, pm):
    _, secret = _token(pm)
    client.force_login(pm)
    client.post("/accounts/logout/")
    assert _get(client, "/api/v1/me/", secret).status_code == 200


# --- the API for tokens -------------------------------------------------------


def test_tokens_are_listed_made_and_revoked_through_the_api(api, pm, product):
    api.as_user(pm)
    made = api.post(
        "/api/v1/auth/tokens/",
        {"name": "readings", "product": product.slug, "actions": ["edit_product"], "expires_in_days": 365},
        format="json",
    )
    assert made.status_code == 201
    body = made.json()
    assert body["token"].startswith("dsp_") and body["product"] == product.slug

    listed = api.get("/api/v1/auth/tokens/").json()["results"]
    assert [row["name"] for row in listed] == ["readings"]
    assert "token" not in listed[0]

    assert api.delete(f"/api/v1/auth/tokens/{body['id']}/").status_code == 204
    assert not ApiToken.objects.exists()


def test_a_token_cannot_be_scoped_to_a_product_of_someone_else(api, pm, other_product):
    response = api.as_user(pm).post(
        "/api/v1/auth/tokens/", {"name": "x", "product": other_product.slug, "actions": ["view_product"]}, format="json"
    )
    assert response.status_code == 400
    assert "product" in response.json()


def test_a_scoped_token_cannot_ask_for_what_the_role_may_not_do(member, product):
    with pytest.raises(ValidationError) as refused:
        _token(member, product_id=product.pk, actions=["edit_product"])
    assert "edit_product" in str(refused.value)


# --- product-scoped tokens at the door -----------------------------------------


@pytest.fixture
def pm_of_two(pm, other_product):
    MembershipFactory(user=pm, product=other_product, role=Role.PRODUCT_MANAGER)
    return pm


def test_a_scoped_token_acting_on_another_product_gets_404(client, pm_of_two, product, other_product):
    _, secret = _token(pm_of_two, product_id=product.pk, actions=["view_backlog"])
    assert _get(client, f"/api/v1/products/{product.slug}/", secret).status_code == 200
    assert _get(client, f"/api/v1/products/{other_product.slug}/", secret).status_code == 404
    assert _get(client, f"/api/v1/products/{other_product.slug}/backlog/items/", secret).status_code == 404


def test_a_scoped_token_doing_an_action_outside_its_list_gets_403(client, pm, product):
    _, reader = _token(pm, product_id=product.pk, actions=["view_backlog"])
    _, editor = _token(pm, product_id=product.pk, actions=["edit_product"])
    assert _get(client, f"/api/v1/products/{product.slug}/backlog/items/", reader).status_code == 200
    assert _get(client, f"/api/v1/products/{product.slug}/backlog/items/", editor).status_code == 403

    change = {"vision": "Sharper.", "version": product.version}
    patch = {"content_type": "application/json", "data": change}
    assert (
        client.patch(f"/api/v1/products/{product.slug}/", HTTP_AUTHORIZATION=f"Token {reader}", **patch).status_code
        == 403
    )
    assert (
        client.patch(f"/api/v1/products/{product.slug}/", HTTP_AUTHORIZATION=f"Token {editor}", **patch).status_code
        == 200
    )


def test_a_scoped_token_sees_only_its_product_in_lists(client, pm_of_two, product):
    _, secret = _token(pm_of_two, product_id=product.pk, actions=["view_product"])
    assert [row["slug"] for row in _get(client, "/api/v1/products/", secret).json()["results"]] == [product.slug]
    assert [m["product"] for m in _get(client, "/api/v1/me/", secret).json()["memberships"]] == [product.slug]


def test_a_scoped_token_writes_nowhere_outside_its_product(client, pm, product):
    _, secret = _token(pm, product_id=product.pk, actions=["edit_product"])
    auth = {"HTTP_AUTHORIZATION": f"Token {secret}", "content_type": "application/json"}
    assert client.post("/api/v1/products/", {"name": "New", "kind": "ml"}, **auth).status_code == 403
    assert client.get("/api/v1/auth/tokens/", **auth).status_code == 403
    assert client.post("/api/v1/auth/tokens/", {"name": "escalate"}, **auth).status_code == 403


def test_require_and_can_honour_a_token_scope(pm_of_two, product, other_product):
    token, _ = _token(pm_of_two, product_id=product.pk, actions=["view_backlog"])
    permissions.limit_to_scope(pm_of_two, permissions.token_scope(token))
    assert permissions.can(pm_of_two, Action.VIEW_BACKLOG, product)
    assert permissions.can(pm_of_two, Action.VIEW_PRODUCT, product)
    assert not permissions.can(pm_of_two, Action.EDIT_PRODUCT, product)
    assert not permissions.can(pm_of_two, Action.VIEW_PRODUCT, other_product)
    with pytest.raises(PermissionDenied):
        permissions.require(pm_of_two, Action.EDIT_PRODUCT, product)
    with pytest.raises(Http404):
        permissions.require(pm_of_two, Action.VIEW_PRODUCT, other_product)
    assert permissions.product_ids_where(pm_of_two, Action.VIEW_BACKLOG) == [product.pk]
    assert permissions.product_ids_where(pm_of_two, Action.EDIT_PRODUCT) == []


# --- from DRF's clear-text tokens ----------------------------------------------


class _SchemaEditor:
    def __init__(self):
        self.connection = connection

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_drf_tokens_move_to_digests_keep_working_and_the_clear_text_table_goes(client, pm):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id bigint, created timestamp)")
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)", ["a" * 40, pm.pk, timezone.now() - timedelta(days=400)]
        )
    move_drf_tokens.move_tokens(django_apps, _SchemaEditor())

    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=pm)
    assert token.digest == ApiToken.digest_of("a" * 40)
    assert token.expires_at > timezone.now() + timedelta(days=89)
    assert _get(client, "/api/v1/me/", "a" * 40).status_code == 200


def test_the_schema_documents_tokens(api, pm):
    schema = api.as_user(pm).get("/api/schema/?format=json").json()
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    assert "/api/v1/auth/token/" in schema["paths"]
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/auth/tokens/"])
    assert "delete" in schema["paths"]["/api/v1/auth/tokens/{id}/"]
