"""Two leads acting at the same moment, on PostgreSQL (SQLite serialises
writers anyway): exactly one wins, the other gets a clear refusal, nothing is
half-done."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from apps.sprints import services
from apps.sprints.models import ScopeEvent, Sprint, SprintItem
from tests.sprints.conftest import day


def _race(*actions):
    start = threading.Barrier(len(actions))
    outcomes = []

    def run(action):
        try:
            start.wait()
            action()
            outcomes.append("done")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
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


@pytest.mark.django_db(transaction=True)
def test_one_item_pulled_into_two_sprints_at_once_lands_in_one(
    postgres_only, pm, scrum_master, product, make_item, make_sprint
):
    item = make_item(product, points=3, status="ready")
    first, second = make_sprint(product, "One"), make_sprint(product, "Two", start=day(7))
    outcomes = _race(
        lambda: services.sprint_item_add(actor=pm, sprint=first, item=item),
        lambda: services.sprint_item_add(actor=scrum_master, sprint=second, item=item),
    )
    assert outcomes.count("done") == 1 and any("is already in" in outcome for outcome in outcomes)
    assert SprintItem.objects.filter(item=item).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sprints_started_at_once_leave_one_active(postgres_only, pm, scrum_master, product, make_item, make_sprint):
    first, second = make_sprint(product, "One"), make_sprint(product, "Two", start=day(7))
    services.sprint_item_add(actor=pm, sprint=first, item=make_item(product, points=3, status="ready"))
    outcomes = _race(
        lambda: services.sprint_start(actor=pm, sprint=first),
        lambda: services.sprint_start(actor=scrum_master, sprint=second),
    )
    assert outcomes.count("done") == 1 and any("still active" in outcome for outcome in outcomes)
    assert Sprint.objects.filter(status=Sprint.Status.ACTIVE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_closing_twice_at_once_closes_once(postgres_only, pm, scrum_master, product, make_sprint):
    sprint = services.sprint_start(actor=pm, sprint=make_sprint(product))
    outcomes = _race(
        lambda: services.sprint_close(actor=pm, sprint=sprint, decisions={}),
        lambda: services.sprint_close(actor=scrum_master, sprint=sprint, decisions={}),
    )
    assert sorted(outcomes) == ["Sprint 1 is already closed.", "done"]
    assert not ScopeEvent.objects.exclude(kind="committed").exists()
