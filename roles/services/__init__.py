"""Support assignments, attendance, refusals, consent and emergency access: the
rules R1, R2, R4, R5, R6, R9, R11 and R12, and the only place where object
permissions change.

Each service checks the actor's permission (403), then the rule
(``ValidationError`` with a Dutch message, nothing changed), writes, keeps the
permission rows in step in the same transaction, and records its event
(``cases.events``).

One module per entity: ``rules`` (the rule checks), ``assignments``,
``consent`` (informal supporters, consent, sharing), ``attendance`` and
``emergency``. Callers import from here (``from roles import services``),
never from a module.
"""

from .assignments import (
    assignment_end,
    assignment_hand_over,
    assignment_perm,
    assignment_start,
    assignment_start_for_opener,
    assignments_end_for_closed_case,
)
from .attendance import attendance_add, attendance_invite, attendance_refuse
from .consent import (
    consent_record,
    consent_withdraw,
    document_share,
    has_consent,
    informal_supporter_add,
    meeting_summary_share,
)
from .emergency import (
    EMERGENCY_REASON_MIN_WORDS,
    emergency_access_end,
    emergency_access_open,
    emergency_access_review,
    reason_words,
)
from .rules import (
    check_may_support,
    check_no_one_supports_both,
    ensure_not_supporting,
    r4_breaches,
)

__all__ = [
    "EMERGENCY_REASON_MIN_WORDS",
    "assignment_end",
    "assignment_hand_over",
    "assignment_perm",
    "assignment_start",
    "assignment_start_for_opener",
    "assignments_end_for_closed_case",
    "attendance_add",
    "attendance_invite",
    "attendance_refuse",
    "check_may_support",
    "check_no_one_supports_both",
    "consent_record",
    "consent_withdraw",
    "document_share",
    "emergency_access_end",
    "emergency_access_open",
    "emergency_access_review",
    "ensure_not_supporting",
    "has_consent",
    "informal_supporter_add",
    "meeting_summary_share",
    "r4_breaches",
    "reason_words",
]
