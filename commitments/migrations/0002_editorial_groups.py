"""Create the Editors and Publishers groups with their permissions.

The permission lists are frozen here on purpose: a later change to the roles is a new
migration, so every database that has run this one holds the same groups.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
PUBLISHERS = "Publishers"

# Models editors create and edit; they may view every model of the app, history included.
EDITED_MODELS = ["statement", "commitment", "article", "articlelink", "statusupdate", "quote", "theme", "actor"]
PUBLISHER_EXTRA = ["publish_commitment", "publish_statement", "delete_statusupdate"]


def create_groups(apps, schema_editor):
    using = schema_editor.connection.alias
    # Permissions are normally created after the whole migrate run (post_migrate), which is too
    # late on a fresh database: create this app's now, from the historical models.
    create_permissions(global_apps.get_app_config("commitments"), verbosity=0, using=using, apps=apps)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_permissions = Permission.objects.using(using).filter(content_type__app_label="commitments")

    editor_codenames = {f"{action}_{model}" for model in EDITED_MODELS for action in ("add", "change", "view")}
    editor_codenames |= set(app_permissions.filter(codename__startswith="view_").values_list("codename", flat=True))
    editor_permissions = list(app_permissions.filter(codename__in=editor_codenames))
    publisher_permissions = editor_permissions + list(app_permissions.filter(codename__in=PUBLISHER_EXTRA))
    if len(publisher_permissions) != len(editor_codenames) + len(PUBLISHER_EXTRA):
        raise RuntimeError("Some editorial permissions are missing; the groups would be incomplete.")

    editors, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    editors.permissions.set(editor_permissions)
    publishers, _ = Group.objects.using(using).get_or_create(name=PUBLISHERS)
    publishers.permissions.set(publisher_permissions)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=[EDITORS, PUBLISHERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("commitments", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
