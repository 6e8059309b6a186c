"""The access log (``AccessLogEntry``) and the stored report figures
(``ReportFigures``) now belong to the apps ``audit`` and ``reports``. Their
tables stay as they are (``cases_accesslogentry``, ``cases_reportfigures``):
this migration only removes the models from the state of ``cases``, after
``audit`` 0001 and ``reports`` 0001 have added them to their own."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0017_access_log_newest_index"),
        ("audit", "0001_initial"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AccessLogEntry"),
                migrations.DeleteModel(name="ReportFigures"),
            ],
            database_operations=[],
        ),
    ]
