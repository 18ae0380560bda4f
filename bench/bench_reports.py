"""Happiness surveys at scale: building a report from many answers, the
report page and downloads (served from the snapshot), lists of many rounds,
and answering through a link."""

import random
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.products.models import Product
from apps.reports import links, services
from apps.reports.models import Group, Invitation, Survey, SurveyAnswer, SurveyRound
from bench.harness import client_for, measure, measure_get, print_header, print_row, raw_sql_floor

CAPABILITIES = ["Feature store", "Model registry", "Notebooks", "Documentation", "Support"]
COMMENTS = [
    "The docs are outdated",
    "Pipelines crash too often",
    "Slow dashboards",
    "Access approvals take weeks",
    "Great support on Slack",
    "Easy to use",
    "",
]


def make_people(product: Product, count: int) -> list[User]:
    start = User.objects.count()
    people = User.objects.bulk_create(
        User(username=f"person{start + i}", email=f"person{start + i}@example.com") for i in range(count)
    )
    roles = [Role.TEAM_MEMBER, Role.STAKEHOLDER, Role.STAKEHOLDER]
    Membership.objects.bulk_create(
        Membership(user=p, product=product, role=roles[i % len(roles)]) for i, p in enumerate(people)
    )
    return people


def make_closed_round(survey: Survey, people: list[User], answers: int, rng: random.Random) -> SurveyRound:
    number = survey.rounds.count() + 1
    opened = timezone.now() - timedelta(weeks=8 * (40 - number))
    round_ = SurveyRound.objects.create(
        survey=survey,
        number=number,
        status=SurveyRound.Status.CLOSED,
        opened_at=opened,
        closes_at=opened + timedelta(days=14),
        closed_at=opened + timedelta(days=14),
        invited_count=len(people),
    )
    Invitation.objects.bulk_create(
        Invitation(round=round_, person=p, group=Group.TEAM, sent=True, answered=i < answers)
        for i, p in enumerate(people)
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(
            round=round_,
            group=rng.choice([Group.TEAM, Group.STAKEHOLDERS]),
            happiness=rng.randint(1, 5),
            recommend=rng.randint(0, 10),
            capabilities={c: rng.randint(1, 5) for c in rng.sample(CAPABILITIES, 3)},
            liked=rng.choice(COMMENTS),
            improve=rng.choice(COMMENTS),
        )
        for _ in range(answers)
    )
    return round_


def run() -> None:
    rng = random.Random(6)
    pm = User.objects.create_user("bench-pm", password="x")
    product = Product.objects.create(name="Bench platform", slug="bench-platform")
    Membership.objects.create(user=pm, product=product, role=Role.PRODUCT_MANAGER)
    survey = services.survey_create(
        actor=pm,
        product=product,
        title="Bench happiness",
        every_weeks=8,
        first_opening=timezone.now(),
        capabilities=CAPABILITIES,
    )
    client = client_for(pm)
    base = f"/p/{product.slug}/reports/"
    people = make_people(product, 2000)

    print_header("reports")
    for answers in (50, 2000):
        round_ = make_closed_round(survey, people[:answers], answers, rng)
        build = measure(lambda round_=round_: services.report_build(round_=round_), repeat=5)
        floor = raw_sql_floor(
            "SELECT group, happiness, recommend, capabilities, liked, improve FROM reports_surveyanswer "
            "WHERE round_id = %s".replace("group", '"group"'),
            [round_.pk],
        )
        print_row(f"build report, {answers} answers", build, floor)
        print_row(f"report page, {answers} answers", measure_get(client, f"{base}rounds/{round_.pk}/"))
        print_row(
            f"report PDF, {answers} answers", measure_get(client, f"{base}rounds/{round_.pk}/report.pdf", repeat=5)
        )
        print_row(f"report HTML, {answers} answers", measure_get(client, f"{base}rounds/{round_.pk}/report.html"))

    for total in (10, 30):
        while survey.rounds.count() < total:
            services.report_build(round_=make_closed_round(survey, people[:20], 10, rng))
        print_row(f"happiness home, {total} rounds", measure_get(client, base))
        print_row(
            f"API rounds list, {total} rounds", measure_get(client, f"/api/v1/products/{product.slug}/survey-rounds/")
        )
        print_row(
            f"API reports list, {total} rounds",
            measure_get(client, f"/api/v1/products/{product.slug}/happiness-reports/"),
        )

    invitation_round = services.round_open(survey=survey, actor=pm)
    invitations = iter(invitation_round.invitations.order_by("pk"))
    answer = {"happiness": "4", "recommend": "9", "capability_0": "5", "liked": "Fast", "improve": "Docs"}

    def submit():
        invitation = next(invitations)
        link = links.new_invitation_url(invitation, product.slug).removeprefix(settings.PORTAL_BASE_URL)
        client.get(link)  # the link puts the invitation in the session
        response = client.post(reverse("reports:answer", args=[product.slug]), answer)
        assert response.status_code == 302, response.status_code

    print_row("answer through a personal link (POST)", measure(submit, repeat=30))
