import pytest

from apps.notifications import services
from apps.notifications.kinds import Kind


@pytest.fixture
def tell(product, pm):
    """notify() one event of `kind` (mentions by default) from the PM to `people`."""

    def tell(*people, kind=Kind.MENTIONED, key="test:1", text="pm mentioned you on #1", actor=None):
        return services.notify(
            kind=kind,
            recipients=people,
            key=key,
            text=text,
            link=f"/p/{product.slug}/backlog/items/1/",
            actor=actor or pm,
            product=product,
        )

    return tell
