import pytest

from tests.factories import LabelFactory


@pytest.fixture
def label(product):
    return LabelFactory(product=product, name="ml")
