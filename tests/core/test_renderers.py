"""The API's orjson renderer answers byte for byte what DRF's JSONRenderer would."""

import datetime
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DrfJSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from apps.core.renderers import JSONRenderer

VALUES = {
    "text": 'Ünïcode ✓ "quoted" </script>',
    "separators": "line\u2028paragraph\u2029end",
    "numbers": [0, -3, 2**40, 0.1, 1.5],
    "decimal": Decimal("3.25"),
    "flags": [True, False, None],
    "utc": datetime.datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=datetime.UTC),
    "berlin": datetime.datetime(2026, 3, 1, 12, 30, tzinfo=ZoneInfo("Europe/Berlin")),
    "naive": datetime.datetime(2026, 3, 1, 12, 30),  # noqa: DTZ001 -- a naive time must render alike too
    "day": datetime.date(2026, 3, 1),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "lazy": gettext_lazy("Backlog"),
    "nested": ReturnDict({"rows": ReturnList([{"a": 1}], serializer=None)}, serializer=None),
}


def test_the_same_bytes_as_drf():
    assert JSONRenderer().render(VALUES) == DrfJSONRenderer().render(VALUES)


def test_what_orjson_does_not_know_goes_to_drf():
    data = {"delta": datetime.timedelta(seconds=90), "set": {1}}
    assert JSONRenderer().render(data) == DrfJSONRenderer().render(data)


def test_indented_json_when_asked():
    assert JSONRenderer().render({"a": [1]}, "application/json; indent=2") == b'{\n  "a": [\n    1\n  ]\n}'


def test_the_api_answers_with_it(api, pm, product):
    response = api.as_user(pm).get(f"/api/v1/products/{product.slug}/backlog/items/")
    assert isinstance(response.accepted_renderer, JSONRenderer)
