"""Complaint clocks (R3): each regime's due date, with postponement, an
advisory committee and suspension, against dates computed by hand.

Receipt on Monday 5 January 2026 throughout: six weeks later is Monday
16 February 2026, ten weeks later Monday 16 March 2026.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from cases import services
from cases.complaint_clock import (
    TERMS,
    add_months,
    days_left,
    due_date,
    is_due_soon,
    is_overdue,
    measures_due_date,
)
from cases.models import Complaint, ComplaintRegime, SupportCase
from tests.factories import advance_complaint, open_case

D = datetime.date
RECEIVED = D(2026, 1, 5)


def _complaint(**fields) -> Complaint:
    fields.setdefault("stage", Complaint.Stage.SUBMITTED)
    fields.setdefault("submitted_on", RECEIVED)
    return Complaint(**fields)


@pytest.mark.parametrize(
    ("regime", "advisory", "postponed", "suspended", "expected"),
    [
        # Jeugdwet art. 4.2.1 lid 5: 6 weeks, + at most 4.
        (ComplaintRegime.JEUGDWET, False, 0, 0, D(2026, 2, 16)),
        (ComplaintRegime.JEUGDWET, False, 4, 0, D(2026, 3, 16)),
        (ComplaintRegime.JEUGDWET, False, 0, 14, D(2026, 3, 2)),
        (ComplaintRegime.JEUGDWET, False, 2, 14, D(2026, 3, 16)),
        # Wkkgz art. 17 lid 2-3: 6 weeks, + at most 4.
        (ComplaintRegime.WKKGZ, False, 0, 0, D(2026, 2, 16)),
        (ComplaintRegime.WKKGZ, False, 3, 0, D(2026, 3, 9)),
        (ComplaintRegime.WKKGZ, False, 4, 10, D(2026, 3, 26)),
        # Awb art. 9:11: 6 weeks, 10 with an advisory committee, + at most 4.
        (ComplaintRegime.AWB, False, 0, 0, D(2026, 2, 16)),
        (ComplaintRegime.AWB, True, 0, 0, D(2026, 3, 16)),
        (ComplaintRegime.AWB, False, 4, 0, D(2026, 3, 16)),
        (ComplaintRegime.AWB, True, 4, 0, D(2026, 4, 13)),
        (ComplaintRegime.AWB, True, 4, 7, D(2026, 4, 20)),
    ],
)
def test_due_date_per_regime(regime, advisory, postponed, suspended, expected):
    """R3: due = receipt + the regime's term (10 weeks for the Awb with an
    advisory committee) + the postponement + the days the clock stood still."""
    complaint = _complaint(
        regime=regime,
        advisory_committee=advisory,
        postponement_weeks=postponed,
        postponed_on=RECEIVED if postponed else None,
        suspended_days=suspended,
    )
    assert due_date(complaint) == expected


def test_every_regime_has_a_term_with_its_source():
    """R3: one table holds a term and a legal source for each regime."""
    assert set(TERMS) == set(ComplaintRegime.values)
    for regime, term in TERMS.items():
        assert term.max_postponement_weeks == 4
        assert term.source, regime
    assert TERMS[ComplaintRegime.AWB].weeks_with_advisory_committee == 10


@pytest.mark.parametrize(
    "stage",
    [Complaint.Stage.FORMULATING, Complaint.Stage.DECIDED, Complaint.Stage.WITHDRAWN],
)
def test_no_clock_outside_submitted_and_handling(stage):
    """R3: a complaint being formulated, decided or withdrawn has no due date."""
    assert due_date(_complaint(stage=stage)) is None


def test_a_suspended_clock_has_no_date():
    """R3: while suspended the clock stands still: nothing is due or overdue."""
    complaint = _complaint(suspended_since=D(2026, 1, 20))
    assert due_date(complaint) is None
    assert not is_overdue(complaint, today=D(2026, 12, 1))


def test_days_left_due_soon_and_overdue():
    """R3: the clock counts the days left; within 7 days it is due soon, after
    the due date overdue."""
    complaint = _complaint()
    assert days_left(complaint, today=D(2026, 2, 9)) == 7
    assert is_due_soon(complaint, today=D(2026, 2, 9))
    assert not is_due_soon(complaint, today=D(2026, 2, 8))
    assert is_overdue(complaint, today=D(2026, 2, 17))
    assert days_left(complaint, today=D(2026, 2, 17)) == -1


def test_jeugdwet_measures_within_one_month_after_the_decision():
    """R3: under the Jeugdwet (art. 4.2.1 lid 6) the provider states its
    measures within one month after the decision; the other regimes have no
    such second clock."""
    decided = _complaint(stage=Complaint.Stage.DECIDED, decided_on=D(2026, 1, 31))
    assert measures_due_date(decided) == D(2026, 2, 28)
    decided.regime = ComplaintRegime.WKKGZ
    assert measures_due_date(decided) is None
    assert measures_due_date(_complaint()) is None
    assert add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)


# --- through the services ------------------------------------------------------------


@pytest.fixture
def submitted(confidant) -> Complaint:
    case = open_case(confidant, kind=SupportCase.Kind.COMPLAINT)
    return advance_complaint(confidant, case, Complaint.Stage.SUBMITTED, on=RECEIVED)


def test_suspension_and_resumption_move_the_due_date(confidant, submitted):
    """R3: suspending stops the clock; resuming adds the days it stood still to
    the due date, and both are in the case history."""
    complaint = services.complaint_suspend(
        actor=confidant,
        complaint=submitted,
        on=D(2026, 1, 20),
        reason="Klager levert stukken aan",
    )
    assert complaint.due_on is None
    assert complaint.suspended_since == D(2026, 1, 20)
    complaint = services.complaint_resume(
        actor=confidant, complaint=complaint, on=D(2026, 2, 3)
    )
    assert complaint.suspended_days == 14
    assert complaint.due_on == D(2026, 3, 2)
    complaint = services.complaint_postpone(
        actor=confidant, complaint=complaint, weeks=2, on=D(2026, 2, 20)
    )
    assert complaint.due_on == D(2026, 3, 16)
    details = list(
        complaint.case.events.filter(kind="complaint_stage").values_list(
            "detail", flat=True
        )
    )
    assert any("opgeschort" in d for d in details)
    assert any("14 dagen" in d for d in details)


def test_awb_with_advisory_committee_through_the_service(confidant):
    """R3: a municipal complaint heard by an advisory committee is due after
    ten weeks."""
    case = open_case(confidant, kind=SupportCase.Kind.COMPLAINT)
    complaint = advance_complaint(
        confidant,
        case,
        Complaint.Stage.SUBMITTED,
        on=RECEIVED,
        regime=ComplaintRegime.AWB,
        advisory_committee=True,
    )
    assert complaint.due_on == D(2026, 3, 16)


def test_suspending_twice_is_refused(confidant, submitted, refused):
    """R3: a suspended clock cannot be suspended again."""
    services.complaint_suspend(
        actor=confidant, complaint=submitted, on=D(2026, 1, 20), reason="Stukken"
    )
    with refused("already_suspended"):
        services.complaint_suspend(
            actor=confidant, complaint=submitted, on=D(2026, 1, 21), reason="Stukken"
        )


def test_resume_needs_a_suspension(confidant, submitted, refused):
    """R3: only a suspended clock can run again."""
    with refused("not_suspended"):
        services.complaint_resume(actor=confidant, complaint=submitted)


def test_an_expired_term_cannot_be_suspended(confidant, submitted, refused):
    """R3: a suspension cannot start after the term has run out."""
    with refused("term_expired", field="on"):
        services.complaint_suspend(
            actor=confidant, complaint=submitted, on=D(2026, 3, 1), reason="Te laat"
        )


def test_suspension_needs_a_reason(confidant, submitted, refused):
    """R3: the reason the clock stands still is recorded."""
    with refused("required", field="reason"):
        services.complaint_suspend(
            actor=confidant, complaint=submitted, on=D(2026, 1, 20), reason=" "
        )


def test_a_formulated_complaint_cannot_be_suspended(confidant, refused):
    """R3: no clock runs before the complaint is submitted."""
    case = open_case(confidant, kind=SupportCase.Kind.COMPLAINT)
    with refused("not_running"):
        services.complaint_suspend(
            actor=confidant, complaint=case.complaint, reason="Stukken"
        )


def test_the_team_lead_cannot_suspend(team_lead, submitted, refused):
    """R2, R3: only the case's supporter works on the complaint."""
    with refused(exc=PermissionDenied):
        services.complaint_suspend(
            actor=team_lead, complaint=submitted, reason="Stukken"
        )


def test_a_decision_ends_the_suspension(confidant, submitted):
    """R3: a decided complaint has no running or suspended clock."""
    services.complaint_suspend(
        actor=confidant, complaint=submitted, on=D(2026, 1, 20), reason="Stukken"
    )
    advance_complaint(
        confidant, submitted.case, Complaint.Stage.HANDLING, on=D(2026, 1, 21)
    )
    decided = advance_complaint(
        confidant, submitted.case, Complaint.Stage.DECIDED, on=D(2026, 1, 31)
    )
    assert decided.suspended_since is None
    assert decided.due_on is None
    assert measures_due_date(decided) == D(2026, 2, 28)
