"""In a real browser: making, using and revoking an API token; pages that
break no rule of the Content-Security-Policy."""

from django.test import Client
from playwright.sync_api import expect

from apps.accounts.models import ApiToken
from tests.utils import allow_creating_products


def test_a_person_makes_uses_and_revokes_an_api_token(sign_in, pm, product):
    page = sign_in(pm)
    page.goto("/accounts/profile/")
    page.get_by_label("Name").fill("nightly readings")
    page.get_by_label("Limited to product").select_option(label="Recommender (Product manager)")
    page.get_by_label("Edit product").check()
    page.get_by_role("button", name="Create token").click()

    secret = page.locator("#new-token-secret").inner_text()
    assert secret.startswith("dsp_")
    table = page.get_by_role("table", name="Your API tokens")
    expect(table).to_contain_text("nightly readings")
    expect(table).to_contain_text("Recommender: edit_product")
    # Without the browser's session cookie: the token alone.
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {secret}").status_code == 200

    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status")).to_contain_text("revoked")
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {secret}").status_code in (401, 403)
    assert not ApiToken.objects.exists()


def test_account_and_product_pages_break_no_csp_rule(sign_in, pm, product):
    page = sign_in(allow_creating_products(pm))
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    for path in ("/", f"/p/{product.slug}/", f"/p/{product.slug}/members/", "/p/new/", "/accounts/profile/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert violations == []
