"""The case page: what a case shows to whoever sees it.

Its metadata and who works on it for everyone who sees the case; its
complaint with the clock, its meetings and its timeline only for who reads
the case's content (R2, R3).
"""

from __future__ import annotations

from typing import Any

from accounts.models import User
from roles.permissions import Perm, has

from ..complaint_clock import days_left, is_due_soon, is_overdue, measures_due_date
from ..models import Complaint, Meeting, SupportCase
from .emergency import case_emergency
from .timeline import case_timeline


def _can_change(user: User, case: SupportCase) -> bool:
    """Whether ``user`` may change ``case``: never once it is closed."""
    return not case.is_closed and has(user, Perm.CHANGE_CASE, case)


def case_file(user: User, case: SupportCase) -> dict[str, Any]:
    """The case page's context for ``case`` (fetched through
    ``SupportCase.objects.visible_to(user)``): the assignments with what
    ``user`` may do to each, and, when ``user`` reads the content, the
    complaint and its clock, the meetings and the timeline. Who does not
    read the content (a team lead) sees only the professionals, not the
    client's informal supporters, who are the client's network (R2)."""
    content = has(user, Perm.VIEW_CASE_CONTENT, case)
    can_change = content and _can_change(user, case)
    can_assign = has(user, Perm.ASSIGN_SUPPORT, case) and not case.is_closed
    # The related manager keeps ``assignment.case`` the case itself (no query).
    assignments = case.assignments.visible_to(user).select_related(
        "user", "informal_supporter"
    )
    if not content:
        # The client's network is content: a team lead sees who works on the case.
        assignments = assignments.filter(user__isnull=False)
    rows = [
        {
            "assignment": a,
            "can_hand_over": can_assign and a.is_active and a.user_id is not None,
            "can_end": a.is_active
            and (
                (can_assign and a.user_id is not None)
                or (can_change and a.informal_supporter_id is not None)
            ),
        }
        for a in assignments
    ]
    context: dict[str, Any] = {
        "case": case,
        "content": content,
        "can_change": can_change,
        "can_assign": can_assign,
        "rows": rows,
    }
    if content:
        complaint = Complaint.objects.visible_to(user).filter(case=case).first()
        context.update(
            timeline=case_timeline(user, case),
            meetings=Meeting.objects.visible_to(user)
            .filter(case=case)
            .select_related("provider"),
            complaint=complaint,
            **complaint_clock(complaint),
            client_visible=has(user, Perm.VIEW_CLIENT, case.client),
        )
    context.update(case_emergency(user, case, content))
    return context


def complaint_clock(complaint: Complaint | None) -> dict[str, Any]:
    """What the case page says of a complaint's clock (R3): late or due soon,
    the days left or late, and which steps it can take now."""
    return {
        "complaint_overdue": complaint is not None and is_overdue(complaint),
        "complaint_due_soon": complaint is not None and is_due_soon(complaint),
        "complaint_next": complaint is not None
        and bool(Complaint.TRANSITIONS[complaint.stage]),
        "complaint_postponable": complaint is not None
        and complaint.due_on is not None
        and not complaint.postponement_weeks,
        "complaint_days_left": _clock_days(complaint),
        "complaint_measures_due": complaint and measures_due_date(complaint),
        "complaint_suspendable": complaint is not None and complaint.due_on is not None,
        "complaint_resumable": complaint is not None
        and complaint.suspended_since is not None
        and complaint.stage in (Complaint.Stage.SUBMITTED, Complaint.Stage.HANDLING),
    }


def _clock_days(complaint: Complaint | None) -> dict[str, int] | None:
    """Days left until the due date, or days late, for the case page (R3)."""
    days = days_left(complaint) if complaint is not None else None
    if days is None:
        return None
    return {"left": max(days, 0), "late": max(-days, 0)}
