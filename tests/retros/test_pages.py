"""Retrospective pages: who may do what, the live board's polling, clear
refusals, exports, and query counts that do not grow with the board."""

import datetime

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.retros import services
from apps.retros.models import Card, Phase, RetroFormat, Retrospective, Theme, Vote
from tests.factories import MembershipFactory, UserFactory
from tests.retros.conftest import MONDAY, first_column, to_phase
from tests.utils import queries_of

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, retro, *args):
    return reverse(f"retros:{name}", args=[retro.product.slug, retro.pk, *args])


# --- Who may --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("pm", 200), ("scrum_master", 200), ("member", 200), ("stakeholder", 403), ("outsider", 404)],
    indirect=["persona"],
)
def test_only_the_team_sees_retros(browser_client, persona, status, retro):
    client = browser_client.as_user(persona)
    for address in (
        reverse("retros:list", args=["recommender"]),
        url("board", retro),
        url("live", retro),
        url("summary", retro),
        url("summary-md", retro),
        url("summary-pdf", retro),
        url("health", retro),
        reverse("retros:health-trend", args=["recommender"]),
        reverse("retros:actions", args=["recommender"]),
    ):
        assert client.get(address).status_code == status, address


def test_retros_tab_shows_for_the_team_only(browser_client, member, stakeholder, product):
    assert "Retros</a>" in browser_client.as_user(member).get("/p/recommender/").content.decode()
    assert "Retros</a>" not in browser_client.as_user(stakeholder).get("/p/recommender/").content.decode()


@pytest.mark.parametrize(
    ("persona", "status"), [("member", 403), ("stakeholder", 403), ("outsider", 404)], indirect=["persona"]
)
def test_only_leads_open_retros(browser_client, persona, status, sprint):
    response = browser_client.as_user(persona).post(
        reverse("retros:create", args=["recommender"]),
        {"sprint": sprint.pk, "format_key": "4ls", "votes_per_person": 3, "facilitator": persona.pk},
    )
    assert response.status_code == status
    assert not Retrospective.objects.exists()


def test_a_scrum_master_opens_a_retro_from_the_page(browser_client, scrum_master, sprint):
    response = browser_client.as_user(scrum_master).post(
        reverse("retros:create", args=["recommender"]),
        {"sprint": sprint.pk, "format_key": "mad-sad-glad", "votes_per_person": 3, "facilitator": scrum_master.pk},
    )
    retro = Retrospective.objects.get()
    assert response.status_code == 302 and response["Location"] == retro.get_absolute_url()
    assert retro.format_name == "Mad / Sad / Glad" and retro.votes_per_person == 3


def test_opening_a_second_retro_for_a_sprint_is_a_form_error(browser_client, scrum_master, retro, sprint):
    response = browser_client.as_user(scrum_master).post(
        reverse("retros:create", args=["recommender"]),
        {"sprint": sprint.pk, "format_key": "4ls", "votes_per_person": 3, "facilitator": scrum_master.pk},
    )
    assert response.status_code == 400
    assert "already has a retrospective" in response.content.decode()


def test_only_the_facilitator_runs_the_phases(browser_client, member, pm, scrum_master, retro):
    assert browser_client.as_user(member).post(url("phase", retro), {"to": "reveal"}).status_code == 403
    # The PM is a lead but not this retro's facilitator: hands over, does not run it.
    assert browser_client.as_user(pm).post(url("phase", retro), {"to": "reveal"}).status_code == 403
    assert Retrospective.objects.get(pk=retro.pk).phase == Phase.WRITE
    response = browser_client.as_user(pm).post(url("hand-over", retro), {"facilitator": member.pk})
    assert response.status_code == 302
    assert browser_client.as_user(member).post(url("phase", retro), {"to": "reveal"}).status_code == 302
    assert Retrospective.objects.get(pk=retro.pk).phase == Phase.REVEAL
    assert browser_client.as_user(scrum_master).post(url("phase", retro), {"to": "group"}).status_code == 403


def test_a_member_cannot_hand_the_retro_over(browser_client, member, retro):
    assert browser_client.as_user(member).post(url("hand-over", retro), {"facilitator": member.pk}).status_code == 403


