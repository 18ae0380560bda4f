"""The database cache's table (CACHE_URL=db://, the default), so that
`migrate` is all a deployment runs. With another cache backend this does nothing."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_sealed_ballot")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
