"""Read replica for the reports (optional): with ``DATABASE_REPLICA_URL`` set,
the queries of the anonymous municipal reports (``reports.counting``) go to a
PostgreSQL streaming replica; everything else, and every write, stays on the
primary (``default``). Without the setting this router is not installed.

Only code marked with ``replica_reads`` (or inside ``reading_from_replica()``)
reads from the replica: a report may lag the primary by the replication
delay, a case page may not.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings

REPLICA = "replica"

_reading_from_replica: ContextVar[bool] = ContextVar(
    "naast_reading_from_replica", default=False
)


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


def replica_active() -> bool:
    """True inside ``reading_from_replica()``."""
    return _reading_from_replica.get()


@contextlib.contextmanager
def reading_from_replica() -> Iterator[None]:
    """Reads in this block go to the replica when there is one."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def replica_reads[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """Decorator: the function's reads go to the replica when there is one."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with reading_from_replica():
            return func(*args, **kwargs)

    return wrapper


class ReportsReplicaRouter:
    """Sends the reads of ``replica_reads`` code to the replica; nothing is
    ever written to or migrated on it (it follows the primary)."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if replica_active() and has_replica():
            return REPLICA
        return None

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return None  # the primary

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA
