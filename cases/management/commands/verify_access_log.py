"""Check the access log's hash chain: ``python manage.py verify_access_log``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cases.models import AccessLogEntry


class Command(BaseCommand):
    help = (
        "Walks the access log in order, recomputes every hash and reports the "
        "first row that was altered, removed or inserted out of order."
    )

    def handle(self, *args, **options) -> None:
        previous = AccessLogEntry.GENESIS
        count = 0
        broken: tuple[AccessLogEntry, str] | None = None
        # A server-side cursor on PostgreSQL: constant memory for any length.
        rows = AccessLogEntry.objects.order_by("pk").iterator(chunk_size=2000)
        try:
            for entry in rows:
                if entry.previous_hash != previous:
                    broken = (
                        entry,
                        "its previous hash does not match the row before it",
                    )
                    break
                if entry.compute_hash() != entry.hash:
                    broken = (entry, "its hash does not match its contents")
                    break
                previous = entry.hash
                count += 1
        finally:
            rows.close()  # closes the cursor also when the walk stops early
        if broken is not None:
            entry, reason = broken
            raise CommandError(
                f"Access log broken at entry {entry.pk} "
                f"({entry.timestamp.isoformat()}): {reason}"
            )
        self.stdout.write(f"Access log intact ({count} entries)")
