"""Full-text search on PostgreSQL: a stored, weighted tsvector of the text
fields (apps.core.search) with a GIN index. Other databases (the embedded
SQLite) have no such column; search falls back to matching words there.
The column is not a model field: only apps.core.search.ranked reads it."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE backlog_backlogitem ADD COLUMN search_document tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')) STORED; CREATE INDEX backlog_item_search ON backlog_backlogitem USING GIN (search_document);"
]
BACKWARD = [
    "DROP INDEX IF EXISTS backlog_item_search; ALTER TABLE backlog_backlogitem DROP COLUMN IF EXISTS search_document;"
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
    dependencies = [("backlog", "0007_saved_filters")]

    operations = [migrations.RunPython(forward, backward)]
