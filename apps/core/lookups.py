"""Finding a row by an id that came from outside (a URL, a form, a request
body), as every app's access module does: an id that cannot be one finds
nothing without a query (apps.core.http.as_id), and nothing found is a 404,
or, for an id sent in a form or body field, that field's error (400)."""

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

from apps.core.http import as_id

M = TypeVar("M", bound=Model)


def by_id(queryset: QuerySet[M], raw_id) -> QuerySet[M]:
    """The row with this id, if any (none when it cannot be an id)."""
    pk = as_id(raw_id)
    return queryset.none() if pk is None else queryset.filter(pk=pk)


def one_by_id(queryset: QuerySet[M], raw_id, message: str, *, field: str | None = None) -> M:
    """The row with this id, or `missing(message, field)` raised."""
    row = by_id(queryset, raw_id).first()
    if row is None:
        raise missing(message, field)
    return row


def missing(message: str, field: str | None = None) -> Exception:
    """A miss in the URL is a 404; an id sent in a form or body is that field's error (400)."""
    return ValidationError({field: message}) if field else Http404(message)
