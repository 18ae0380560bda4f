"""The backlog's rules, through its services: workflow, readiness, versions,
history, labels, blockers and bulk changes."""

import pytest
from django.core.exceptions import ValidationError

from apps.backlog import events, services, workflow
from apps.backlog.models import BacklogItem
from apps.core.exceptions import Conflict
from tests.factories import AcceptanceCriterionFactory, BlockerFactory, LabelFactory, ProductFactory

Status = BacklogItem.Status


def ready_item(make_item, **fields):
    item = make_item(story_points=3, **fields)
    AcceptanceCriterionFactory(item=item)
    return item


def test_items_are_numbered_per_product_and_added_at_the_bottom(pm, product):
    first = services.item_create(actor=pm, product=product, title="Baseline model")
    second = services.item_create(actor=pm, product=product, title="Feature store")
    other = services.item_create(actor=pm, product=ProductFactory(), title="Elsewhere")
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert first.rank < second.rank
    top = services.item_create(actor=pm, product=product, title="Urgent", at_top=True)
    assert top.rank < first.rank


def test_an_empty_title_is_refused_with_a_clear_message_and_nothing_saved(pm, product):
    with pytest.raises(ValidationError) as exc:
        services.item_create(actor=pm, product=product, title="   ")
    assert exc.value.message_dict == {"title": ["An item needs a title."]}
    assert not BacklogItem.objects.exists()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"kind": "saga"}, "kind"),
        ({"story_points": -1}, "story_points"),
        ({"estimate_optimistic": 5, "estimate_likely": 3, "estimate_pessimistic": 8}, "__all__"),
        ({"estimate_optimistic": 1, "estimate_likely": 3}, "__all__"),
    ],
)
def test_invalid_fields_are_refused_on_create(pm, product, fields, field):
    with pytest.raises(ValidationError) as exc:
        services.item_create(actor=pm, product=product, title="x", **fields)
    assert field in exc.value.message_dict
    assert not BacklogItem.objects.exists()


def test_unknown_fields_are_refused(pm, product, make_item):
    with pytest.raises(ValidationError, match="Unknown fields: rank"):
        services.item_update(actor=pm, item=make_item(), expected_version=1, rank=5)


def test_parent_must_be_an_epic_of_the_same_product(pm, product, make_item):
    story = make_item()
    foreign_epic = make_item(product=ProductFactory(), kind=BacklogItem.Kind.EPIC)
    with pytest.raises(ValidationError, match="must be an epic"):
        services.item_update(actor=pm, item=make_item(), expected_version=1, parent=story)
    with pytest.raises(ValidationError, match="same product"):
        services.item_update(actor=pm, item=make_item(), expected_version=1, parent=foreign_epic)


def test_an_epic_with_children_cannot_stop_being_an_epic(pm, make_item):
    epic = make_item(kind=BacklogItem.Kind.EPIC)
    make_item(parent=epic)
    with pytest.raises(ValidationError, match="still has items"):
        services.item_update(actor=pm, item=epic, expected_version=1, kind=BacklogItem.Kind.STORY)


def test_only_team_members_can_be_assigned(pm, stakeholder, member, make_item):
    item = make_item()
    with pytest.raises(ValidationError, match="team"):
        services.item_update(actor=pm, item=item, expected_version=1, assignee=stakeholder)
    assert services.item_update(actor=pm, item=item, expected_version=1, assignee=member).assignee == member


def test_a_stale_edit_is_refused_and_the_other_persons_change_kept(pm, scrum_master, make_item):
    item = make_item(title="Churn model")
    services.item_update(actor=scrum_master, item=item, expected_version=1, title="Churn model v2")
    with pytest.raises(Conflict, match="changed by someone else"):
        services.item_update(actor=pm, item=item, expected_version=1, title="Churn model (PM)")
    item.refresh_from_db()
    assert (item.title, item.version) == ("Churn model v2", 2)


