"""The check of the access log's hash chain (``manage.py verify_access_log``).

Every row carries the hash of the row before it (``previous_hash``, the first
row ``AccessLogEntry.GENESIS``) and its own hash over its fields and that
previous hash (``AccessLogEntry.compute_hash``): a row altered, removed or
inserted out of order breaks the chain at that row.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import cast

from .models import AccessLogEntry


class ChainBroken(Exception):
    """The first row at which the chain breaks, and why."""

    def __init__(self, entry: AccessLogEntry, reason: str) -> None:
        super().__init__(reason)
        self.entry = entry
        self.reason = reason


def verify_chain() -> int:
    """Walk the log in order and recompute every hash; the number of rows,
    or ``ChainBroken`` at the first row that does not follow from the one
    before it. Constant memory for any length (a server-side cursor on
    PostgreSQL)."""
    previous = AccessLogEntry.GENESIS
    count = 0
    broken: ChainBroken | None = None
    rows = cast(
        "Generator[AccessLogEntry]",
        AccessLogEntry.objects.order_by("pk").iterator(chunk_size=2000),
    )
    try:
        for entry in rows:
            if entry.previous_hash != previous:
                broken = ChainBroken(
                    entry, "its previous hash does not match the row before it"
                )
                break
            if entry.compute_hash() != entry.hash:
                broken = ChainBroken(entry, "its hash does not match its contents")
                break
            previous = entry.hash
            count += 1
    finally:
        rows.close()  # closes the cursor also when the walk stops early
    if broken is not None:
        raise broken
    return count
