"""Full-text search on PostgreSQL: a stored, weighted tsvector of the text
fields (apps.core.search) with a GIN index. Other databases (the embedded
SQLite) have no such column; search falls back to matching words there.
The column is not a model field: only apps.core.search.ranked reads it."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE requests_stakeholderrequest ADD COLUMN search_document tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(problem, '')), 'B') || setweight(to_tsvector('english'::regconfig, coalesce(desired_outcome, '')), 'C') || setweight(to_tsvector('english'::regconfig, coalesce(affected, '')), 'D')) STORED; CREATE INDEX request_search ON requests_stakeholderrequest USING GIN (search_document);"
]
BACKWARD = [
    "DROP INDEX IF EXISTS request_search; ALTER TABLE requests_stakeholderrequest DROP COLUMN IF EXISTS search_document;"
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("requests", "0004_finding_events")]

    operations = [migrations.RunPython(forward, backward)]
