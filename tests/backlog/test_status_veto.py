"""The "may this status change happen?" hook: another app's rule refuses a
change with its reason, wherever the change comes from, and nothing moves."""

import pytest
from django.core.exceptions import ValidationError

from apps.backlog import events, services
from apps.backlog.models import BacklogItem


@pytest.fixture
def no_done_on_fridays():
    def veto(*, item, old_status, new_status, actor):
        if new_status == BacklogItem.Status.DONE and item.title.startswith("Friday"):
            raise ValidationError({"status": f"#{item.number} cannot be done on a Friday."})

    events.veto_status_change(veto)
    yield veto
    events._status_vetoes.remove(veto)


def test_a_veto_refuses_the_change_with_its_reason_and_nothing_moves(no_done_on_fridays, pm, make_item):
    item = make_item(title="Friday release", status="in_progress")
    with pytest.raises(ValidationError) as error:
        services.item_set_status(actor=pm, item=item, status="done")
    assert error.value.message_dict == {"status": [f"#{item.number} cannot be done on a Friday."]}
    item.refresh_from_db()
    assert (item.status, item.version) == ("in_progress", 1)


def test_a_veto_applies_to_bulk_changes_too(no_done_on_fridays, pm, product, make_item):
    item = make_item(title="Friday release", status="in_progress")
    with pytest.raises(ValidationError, match="Friday"):
        services.items_bulk_update(actor=pm, product=product, numbers=[item.number], status="done")


def test_changes_no_veto_minds_go_through(no_done_on_fridays, pm, make_item):
    item = make_item(title="Monday release", status="in_progress")
    assert services.item_set_status(actor=pm, item=item, status="done").status == "done"


def test_registering_a_veto_twice_keeps_one(no_done_on_fridays):
    events.veto_status_change(no_done_on_fridays)
    assert events._status_vetoes.count(no_done_on_fridays) == 1
