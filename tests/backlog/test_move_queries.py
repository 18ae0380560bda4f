"""A move through the backlog page costs a fixed number of queries, whatever
the size of the backlog. Counted here on SQLite inside the test's transaction:
the session and the user (sign-in), the product with the viewer's role, then
the move's transaction (SAVEPOINT ... RELEASE here; BEGIN ... COMMIT on its own)
around the product lock and the moving statement(s). To the top the UPDATE
finds the item by its number itself; no row is read before it."""

import pytest

from apps.backlog.models import BacklogItem
from tests.factories import BacklogItemFactory
from tests.utils import queries_of

URL = "/p/recommender/backlog/"
# session, user, product with role; SAVEPOINT, product lock, UPDATE ... RETURNING, RELEASE
TO_TOP = 7
# session, user, product with role, item, anchor; SAVEPOINT, lock, anchor rank with its neighbour, UPDATE, RELEASE
NEXT_TO = 10


def _order(product):
    return list(BacklogItem.objects.filter(product=product).order_by("rank").values_list("number", flat=True))


@pytest.mark.parametrize("size", [2, 30])
def test_move_to_top_through_the_page_takes_a_fixed_number_of_queries(browser_client, pm, product, size):
    items = [BacklogItemFactory(product=product, rank=(i + 1) * 1024) for i in range(size)]
    client = browser_client.as_user(pm)
    last = items[-1]
    queries = queries_of(
        lambda: client.post(URL + f"items/{last.number}/move/", {"to": "top"}, HTTP_X_REQUESTED_WITH="fetch")
    )
    assert queries == TO_TOP
    assert _order(product)[0] == last.number
    assert (
        queries_of(
            lambda: client.post(URL + f"items/{last.number}/move/", {"to": "bottom"}, HTTP_X_REQUESTED_WITH="fetch")
        )
        == TO_TOP
    )
    assert _order(product)[-1] == last.number


@pytest.mark.parametrize("size", [3, 30])
def test_move_next_to_an_item_takes_a_fixed_number_of_queries(browser_client, pm, product, size):
    items = [BacklogItemFactory(product=product, rank=(i + 1) * 1024) for i in range(size)]
    client = browser_client.as_user(pm)
    moving, anchor = items[-1], items[1]
    queries = queries_of(
        lambda: client.post(
            URL + f"items/{moving.number}/move/", {"before": anchor.number}, HTTP_X_REQUESTED_WITH="fetch"
        )
    )
    assert queries == NEXT_TO
    assert _order(product)[:3] == [items[0].number, moving.number, anchor.number]


def test_moving_an_item_that_is_not_there_is_a_404_whatever_the_form(browser_client, pm, product, make_item):
    make_item()
    client = browser_client.as_user(pm)
    for data in ({"to": "top"}, {"to": "bottom"}, {"to": "sideways"}, {"before": 1}):
        assert client.post(URL + "items/999/move/", data).status_code == 404
    assert client.post(URL + f"items/{10**30}/move/", {"to": "top"}).status_code == 404


def test_members_cannot_move_to_the_top(browser_client, member, stakeholder, product, make_item):
    make_item()
    second = make_item()
    before = _order(product)
    assert browser_client.as_user(member).post(URL + f"items/{second.number}/move/", {"to": "top"}).status_code == 403
    assert (
        browser_client.as_user(stakeholder).post(URL + f"items/{second.number}/move/", {"to": "top"}).status_code == 403
    )
    assert _order(product) == before
