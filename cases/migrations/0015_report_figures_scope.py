"""Stored report figures get a scope (whose cases: all organisations, or a
team lead's teams) and hold the counts per month of the period.

The stored figures are a cache of counts: the rows in the old shape (one
period's totals, no scope) are dropped and counted again when next read.
"""

from django.db import migrations, models


def drop_stored_figures(apps, schema_editor):
    apps.get_model("cases", "ReportFigures").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_organisation_required"),
    ]

    operations = [
        migrations.RunPython(drop_stored_figures, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="reportfigures",
            name="report_figures_period",
        ),
        migrations.AddField(
            model_name="reportfigures",
            name="scope",
            field=models.CharField(default="all", max_length=200),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="reportfigures",
            constraint=models.UniqueConstraint(
                fields=("municipality", "scope", "start", "end"),
                name="report_figures_scope_period",
            ),
        ),
    ]
