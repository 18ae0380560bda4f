from playwright.sync_api import expect

from apps.sprints.models import Sprint
from tests.factories import SprintFactory


def test_the_product_overview_shows_the_teams_velocity_chart(sign_in, member, product):
    SprintFactory(product=product, status=Sprint.Status.CLOSED, committed_points=5, completed_points=4)
    page = sign_in(member)
    page.goto(f"/p/{product.slug}/")
    expect(page.get_by_role("heading", name="Velocity")).to_be_visible()
    expect(page.locator('canvas[data-chart="velocity"]')).to_have_attribute("data-drawn", "1")


def test_a_new_products_overview_shows_first_steps_instead_of_an_empty_chart(
    sign_in, scrum_master, product, assert_accessible
):
    page = sign_in(scrum_master)
    page.goto(f"/p/{product.slug}/")
    steps = page.get_by_test_id("first-steps")
    expect(steps).to_be_visible()
    expect(page.locator('canvas[data-chart="velocity"]')).to_have_count(0)
    assert_accessible(page)
    steps.get_by_role("link", name="Plan a sprint").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New sprint")


def test_a_stakeholder_sees_no_velocity_on_the_overview(sign_in, stakeholder, product):
    page = sign_in(stakeholder)
    page.goto(f"/p/{product.slug}/")
    expect(page.get_by_role("heading", name="Outcome metrics")).to_be_visible()
    expect(page.get_by_role("heading", name="Velocity")).to_have_count(0)
