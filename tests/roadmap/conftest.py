import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.backlog import ranking
from apps.backlog.models import BacklogItem
from apps.roadmap import services
from apps.roadmap.models import Horizon
from apps.sprints.models import Sprint
from tests.factories import BacklogItemFactory, SprintFactory


@pytest.fixture
def make_roadmap_item(pm, product):
    def make(title="Session-based ranking", horizon=Horizon.NEXT, actor=None, on=None, **fields):
        return services.item_create(actor=actor or pm, product=on or product, title=title, horizon=horizon, **fields)

    return make


def closed_sprints(product, *points, days=14, last_end=None):
    """Closed sprints with frozen figures, ending on consecutive fortnights up to `last_end`."""
    last_end = last_end or timezone.localdate() - datetime.timedelta(days=1)
    made = []
    for n, completed in enumerate(reversed(points)):
        end = last_end - datetime.timedelta(days=days * n)
        made.append(
            SprintFactory(
                product=product,
                status=Sprint.Status.CLOSED,
                start_date=end - datetime.timedelta(days=days - 1),
                end_date=end,
                committed_points=Decimal(completed),
                completed_points=Decimal(completed),
            )
        )
    return made


def backlog(product, *points, kind=BacklogItem.Kind.STORY, parent=None, status=BacklogItem.Status.READY, **fields):
    """Backlog items straight into the table (reads only), one per estimate."""
    start = BacklogItem.objects.filter(product=product).count()
    return [
        BacklogItemFactory(
            product=product,
            number=start + n + 1,
            rank=(start + n + 1) * ranking.GAP,
            kind=kind,
            parent=parent,
            status=status,
            story_points=value,
            done_at=timezone.now() if status == BacklogItem.Status.DONE else None,
            **fields,
        )
        for n, value in enumerate(points)
    ]


def epic(product, title="Ranking v2"):
    return backlog(product, None, kind=BacklogItem.Kind.EPIC, title=title)[0]
