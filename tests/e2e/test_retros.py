"""The retrospective journey in three browsers at once: a facilitator and two
team members on one board. Cards stay hidden from each other while written,
appear for everyone at the reveal without reloading, are grouped into a
theme and voted on at the same moment, and an action becomes a backlog item
that the next retrospective opens with for review."""

import re
from contextlib import contextmanager

from django.test import Client
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.backlog.models import BacklogItem
from apps.retros import services
from apps.retros.models import ActionItem, Card, Retrospective, Vote
from apps.sprints import services as sprint_services
from tests.factories import MembershipFactory, UserFactory
from tests.retros.conftest import MONDAY


@contextmanager
def browsers(browser, live_server, *users):
    """One browser context (own cookies, own session) per person, signed in."""
    contexts = []
    try:
        pages = []
        for user in users:
            client = Client()
            client.force_login(user)
            context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 1000})
            context.set_default_timeout(15_000)
            context.add_cookies(
                [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
            )
            contexts.append(context)
            pages.append(context.new_page())
        yield pages
    finally:
        for context in contexts:
            context.close()


def column(page, title):
    return page.get_by_role("list", name=f"{title} cards")


def add_card(page, column_title, text, *, anonymous=False):
    form = page.locator("form.add-card", has=page.get_by_label(f"Add a card to {column_title}"))
    form.get_by_label(f"Add a card to {column_title}").fill(text)
    if anonymous:
        form.get_by_label("Anonymous").check()
    form.get_by_role("button", name="Add card").click()
    expect(column(page, column_title)).to_contain_text(text)


def next_phase(page, label, shows=None):
    page.get_by_role("button", name=label).click()
    expect(page.locator("#phase-now")).to_contain_text(shows or label.removeprefix("Next: "))


def test_three_people_run_a_retro_on_one_board_and_its_action_comes_back(
    browser, live_server, scrum_master, member, product
):
    teammate = MembershipFactory(product=product, role=Role.TEAM_MEMBER, user=UserFactory(username="bob")).user
    sprint = sprint_services.sprint_start(
        actor=scrum_master,
        sprint=sprint_services.sprint_create(
            actor=scrum_master, product=product, name="Sprint 1", start_date=MONDAY, end_date=MONDAY.replace(day=13)
        ),
    )
    retro = services.retro_create(actor=scrum_master, product=product, sprint=sprint)
    board = f"/p/{product.slug}/retros/{retro.pk}/"

    with browsers(browser, live_server, scrum_master, member, teammate) as (facilitator, alice, bob):
        for page in (facilitator, alice, bob):
            page.goto(board)
            expect(page.get_by_role("heading", level=1)).to_have_text("Retrospective: Sprint 1")

        # Writing: each sees only their own cards, even after the boards have polled.
        add_card(alice, "Start", "Flaky CI blocks merges")
        add_card(bob, "Stop", "Standups run long", anonymous=True)
        expect(facilitator.locator("#phase-now")).to_contain_text("2 cards written so far")
        alice.wait_for_timeout(2500)
        expect(alice.locator("#board-live")).not_to_contain_text("Standups run long")
        expect(bob.locator("#board-live")).not_to_contain_text("Flaky CI blocks merges")
        assert Card.objects.get(text="", anonymous=True).author_id is None  # sealed, no author

        # The facilitator reveals: both see the other's card without reloading.
        next_phase(facilitator, "Next: Reveal")
        expect(alice.locator("#phase-now")).to_contain_text("Reveal")
        expect(column(alice, "Stop")).to_contain_text("Standups run long")
        expect(column(bob, "Start")).to_contain_text("Flaky CI blocks merges")
        expect(column(alice, "Stop").locator("li", has_text="Standups run long")).to_contain_text("anonymous")

        # Grouping: Alice forms a theme, Bob moves his card into it.
        next_phase(facilitator, "Next: Group")
        expect(alice.locator("#phase-now")).to_contain_text("Group")
        alice.get_by_label("Theme name").fill("Delivery friction")
        alice.get_by_label("Start with").select_option(label="Flaky CI blocks merges")
        alice.get_by_role("button", name="Make theme").click()
        theme = bob.get_by_role("article", name="Theme Delivery friction")
        expect(theme).to_be_visible()
        bob.get_by_label("Card to move").select_option(label="Standups run long")
        bob.get_by_label("into", exact=True).select_option(label="Delivery friction")
        bob.get_by_role("button", name="Move", exact=True).click()
        expect(alice.get_by_role("list", name="Cards in Delivery friction")).to_contain_text("Standups run long")

        # Voting at the same moment: both clicks go out before either answer is in.
        next_phase(facilitator, "Next: Vote")
        for page in (alice, bob):
            expect(page.get_by_test_id("votes-left")).to_have_text("5")
        alice_vote = alice.get_by_role("button", name="Vote for Delivery friction")
        bob_vote = bob.get_by_role("button", name="Vote for Delivery friction")
        for _ in range(2):
            alice_vote.click(no_wait_after=True)
            bob_vote.click(no_wait_after=True)
            expect(alice.get_by_test_id("votes-left")).not_to_have_text("5")
            alice.wait_for_timeout(300)
        expect(alice.get_by_test_id("votes-left")).to_have_text("3")
        expect(bob.get_by_test_id("votes-left")).to_have_text("3")
        assert Vote.objects.filter(retro=retro).count() == 4

        # The discussion shows the totals to everyone.
        next_phase(facilitator, "Next: Discuss")
        for page in (facilitator, alice, bob):
            expect(page.get_by_role("listitem", name="Theme Delivery friction")).to_contain_text("4 votes")

        # An action from the theme becomes a backlog item in one click.
        facilitator.get_by_label("Action", exact=True).fill("Quarantine flaky tests")
        facilitator.get_by_label("Owner").select_option(label=str(member))
        facilitator.get_by_label("From theme").select_option(label="Delivery friction")
        facilitator.get_by_role("button", name="Add action").click()
        expect(alice.get_by_role("table", name="Actions")).to_contain_text("Quarantine flaky tests")
        facilitator.get_by_role("button", name=re.compile("Make .*Quarantine flaky tests.* a backlog item")).click()
        expect(
            facilitator.get_by_role("table", name="Actions").get_by_role("link", name=re.compile(r"#\d+"))
        ).to_be_visible()
        item = BacklogItem.objects.get(title="Quarantine flaky tests")
        assert ActionItem.objects.get().backlog_item == item and item.assignee == member

        next_phase(facilitator, "Close the retrospective", shows="Closed")
        expect(bob.locator("#phase-now")).to_contain_text("Closed")

        # The next sprint's retrospective opens with that action for review.
        sprint_services.sprint_close(actor=scrum_master, sprint=sprint, decisions={})
        second = sprint_services.sprint_create(
            actor=scrum_master,
            product=product,
            name="Sprint 2",
            start_date=MONDAY.replace(day=16),
            end_date=MONDAY.replace(day=27),
        )
        sprint_services.sprint_start(actor=scrum_master, sprint=second)
        facilitator.goto(f"/p/{product.slug}/retros/new/")
        facilitator.get_by_label("Sprint", exact=True).select_option(label="Sprint 2 (active)")
        facilitator.get_by_role("button", name="Open retrospective").click()
        expect(facilitator.get_by_role("heading", level=1)).to_have_text("Retrospective: Sprint 2")
        review = facilitator.get_by_role("list", name="Actions to review")
        expect(review).to_contain_text("Quarantine flaky tests")
        expect(review).to_contain_text(f"backlog #{item.number}")
        review.get_by_role("button", name="Still open").click()
        expect(facilitator.get_by_role("table", name="Actions")).to_contain_text("carried from Retrospective: Sprint 1")
        assert Retrospective.objects.get(sprint=second).phase == "review"