def test_an_edit_that_changes_nothing_writes_nothing(pm, make_item):
    item = make_item(title="Same")
    rows = item.history.count()
    services.item_update(actor=pm, item=item, expected_version=1, title="Same ")
    item.refresh_from_db()
    assert item.version == 1 and item.history.count() == rows


def test_edits_are_recorded_with_who_and_what_but_moves_are_not(pm, product):
    item = services.item_create(actor=pm, product=product, title="Baseline")
    other = services.item_create(actor=pm, product=product, title="Other")
    services.item_update(actor=pm, item=item, expected_version=1, title="Baseline v2", story_points=5)
    services.item_move(actor=pm, item=other, before=item)
    latest, created = item.history.all()[:2]
    assert latest.history_user == pm and created.history_type == "+"
    delta = latest.diff_against(created)
    assert {change.field for change in delta.changes} == {"title", "story_points", "version"}
    assert item.history.count() == 2


def test_label_changes_are_one_history_row_with_the_new_labels(pm, product, make_item):
    ml, data = LabelFactory(product=product, name="ml"), LabelFactory(product=product, name="data")
    item = services.item_create(actor=pm, product=product, title="x", labels=[ml])
    services.item_update(actor=pm, item=item, expected_version=1, labels=[data])
    latest, previous = item.history.all()[:2]
    assert {row.label_id for row in latest.labels.all()} == {data.pk}
    assert [c.field for c in latest.diff_against(previous).changes if c.field == "labels"] == ["labels"]
    assert item.history.count() == 3  # created, labels at creation, the edit


def test_labels_of_another_product_are_refused(pm, product, make_item):
    with pytest.raises(ValidationError, match="another product"):
        services.item_create(actor=pm, product=product, title="x", labels=[LabelFactory()])
    assert not BacklogItem.objects.exists()


@pytest.mark.parametrize(
    "current, target",
    [
        (Status.NEW, Status.IN_PROGRESS),
        (Status.NEW, Status.DONE),
        (Status.DONE, Status.NEW),
        (Status.DROPPED, Status.DONE),
    ],
)
def test_illegal_jumps_are_refused(pm, make_item, current, target):
    item = ready_item(make_item, status=current)
    with pytest.raises(ValidationError, match="cannot go from"):
        services.item_set_status(actor=pm, item=item, status=target)
    item.refresh_from_db()
    assert item.status == current and item.version == 1


def test_workflow_targets_follow_the_transition_table():
    assert workflow.allowed_targets(Status.NEW) == [Status.READY, Status.DROPPED]
    assert all(workflow.can_move(a, b) for a, targets in workflow.TRANSITIONS.items() for b in targets)
    assert not workflow.can_move(Status.IN_REVIEW, Status.NEW)


def test_an_unknown_status_is_refused(pm, make_item):
    with pytest.raises(ValidationError, match="Unknown status 'shipped'"):
        services.item_set_status(actor=pm, item=make_item(), status="shipped")


def test_ready_needs_acceptance_criteria_and_an_estimate(pm, make_item):
    item = make_item()
    with pytest.raises(ValidationError, match="no acceptance criteria and it has no estimate"):
        services.item_set_status(actor=pm, item=item, status=Status.READY)
    services.criterion_add(actor=pm, item=item, text="AUC ≥ 0.8 on the gold set")
    services.item_update(
        actor=pm, item=item, expected_version=1, estimate_optimistic=2, estimate_likely=3, estimate_pessimistic=8
    )
    assert services.item_set_status(actor=pm, item=item, status=Status.READY).status == Status.READY


def test_done_records_when_and_reopening_clears_it(pm, make_item):
    item = ready_item(make_item, status=Status.IN_REVIEW)
    item = services.item_set_status(actor=pm, item=item, status=Status.DONE)
    assert item.done_at is not None
    item = services.item_set_status(actor=pm, item=item, status=Status.IN_PROGRESS)
    assert item.done_at is None


