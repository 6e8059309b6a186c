"""The access log moves from ``cases`` into its own app, ``audit``, without
touching the database: the table stays ``cases_accesslogentry``, with its
indexes, its unique constraints and, on PostgreSQL, the trigger that refuses
UPDATE and DELETE (``cases/migrations/0004_access_log.py``). This migration
only adds the model to the state of ``audit`` (``cases`` 0018 removes it from
its own) and renames its content type, so that permissions and the admin's log
entries follow. Rows, ids and the hash chain are untouched."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

APP = "audit"
MODELS = ("accesslogentry",)


def _move_content_types(apps, schema_editor, old: str, new: str) -> None:
    """Give the content type of each moved model its new app label, keeping
    its id: the permissions, the admin's log entries and any generic object
    permission (guardian) that point at it now point at the moved model."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        moved = types.filter(app_label=old, model=model)
        if moved.exists():
            # A content type made for the new label before this migration ran
            # holds nothing yet; the old one's id is what the rows point at.
            types.filter(app_label=new, model=model).delete()
            moved.update(app_label=new)


def forwards(apps, schema_editor) -> None:
    _move_content_types(apps, schema_editor, "cases", APP)


def backwards(apps, schema_editor) -> None:
    _move_content_types(apps, schema_editor, APP, "cases")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0017_access_log_newest_index"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AccessLogEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='gebeurtenis-id')),
                        ('action', models.CharField(choices=[('create', 'Aanmaken'), ('read', 'Inzien'), ('update', 'Wijzigen'), ('delete', 'Verwijderen'), ('export', 'Exporteren'), ('emergency', 'Noodtoegang')], max_length=10, verbose_name='handeling')),
                        ('timestamp', models.DateTimeField(default=django.utils.timezone.now, verbose_name='tijdstip')),
                        ('outcome', models.CharField(choices=[('success', 'Gelukt'), ('denied', 'Geweigerd')], default='success', max_length=10, verbose_name='resultaat')),
                        ('user_name', models.CharField(max_length=300, verbose_name='naam gebruiker')),
                        ('user_role', models.CharField(blank=True, max_length=20, verbose_name='functie gebruiker')),
                        ('on_behalf_of', models.CharField(blank=True, max_length=200, verbose_name='namens')),
                        ('purpose', models.CharField(blank=True, max_length=100, verbose_name='doel')),
                        ('object_type', models.CharField(max_length=50, verbose_name='soort gegeven')),
                        ('object_id', models.CharField(blank=True, max_length=255, verbose_name='gegeven')),
                        ('address', models.GenericIPAddressField(blank=True, null=True, verbose_name='adres')),
                        ('previous_hash', models.CharField(max_length=64, verbose_name='vorige hash')),
                        ('hash', models.CharField(max_length=64, unique=True, verbose_name='hash')),
                        ('client', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.client', verbose_name='cliënt')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='gebruiker')),
                    ],
                    options={
                        'verbose_name': 'toegangslogregel',
                        'verbose_name_plural': 'toegangslog',
                        'db_table': 'cases_accesslogentry',
                        'ordering': ['-timestamp', '-pk'],
                        'indexes': [models.Index(fields=['client', 'timestamp'], name='accesslog_client_idx'), models.Index(fields=['user', 'timestamp'], name='accesslog_user_idx'), models.Index(fields=['-timestamp', '-id'], name='accesslog_newest_idx')],
                        'constraints': [models.UniqueConstraint(fields=('previous_hash',), name='accesslog_one_successor')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
