"""Ranked text search over a queryset, one way for every app.

On PostgreSQL a model's table carries a stored `search_document` column (a
weighted tsvector generated from its text fields, GIN-indexed; added by the
app's migration through `document_sql`), and a query is matched with
`websearch_to_tsquery` ("churn model", "churn -holiday", "\\"exact phrase\\"")
and ranked with `ts_rank`. Elsewhere (the embedded SQLite default) every word
must appear in one of the fields, and a match in the title ranks first.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Case, F, FloatField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

CONFIG = "english"
COLUMN = "search_document"
_WEIGHTS = "ABCD"


def document_sql(table: str, fields: list[str], *, column: str = COLUMN, index: str) -> tuple[str, str]:
    """(forward, backward) SQL adding a generated, GIN-indexed tsvector of
    `fields` (weighted A, B, C... in order) to `table`: for a RunSQL that runs on PostgreSQL only."""
    parts = " || ".join(
        f"setweight(to_tsvector('{CONFIG}'::regconfig, coalesce({name}, '')), '{_WEIGHTS[min(i, 3)]}')"
        for i, name in enumerate(fields)
    )
    forward = (
        f"ALTER TABLE {table} ADD COLUMN {column} tsvector GENERATED ALWAYS AS ({parts}) STORED; "
        f"CREATE INDEX {index} ON {table} USING GIN ({column});"
    )
    backward = f"DROP INDEX IF EXISTS {index}; ALTER TABLE {table} DROP COLUMN IF EXISTS {column};"
    return forward, backward


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def ranked(
    queryset: QuerySet, query: str, *, title: str, fields: list[str], column: str = COLUMN, limit: int | None = None
) -> QuerySet:
    """`queryset` narrowed to what matches `query`, with a `search_rank`
    annotation, best first. `fields` are searched where there is no full-text
    column (`title` first among them).

    With `limit` (the most rows the caller will read), PostgreSQL ranks the
    matching rows in a subquery that keeps only the ids of the best `limit`,
    and the rows shown (joined to what they show) are read for those alone:
    the same rows in the same order, without carrying every match's columns
    and joins through the sort (a common word matches half of a large table)."""
    if uses_full_text():
        table = queryset.model._meta.db_table
        document = f'"{table}"."{column}"'
        # The table and column are the model's, never input; the query is a parameter.
        match = RawSQL(  # noqa: S611
            f"{document} @@ websearch_to_tsquery(%s::regconfig, %s)", (CONFIG, query), output_field=BooleanField()
        )
        rank = RawSQL(  # noqa: S611
            f"ts_rank({document}, websearch_to_tsquery(%s::regconfig, %s))", (CONFIG, query), output_field=FloatField()
        )
        found = queryset.filter(match).annotate(search_rank=rank).order_by("-search_rank", "-pk")
        if limit is None:
            return found
        # Compiled on its own, so that its table keeps its name (as a Django subquery it would be
        # aliased, and the documents named above would be the outer query's).
        try:
            best, params = found.values("pk")[:limit].query.sql_with_params()
        except EmptyResultSet:  # nothing to look in (queryset.none())
            return found
        ids = RawSQL(best, params)  # noqa: S611 -- compiled by Django from the queryset above
        return queryset.filter(pk__in=ids).annotate(search_rank=rank).order_by("-search_rank", "-pk")
    words = [word for word in query.replace('"', " ").split() if not word.startswith("-")][:10]
    if not words:
        return queryset.none()
    for word in words:
        anywhere = Q()
        for name in [title, *fields]:
            anywhere |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(anywhere)
    in_title = Q()
    for word in words:
        in_title &= Q(**{f"{title}__icontains": word})
    title_rank = Case(
        When(**{f"{title}__icontains": " ".join(words)}, then=Value(1.0)),
        When(in_title, then=Value(0.6)),
        default=Value(0.2),
        output_field=FloatField(),
    )
    return queryset.annotate(search_rank=title_rank).order_by(F("search_rank").desc(), "-pk")
