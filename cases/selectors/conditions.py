"""The conditions the dashboard counts with and the list filters filter
with (``web.filters``), so that every number on the dashboard is exactly the
row count of the list it links to; and the filter values its links carry.

The domain's half of the lists: the selectors use it, and so does the web
layer's FilterSets; it imports nothing of the web layer.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import CASEWORKER_ROLES, User
from roles.models import Assignment
from roles.permissions import led_team_ids
from roles.policy import Capability, can

from ..complaint_clock import DUE_SOON_DAYS
from ..models import Complaint

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

# --- the filter values the dashboard's links carry ------------------------------

#: ``status``: every status but closed; not "open", which is the status "Aangemeld".
NOT_CLOSED = "not_closed"
#: ``deadline`` of the complaint list.
OVERDUE = "overdue"
DUE_SOON = "due_soon"
RUNNING = "running"
#: ``period`` of the meeting list.
THIS_WEEK = "this_week"
#: ``decider`` of the application list.
ME = "me"
NOBODY = "nobody"

# --- conditions shared by the dashboard and the lists ------------------------------

#: The value of a ``caseworker`` filter meaning "nobody holds the case".
UNASSIGNED = "null"


def overdue(today: datetime.date, prefix: str = "") -> Q:
    """Complaints whose decision term has passed (``complaint_clock.is_overdue``);
    ``prefix`` is the path to the complaint from another model."""
    return Q(**{f"{prefix}due_on__lt": today})


def due_soon(today: datetime.date, prefix: str = "") -> Q:
    """Complaints due today or within ``DUE_SOON_DAYS`` days
    (``complaint_clock.is_due_soon``)."""
    return Q(
        **{
            f"{prefix}due_on__gte": today,
            f"{prefix}due_on__lte": today + datetime.timedelta(days=DUE_SOON_DAYS),
        }
    )


def running(prefix: str = "") -> Q:
    """Complaints whose clock runs: submitted, not yet decided or withdrawn."""
    return Q(**{f"{prefix}due_on__isnull": False})


def complaints_visible_to(user: User | AnonymousUser) -> QuerySet[Complaint]:
    """The complaints of the cases the user sees (R2); the complaint list and
    the dashboard count the same rows."""
    return Complaint.objects.visible_to(user)  # type: ignore[arg-type]  # an anonymous user sees none


def with_deadline_state(
    complaints: QuerySet[Complaint], today: datetime.date
) -> QuerySet[Complaint]:
    """Annotate ``deadline_state``: "overdue", "due_soon" or "" (no marker)."""
    return complaints.annotate(
        deadline_state=Case(
            When(overdue(today), then=Value("overdue")),
            When(due_soon(today), then=Value("due_soon")),
            default=Value(""),
            output_field=CharField(),
        )
    )


def week_bounds(today: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Monday 00:00 up to (not including) the next Monday 00:00 of the ISO week
    of ``today``, in the site's time zone (Europe/Amsterdam)."""
    tz = timezone.get_current_timezone()
    monday = today - datetime.timedelta(days=today.weekday())
    start = datetime.datetime.combine(monday, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        monday + datetime.timedelta(days=7), datetime.time.min, tzinfo=tz
    )
    return start, end


def this_week(today: datetime.date, prefix: str = "") -> Q:
    """Meetings that start in the ISO week of ``today``."""
    start, end = week_bounds(today)
    return Q(**{f"{prefix}starts_at__gte": start, f"{prefix}starts_at__lt": end})


def holds_case(user: User | int | None, case_ref: str = "pk") -> Exists:
    """Whether ``user`` is (or, for a closed case, was at closing) the
    professional supporter of the case ``OuterRef(case_ref)``; with ``None``,
    whether anyone is. Handed-over and ended support does not count."""
    assignments = Assignment.objects.filter(
        Q(ended_at__isnull=True) | Q(end_reason=Assignment.EndReason.CASE_CLOSED),
        case=OuterRef(case_ref),
        user__isnull=False,
    )
    if user is not None:
        assignments = assignments.filter(user=user)
    return Exists(assignments)


def caseworkers_of(lead: User | AnonymousUser | None) -> QuerySet[User]:
    """The confidants and client supporters of the teams a team lead leads
    (R13): those active, and those inactive who still hold a case (so no case
    is out of sight)."""
    if lead is None or not can(lead, Capability.LEAD_TEAMS):
        return User.objects.none()
    return (
        User.objects.filter(
            team_id__in=led_team_ids(lead),  # type: ignore[arg-type]  # a lead of teams is a User
            role__in=CASEWORKER_ROLES,
        )
        .filter(
            Q(is_active=True)
            | Exists(
                Assignment.objects.filter(user=OuterRef("pk"), ended_at__isnull=True)
            )
        )
        .order_by("first_name", "last_name", "username")
    )
