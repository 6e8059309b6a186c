"""Check the access log's hash chain: ``python manage.py verify_access_log``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from audit.chain import ChainBroken, verify_chain


class Command(BaseCommand):
    help = (
        "Walks the access log in order, recomputes every hash and reports the "
        "first row that was altered, removed or inserted out of order."
    )

    def handle(self, *args, **options) -> None:
        try:
            count = verify_chain()
        except ChainBroken as broken:
            entry = broken.entry
            raise CommandError(
                f"Access log broken at entry {entry.pk} "
                f"({entry.timestamp.isoformat()}): {broken.reason}"
            ) from None
        self.stdout.write(f"Access log intact ({count} entries)")
