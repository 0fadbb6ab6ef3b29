"""API tokens made before this migration were stored as they are handed out; store their digest.

A token keeps working (commitments.api.tokens looks tokens up by digest) until API_TOKEN_DAYS
after it was made. The step cannot be undone: the tokens themselves are no longer stored.
"""

import hashlib

from django.db import migrations


def store_digests(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    for key in list(Token.objects.values_list("key", flat=True)):
        # The same digest as commitments.api.tokens.token_digest (migrations do not import app code).
        Token.objects.filter(key=key).update(key=hashlib.sha256(key.encode()).hexdigest()[:40])


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0006_order_themes_and_actors_by_name_then_id"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(store_digests, migrations.RunPython.noop, elidable=False)]
