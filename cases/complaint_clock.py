"""Complaint clocks (R3): the term within which a complaint must be decided, per
regime, in one table with its legal source.

The decision term runs from the date the complaint was received (submitted);
it can be postponed (verdaagd) once, by at most four weeks, with written notice
to the complainant; and it stands still while the complaint is suspended
(opgeschort). So::

    due = received + term (+ advisory committee) + postponement + days suspended

Sources (consolidated texts on wetten.overheid.nl):

* Jeugdwet (BWBR0034925) art. 4.2.1 lid 5: the complaints committee of the
  jeugdhulpaanbieder or gecertificeerde instelling decides within six weeks
  after receipt and may postpone the decision once by at most four weeks, with
  written notice to the complainant and the person complained about; lid 6:
  the provider then tells the complainant within one month of receiving the
  decision whether it takes measures, and which (``measures_due_date``).
* Wkkgz (BWBR0037173) art. 17 lid 2: the care provider gives its reasoned
  judgment within six weeks after the complaint was lodged; lid 3: it may
  extend the term by at most four weeks when careful judgment requires it,
  with written notice before the term ends. (Unlike the Jeugdwet, the Wkkgz
  term includes the measures: there is no second clock.)
* Awb (BWBR0005537) art. 9:11 lid 1: the administrative body settles the
  complaint within six weeks, or ten weeks when an advisory committee hears it
  (afdeling 9.3, art. 9:14 ff.); lid 2: it may postpone once by at most four
  weeks with written notice; lid 3: further postponement only with the
  complainant's written consent.

Differences from the text of the issue: the issue places the Jeugdwet terms
in "§4.2"; they are in art. 4.2.1 lid 5 and 6. The Wkkgz extension is allowed
only "when careful judgment requires it" and must be announced before the
six weeks end. None of the three laws knows a suspension as such: the clock
stops only by agreement with the complainant (Awb 9:11 lid 3, and in the
complaint regulations of committees under the Jeugdwet and the Wkkgz, which
suspend while the complainant supplies information or an informal solution
is tried). Naast records such a period as a suspension, so the days count.

Public explanations found while checking agree on the terms: the NVO
("Heeft u een klachtenregeling die voldoet aan de Jeugdwet?", 2019) on
art. 4.2.1 ff. Jeugdwet; De Geschillencommissie Zorg ("Binnen welke termijn
moet een klacht worden ingediend?") and klachtverloskunde.nl on the Wkkgz:
six weeks, extendable once by four, further only in consultation with the
complainant; klachtencommissiejeugdmn.nl on a Jeugdwet committee suspending
its handling while a complaint conversation is tried. The article texts
themselves were not at hand when this table was written: verify the lid
numbers against wetten.overheid.nl, and again whenever a law changes.
"""

from __future__ import annotations

import calendar
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
    #: Months after the decision within which the provider states its
    #: measures (Jeugdwet), or ``None`` when the law sets no such term.
    measures_months: int | None
    source: str


TERMS: dict[str, Term] = {
    # Jeugdwet art. 4.2.1 lid 5 (decision: 6 weeks after receipt, once
    # postponable by at most 4 weeks with written notice) and lid 6 (the
    # jeugdhulpaanbieder or gecertificeerde instelling states its measures
    # within one month after receiving the decision).
    ComplaintRegime.JEUGDWET: Term(6, 6, 4, 1, "Jeugdwet art. 4.2.1 lid 5 en 6"),
    # Wkkgz art. 17 lid 2 (6 weeks after the complaint was lodged) and lid 3
    # (extendable by at most 4 weeks, with notice before the term ends).
    ComplaintRegime.WKKGZ: Term(6, 6, 4, None, "Wkkgz art. 17 lid 2 en 3"),
    # Awb art. 9:11 lid 1 (6 weeks, or 10 with an advisory committee under
    # afdeling 9.3, art. 9:14 ff.) and lid 2 (once postponable by at most 4
    # weeks with written notice); lid 3: further only with written consent.
    ComplaintRegime.AWB: Term(6, 10, 4, None, "Awb art. 9:11 lid 1 en 2"),
}

#: How many days ahead a deadline counts as "due soon" on the dashboard.
DUE_SOON_DAYS = 7


def _running(complaint: Complaint) -> bool:
    return complaint.submitted_on is not None and complaint.stage in (
        Complaint.Stage.SUBMITTED,
        Complaint.Stage.HANDLING,
    )


def term_weeks(complaint: Complaint) -> int:
    """The regime's decision term in weeks, without postponement."""
    term = TERMS[complaint.regime]
    return (
        term.weeks_with_advisory_committee
        if complaint.advisory_committee
        else term.weeks
    )


def due_date(complaint: Complaint) -> datetime.date | None:
    """The date by which the complaint must be decided, or ``None`` when no
    clock runs (not yet submitted, decided, withdrawn, or suspended now: a
    suspended clock stands still and has no date until it is resumed)."""
    if not _running(complaint) or complaint.suspended_since is not None:
        return None
    term = TERMS[complaint.regime]
    weeks = term_weeks(complaint) + min(
        complaint.postponement_weeks, term.max_postponement_weeks
    )
    return complaint.submitted_on + datetime.timedelta(
        weeks=weeks, days=complaint.suspended_days
    )


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus calendar months; the last day of a shorter month when the
    day does not exist there (31 January + 1 month = 28/29 February)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def measures_due_date(complaint: Complaint) -> datetime.date | None:
    """Under the Jeugdwet, the date by which the provider must state its
    measures after the committee's decision (art. 4.2.1 lid 6); ``None`` for
    the other regimes and before a decision. Counted from the decision date,
    as Naast does not know when the provider received it."""
    months = TERMS[complaint.regime].measures_months
    if months is None or complaint.stage != Complaint.Stage.DECIDED:
        return None
    return add_months(complaint.decided_on, months)


def days_left(complaint: Complaint, today: datetime.date | None = None) -> int | None:
    """Days until the due date (negative when overdue), or ``None``."""
    due = due_date(complaint)
    return None if due is None else (due - (today or timezone.localdate())).days


def is_overdue(complaint: Complaint, today: datetime.date | None = None) -> bool:
    due = due_date(complaint)
    return due is not None and due < (today or timezone.localdate())


def is_due_soon(complaint: Complaint, today: datetime.date | None = None) -> bool:
    due = due_date(complaint)
    today = today or timezone.localdate()
    return due is not None and today <= due <= today + datetime.timedelta(
        days=DUE_SOON_DAYS
    )
