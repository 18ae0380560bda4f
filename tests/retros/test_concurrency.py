"""Several people on one board at the same moment, on PostgreSQL (SQLite
serialises writers anyway): nothing is lost, limits hold, each refusal is clear."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from apps.accounts.models import Role
from apps.core.exceptions import Conflict
from apps.core.models import SealedBallot
from apps.retros import services
from apps.retros.models import Card, HealthAnswer, HealthCheck, HealthCheckMark, Theme, Vote
from tests.factories import MembershipFactory, UserFactory
from tests.retros.conftest import first_column, to_phase


def race(*actions):
    start = threading.Barrier(len(actions))
    outcomes = []

    def run(action):
        try:
            start.wait()
            action()
            outcomes.append("done")
        except (ValidationError, Conflict) as exc:
            outcomes.append(" ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks are what is tested")


def people(product, count):
    return [MembershipFactory(product=product, role=Role.TEAM_MEMBER, user=UserFactory()).user for _ in range(count)]


def voting_board(retro, scrum_master, author, themes=2):
    for n in range(themes):
        services.card_add(actor=author, retro=retro, column=first_column(retro), text=f"Card {n}")
    retro = to_phase(retro, "vote", scrum_master)
    return retro, list(Theme.objects.filter(retro=retro).order_by("position"))


@pytest.mark.django_db(transaction=True)
def test_one_person_voting_in_many_tabs_at_once_stays_within_the_limit(postgres_only, scrum_master, member, retro):
    retro, themes = voting_board(retro, scrum_master, member)
    outcomes = race(*[lambda t=themes[n % 2]: services.vote_add(actor=member, retro=retro, theme=t) for n in range(12)])
    assert outcomes.count("done") == 5
    assert all("used all your 5 votes" in o for o in outcomes if o != "done")
    assert Vote.objects.filter(voter=member).count() == 5


@pytest.mark.django_db(transaction=True)
def test_one_vote_per_theme_holds_under_concurrency(postgres_only, scrum_master, member, sprint, make_retro):
    retro = make_retro(sprint, several_votes_per_theme=False)
    retro, themes = voting_board(retro, scrum_master, member)
    outcomes = race(*[lambda: services.vote_add(actor=member, retro=retro, theme=themes[0]) for _ in range(6)])
    assert outcomes.count("done") == 1
    assert Vote.objects.filter(voter=member, theme=themes[0]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_everyone_voting_at_the_same_moment_all_count(postgres_only, scrum_master, member, product, retro):
    voters = people(product, 8)
    retro, themes = voting_board(retro, scrum_master, member)
    outcomes = race(*[lambda v=v: services.vote_add(actor=v, retro=retro, theme=themes[0]) for v in voters])
    assert outcomes == ["done"] * 8
    assert Vote.objects.filter(theme=themes[0]).count() == 8


@pytest.mark.django_db(transaction=True)
def test_two_people_grouping_at_once_both_count(postgres_only, scrum_master, member, teammate, retro):
    for text in ("One", "Two"):
        services.card_add(actor=member, retro=retro, column=first_column(retro), text=text)
    retro = to_phase(retro, "group", scrum_master)
    theme = services.theme_create(actor=member, retro=retro, title="Together")
    one, two = Card.objects.get(text="One"), Card.objects.get(text="Two")
    outcomes = race(
        lambda: services.card_group(actor=member, card=one, theme=theme),
        lambda: services.card_group(actor=teammate, card=two, theme=theme),
    )
    assert outcomes == ["done", "done"]
    assert set(Card.objects.filter(theme=theme).values_list("text", flat=True)) == {"One", "Two"}


@pytest.mark.django_db(transaction=True)
def test_two_people_writing_at_once_both_count(postgres_only, member, teammate, retro, secret):
    outcomes = race(
        lambda: services.card_add(actor=member, retro=retro, column=first_column(retro), text="Mine"),
        lambda: services.card_add(
            actor=teammate, retro=retro, column=first_column(retro), text="Theirs", anonymous=True, secret=secret
        ),
    )
    assert outcomes == ["done", "done"]
    assert Card.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_renames_of_one_theme_at_once_keep_one_and_tell_the_other(
    postgres_only, scrum_master, member, teammate, retro
):
    retro = to_phase(retro, "group", scrum_master)
    theme = services.theme_create(actor=member, retro=retro, title="Tooling")
    outcomes = race(
        lambda: services.theme_update(actor=member, theme=theme, expected_version=1, title="Tools"),
        lambda: services.theme_update(actor=teammate, theme=theme, expected_version=1, title="Build tools"),
    )
    assert outcomes.count("done") == 1 and any("changed by someone else" in o for o in outcomes)
    assert Theme.objects.get(pk=theme.pk).version == 2


@pytest.mark.django_db(transaction=True)
def test_a_card_written_while_the_facilitator_reveals_is_revealed_or_refused(
    postgres_only, scrum_master, member, retro, secret
):
    outcomes = race(
        lambda: services.card_add(
            actor=member, retro=retro, column=first_column(retro), text="Last second", anonymous=True, secret=secret
        ),
        lambda: services.phase_advance(actor=scrum_master, retro=retro, to="reveal"),
    )
    assert outcomes[0] == "done" or outcomes[1] == "done"
    # Never a sealed, tagged draft left behind on a revealed board.
    assert not Card.objects.filter(retro=retro).exclude(writer_tag="").exists()
    assert not Card.objects.filter(retro=retro, sealed__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_advancing_twice_at_once_moves_one_phase(postgres_only, scrum_master, retro):
    outcomes = race(
        lambda: services.phase_advance(actor=scrum_master, retro=retro, to="reveal"),
        lambda: services.phase_advance(actor=scrum_master, retro=retro, to="reveal"),
    )
    assert sorted(outcomes) == ["The retrospective is already in the reveal phase.", "done"]


@pytest.mark.django_db(transaction=True)
def test_a_double_health_answer_at_once_is_counted_once(postgres_only, member, retro):
    check = HealthCheck.objects.get(retro=retro)
    ratings = {d["id"]: ("green", "") for d in check.dimensions}
    outcomes = race(*[lambda: services.health_answer(actor=member, check=check, ratings=ratings) for _ in range(3)])
    assert outcomes.count("done") == 1
    assert HealthCheckMark.objects.count() == 1 and SealedBallot.objects.filter(box=check.box).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_answer_racing_the_close_is_released_or_refused(postgres_only, member, scrum_master, retro):
    check = HealthCheck.objects.get(retro=retro)
    ratings = {d["id"]: ("amber", "") for d in check.dimensions}
    race(
        lambda: services.health_answer(actor=member, check=check, ratings=ratings),
        lambda: services.health_check_close(actor=scrum_master, check=check),
    )
    # Nothing is left sealed in a closed box, and what was answered was released.
    assert not SealedBallot.objects.filter(box=check.box).exists()
    marks = HealthCheckMark.objects.filter(health_check=check).count()
    assert HealthCheck.objects.get(pk=check.pk).responses == marks
    assert not HealthAnswer.objects.filter(health_check=check).exists()  # one answer: below the minimum
