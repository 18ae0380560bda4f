import pytest

from apps.conversation import services
from apps.conversation.subjects import subject_named


@pytest.fixture
def items():
    return subject_named("items")


@pytest.fixture
def item(make_item):
    return make_item(title="Churn model")


@pytest.fixture
def say(product, items, item):
    """Comment on `item` as `author` through the service."""

    def say(author, body, target=None):
        return services.comment_add(actor=author, product=product, subject=items, target=target or item, body=body)

    return say
