"""Demo assumptions for `make run`, on the running staged sprint that
apps.sprints.demo plans for the Insights Platform: one held, one wrong (its
follow-ups planned into the modelling stage, so the sprint shows what it
cost) and one not checked yet. A product that already has assumptions is left alone."""

from apps.hypotheses import services
from apps.hypotheses.models import Assumption
from apps.sprints.demo import on_day
from apps.sprints.models import Sprint
from apps.sprints.selectors import open_sprints, stages_of


def seed(*, products, people) -> None:
    lead, member = people["sam"], people["tara"]
    for product in products:
        staged = [s for s in open_sprints(product) if s.is_staged and s.status == Sprint.Status.ACTIVE]
        if not staged or Assumption.objects.filter(product=product).exists():
            continue
        _assumptions_of(staged[0], lead=lead, member=member)


def _assumptions_of(sprint: Sprint, *, lead, member) -> None:
    held = services.assumption_record(
        actor=member,
        sprint=sprint,
        text="Analysts get read access to the query logs within a week",
        category="access_approval",
    )
    services.assumption_mark_held(actor=member, assumption=held, note="Access granted on day 3.")
    wrong = services.assumption_record(
        actor=member, sprint=sprint, text="The warehouse keeps two years of query logs", category="data_availability"
    )
    with on_day(sprint, day=6):
        services.assumption_mark_wrong(
            actor=lead,
            assumption=wrong,
            note="Only nine months are kept online; the rest is in cold storage.",
            follow_ups=[
                {"title": "Restore archived query logs", "kind": "data_request", "story_points": 3},
                {"title": "Document the nine-month retention gap", "kind": "task", "story_points": 1},
            ],
            place=services.INTO_SPRINT,
            stage=stages_of(sprint)[1],
        )
    services.assumption_record(
        actor=member, sprint=sprint, text="Three queries cause most of the slow loads", category="effort"
    )
