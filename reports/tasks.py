"""The nightly count of the municipal reports (``django.tasks``), enqueued by
``manage.py refresh_reports`` from cron and run by the worker
(``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task

from .stored import refresh_report_figures


@task
def refresh_reports() -> int:
    """Count the municipal reports' standard periods again (``reports.stored``);
    returns the number of reports counted."""
    return refresh_report_figures()
