import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def test_a_member_signs_in_through_the_login_page_and_sees_the_dashboard(page, stakeholder, product):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.get_by_label("Username").fill("stakeholder")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    table = page.get_by_role("table", name="My products")
    expect(table).to_contain_text("Recommender")
    expect(table).to_contain_text("Stakeholder")


def test_a_wrong_password_is_refused_with_a_message(page, stakeholder):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("stakeholder")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("enter a correct username and password")


def test_the_product_switcher_opens_a_product(sign_in, pm, product):
    page = sign_in(pm)
    page.goto("/")
    page.get_by_text("Products", exact=True).click()
    page.get_by_role("link", name="Recommender").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Recommender")
