"""The rules of a retrospective: phases only forward, cards only while
writing, votes within the limit, themes within their retro, actions that
come back at the next retro; every refusal clear and changing nothing."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from apps.backlog import services as backlog_services
from apps.backlog.models import BacklogItem
from apps.backlog.services import item_set_status
from apps.core.exceptions import Conflict
from apps.retros import services
from apps.retros.models import (
    ActionItem,
    Card,
    HealthCheck,
    Phase,
    Retrospective,
    SummaryEmail,
    Theme,
    Vote,
)
from tests.retros.conftest import MONDAY, first_column, to_phase


def add_card(retro, actor, text="Deploys are slow", **options):
    retro.refresh_from_db()
    return services.card_add(actor=actor, retro=retro, column=first_column(retro), text=text, **options)


def board_version(retro) -> int:
    return Retrospective.objects.get(pk=retro.pk).board_version


# --- Creating ----------------------------------------------------------------------


def test_a_retro_gets_the_columns_of_its_format_and_a_health_check(retro):
    assert [c.title for c in retro.columns.all()] == ["Start", "Stop", "Continue"]
    assert retro.phase == Phase.WRITE
    check = HealthCheck.objects.get(retro=retro)
    assert [d["name"] for d in check.dimensions][:3] == ["Delivering value", "Easy to release", "Fun"]
    assert check.min_answers == 5


@pytest.mark.parametrize(
    ("key", "columns"),
    [
        ("mad-sad-glad", ["Mad", "Sad", "Glad"]),
        ("4ls", ["Liked", "Learned", "Lacked", "Longed for"]),
        ("sailboat", ["Wind", "Anchors", "Rocks", "Island"]),
    ],
)
def test_built_in_formats(sprint, make_retro, key, columns):
    assert [c.title for c in make_retro(sprint, format_key=key).columns.all()] == columns


def test_a_product_saves_its_own_columns_and_uses_them(scrum_master, product, sprint, make_retro):
    saved = services.format_save(
        actor=scrum_master,
        product=product,
        name="Hot air balloon",
        columns=[{"title": "Hot air", "prompt": "What lifts us?"}, {"title": "Sandbags"}],
    )
    retro = make_retro(sprint, format_key=f"custom-{saved.pk}")
    assert retro.format_name == "Hot air balloon"
    assert [(c.title, c.prompt) for c in retro.columns.all()] == [("Hot air", "What lifts us?"), ("Sandbags", "")]


def test_a_layout_of_another_product_or_an_unknown_one_is_refused(scrum_master, other_product, sprint, make_retro):
    foreign = services.format_save(actor=scrum_master, product=other_product, name="Theirs", columns=[{"title": "X"}])
    for key in (f"custom-{foreign.pk}", "custom-²", "nope"):
        with pytest.raises(ValidationError, match="Choose one of the board layouts"):
            make_retro(sprint, format_key=key)
    assert not Retrospective.objects.exists()


def test_one_retro_per_sprint_and_one_per_stage(sprint, make_retro):
    make_retro(sprint)
    with pytest.raises(ValidationError, match="already has a retrospective"):
        make_retro(sprint)
    assert Retrospective.objects.count() == 1


def test_a_planned_sprint_has_no_retro_yet(product, make_sprint, make_retro):
    with pytest.raises(ValidationError, match="has not started yet"):
        make_retro(make_sprint(product, "Later", started=False))


def test_the_facilitator_must_be_in_the_team(sprint, make_retro, stakeholder):
    with pytest.raises(ValidationError, match="not in the team"):
        make_retro(sprint, facilitator=stakeholder)


# --- Phases ----------------------------------------------------------------------


def test_phases_move_forward_one_at_a_time_and_never_back(retro, scrum_master):
    retro = services.phase_advance(actor=scrum_master, retro=retro, to="reveal")
    assert retro.phase == Phase.REVEAL
    before = board_version(retro)
    with pytest.raises(ValidationError, match="Phases only move forward"):
        services.phase_advance(actor=scrum_master, retro=retro, to="write")
    with pytest.raises(ValidationError, match="already in the reveal phase"):
        services.phase_advance(actor=scrum_master, retro=retro, to="reveal")
    with pytest.raises(ValidationError, match="is not a phase"):
        services.phase_advance(actor=scrum_master, retro=retro, to="party")
    assert Retrospective.objects.get(pk=retro.pk).phase == Phase.REVEAL
    assert board_version(retro) == before


def test_skipping_ahead_runs_each_step(retro, scrum_master, member):
    add_card(retro, member, "Alone on the board")
    retro = services.phase_advance(actor=scrum_master, retro=retro, to="discuss")
    theme = Theme.objects.get(retro=retro)
    assert theme.solo and theme.title == "Alone on the board"
    assert retro.discussing == theme


def test_nothing_moves_after_close(retro, scrum_master, member):
    retro = services.phase_advance(actor=scrum_master, retro=retro, to="closed")
    assert retro.closed_at is not None
    with pytest.raises(ValidationError, match="closed"):
        services.phase_advance(actor=scrum_master, retro=retro, to="closed")
    with pytest.raises(ValidationError, match="closed"):
        add_card(retro, member)
    with pytest.raises(ValidationError, match="closed"):
        services.action_add(actor=member, retro=retro, text="Late idea")
    assert not Card.objects.exists() and not ActionItem.objects.exists()


# --- Cards -----------------------------------------------------------------------


def test_cards_are_written_only_in_the_write_phase(retro, scrum_master, member):
    card = add_card(retro, member)
    assert card.author == member and not card.anonymous
    retro = to_phase(retro, "reveal", scrum_master)
    with pytest.raises(
        ValidationError, match="Cards are written in the write phase; this retrospective is in the reveal"
    ):
        add_card(retro, member, "Too late")
    assert Card.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "message"), [("", "needs some text"), ("   ", "needs some text"), ("x" * 501, "at most 500")]
)
def test_empty_or_oversized_cards_are_refused(retro, member, text, message):
    before = board_version(retro)
    with pytest.raises(ValidationError, match=message):
        add_card(retro, member, text)
    assert not Card.objects.exists() and board_version(retro) == before


def test_a_card_goes_only_into_a_column_of_its_own_retro(retro, member, product, make_sprint, make_retro):
    other = make_retro(make_sprint(product, "Sprint 2", start=MONDAY + datetime.timedelta(days=14)))
    with pytest.raises(ValidationError, match="another retrospective"):
        services.card_add(actor=member, retro=retro, column=first_column(other), text="Lost")
    assert not Card.objects.exists()


def test_an_anonymous_card_needs_the_writers_secret(retro, member):
    with pytest.raises(ValidationError, match="secret"):
        add_card(retro, member, anonymous=True)


def test_edits_are_versioned(retro, member):
    card = add_card(retro, member)
    services.card_edit(actor=member, card=card, text="Deploys are very slow", expected_version=1)
    with pytest.raises(Conflict):
        services.card_edit(actor=member, card=card, text="Stale", expected_version=1)
    assert Card.objects.get(pk=card.pk).text == "Deploys are very slow"


def test_reveal_rewrites_every_card_under_a_new_id_without_tags(retro, scrum_master, member, secret):
    named = add_card(retro, member, "Named")
    anonymous = add_card(retro, member, "Secret", anonymous=True, secret=secret)
    assert anonymous.writer_tag and anonymous.author is None
    to_phase(retro, "reveal", scrum_master)
    cards = {c.text: c for c in Card.objects.filter(retro=retro)}
    assert set(cards) == {"Named", "Secret"}
    assert not {c.pk for c in cards.values()} & {named.pk, anonymous.pk}
    assert cards["Named"].author == member
    assert cards["Secret"].author is None and cards["Secret"].writer_tag == ""


# --- Grouping --------------------------------------------------------------------


def test_grouping_puts_cards_into_themes_of_the_same_retro_only(
    retro, scrum_master, member, product, make_sprint, make_retro
):
    one, two = add_card(retro, member, "CI is flaky"), add_card(retro, member, "Tests are slow")
    retro = to_phase(retro, "group", scrum_master)
    one, two = Card.objects.get(text="CI is flaky"), Card.objects.get(text="Tests are slow")
    theme = services.theme_create(actor=member, retro=retro, title="Build pipeline", cards=[one])
    services.card_group(actor=member, card=two, theme=theme)
    assert set(theme.cards.values_list("text", flat=True)) == {"CI is flaky", "Tests are slow"}

    other = make_retro(make_sprint(product, "Sprint 2", start=MONDAY + datetime.timedelta(days=14)))
    other = to_phase(other, "group", scrum_master)
    foreign = services.theme_create(actor=member, retro=other, title="Elsewhere")
    with pytest.raises(ValidationError, match="That theme belongs to another retrospective"):
        services.card_group(actor=member, card=Card.objects.get(pk=one.pk), theme=foreign)
    assert Card.objects.get(pk=one.pk).theme == theme


def test_themes_are_renamed_with_versions(retro, scrum_master, member):
    retro = to_phase(retro, "group", scrum_master)
    theme = services.theme_create(actor=member, retro=retro, title="Tooling")
    services.theme_update(actor=member, theme=theme, expected_version=1, title="Tools")
    with pytest.raises(Conflict, match="changed by someone else"):
        services.theme_update(actor=scrum_master, theme=theme, expected_version=1, title="Tooling!")
    assert Theme.objects.get(pk=theme.pk).title == "Tools"


def test_voting_drops_empty_themes_and_makes_solo_themes(retro, scrum_master, member):
    add_card(retro, member, "Alone")
    retro = to_phase(retro, "group", scrum_master)
    services.theme_create(actor=member, retro=retro, title="Empty")
    retro = to_phase(retro, "vote", scrum_master)
    assert list(Theme.objects.filter(retro=retro).values_list("title", "solo")) == [("Alone", True)]


# --- Votes -----------------------------------------------------------------------


@pytest.fixture
def voting(retro, scrum_master, member):
    for text in ("One", "Two", "Three"):
        add_card(retro, member, text)
    retro = to_phase(retro, "vote", scrum_master)
    return retro, list(Theme.objects.filter(retro=retro).order_by("position"))


def test_votes_stop_at_the_limit(voting, member, sprint, make_retro):
    retro, themes = voting
    for _ in range(5):
        services.vote_add(actor=member, retro=retro, theme=themes[0])
    with pytest.raises(ValidationError, match="used all your 5 votes"):
        services.vote_add(actor=member, retro=retro, theme=themes[1])
    assert Vote.objects.filter(voter=member).count() == 5
    services.vote_remove(actor=member, retro=retro, theme=themes[0])
    services.vote_add(actor=member, retro=retro, theme=themes[1])
    assert Vote.objects.filter(voter=member, theme=themes[1]).count() == 1


def test_one_vote_per_theme_when_the_retro_says_so(sprint, make_retro, scrum_master, member):
    retro = make_retro(sprint, several_votes_per_theme=False, votes_per_person=3)
    add_card(retro, member, "Only one")
    retro = to_phase(retro, "vote", scrum_master)
    theme = Theme.objects.get(retro=retro)
    services.vote_add(actor=member, retro=retro, theme=theme)
    with pytest.raises(ValidationError, match="One vote per theme"):
        services.vote_add(actor=member, retro=retro, theme=theme)
    assert Vote.objects.count() == 1


def test_no_voting_while_writing_or_after(retro, scrum_master, member):
    add_card(retro, member, "Card")
    retro = to_phase(retro, "group", scrum_master)
    theme = services.theme_create(actor=member, retro=retro, title="Theme", cards=list(Card.objects.all()))
    with pytest.raises(ValidationError, match="Votes are cast in the vote phase; this retrospective is in the group"):
        services.vote_add(actor=member, retro=retro, theme=theme)
    retro = to_phase(retro, "discuss", scrum_master)
    with pytest.raises(ValidationError, match="vote phase"):
        services.vote_add(actor=member, retro=retro, theme=theme)
    assert not Vote.objects.exists()


def test_voting_rules_are_fixed_once_voting_starts(voting, scrum_master):
    retro, _ = voting
    with pytest.raises(ValidationError, match="cannot change once voting has started"):
        services.retro_update(actor=scrum_master, retro=retro, expected_version=retro.version, votes_per_person=9)
    assert Retrospective.objects.get(pk=retro.pk).votes_per_person == 5


def test_a_vote_on_another_retros_theme_is_refused(voting, member, product, make_sprint, make_retro, scrum_master):
    retro, _ = voting
    other = make_retro(make_sprint(product, "Sprint 2", start=MONDAY + datetime.timedelta(days=14)))
    other = to_phase(other, "group", scrum_master)
    foreign = services.theme_create(actor=member, retro=other, title="Elsewhere")
    with pytest.raises(ValidationError, match="another retrospective"):
        services.vote_add(actor=member, retro=retro, theme=foreign)


# --- Discussion ------------------------------------------------------------------


def test_discussion_starts_with_the_most_voted_theme_and_runs_a_timer(voting, scrum_master, member):
    retro, themes = voting
    services.vote_add(actor=member, retro=retro, theme=themes[2])
    retro = to_phase(retro, "discuss", scrum_master)
    assert retro.discussing == themes[2]
    retro = services.discuss(actor=scrum_master, retro=retro, theme=themes[0], minutes=5)
    assert retro.timer_ends_at is not None
    assert Theme.objects.get(pk=themes[2].pk).discussed
    services.theme_update(actor=member, theme=themes[0], expected_version=1, decision="Pair on releases")
    assert Theme.objects.get(pk=themes[0].pk).decision == "Pair on releases"
    with pytest.raises(ValidationError, match="between 1 and 120"):
        services.discuss(actor=scrum_master, retro=retro, theme=themes[1], minutes=500)


# --- Actions ---------------------------------------------------------------------


def test_an_action_becomes_a_backlog_item_once_and_stays_linked(retro, scrum_master, member):
    add_card(retro, member)
    retro = to_phase(retro, "discuss", scrum_master)
    theme = Theme.objects.get(retro=retro)
    action = services.action_add(
        actor=member, retro=retro, text="Automate the release", owner=member, due_date=MONDAY, theme=theme
    )
    item = services.action_to_backlog(actor=member, action=action)
    assert item.title == "Automate the release" and item.assignee == member
    assert ActionItem.objects.get(pk=action.pk).backlog_item == item
    with pytest.raises(ValidationError, match=f"already backlog item #{item.number}"):
        services.action_to_backlog(actor=member, action=ActionItem.objects.get(pk=action.pk))
    assert BacklogItem.objects.count() == 1


def test_an_action_whose_backlog_item_is_done_is_done(retro, scrum_master, member):
    retro = to_phase(retro, "reveal", scrum_master)
    action = services.action_add(actor=member, retro=retro, text="Add a smoke test")
    item = services.action_to_backlog(actor=member, action=action)
    backlog_services.criterion_add(actor=member, item=item, text="The smoke test runs on every deploy")
    item = backlog_services.item_update(actor=member, item=item, expected_version=item.version, story_points=1)
    for status in ("ready", "in_progress", "done"):
        item = item_set_status(actor=member, item=item, status=status)
    assert ActionItem.objects.get(pk=action.pk).status == ActionItem.Status.DONE


def test_actions_come_from_this_retro_and_owners_from_the_team(retro, scrum_master, member, stakeholder):
    with pytest.raises(ValidationError, match="once the cards are revealed"):
        services.action_add(actor=member, retro=retro, text="Too early")
    retro = to_phase(retro, "reveal", scrum_master)
    with pytest.raises(ValidationError, match="not in the team"):
        services.action_add(actor=member, retro=retro, text="Ask a stakeholder", owner=stakeholder)
    with pytest.raises(ValidationError, match="at most 300"):
        services.action_add(actor=member, retro=retro, text="x" * 301)
    assert not ActionItem.objects.exists()


def test_the_next_retro_opens_with_the_review_of_open_actions(
    retro, scrum_master, member, product, make_sprint, make_retro
):
    retro = to_phase(retro, "reveal", scrum_master)
    done = services.action_add(actor=member, retro=retro, text="Write the runbook", owner=member)
    carried = services.action_add(actor=member, retro=retro, text="Fix the flaky test")
    dropped = services.action_add(actor=member, retro=retro, text="Buy a plant")
    services.action_update(actor=member, action=dropped, expected_version=1, status="dropped")
    to_phase(retro, "closed", scrum_master)

    following = make_retro(make_sprint(product, "Sprint 2", start=MONDAY + datetime.timedelta(days=14)))
    assert following.phase == Phase.REVIEW
    assert following.previous == retro
    with pytest.raises(ValidationError, match="Review the 2 open actions"):
        services.phase_advance(actor=scrum_master, retro=following, to="write")
    services.action_review(actor=scrum_master, retro=following, action=done, outcome="done")
    services.action_review(actor=scrum_master, retro=following, action=carried, outcome="carried")
    with pytest.raises(ValidationError, match="Only open actions"):
        services.action_review(actor=scrum_master, retro=following, action=dropped, outcome="done")
    assert ActionItem.objects.get(pk=done.pk).status == "done"
    copy = ActionItem.objects.get(retro=following)
    assert copy.text == "Fix the flaky test" and copy.carried_from_id == carried.pk and copy.is_open
    assert services.phase_advance(actor=scrum_master, retro=following, to="write").phase == Phase.WRITE


def test_a_retro_without_earlier_open_actions_starts_writing(retro, scrum_master, product, make_sprint, make_retro):
    to_phase(retro, "closed", scrum_master)
    following = make_retro(make_sprint(product, "Sprint 2", start=MONDAY + datetime.timedelta(days=14)))
    assert following.phase == Phase.WRITE


# --- Close and summary email -------------------------------------------------------


def test_closing_queues_one_email_per_team_member_and_sends_each_once(
    retro, scrum_master, member, pm, stakeholder, django_capture_on_commit_callbacks
):
    add_card(retro, member)
    with django_capture_on_commit_callbacks(execute=True):
        to_phase(retro, "closed", scrum_master)
    assert set(SummaryEmail.objects.values_list("recipient__username", flat=True)) == {"pm", "scrum", "member"}
    assert len(mail.outbox) == 3
    assert all(m.subject == "[Recommender] Summary: Retrospective: Sprint 1" for m in mail.outbox)
    assert "Deploys are slow" in mail.outbox[0].body
    assert mail.outbox[0].attachments[0][0].endswith(".md")
    from apps.retros import notifications

    assert notifications.retro_emails_send(retro_id=retro.pk) == 0
    assert len(mail.outbox) == 3


def test_a_broker_outage_does_not_fail_the_close(retro, scrum_master, django_capture_on_commit_callbacks, monkeypatch):
    from apps.retros import tasks
    from portal.celery import app

    def down(*args, **kwargs):
        raise OSError("broker down")

    # As in production: no task runs in place, and the broker is unreachable.
    monkeypatch.setattr(tasks.send_summary_emails, "delay", down)
    app.conf.task_always_eager = False
    try:
        with django_capture_on_commit_callbacks(execute=True):
            retro = to_phase(retro, "closed", scrum_master)
    finally:
        app.conf.task_always_eager = True
    assert retro.is_closed
    # The outbox row waits for the sweep.
    assert SummaryEmail.objects.filter(sent_at__isnull=True).count() == 1
