"""The retention run as background work (``django.tasks``), for the worker
(``db_worker``): ``python manage.py apply_retention --enqueue`` from cron."""

from __future__ import annotations

import datetime

from django.tasks import task

from .services import retention_run


@task
def apply_retention(today: str | None = None) -> int:
    """Destroy or anonymise what is past its term, as the system; returns the
    number of rows destroyed or anonymised. ``today`` is an ISO date."""
    day = datetime.date.fromisoformat(today) if today else None
    return retention_run(dry_run=False, today=day).total
