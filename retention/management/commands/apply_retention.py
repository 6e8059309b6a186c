"""Apply the retention terms: ``python manage.py apply_retention [--dry-run]``.

Run it with ``--dry-run`` first: that prints per rule what would be destroyed
or anonymised and writes nothing. Without it, what is past its term is
destroyed or anonymised and written to the destruction register. Running it
again changes nothing. ``--enqueue`` hands the real run to the task worker
(``retention.tasks.apply_retention``, the same ``retention_run``).
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from retention.services import RunResult, retention_run


class Command(BaseCommand):
    help = (
        "Destroys (clients: anonymises) what is past its retention term "
        "(settings.NAAST_RETENTION) and writes the destruction register. "
        "Use --dry-run first."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count what would be destroyed or anonymised; write nothing.",
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Apply the terms as of this date (YYYY-MM-DD); default today.",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the real run to the task worker (db_worker) instead.",
        )
        parser.add_argument(
            "--user",
            default=None,
            help="User name recorded as executing the run; default: the system.",
        )

    def handle(
        self, *args, dry_run: bool, today, user, enqueue: bool = False, **options
    ) -> None:
        if enqueue:
            if dry_run or user:
                raise CommandError("--enqueue runs as the system, without --dry-run.")
            from retention.tasks import apply_retention

            queued = apply_retention.enqueue(today.isoformat() if today else None)
            self.stdout.write(f"Enqueued task {queued.id} ({queued.status}).")
            return
        executed_by = None
        if user is not None:
            try:
                executed_by = User.objects.get(username=user)
            except User.DoesNotExist as exc:
                raise CommandError(f"No user {user!r}") from exc
        result = retention_run(dry_run=dry_run, today=today, executed_by=executed_by)
        self._report(result)
        if result.failed_batches:
            raise CommandError(
                f"{result.failed_batches} batch(es) failed and were rolled back; "
                "see the log. Everything else was applied."
            )

    def _report(self, result: RunResult) -> None:
        verb = "would be" if result.dry_run else "were"
        heading = "Dry run, nothing written" if result.dry_run else "Retention run"
        self.stdout.write(f"{heading} as of {result.today} (run {result.run_id})")
        for rule in result.rules:
            self.stdout.write(
                f"- {rule.key}: term {rule.term_years} years, "
                f"before {rule.cutoff}: {rule.total} rows"
            )
            for label, count in sorted(rule.counts.items()):
                action = (
                    "anonymised"
                    if rule.action == "anonymised" and label == "cases.client"
                    else "destroyed"
                )
                self.stdout.write(f"    {label}: {count} {verb} {action}")
        if result.total == 0:
            self.stdout.write("Nothing is past its term.")
        elif not result.dry_run:
            self.stdout.write(
                f"{result.total} rows destroyed or anonymised; "
                f"{result.records} entries written to the destruction register."
            )