def test_status_listeners_hear_each_change(pm, make_item, monkeypatch):
    heard = []
    monkeypatch.setattr(events, "_status_listeners", [])
    events.on_status_change(lambda **kw: heard.append((kw["old_status"], kw["new_status"], kw["actor"])))
    services.item_set_status(actor=pm, item=ready_item(make_item), status=Status.READY)
    assert heard == [(Status.NEW, Status.READY, pm)]


def test_the_estimate_range_gives_expected_value_spread_and_uncertainty(make_item):
    narrow = make_item(estimate_optimistic=3, estimate_likely=5, estimate_pessimistic=8)
    wide = make_item(estimate_optimistic=2, estimate_likely=3, estimate_pessimistic=13)
    assert round(narrow.expected_points, 2) == 5.17 and round(narrow.spread, 2) == 0.83
    assert not narrow.is_highly_uncertain and wide.is_highly_uncertain
    assert make_item(story_points=5).expected_points == 5


def test_a_blocker_is_open_until_resolved_once(pm, make_item):
    item = make_item()
    blocker = services.blocker_add(actor=pm, item=item, reason="Waiting for PII approval", kind="data_access")
    resolved = services.blocker_resolve(actor=pm, blocker=blocker)
    assert resolved.resolved_at >= resolved.since and resolved.resolved_by == pm
    with pytest.raises(ValidationError, match="already resolved"):
        services.blocker_resolve(actor=pm, blocker=blocker)


def test_a_blocker_needs_a_reason(pm, make_item):
    with pytest.raises(ValidationError) as exc:
        services.blocker_add(actor=pm, item=make_item(), reason=" ")
    assert "reason" in exc.value.message_dict


def test_bulk_update_is_all_or_nothing(pm, product, make_item):
    ready = ready_item(make_item)
    unready = make_item()
    with pytest.raises(ValidationError, match=f"#{unready.number} is not ready"):
        services.items_bulk_update(actor=pm, product=product, numbers=[ready.number, unready.number], status="ready")
    assert set(BacklogItem.objects.values_list("status", flat=True)) == {Status.NEW}


def test_bulk_labels_assignee_and_move_to_top_keep_the_selection_order(pm, member, product, make_item, label):
    items = [make_item() for _ in range(4)]
    services.items_bulk_update(
        actor=pm, product=product, numbers=[items[2].number, items[3].number], add_label=label, assignee=member,
        move_to_top=True,
    )  # fmt: skip
    order = list(BacklogItem.objects.order_by("rank").values_list("number", flat=True))
    assert order == [items[2].number, items[3].number, items[0].number, items[1].number]
    assert set(label.items.values_list("number", flat=True)) == {items[2].number, items[3].number}
    assert set(BacklogItem.objects.filter(assignee=member).values_list("number", flat=True)) == set(order[:2])


def test_bulk_update_refuses_items_of_another_backlog(pm, product, make_item):
    foreign = make_item(product=ProductFactory())
    with pytest.raises(ValidationError, match=f"No items #{foreign.number}"):
        services.items_bulk_update(actor=pm, product=product, numbers=[foreign.number], status="dropped")


def test_label_names_are_unique_per_product_ignoring_case(pm, product, label):
    with pytest.raises(ValidationError, match="already a label"):
        services.label_create(actor=pm, product=product, name="ML")
    with pytest.raises(ValidationError, match="hex"):
        services.label_create(actor=pm, product=product, name="vision", color="red")


def test_criteria_are_added_in_order_and_ticked_with_history(pm, make_item):
    item = make_item()
    first = services.criterion_add(actor=pm, item=item, text="Backtest on 2024 data")
    second = services.criterion_add(actor=pm, item=item, text="Shadow traffic for a week")
    assert list(item.acceptance_criteria.all()) == [first, second]
    services.criterion_update(actor=pm, criterion=first, met=True)
    assert first.history.first().history_user == pm and first.history.first().met


def test_open_blockers_do_not_block_other_items(make_item):
    blocked = make_item()
    BlockerFactory(item=blocked)
    assert blocked.blockers.filter(resolved_at__isnull=True).count() == 1
