"""Calendar feed tokens were kept in clear text: each becomes the SHA-256
digest of itself, in place, so existing addresses keep working while the
database no longer holds a usable one."""

import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    FeedToken = apps.get_model("roadmap", "FeedToken")
    for pk, secret in FeedToken.objects.values_list("pk", "digest").iterator():
        FeedToken.objects.filter(pk=pk).update(digest=hashlib.sha256(secret.encode()).hexdigest())


class Migration(migrations.Migration):
    dependencies = [
        ("roadmap", "0003_hypotheses"),
    ]

    operations = [
        migrations.RenameField(model_name="feedtoken", old_name="token", new_name="digest"),
        # Not reversible into secrets: going back leaves the digests, which open no calendar (safe).
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
    ]
