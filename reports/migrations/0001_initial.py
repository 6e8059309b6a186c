"""The stored report figures move from ``cases`` into their own app,
``reports``, without touching the database: the table stays
``cases_reportfigures`` with its unique constraint. This migration only adds
the model to the state of ``reports`` (``cases`` 0018 removes it from its own)
and renames its content type, so that permissions and the admin's log entries
follow."""

import django.db.models.deletion
from django.db import migrations, models

APP = "reports"
MODELS = ("reportfigures",)


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
        ("accounts", "0005_user_audit_and_enrolment_code"),
        ("cases", "0017_access_log_newest_index"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReportFigures',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('scope', models.CharField(max_length=200)),
                        ('start', models.DateField()),
                        ('end', models.DateField()),
                        ('computed_at', models.DateTimeField()),
                        ('counts', models.JSONField()),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.municipality')),
                    ],
                    options={
                        'verbose_name': 'rapportagecijfers',
                        'verbose_name_plural': 'rapportagecijfers',
                        'db_table': 'cases_reportfigures',
                        'constraints': [models.UniqueConstraint(fields=('municipality', 'scope', 'start', 'end'), name='report_figures_scope_period')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
