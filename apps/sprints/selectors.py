"""Reads about sprints that pages, the API and other apps share."""

from collections.abc import Iterable

from apps.sprints.models import Sprint, SprintItem


def planned_sprints(item_ids: Iterable[int]) -> dict[int, Sprint]:
    """For each backlog item id, the planned or active sprint it is committed
    to now; items in no open sprint are absent. One query, whatever the count."""
    entries = SprintItem.objects.filter(item_id__in=list(item_ids), outcome=SprintItem.Outcome.OPEN).select_related(
        "sprint"
    )
    return {entry.item_id: entry.sprint for entry in entries}
