"""Small checks the tests share: the codes of a refusal, and what writing
one access-log row costs a page."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def error_codes(error: ValidationError) -> set[str | None]:
    """The codes of a ValidationError, field errors included."""
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def access_log_queries() -> int:
    """Queries that writing one access-log row adds to a page: the previous
    hash and the INSERT, plus the advisory lock on PostgreSQL
    (``audit.log``)."""
    from django.db import connection

    return 3 if connection.vendor == "postgresql" else 2
