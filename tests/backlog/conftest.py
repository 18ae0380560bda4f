import pytest

from tests.backlog.factories import BacklogItemFactory, LabelFactory


@pytest.fixture
def make_item(product):
    """An item of `product` (made directly, not through the services)."""

    def make(**fields):
        return BacklogItemFactory(product=fields.pop("product", product), **fields)

    return make


@pytest.fixture
def label(product):
    return LabelFactory(product=product, name="ml")
