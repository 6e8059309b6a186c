"""The case history: one function appends a line; services call it last."""

from __future__ import annotations

from accounts.models import User

from .models import CaseEvent, SupportCase


def event_record(
    *,
    case: SupportCase,
    kind: str,
    actor: User | None,
    from_value: str = "",
    to_value: str = "",
    detail: str = "",
) -> CaseEvent:
    """Append one line to a case's history."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        from_value=from_value,
        to_value=to_value,
        detail=detail[:300],
    )
