from playwright.sync_api import expect


def test_the_product_overview_shows_the_teams_velocity_chart(sign_in, member, product):
    page = sign_in(member)
    page.goto(f"/p/{product.slug}/")
    expect(page.get_by_role("heading", name="Velocity")).to_be_visible()
    expect(page.locator('canvas[data-chart="velocity"]')).to_have_attribute("data-drawn", "1")


def test_a_stakeholder_sees_no_velocity_on_the_overview(sign_in, stakeholder, product):
    page = sign_in(stakeholder)
    page.goto(f"/p/{product.slug}/")
    expect(page.get_by_role("heading", name="Outcome metrics")).to_be_visible()
    expect(page.get_by_role("heading", name="Velocity")).to_have_count(0)