def test_people_edit_and_delete_only_their_own_cards(browser_client, member, teammate, retro):
    card = services.card_add(actor=member, retro=retro, column=first_column(retro), text="Mine")
    client = browser_client.as_user(teammate)
    # Not even visible to someone else while writing: answered as for a card that does not exist.
    for response in (
        client.post(url("card-edit", retro), {"card": card.pk, "text": "Theirs"}),
        client.post(url("card-delete", retro), {"card": card.pk}),
    ):
        assert response.status_code == 400 and "No such card on this board" in response.content.decode()
    to_phase(retro, "reveal", retro.facilitator)
    assert Card.objects.get().text == "Mine"


def test_a_revealed_card_of_someone_else_is_not_editable(browser_client, member, teammate, retro):
    services.card_add(actor=member, retro=retro, column=first_column(retro), text="Mine")
    retro = to_phase(retro, "reveal", retro.facilitator)
    card = Card.objects.get()
    response = browser_client.as_user(teammate).post(url("card-edit", retro), {"card": card.pk, "text": "Theirs"})
    assert response.status_code == 403
    assert Card.objects.get().text == "Mine"


# --- The live board ---------------------------------------------------------------------


def test_while_writing_each_person_sees_only_their_own_cards(browser_client, member, teammate, retro):
    client = browser_client.as_user(member)
    client.post(url("card-add", retro), {"column": first_column(retro).pk, "text": "Mine, named"})
    client.post(url("card-add", retro), {"column": first_column(retro).pk, "text": "Mine, anonymous", "anonymous": "1"})
    page = client.get(url("board", retro)).content.decode()
    assert "Mine, named" in page and "Mine, anonymous" in page
    other = browser_client.as_user(teammate).get(url("board", retro)).content.decode()
    assert "Mine, named" not in other and "Mine, anonymous" not in other
    assert "2 cards written so far" in other


def test_the_poll_answers_204_until_the_board_moves(browser_client, member, retro):
    client = browser_client.as_user(member)
    version = Retrospective.objects.get(pk=retro.pk).board_version
    assert client.get(url("live", retro), {"since": version}, **HTMX).status_code == 204
    services.card_add(actor=member, retro=retro, column=first_column(retro), text="New")
    response = client.get(url("live", retro), {"since": version}, **HTMX)
    assert response.status_code == 200
    assert f"since={version + 1}" in response.content.decode()
    assert "New" in response.content.decode()


def test_an_htmx_card_add_answers_with_the_live_board(browser_client, member, retro):
    response = browser_client.as_user(member).post(
        url("card-add", retro), {"column": first_column(retro).pk, "text": "Fresh"}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="board-live"' in body and "Fresh" in body
    assert "<html" not in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "x" * 501}, "at most 500 characters"),
        ({"text": "   "}, "needs some text"),
    ],
)
def test_bad_cards_are_a_clear_message_and_change_nothing(browser_client, member, retro, data, message):
    client = browser_client.as_user(member)
    response = client.post(url("card-add", retro), {"column": first_column(retro).pk, **data}, **HTMX)
    assert response.status_code == 400 and message in response.content.decode()
    assert response["HX-Retarget"] == "#messages"
    assert not Card.objects.exists()


def test_a_card_after_close_is_refused_with_a_message(browser_client, member, retro):
    to_phase(retro, "closed", retro.facilitator)
    client = browser_client.as_user(member)
    board = url("board", retro)
    response = client.post(
        url("card-add", retro), {"column": first_column(retro).pk, "text": "Late"}, HTTP_REFERER=board
    )
    assert response.status_code == 302
    assert "closed" in client.get(board).content.decode()
    assert not Card.objects.exists()


def test_a_phase_backwards_is_refused_with_a_message(browser_client, scrum_master, retro):
    to_phase(retro, "group", scrum_master)
    response = browser_client.as_user(scrum_master).post(url("phase", retro), {"to": "write"}, **HTMX)
    assert response.status_code == 400 and "Phases only move forward" in response.content.decode()
    assert Retrospective.objects.get(pk=retro.pk).phase == Phase.GROUP


