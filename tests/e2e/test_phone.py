"""Phones: at a 390-pixel-wide screen the pages a stakeholder uses fit
without sideways scrolling (wide tables scroll inside their own box), the
product tabs wrap inside the header, and nothing there breaks axe-core's
rules either. Measured on the demo data, whose titles and tables are real-sized."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from apps.accounts.models import User
from apps.products.models import Product
from apps.reports.models import Survey
from apps.reports.services import round_open_now
from apps.requests.models import StakeholderRequest
from tests.e2e.conftest import axe_violations, describe_violations

PHONE = {"width": 390, "height": 844}


def _width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # naive datetimes of the demo's back-dated events
def test_stakeholder_pages_fit_a_phone(page, sign_in):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    product = Product.objects.get(slug="recommender")
    stella, pia = User.objects.get(username="stella"), User.objects.get(username="pia")
    survey_round = round_open_now(survey=Survey.objects.filter(product=product).first(), actor=pia)
    request = StakeholderRequest.objects.filter(product=product, requester=stella).first()
    page.set_viewport_size(PHONE)
    sign_in(stella)

    pages = {
        "product overview": reverse("products:detail", args=[product.slug]),
        "submit a request": reverse("requests:submit", args=[product.slug]),
        "my requests": reverse("requests_overview:mine"),
        "request page": reverse("requests:detail", args=[product.slug, request.number]),
        "requests of the product": reverse("requests:list", args=[product.slug]),
        "roadmap": reverse("roadmap:board", args=[product.slug]),
        "survey": reverse("reports:answer-mine", args=[product.slug, survey_round.pk]),
    }
    problems = []
    for name, url in pages.items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if name == "survey":
            expect(page.get_by_role("heading", level=1)).to_contain_text("Happiness survey")
        width = _width(page)
        if width > PHONE["width"]:
            problems.append(f"{name} ({url}) is {width} px wide")
        violations = axe_violations(page)
        if violations:
            problems.append(describe_violations(url, violations))
    assert not problems, "\n".join(problems)


def test_the_product_tabs_wrap_inside_the_header_on_a_phone(page, sign_in, pm, product):
    page.set_viewport_size(PHONE)
    sign_in(pm)
    page.goto(f"/p/{product.slug}/")
    tabs = page.get_by_role("navigation", name=product.name)
    last = tabs.get_by_role("link").last
    expect(last).to_be_visible()
    box, header = last.bounding_box(), page.locator("header.topbar").bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    assert header["y"] <= box["y"] and box["y"] + box["height"] <= header["y"] + header["height"]
    assert _width(page) <= PHONE["width"]


def test_a_wide_table_scrolls_in_its_own_box_on_a_phone(page, sign_in, pm, product, make_item):
    for number in range(3):
        make_item(title=f"A rather long backlog item title that needs room number {number}", points=3)
    page.set_viewport_size(PHONE)
    sign_in(pm)
    page.goto(f"/p/{product.slug}/backlog/")
    table = page.get_by_role("table", name="Backlog")
    assert _width(page) <= PHONE["width"]
    assert table.evaluate("t => t.scrollWidth > t.clientWidth")  # the table scrolls, not the page
    expect(table).to_have_attribute("tabindex", "0")  # and can be scrolled from the keyboard
