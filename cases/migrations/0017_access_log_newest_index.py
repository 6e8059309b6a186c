"""The access log viewer reads the log newest first: an index in that order
lets a page (and its bounded count) stop after the rows it shows. Built
concurrently on PostgreSQL, since every page that shows client data writes
to this table."""

from django.db import migrations, models

from config.migration_operations import AddIndexConcurrentlyWherePossible


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0016_team_lead_indexes"),
    ]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="accesslogentry",
            index=models.Index(
                fields=["-timestamp", "-id"], name="accesslog_newest_idx"
            ),
        ),
    ]
