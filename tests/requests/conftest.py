import pytest

from apps.requests import services
from tests.factories import StakeholderRequestFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def submit(product):
    """Submit a request through the service, as a person would."""

    def submit(actor, **fields):
        fields = {
            "title": "Churn forecast misses holiday weeks",
            "problem": "The churn forecast is wrong in **holiday** weeks.",
            "desired_outcome": "Forecast error below 5% in holiday weeks.",
            **fields,
        }
        return services.request_submit(actor=actor, product=fields.pop("product", product), **fields)

    return submit


@pytest.fixture
def new_request(stakeholder, product):
    return StakeholderRequestFactory(product=product, requester=stakeholder, title="Explain forecast errors")
