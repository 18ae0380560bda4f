"""Surveys with people to answer them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.reports import services
from apps.reports.models import Invitation, Survey, SurveyRound
from tests.factories import MembershipFactory

CAPABILITIES = ["Feature store", "Documentation"]


def add_people(product, count: int, role=Role.TEAM_MEMBER) -> list:
    return [MembershipFactory(product=product, role=role).user for _ in range(count)]


def make_survey(product, actor, **overrides) -> Survey:
    fields = {
        "title": "Quarterly happiness",
        "every_weeks": 8,
        "first_opening": timezone.now() + timedelta(days=1),
        "capabilities": CAPABILITIES,
    } | overrides
    return services.survey_create(actor=actor, product=product, **fields)


def answer(invitation: Invitation, happiness=4, recommend=9, **extra) -> None:
    services.answer_submit(invitation=invitation, happiness=happiness, recommend=recommend, **extra)


def answer_round(round_: SurveyRound, scores: list[tuple[int, int]], **extra) -> None:
    """The first len(scores) invitees answer (happiness, recommend)."""
    invitations = list(round_.invitations.order_by("pk"))
    for invitation, (happiness, recommend) in zip(invitations, scores, strict=False):
        answer(invitation, happiness, recommend, **extra)


@pytest.fixture
def survey(product, pm):
    return make_survey(product, pm)


@pytest.fixture
def crowd(product, pm, scrum_master, member, stakeholder):
    """Seven people in the product besides the personas: eleven in all."""
    return add_people(product, 5) + add_people(product, 2, Role.STAKEHOLDER)


@pytest.fixture
def open_round(survey, crowd, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.round_open(survey=survey)


@pytest.fixture
def closed_round(open_round, django_capture_on_commit_callbacks):
    """Six answers, then closed: the report is built through the on-commit task."""
    answer_round(open_round, [(5, 10), (4, 9), (4, 8), (3, 7), (2, 6), (5, 10)], capabilities={"Documentation": 2})
    with django_capture_on_commit_callbacks(execute=True):
        services.round_close(round_=open_round)
    open_round.refresh_from_db()
    return open_round
