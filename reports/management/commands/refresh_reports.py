"""Enqueue the nightly count of the municipal reports for the worker
(``db_worker``); run it every night from cron. ``--now`` counts them in this
process instead."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reports.tasks import refresh_reports


class Command(BaseCommand):
    help = (
        "Enqueue (or with --now: do) the count of the last ended year, quarter "
        "and month of the municipal reports."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="Count now instead of enqueuing."
        )

    def handle(self, *args, now: bool = False, **options):
        if now:
            counted = refresh_reports.call()
            self.stdout.write(f"{counted} report(s) counted.")
        else:
            result = refresh_reports.enqueue()
            self.stdout.write(f"Enqueued task {result.id} ({result.status}).")
