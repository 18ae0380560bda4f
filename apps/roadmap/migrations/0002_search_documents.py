"""Full-text search on PostgreSQL: a stored, weighted tsvector of the text
fields (apps.core.search) with a GIN index. Other databases (the embedded
SQLite) have no such column; search falls back to matching words there.
The column is not a model field: only apps.core.search.ranked reads it."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE roadmap_roadmapitem ADD COLUMN search_document tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(public_description, '')), 'B') || setweight(to_tsvector('english'::regconfig, coalesce(outcome, '')), 'C') || setweight(to_tsvector('english'::regconfig, coalesce(internal_notes, '')), 'D')) STORED; CREATE INDEX roadmap_item_search ON roadmap_roadmapitem USING GIN (search_document);",
    "ALTER TABLE roadmap_roadmapitem ADD COLUMN public_search_document tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(public_description, '')), 'B') || setweight(to_tsvector('english'::regconfig, coalesce(outcome, '')), 'C')) STORED; CREATE INDEX roadmap_item_public_search ON roadmap_roadmapitem USING GIN (public_search_document);",
]
BACKWARD = [
    "DROP INDEX IF EXISTS roadmap_item_public_search; ALTER TABLE roadmap_roadmapitem DROP COLUMN IF EXISTS public_search_document;",
    "DROP INDEX IF EXISTS roadmap_item_search; ALTER TABLE roadmap_roadmapitem DROP COLUMN IF EXISTS search_document;",
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
    dependencies = [("roadmap", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
