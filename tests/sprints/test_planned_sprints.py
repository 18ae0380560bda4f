from apps.sprints.models import Sprint, SprintItem
from apps.sprints.selectors import planned_sprints
from tests.factories import BacklogItemFactory, SprintFactory, SprintItemFactory


def test_planned_sprints_maps_items_to_their_open_sprint_only(db, django_assert_num_queries):
    planned = SprintFactory(status=Sprint.Status.PLANNED)
    active = SprintFactory(product=planned.product, status=Sprint.Status.ACTIVE)
    closed = SprintFactory(product=planned.product, status=Sprint.Status.CLOSED)
    in_planned = SprintItemFactory(sprint=planned).item
    in_active = SprintItemFactory(sprint=active).item
    carried = SprintItemFactory(sprint=closed, outcome=SprintItem.Outcome.CARRIED_OVER).item
    SprintItemFactory(sprint=planned, item=carried)
    finished_only = SprintItemFactory(sprint=closed, outcome=SprintItem.Outcome.FINISHED).item
    unplanned = BacklogItemFactory(product=planned.product)

    ids = [in_planned.pk, in_active.pk, carried.pk, finished_only.pk, unplanned.pk]
    with django_assert_num_queries(1):
        found = planned_sprints(ids)
        assert {item_id: sprint.name for item_id, sprint in found.items()} == {
            in_planned.pk: planned.name,
            in_active.pk: active.name,
            carried.pk: planned.name,
        }
    assert found[in_active.pk].status == Sprint.Status.ACTIVE
    assert found[in_active.pk].start_date == active.start_date


def test_planned_sprints_of_no_items_is_empty(db):
    assert planned_sprints([]) == {}
