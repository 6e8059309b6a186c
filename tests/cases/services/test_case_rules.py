"""The rules of ``shared/DOMAIN.md`` on complaints and closing: R3 (a complaint
has its own stages) and R6 (closing ends the support). A refused action must
leave the database unchanged (the ``refused`` fixture) and say why in Dutch;
with the English catalogue compiled, in English under ``en``. The other rules
are in ``tests/roles/test_rules.py`` and ``tests/roles/test_informal_rules.py``.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cases import services as case_services
from cases.models import (
    Client,
    Complaint,
    Meeting,
    Note,
    SupportCase,
)
from roles import services as role_services
from roles.models import (
    Assignment,
)
from roles.permissions import Perm, has, verify
from tests.factories import (
    active_assignment,
    add_note,
    advance_complaint,
    assign,
    assign_informal,
    close_case,
    complaint_in_stage,
    end_assignment,
    open_case,
    plan_meeting,
)
from tests.support.messages import (
    assert_dutch,
    message_of,
)

# --- R3: complaints have their own stages ------------------------------------------------


@pytest.fixture
def complaint_case(confidant, municipality) -> SupportCase:
    """A complaint case opened by ``confidant``."""
    return open_case(
        confidant, kind=SupportCase.Kind.COMPLAINT, municipality=municipality
    )


def test_r3_a_complaint_case_starts_with_a_complaint_being_formulated(
    complaint_case, confidant_case
) -> None:
    """R3: A complaint case has its own complaint, which starts being formulated;
    other cases have none."""
    assert complaint_case.complaint.stage == Complaint.Stage.FORMULATING
    assert not Complaint.objects.filter(case=confidant_case).exists()


@pytest.mark.parametrize(
    ("start", "target"),
    [(start, target) for start in Complaint.Stage for target in Complaint.Stage],
)
def test_r3_complaint_stages_follow_the_transition_table(
    confidant, complaint_case, refused, start, target
) -> None:
    """R3: A complaint moves only along ``Complaint.TRANSITIONS``."""
    complaint_in_stage(confidant, complaint_case, start)
    if target in Complaint.TRANSITIONS[start]:
        advance_complaint(confidant, complaint_case, target)
        assert Complaint.objects.get(case=complaint_case).stage == target
    else:
        with refused("invalid_transition") as info:
            advance_complaint(confidant, complaint_case, target)
        assert_dutch(message_of(info))


def test_r3_submitting_records_to_whom_and_when(confidant, complaint_case) -> None:
    """R3: A submitted complaint records where it was submitted and on which day."""
    day = timezone.localdate() - datetime.timedelta(days=3)
    advance_complaint(
        confidant,
        complaint_case,
        Complaint.Stage.SUBMITTED,
        submitted_to="  Klachtencommissie Jeugdzorg Midden ",
        on=day,
    )
    complaint = Complaint.objects.get(case=complaint_case)
    assert complaint.submitted_to == "Klachtencommissie Jeugdzorg Midden"
    assert complaint.submitted_on == day


def test_r3_submission_date_defaults_to_today(confidant, complaint_case) -> None:
    """R3: Without a date, a complaint is submitted today."""
    advance_complaint(confidant, complaint_case, Complaint.Stage.SUBMITTED)
    complaint = Complaint.objects.get(case=complaint_case)
    assert complaint.submitted_on == timezone.localdate()


@pytest.mark.parametrize("submitted_to", ["", "   "])
def test_r3_submitting_needs_to_whom(
    confidant, complaint_case, refused, submitted_to
) -> None:
    """R3: A complaint cannot be submitted without saying to whom."""
    with refused(field="submitted_to") as info:
        advance_complaint(
            confidant,
            complaint_case,
            Complaint.Stage.SUBMITTED,
            submitted_to=submitted_to,
        )
    assert_dutch(message_of(info))


def test_r3_submission_cannot_be_dated_in_the_future(
    confidant, complaint_case, refused
) -> None:
    """R3: A complaint cannot be submitted on a day still to come."""
    with refused(field="on"):
        advance_complaint(
            confidant,
            complaint_case,
            Complaint.Stage.SUBMITTED,
            on=timezone.localdate() + datetime.timedelta(days=1),
        )


@pytest.mark.parametrize(
    "stage",
    [Complaint.Stage.FORMULATING, Complaint.Stage.SUBMITTED, Complaint.Stage.HANDLING],
)
def test_r3_a_case_with_an_open_complaint_cannot_be_closed(
    confidant, complaint_case, refused, stage
) -> None:
    """R3: A complaint case is not closed while its complaint is still running."""
    complaint_in_stage(confidant, complaint_case, stage)
    with refused("complaint_open") as info:
        close_case(confidant, complaint_case)
    assert_dutch(message_of(info))
    assert active_assignment(complaint_case, user=confidant)


@pytest.mark.parametrize("stage", [Complaint.Stage.DECIDED, Complaint.Stage.WITHDRAWN])
def test_r3_a_case_closes_once_its_complaint_is_decided_or_withdrawn(
    confidant, complaint_case, stage
) -> None:
    """R3: Once the complaint is decided or withdrawn, its case can be closed."""
    complaint_in_stage(confidant, complaint_case, stage)
    case = close_case(confidant, complaint_case)
    assert case.is_closed


# --- R6: closing ends the support ------------------------------------------------------------


def test_r6_closing_a_case_ends_all_its_assignments(confidant, confidant_case) -> None:
    """R6: Closing a case ends every assignment on it, informal ones included."""
    assign_informal(confidant, confidant_case)
    close_case(confidant, confidant_case)
    assignments = Assignment.objects.filter(case=confidant_case)
    assert assignments.count() == 2
    assert not assignments.filter(ended_at__isnull=True).exists()
    assert set(assignments.values_list("end_reason", flat=True)) == {
        Assignment.EndReason.CASE_CLOSED
    }


_AFTER_CLOSING = {
    "add a note": lambda u, case: add_note(u, case),
    "plan a meeting": lambda u, case: plan_meeting(u, case),
    "change the status": lambda u, case: case_services.case_set_status(
        actor=u, case=case, status=SupportCase.Status.IN_PROGRESS
    ),
    "open a new case for the client": lambda u, case: open_case(u, case.client),
    "add an informal supporter": lambda u, case: role_services.informal_supporter_add(
        actor=u, client=case.client, name="Oom Kees", relation="oom"
    ),
}


@pytest.mark.parametrize("action", _AFTER_CLOSING)
def test_r6_after_closing_the_supporter_changes_and_opens_nothing(
    confidant, confidant_case, refused, action
) -> None:
    """R6: After closing, the supporter cannot change the case or open anything new
    about the client."""
    case = close_case(confidant, confidant_case)
    with refused(exc=PermissionDenied):
        _AFTER_CLOSING[action](confidant, case)


def test_r6_nobody_is_assigned_to_a_closed_case(
    confidant, confidant2, confidant_case, team_lead, refused
) -> None:
    """R6: A closed case takes no new supporter."""
    case = close_case(confidant, confidant_case)
    with refused("case_closed"):
        assign(team_lead, case, confidant2)


def test_r6_the_closed_case_stays_readable_but_not_the_client(
    confidant, confidant_case
) -> None:
    """R6: The supporter keeps read-only access to the closed case and what they
    recorded in it, but no longer sees the client's record (anything new)."""
    note = add_note(confidant, confidant_case)
    meeting = plan_meeting(confidant, confidant_case)
    case = close_case(confidant, confidant_case)

    assert case in SupportCase.objects.visible_to(confidant)
    assert case in SupportCase.objects.with_content_visible_to(confidant)
    assert note in Note.objects.visible_to(confidant)
    assert meeting in Meeting.objects.visible_to(confidant)
    assert has(confidant, Perm.VIEW_CASE_CONTENT, case)
    assert not has(confidant, Perm.CHANGE_CASE, case)
    assert case.client not in Client.objects.visible_to(confidant)
    assert not has(confidant, Perm.VIEW_CLIENT, case.client)


