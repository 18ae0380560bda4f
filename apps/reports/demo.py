"""Demo happiness data for `make run`: per demo product a survey on an
8-week cadence with two closed rounds (so the report shows a trend, a change
and a follow-up) and a plan linked to a backlog item. Idempotent: a product
that has a survey is left alone."""

from datetime import timedelta

from django.utils import timezone

from apps.accounts.demo import demo_person
from apps.accounts.models import Membership, Role, User
from apps.reports import services
from apps.reports.models import HappinessReport, Survey, SurveyRound

# More people to answer, so each round has more than the minimum of five.
RESPONDENTS = [
    ("uma", "Uma", "Ulrich", Role.TEAM_MEMBER),
    ("viktor", "Viktor", "Vance", Role.TEAM_MEMBER),
    ("wen", "Wen", "Wu", Role.STAKEHOLDER),
    ("xavier", "Xavier", "Xu", Role.STAKEHOLDER),
]
CAPABILITIES = {
    "recommender": ["Recommendation API", "Offline evaluation", "Documentation"],
    "insights": ["Dashboards", "Data catalogue", "Documentation", "Support channel"],
}
# (happiness, recommend, {capability index: satisfaction}, liked, improve), per round.
ANSWERS = [
    [
        (4, 9, {0: 4, 2: 2}, "The API is fast and stable", "The docs are outdated and miss examples"),
        (3, 7, {0: 3, 1: 3, 2: 2}, "Helpful team", "Documentation of the features is hard to find"),
        (2, 5, {1: 2}, "", "Evaluation runs are slow and sometimes fail"),
        (4, 8, {0: 4, 2: 3}, "Quick answers on Slack", "More examples in the docs"),
        (3, 6, {0: 3, 1: 2, 2: 2}, "", "Outages last month hurt us"),
        (5, 10, {0: 5}, "Easy to integrate", ""),
        (3, 7, {0: 3, 2: 1}, "", "Onboarding took too long; access approvals are slow"),
    ],
    [
        (4, 9, {0: 4, 2: 4}, "The new getting-started guide", "Still a few gaps in the docs"),
        (4, 8, {0: 4, 1: 3, 2: 4}, "Documentation is much better", "Evaluation is slow"),
        (3, 7, {1: 3}, "Stable since the fixes", "Faster evaluation please"),
        (5, 9, {0: 5, 2: 4}, "Support is great", ""),
        (4, 7, {0: 4, 1: 3, 2: 3}, "", "Dashboards load slowly"),
        (5, 10, {0: 5}, "Easy to use", ""),
        (4, 9, {0: 4, 2: 4}, "Examples in the docs", "Access approvals still take days"),
        (3, 6, {0: 3}, "", "Error messages are confusing"),
    ],
]


def seed(*, products, people) -> None:
    respondents = [demo_person(username, first, last) for username, first, last, _ in RESPONDENTS]
    pm = people["pia"]
    for product in products:
        for person, (*_, role) in zip(respondents, RESPONDENTS, strict=True):
            Membership.objects.get_or_create(user=person, product=product, defaults={"role": role})
        if Survey.objects.filter(product=product).exists():
            continue
        _seed_product(product, pm)


def _seed_product(product, pm: User) -> None:
    now = timezone.now()
    capabilities = CAPABILITIES.get(product.slug, ["Documentation", "Support channel"])
    survey = services.survey_create(
        actor=pm,
        product=product,
        title="Happiness survey",
        every_weeks=8,
        first_opening=now + timedelta(weeks=6),
        capabilities=capabilities,
    )
    services.subscription_set(actor=pm, product=product, subscribed=True)
    previous = None
    for number, answers in enumerate(ANSWERS, start=1):
        round_ = services.round_open_now(survey=survey, actor=pm)
        for invitation, (happiness, recommend, rated, liked, improve) in zip(
            round_.invitations.order_by("pk"), answers, strict=False
        ):
            services.answer_submit(
                invitation=invitation,
                happiness=happiness,
                recommend=recommend,
                capabilities={capabilities[i]: score for i, score in rated.items() if i < len(capabilities)},
                liked=liked,
                improve=improve,
            )
        services.round_close_now(round_=round_, actor=pm)
        # Demo history: move the round back in time (8 weeks apart, the last
        # one closed two weeks ago) as if it had run on schedule.
        opened = now - timedelta(weeks=8 * (len(ANSWERS) - number) + 4)
        SurveyRound.objects.filter(pk=round_.pk).update(
            opened_at=opened, closes_at=opened + timedelta(days=14), closed_at=opened + timedelta(days=14)
        )
        report = services.report_build(round_=round_, actor=pm)
        if previous is None:
            _plan(report, pm)
        previous = report


def _plan(report: HappinessReport, pm: User) -> None:
    report = services.report_actions_set(
        actor=pm,
        report=report,
        note="Documentation came up most: we write a **getting-started guide** with examples and "
        "review the docs every sprint.",
        item_numbers=[],
        expected_version=report.actions_version,
    )
    services.report_item_create(
        actor=pm,
        report=report,
        title="Getting-started guide with worked examples",
        kind="story",
        expected_version=report.actions_version,
    )
