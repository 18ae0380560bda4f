"""DRF's authtoken kept each token's secret in clear text. Each one becomes an
ApiToken holding only the secret's SHA-256 digest (the same secret keeps
working, so no integration breaks today), expiring 90 days after this
migration; then the old table, and with it every clear-text secret, is dropped.
rest_framework.authtoken is no longer installed."""

import hashlib
from datetime import UTC, timedelta

from django.db import migrations
from django.utils import timezone

OLD_TABLE = "authtoken_token"
GRACE = timedelta(days=90)


def move_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    expires_at = timezone.now() + GRACE
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {OLD_TABLE}")  # noqa: S608 -- a constant table name
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            name="Token from before tokens could expire",
            key_prefix=key[:8],
            digest=hashlib.sha256(key.encode()).hexdigest(),
            created_at=timezone.make_aware(created, UTC) if timezone.is_naive(created) else created,
            expires_at=expires_at,
        )
        for key, user_id, created in rows
    )
    schema_editor.execute(f"DROP TABLE {OLD_TABLE}")
    # So that installing rest_framework.authtoken again would create its table again.
    schema_editor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_api_token")]

    operations = [migrations.RunPython(move_tokens, migrations.RunPython.noop)]