def test_r6_closing_one_case_takes_away_nothing_else(confidant, confidant_case) -> None:
    """R6: Closing one case leaves the supporter's other cases, of the same client
    and of others, as they were."""
    same_client = open_case(confidant, confidant_case.client, SupportCase.Kind.PROBLEM)
    other_client = open_case(confidant)
    close_case(confidant, confidant_case)

    add_note(confidant, same_client)
    add_note(confidant, other_client)
    assert has(confidant, Perm.CHANGE_CLIENT, confidant_case.client)
    assert open_case(confidant, confidant_case.client).client == confidant_case.client
    assert verify() == []


def test_r6_ending_an_assignment_removes_all_access(
    confidant, confidant_case, team_lead
) -> None:
    """R6: Support ended without closing the case (e.g. a handover) leaves the
    former supporter nothing of the case or the client."""
    note = add_note(confidant, confidant_case)
    plan_meeting(confidant, confidant_case)
    end_assignment(team_lead, active_assignment(confidant_case, user=confidant))

    assert not SupportCase.objects.visible_to(confidant).exists()
    assert not SupportCase.objects.with_content_visible_to(confidant).exists()
    assert not Note.objects.visible_to(confidant).exists()
    assert not Meeting.objects.visible_to(confidant).exists()
    assert not Client.objects.visible_to(confidant).exists()
    assert note.author == confidant  # the note itself stays
