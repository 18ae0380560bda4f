import datetime

import pytest

from apps.accounts.models import Role
from apps.retros import services, writers
from apps.retros.models import Column, Phase
from apps.sprints import services as sprint_services
from apps.sprints.models import Sprint
from tests.factories import MembershipFactory, UserFactory

MONDAY = datetime.date(2026, 3, 2)


@pytest.fixture
def make_sprint(scrum_master):
    def make(product, name="Sprint 1", start=MONDAY, days=10, started=True):
        sprint = sprint_services.sprint_create(
            actor=scrum_master,
            product=product,
            name=name,
            start_date=start,
            end_date=start + datetime.timedelta(days=days - 1),
        )
        if started:
            # One sprint runs at a time: the one before closes first.
            for running in Sprint.objects.filter(product=product, status=Sprint.Status.ACTIVE):
                sprint_services.sprint_close(actor=scrum_master, sprint=running, decisions={})
            sprint = sprint_services.sprint_start(actor=scrum_master, sprint=sprint)
        return sprint

    return make


@pytest.fixture
def sprint(product, make_sprint):
    return make_sprint(product)


@pytest.fixture
def make_retro(scrum_master):
    def make(sprint, **options):
        return services.retro_create(actor=scrum_master, product=sprint.product, sprint=sprint, **options)

    return make


@pytest.fixture
def retro(sprint, make_retro):
    return make_retro(sprint)


@pytest.fixture
def teammate(product):
    """A second team member."""
    return MembershipFactory(product=product, role=Role.TEAM_MEMBER, user=UserFactory(username="mate")).user


@pytest.fixture
def secret():
    return writers.new_secret()


def first_column(retro) -> Column:
    return Column.objects.filter(retro=retro).order_by("position").first()


def advance(retro, to, actor):
    return services.phase_advance(actor=actor, retro=retro, to=to)


def to_phase(retro, phase, actor):
    """Walk the retro to `phase` (one step at a time, as a facilitator would)."""
    order = [p.value for p in Phase]
    retro.refresh_from_db()
    while order.index(retro.phase) < order.index(phase):
        retro = services.phase_advance(actor=actor, retro=retro, to=order[order.index(retro.phase) + 1])
    return retro