def test_a_card_into_another_retros_theme_is_refused(
    browser_client, member, scrum_master, retro, product, make_sprint, make_retro
):
    services.card_add(actor=member, retro=retro, column=first_column(retro), text="Card")
    retro = to_phase(retro, "group", scrum_master)
    other = to_phase(
        make_retro(make_sprint(product, "Sprint 2", start=MONDAY + datetime.timedelta(days=14))), "group", scrum_master
    )
    foreign = services.theme_create(actor=member, retro=other, title="Elsewhere")
    card = Card.objects.get()
    # The page only finds themes on its own board.
    response = browser_client.as_user(member).post(url("group", retro), {"card": card.pk, "theme": foreign.pk})
    assert response.status_code == 400 and "No such theme on this board" in response.content.decode()
    assert Card.objects.get().theme is None


def test_votes_beyond_the_limit_are_a_message(browser_client, member, scrum_master, sprint, make_retro):
    retro = make_retro(sprint, votes_per_person=1)
    services.card_add(actor=member, retro=retro, column=first_column(retro), text="Card")
    retro = to_phase(retro, "vote", scrum_master)
    theme = Theme.objects.get()
    client = browser_client.as_user(member)
    assert client.post(url("vote", retro), {"theme": theme.pk}, **HTMX).status_code == 200
    response = client.post(url("vote", retro), {"theme": theme.pk}, **HTMX)
    assert response.status_code == 400 and "used all your 1 votes" in response.content.decode()
    assert Vote.objects.count() == 1


def test_vote_totals_stay_hidden_until_the_discussion(browser_client, member, teammate, scrum_master, retro):
    services.card_add(actor=member, retro=retro, column=first_column(retro), text="Card")
    retro = to_phase(retro, "vote", scrum_master)
    theme = Theme.objects.get()
    services.vote_add(actor=teammate, retro=retro, theme=theme)
    assert "1 vote<" not in browser_client.as_user(member).get(url("board", retro)).content.decode()
    to_phase(retro, "discuss", scrum_master)
    assert "1 vote<" in browser_client.as_user(member).get(url("board", retro)).content.decode()


def test_ids_beyond_any_row_and_garbage_are_refused_not_500(browser_client, member, retro):
    client = browser_client.as_user(member)
    for card in ("99999999999999999999", "²", "", "abc"):
        assert client.post(url("card-edit", retro), {"card": card, "text": "x"}).status_code == 400
    assert client.post(url("card-add", retro), {"column": "²", "text": "x"}).status_code == 400
    assert client.get(reverse("retros:board", args=["recommender", "99999999999999999999"])).status_code == 404


# --- Exports ------------------------------------------------------------------------------


def test_summary_exports(browser_client, member, scrum_master, retro):
    services.card_add(actor=member, retro=retro, column=first_column(retro), text="Releases | are *slow*")
    retro = to_phase(retro, "closed", scrum_master)
    client = browser_client.as_user(member)
    markdown = client.get(url("summary-md", retro))
    assert markdown["Content-Type"].startswith("text/markdown")
    assert "Releases \\| are *slow*" in markdown.content.decode()
    pdf = client.get(url("summary-pdf", retro))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


# --- Query counts ---------------------------------------------------------------------------


def _board_at(phase, *, size, people, product, make_sprint, make_retro, scrum_master, n):
    """A retro of its own sprint in `phase`, with `size` cards per person (half anonymous) and a few themes."""
    retro = make_retro(make_sprint(product, f"Sprint {n}", start=MONDAY + datetime.timedelta(days=14 * n)))
    column = first_column(retro)
    for person in people:
        for i in range(size):
            services.card_add(
                actor=person,
                retro=retro,
                column=column,
                text=f"{person.username} {i}",
                anonymous=i % 2 == 1,
                secret="s" * 40,
            )
    if phase != "write":
        retro = to_phase(retro, "group", scrum_master)
        cards = list(Card.objects.filter(retro=retro))
        for i in range(size):
            services.theme_create(actor=scrum_master, retro=retro, title=f"Theme {i}", cards=cards[i::size])
        retro = to_phase(retro, phase, scrum_master)
        if phase in ("vote", "discuss"):
            for theme in Theme.objects.filter(retro=retro)[:2]:
                Vote.objects.create(retro=retro, theme=theme, voter=people[0])
    return retro


