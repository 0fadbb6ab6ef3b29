"""Status updates become reviewed records, per party, corrected in the open.

Schema: the update's publication state, party, the update it corrects, who last edited it, and
the flag on the updates that decide a status now; who created and last edited statements and
commitments (four eyes). Data: every existing update was already public, so it becomes
published, with no party; the latest one of each commitment is the one in force; authors of
existing updates are their recorders. Publishers may publish status updates.
"""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.apps import apps as global_apps
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

PUBLISHERS = "Publishers"  # frozen, as in 0002_editorial_groups


def publish_existing_updates(apps, schema_editor):
    using = schema_editor.connection.alias
    StatusUpdate = apps.get_model("commitments", "StatusUpdate")
    updates = StatusUpdate.objects.using(using)
    updates.update(state="published", state_changed_at=timezone.now())
    updates.filter(last_edited_by__isnull=True).update(last_edited_by=F("author"))
    latest = (
        StatusUpdate.objects.using(using)
        .filter(commitment=OuterRef("commitment"))
        .order_by("-as_of", "-created_at", "-id")
        .values("pk")[:1]
    )
    current = updates.annotate(latest_pk=Subquery(latest)).filter(pk=F("latest_pk")).values("pk")
    updates.filter(pk__in=list(current.values_list("pk", flat=True))).update(is_current=True)


def let_publishers_publish_updates(apps, schema_editor):
    using = schema_editor.connection.alias
    create_permissions(global_apps.get_app_config("commitments"), verbosity=0, using=using, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.using(using).get(
        content_type__app_label="commitments", codename="publish_statusupdate"
    )
    for group in Group.objects.using(using).filter(name=PUBLISHERS):
        group.permissions.add(permission)


def noop(apps, schema_editor):
    pass


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0007_store_api_tokens_as_digests'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='statusupdate',
            options={'ordering': ['-as_of', '-created_at', '-id'], 'permissions': [('publish_statusupdate', 'Can publish and unpublish status updates')]},
        ),
        migrations.AddField(
            model_name='commitment',
            name='created_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='commitment',
            name='last_edited_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalcommitment',
            name='created_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalcommitment',
            name='last_edited_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalstatement',
            name='created_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalstatement',
            name='last_edited_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalstatusupdate',
            name='corrects',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The published update this one corrects. Once this one is published, that one no longer counts, whatever its date.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='commitments.statusupdate'),
        ),
        migrations.AddField(
            model_name='historicalstatusupdate',
            name='is_current',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name='historicalstatusupdate',
            name='last_edited_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalstatusupdate',
            name='party',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='Leave empty for a verdict on the commitment as a whole; name a party to assess that party alone.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='commitments.actor'),
        ),
        migrations.AddField(
            model_name='historicalstatusupdate',
            name='state',
            field=models.CharField(choices=[('draft', 'Draft'), ('review', 'In review'), ('published', 'Published')], db_index=True, default='draft', max_length=16),
        ),
        migrations.AddField(
            model_name='historicalstatusupdate',
            name='state_changed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='historicalstatusupdate',
            name='state_changed_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='statement',
            name='created_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='statement',
            name='last_edited_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='corrects',
            field=models.ForeignKey(blank=True, help_text='The published update this one corrects. Once this one is published, that one no longer counts, whatever its date.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='corrections', to='commitments.statusupdate'),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='is_current',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='last_edited_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='party',
            field=models.ForeignKey(blank=True, help_text='Leave empty for a verdict on the commitment as a whole; name a party to assess that party alone.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='party_updates', to='commitments.actor'),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='state',
            field=models.CharField(choices=[('draft', 'Draft'), ('review', 'In review'), ('published', 'Published')], db_index=True, default='draft', max_length=16),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='state_changed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='state_changed_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='historicalstatusupdate',
            name='as_of',
            field=models.DateField(help_text='The day the verdict holds from: when the thing happened, not when you recorded it. Not after today, not before the statement.'),
        ),
        migrations.AlterField(
            model_name='statusupdate',
            name='as_of',
            field=models.DateField(help_text='The day the verdict holds from: when the thing happened, not when you recorded it. Not after today, not before the statement.'),
        ),
        migrations.AddIndex(
            model_name='statusupdate',
            index=models.Index(condition=models.Q(('is_current', True), ('party__isnull', False)), fields=['commitment', 'party'], name='statusupdate_party_current_idx'),
        ),
        migrations.AddConstraint(
            model_name='statusupdate',
            constraint=models.CheckConstraint(condition=models.Q(('corrects', models.F('pk')), _negated=True), name='statusupdate_not_its_own_correction'),
        ),
        migrations.RunPython(publish_existing_updates, noop),
        migrations.RunPython(let_publishers_publish_updates, noop),
    ]
