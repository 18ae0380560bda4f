"""Demo retrospectives for `make run`: per demo product, a closed retro of
each past sprint (cards, some anonymous, grouped into themes, voted,
discussed, with actions, one made a backlog item) and a health check the
whole team answered, so the health grid shows a trend; each retro opens
with the review of the previous one's open actions. The running sprint has
its retro open at that review, with an overdue action on the sprint page.
Everything goes through the services; the past retros are then dated to the
days their sprints ended. A product that already has retros is left alone."""

import datetime

from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.products.models import Product
from apps.retros import services, writers
from apps.retros.models import Card, Column, HealthCheck, Phase, Retrospective, Theme
from apps.sprints.models import Sprint

# Per past sprint: format, cards (column index, text, anonymous), themes
# (title, card texts, decision), actions (text, owner, due in days after the
# sprint's end, from theme), health (one colour per person, per dimension step).
RETROS = [
    {
        "format": "4ls",
        "cards": [
            (0, "Pairing on the evaluation notebook", False),
            (1, "How to read the offline metrics", False),
            (2, "Time to review pull requests", True),
            (2, "A staging copy of the feature store", False),
            (3, "Fewer meetings in the first week", True),
            (2, "Reviews waited two days", True),
        ],
        "themes": [
            ("Code review is slow", ["Time to review pull requests", "Reviews waited two days"], "Review before noon."),
            ("Environments", ["A staging copy of the feature store"], "Ask the platform team for a staging copy."),
        ],
        "actions": [
            ("Agree on a review rota", "tara", 10, "Code review is slow", True),
            ("Request a staging feature store", "sam", 14, "Environments", False),
        ],
        "health": ["amber", "red", "amber", "green", "red"],
    },
    {
        "format": "start-stop-continue",
        "cards": [
            (0, "Writing down data assumptions before modelling", False),
            (1, "Starting work that has no acceptance criteria", True),
            (2, "The review rota", False),
            (1, "Late scope changes", True),
            (0, "Demoing experiments, not only features", False),
        ],
        "themes": [
            (
                "Scope discipline",
                ["Starting work that has no acceptance criteria", "Late scope changes"],
                "Grooming before planning.",
            ),
        ],
        "actions": [
            ("Add a data-assumption checklist to grooming", "pia", 12, "Scope discipline", False),
        ],
        "health": ["green", "amber", "amber", "green", "amber"],
    },
    {
        "format": "mad-sad-glad",
        "cards": [
            (0, "The nightly job failed silently twice", True),
            (1, "We dropped the diversity experiment", False),
            (2, "Shadow traffic showed the new ranker works", False),
            (2, "Reviews happen the same day now", True),
        ],
        "themes": [
            ("Monitoring", ["The nightly job failed silently twice"], "Alert on missing runs."),
        ],
        "actions": [
            ("Alert when the nightly job does not finish", "uma", -3, "Monitoring", False),
        ],
        "health": ["green", "green", "amber", "green", "green"],
    },
]
REVIEW_OUTCOMES = ["done", "carried", "dropped"]


def seed(*, products, people) -> None:
    for product in products:
        if Retrospective.objects.filter(product=product).exists():
            continue
        past = list(Sprint.objects.filter(product=product, status=Sprint.Status.CLOSED).order_by("start_date"))
        current = Sprint.objects.filter(product=product, status=Sprint.Status.ACTIVE).first()
        if not past:
            continue
        team = _team(product)
        lead = people["sam"]
        for sprint, plan in zip(past[-len(RETROS) :], RETROS, strict=False):
            _past_retro(product, sprint, plan, team=team, lead=lead)
        if current is not None:
            services.retro_create(actor=lead, product=product, sprint=current, format_key="sailboat")


def _team(product: Product) -> dict[str, User]:
    members = Membership.objects.filter(
        product=product, role__in=[Role.PRODUCT_MANAGER, Role.SCRUM_MASTER, Role.TEAM_MEMBER]
    ).select_related("user")
    return {m.user.username: m.user for m in members}


def _past_retro(product: Product, sprint: Sprint, plan: dict, *, team: dict[str, User], lead: User) -> None:
    retro = services.retro_create(actor=lead, product=product, sprint=sprint, format_key=plan["format"])
    for n, action in enumerate(services.actions_to_review(retro)):
        services.action_review(actor=lead, retro=retro, action=action, outcome=REVIEW_OUTCOMES[n % 3])
    if retro.phase == Phase.REVIEW:
        retro = services.phase_advance(actor=lead, retro=retro, to=Phase.WRITE)
    columns = list(Column.objects.filter(retro=retro))
    writers_by_name = list(team.values())
    secrets = {person.pk: writers.new_secret() for person in writers_by_name}
    for n, (column, text, anonymous) in enumerate(plan["cards"]):
        person = writers_by_name[n % len(writers_by_name)]
        services.card_add(
            actor=person,
            retro=retro,
            column=columns[min(column, len(columns) - 1)],
            text=text,
            anonymous=anonymous,
            secret=secrets[person.pk],
        )
    _health(retro, team, plan["health"])
    retro = services.phase_advance(actor=lead, retro=retro, to=Phase.GROUP)
    themes = {}
    for title, texts, _ in plan["themes"]:
        cards = list(Card.objects.filter(retro=retro, text__in=texts))
        themes[title] = services.theme_create(actor=lead, retro=retro, title=title, cards=cards)
    retro = services.phase_advance(actor=lead, retro=retro, to=Phase.VOTE)
    ranked = list(Theme.objects.filter(retro=retro).order_by("position"))
    for n, person in enumerate(team.values()):
        for k in range(3):
            services.vote_add(actor=person, retro=retro, theme=ranked[(n + k) % len(ranked) if k else 0])
    retro = services.phase_advance(actor=lead, retro=retro, to=Phase.DISCUSS)
    for title, _, decision in plan["themes"]:
        theme = Theme.objects.get(pk=themes[title].pk)
        retro = services.discuss(actor=lead, retro=retro, theme=theme, minutes=5)
        services.theme_update(actor=lead, theme=theme, expected_version=theme.version, decision=decision)
    for text, owner, due_in, theme_title, to_backlog in plan["actions"]:
        action = services.action_add(
            actor=lead,
            retro=retro,
            text=text,
            owner=team.get(owner),
            due_date=sprint.end_date + datetime.timedelta(days=due_in) if due_in >= 0 else _days_ago(-due_in),
            theme=themes.get(theme_title),
        )
        if to_backlog:
            services.action_to_backlog(actor=lead, action=action)
    retro = services.phase_advance(actor=lead, retro=retro, to=Phase.CLOSED)
    # Demo history: the retro (and its check) closed the day after the sprint ended.
    ended = timezone.make_aware(datetime.datetime.combine(sprint.end_date, datetime.time(16)))
    Retrospective.objects.filter(pk=retro.pk).update(closed_at=ended)
    HealthCheck.objects.filter(retro=retro).update(closed_at=ended)


def _health(retro: Retrospective, team: dict[str, User], colours: list[str]) -> None:
    check = HealthCheck.objects.filter(retro=retro).first()
    if check is None:
        return
    order = ["red", "amber", "green"]
    for n, person in enumerate(list(team.values())[: len(colours)]):
        base = order.index(colours[n])
        # Each dimension a little different, so the grid is not one colour.
        ratings = {
            d["id"]: (order[max(0, min(2, base + (i % 3 == n % 3) - (i % 4 == 0)))], "")
            for i, d in enumerate(check.dimensions)
        }
        services.health_answer(actor=person, check=check, ratings=ratings)


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)