@pytest.mark.parametrize("phase", ["write", "group", "vote", "discuss", "closed"])
def test_board_queries_do_not_grow_with_cards(
    browser_client, django_assert_num_queries, scrum_master, product, make_sprint, make_retro, phase
):
    people = [MembershipFactory(product=product, role=Role.TEAM_MEMBER, user=UserFactory()).user for _ in range(4)]
    client = browser_client.as_user(people[0])
    build = {"people": people, "product": product, "make_sprint": make_sprint, "make_retro": make_retro}
    small = _board_at(phase, size=2, scrum_master=scrum_master, n=1, **build)
    counts = [queries_of(lambda: client.get(url("board", small))), queries_of(lambda: client.get(url("live", small)))]
    large = _board_at(phase, size=12, scrum_master=scrum_master, n=2, **build)
    with django_assert_num_queries(counts[0]):
        assert client.get(url("board", large)).status_code == 200
    with django_assert_num_queries(counts[1]):
        assert client.get(url("live", large)).status_code == 200


def test_an_unchanged_board_costs_a_few_queries(browser_client, django_assert_num_queries, member, retro):
    client = browser_client.as_user(member)
    version = Retrospective.objects.get(pk=retro.pk).board_version
    with django_assert_num_queries(4):  # session, user, the board version, roles
        assert client.get(url("live", retro), {"since": version}).status_code == 204


def test_list_pages_queries_do_not_grow(
    browser_client, django_assert_num_queries, scrum_master, member, product, make_sprint, make_retro
):
    client = browser_client.as_user(member)
    first = to_phase(make_retro(make_sprint(product, "Sprint 1")), "reveal", scrum_master)
    services.action_add(actor=member, retro=first, text="Act", owner=member)
    pages = [
        reverse("retros:list", args=["recommender"]),
        reverse("retros:actions", args=["recommender"]),
        reverse("retros:health-trend", args=["recommender"]),
        url("summary", first),
    ]
    counts = {address: queries_of(lambda address=address: client.get(address)) for address in pages}
    for n in range(2, 6):
        retro = make_retro(make_sprint(product, f"Sprint {n}", start=MONDAY + datetime.timedelta(days=14 * n)))
        for action in services.actions_to_review(retro):
            services.action_review(actor=scrum_master, retro=retro, action=action, outcome="carried")
        retro = to_phase(retro, "reveal", scrum_master)
        services.action_add(actor=member, retro=retro, text=f"Act {n}", owner=member)
        services.action_add(actor=member, retro=first, text=f"More {n}", owner=scrum_master)
        to_phase(retro, "closed", scrum_master)
    for address, count in counts.items():
        with django_assert_num_queries(count):
            assert client.get(address).status_code == 200


def test_the_sprint_page_links_its_retro_and_shows_overdue_actions(
    browser_client, member, stakeholder, scrum_master, retro, sprint
):
    retro = to_phase(retro, "reveal", scrum_master)
    services.action_add(actor=member, retro=retro, text="Write the runbook", due_date=datetime.date(2020, 1, 1))
    page = browser_client.as_user(member).get(sprint.get_absolute_url()).content.decode()
    assert url("board", retro) in page
    assert "Overdue retro actions" in page and "Write the runbook" in page


def test_the_sprint_page_offers_leads_to_open_the_retro(browser_client, scrum_master, member, sprint):
    assert (
        "Open the retrospective" in browser_client.as_user(scrum_master).get(sprint.get_absolute_url()).content.decode()
    )
    assert (
        "Open the retrospective" not in browser_client.as_user(member).get(sprint.get_absolute_url()).content.decode()
    )


