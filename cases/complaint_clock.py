"""Complaint clocks (R3): the term within which a complaint must be decided, per
regime, in one table with its legal source.

Each term runs from the date the complaint was submitted (received) and can be
postponed once, by at most four weeks, with written notice to the complainant.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .models import Complaint, ComplaintRegime


@dataclass(frozen=True)
class Term:
    weeks: int
    #: The term when the body is advised by an advisory committee (Awb only).
    weeks_with_advisory_committee: int
    max_postponement_weeks: int
    source: str


TERMS: dict[str, Term] = {
    # Jeugdwet art. 4.2.1 lid 4 (jeugdhulpaanbieder) and art. 4.2.1 via 4.2.2
    # (gecertificeerde instelling): decision within 6 weeks after receipt,
    # postponable once by at most 4 weeks with written notice.
    ComplaintRegime.JEUGDWET: Term(6, 6, 4, "Jeugdwet art. 4.2.1"),
    # Wkkgz art. 17 lid 2-3: 6 weeks, extendable by at most 4 weeks with notice.
    ComplaintRegime.WKKGZ: Term(6, 6, 4, "Wkkgz art. 17"),
    # Awb art. 9:11: 6 weeks, or 10 with an advisory committee (art. 9:14);
    # postponable by at most 4 weeks with written notice.
    ComplaintRegime.AWB: Term(6, 10, 4, "Awb art. 9:11"),
}

#: How many days ahead a deadline counts as "due soon" on the dashboard.
DUE_SOON_DAYS = 7


def due_date(complaint: Complaint) -> datetime.date | None:
    """The date by which the complaint must be decided, or ``None`` when no
    clock runs (not yet submitted, or already decided or withdrawn)."""
    if complaint.submitted_on is None or complaint.stage not in (
        Complaint.Stage.SUBMITTED,
        Complaint.Stage.HANDLING,
    ):
        return None
    term = TERMS[complaint.regime]
    weeks = (
        term.weeks_with_advisory_committee
        if complaint.advisory_committee
        else term.weeks
    )
    weeks += min(complaint.postponement_weeks, term.max_postponement_weeks)
    return complaint.submitted_on + datetime.timedelta(weeks=weeks)


def is_overdue(complaint: Complaint, today: datetime.date | None = None) -> bool:
    due = due_date(complaint)
    return due is not None and due < (today or timezone.localdate())


def is_due_soon(complaint: Complaint, today: datetime.date | None = None) -> bool:
    due = due_date(complaint)
    today = today or timezone.localdate()
    return due is not None and today <= due <= today + datetime.timedelta(
        days=DUE_SOON_DAYS
    )