def test_a_vote_changes_only_the_voters_board(browser_client, member, teammate, scrum_master, retro):
    services.card_add(actor=member, retro=retro, column=first_column(retro), text="Card")
    retro = to_phase(retro, "vote", scrum_master)
    version = Retrospective.objects.get(pk=retro.pk).board_version
    theme = Theme.objects.get()
    answer = browser_client.as_user(member).post(url("vote", retro), {"theme": theme.pk}, **HTMX)
    assert 'data-testid="votes-left">4<' in answer.content.decode()
    # Nobody else sees votes while people vote: their polls stay empty answers.
    assert browser_client.as_user(teammate).get(url("live", retro), {"since": version}).status_code == 204


# --- Settings, layouts, dimensions and stale edits -----------------------------------------


def test_leads_keep_layouts_and_dimensions_members_do_not(browser_client, scrum_master, member, product):
    address = reverse("retros:settings", args=["recommender"])
    assert browser_client.as_user(member).get(address).status_code == 403
    client = browser_client.as_user(scrum_master)
    assert "Delivering value" in client.get(address).content.decode()
    saved = client.post(
        reverse("retros:format-save", args=["recommender"]),
        {"name": "KALM", "columns": "Keep: what works\nAdd\nLess\nMore"},
    )
    assert saved.status_code == 302
    layout = RetroFormat.objects.get(product=product)
    assert [c["title"] for c in layout.columns] == ["Keep", "Add", "Less", "More"]
    refused = client.post(reverse("retros:format-save", args=["recommender"]), {"name": "Twice", "columns": "A\na"})
    assert refused.status_code == 400 and "same title" in refused.content.decode()
    added = client.post(reverse("retros:dimension-add", args=["recommender"]), {"name": "Data access"})
    assert added.status_code == 302
    fun = product.health_dimensions.get(name="Fun")
    client.post(reverse("retros:dimension-update", args=["recommender", fun.pk]), {"active": "0"})
    assert not product.health_dimensions.get(name="Fun").active


@pytest.mark.parametrize("field", ["title", "votes_per_person"])
def test_a_stale_retro_settings_edit_is_a_409_with_a_message(browser_client, scrum_master, retro, field):
    services.retro_update(actor=scrum_master, retro=retro, expected_version=retro.version, title="Renamed")
    response = browser_client.as_user(scrum_master).post(
        url("edit", retro), {"title": "Mine", "votes_per_person": 3, "version": retro.version}
    )
    assert response.status_code == 409 and "changed by someone else" in response.content.decode()
    assert Retrospective.objects.get(pk=retro.pk).title == "Renamed"


def test_a_stale_action_edit_is_a_409_with_a_message(browser_client, member, scrum_master, retro):
    retro = to_phase(retro, "reveal", scrum_master)
    action = services.action_add(actor=member, retro=retro, text="Write the runbook")
    services.action_update(actor=scrum_master, action=action, expected_version=1, text="Write the runbook today")
    response = browser_client.as_user(member).post(
        reverse("retros:action-edit", args=["recommender", action.pk]),
        {"text": "Mine", "status": "open", "version": 1},
    )
    assert response.status_code == 409 and "changed by someone else" in response.content.decode()


def test_a_stale_theme_rename_is_a_409_message_on_the_board(browser_client, member, scrum_master, retro):
    retro = to_phase(retro, "group", scrum_master)
    theme = services.theme_create(actor=member, retro=retro, title="Tooling")
    services.theme_update(actor=scrum_master, theme=theme, expected_version=1, title="Tools")
    response = browser_client.as_user(member).post(
        url("theme-update", retro, theme.pk), {"title": "Build", "version": 1}, **HTMX
    )
    assert response.status_code == 409 and "changed by someone else" in response.content.decode()
    assert Theme.objects.get(pk=theme.pk).title == "Tools"


def test_a_stale_hand_over_is_a_409(browser_client, pm, member, scrum_master, retro):
    services.retro_hand_over(actor=pm, retro=retro, facilitator=member, expected_version=retro.version)
    response = browser_client.as_user(pm).post(
        url("hand-over", retro), {"facilitator": scrum_master.pk, "version": retro.version}
    )
    assert response.status_code == 409
    assert Retrospective.objects.get(pk=retro.pk).facilitator == member
