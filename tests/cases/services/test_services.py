"""The services: status transitions, the case history, references, complaint
dates, decisions on applications, and bad input (a ``ValidationError`` on the
field, nothing written)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cases import services as case_services
from cases.models import Application, CaseEvent, Client, Complaint, Meeting, SupportCase
from roles import services as role_services
from roles.models import Assignment
from roles.policy import SupportRole
from tests.factories import (
    ApplicationFactory,
    ClientFactory,
    FamilyMembershipFactory,
    InformalSupporterFactory,
    OrganisationFactory,
    UserFactory,
    active_assignment,
    add_note,
    advance_complaint,
    assign,
    assign_informal,
    close_case,
    complaint_in_stage,
    decide,
    end_assignment,
    give_consent,
    invite,
    open_case,
    plan_meeting,
    record_conflict,
)

Status = SupportCase.Status
Stage = Complaint.Stage
Kind = CaseEvent.Kind


def set_status(actor, case: SupportCase, status: str) -> SupportCase:
    return case_services.case_set_status(actor=actor, case=case, status=status)


# The way from ``open`` to each status that is not closed.
_STATUS_PATH = {
    Status.OPEN: [],
    Status.IN_PROGRESS: [Status.IN_PROGRESS],
    Status.ON_HOLD: [Status.IN_PROGRESS, Status.ON_HOLD],
}


def events(case: SupportCase) -> list[tuple[str, str, str]]:
    return list(case.events.values_list("kind", "from_value", "to_value"))


# --- status transitions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "target"),
    [(start, target) for start in _STATUS_PATH for target in Status],
)
def test_status_changes_follow_the_transition_table(
    confidant, confidant_case, refused, start, target
) -> None:
    """A case's status changes only along ``SupportCase.TRANSITIONS``; closing has
    its own service."""
    case = confidant_case
    for step in _STATUS_PATH[start]:
        case = set_status(confidant, case, step)
    if target == Status.CLOSED:
        with refused("use_close"):
            set_status(confidant, case, target)
    elif target in SupportCase.TRANSITIONS[start]:
        set_status(confidant, case, target)
        case.refresh_from_db()
        assert case.status == target
        assert events(case)[-1] == (Kind.STATUS, start, target)
    else:
        with refused("invalid_transition") as info:
            set_status(confidant, case, target)
        assert f"'{Status(start).label}'" in info.value.messages[0]


@pytest.mark.parametrize("start", list(_STATUS_PATH))
def test_a_case_closes_from_every_open_status(confidant, confidant_case, start) -> None:
    """``case_close`` closes from any status but closed, with an outcome and a date."""
    case = confidant_case
    for step in _STATUS_PATH[start]:
        case = set_status(confidant, case, step)
    case = close_case(confidant, case, SupportCase.Outcome.PARTIALLY_RESOLVED)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.outcome == SupportCase.Outcome.PARTIALLY_RESOLVED
    assert case.closed_at is not None
    assert Status.CLOSED not in SupportCase.TRANSITIONS[Status.CLOSED]


def test_a_closed_case_keeps_its_status(confidant, confidant_case, refused) -> None:
    """A closed case is read-only: its status does not change again (403)."""
    case = close_case(confidant, confidant_case)
    for status in (Status.OPEN, Status.IN_PROGRESS):
        with refused(exc=PermissionDenied):
            set_status(confidant, case, status)
    with refused(exc=PermissionDenied):
        close_case(confidant, case)


def test_an_unknown_status_is_refused(confidant, confidant_case, refused) -> None:
    """An unknown status is refused with a ValidationError, not a crash."""
    with refused("invalid_status"):
        set_status(confidant, confidant_case, "bogus")


# --- events ------------------------------------------------------------------------------------


def test_opening_a_case_writes_opened_and_assignment_started(
    confidant, confidant_case
) -> None:
    """Opening a case records who opened it and that their support started."""
    assert list(confidant_case.events.values_list("kind", "actor", "to_value")) == [
        (Kind.OPENED, confidant.pk, Status.OPEN),
        (Kind.ASSIGNMENT_STARTED, confidant.pk, SupportRole.AKJ_CONFIDANT),
    ]


def test_every_service_writes_its_event(confidant, confidant_case) -> None:
    """Each service that changes a case appends its own line to the history."""
    case = confidant_case
    set_status(confidant, case, Status.IN_PROGRESS)
    add_note(confidant, case)
    meeting = plan_meeting(confidant, case, Meeting.Kind.MEDIATION)
    informal = assign_informal(confidant, case)
    give_consent(confidant, informal.informal_supporter, meeting)  # no case event
    attendance = invite(confidant, meeting, informal)
    role_services.attendance_refuse(
        actor=confidant,
        attendance=attendance,
        ground="conflict_of_interest",
        explanation="Is zelf partij in het conflict.",
    )
    close_case(confidant, case, SupportCase.Outcome.RESOLVED)

    assert [kind for kind, *_ in events(case)] == [
        Kind.OPENED,
        Kind.ASSIGNMENT_STARTED,
        Kind.STATUS,
        Kind.NOTE_ADDED,
        Kind.MEETING_PLANNED,
        Kind.ASSIGNMENT_STARTED,
        Kind.ATTENDANCE_ADDED,
        Kind.ATTENDANCE_REFUSED,
        Kind.CLOSED,
        Kind.ASSIGNMENT_ENDED,
        Kind.ASSIGNMENT_ENDED,
    ]
    assert set(case.events.values_list("actor", flat=True)) == {confidant.pk}


def test_the_close_event_records_the_outcome_and_ends_support(
    confidant, confidant_case
) -> None:
    """Closing records from which status, the outcome, and each ended assignment."""
    case = close_case(confidant, confidant_case, SupportCase.Outcome.REFERRED)
    closed = case.events.get(kind=Kind.CLOSED)
    assert (closed.from_value, closed.to_value) == (Status.OPEN, Status.CLOSED)
    assert closed.detail == str(SupportCase.Outcome.REFERRED.label)
    ended = case.events.get(kind=Kind.ASSIGNMENT_ENDED)
    assert (ended.from_value, ended.to_value) == (
        SupportRole.AKJ_CONFIDANT,
        Assignment.EndReason.CASE_CLOSED,
    )


def test_complaint_stages_are_recorded(confidant) -> None:
    """Each complaint stage is an event; the submission names where it went."""
    case = open_case(confidant, kind=SupportCase.Kind.COMPLAINT)
    advance_complaint(confidant, case, Stage.SUBMITTED, submitted_to="Geschillencie")
    advance_complaint(confidant, case, Stage.WITHDRAWN)
    stage_events = case.events.filter(kind=Kind.COMPLAINT_STAGE)
    assert list(stage_events.values_list("from_value", "to_value", "detail")) == [
        (Stage.FORMULATING, Stage.SUBMITTED, "Geschillencie"),
        (Stage.SUBMITTED, Stage.WITHDRAWN, ""),
    ]


# --- references --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "kind", "prefix"),
    [
        ("confidant", SupportCase.Kind.QUESTION, "VP"),
        ("confidant", SupportCase.Kind.PROBLEM, "VP"),
        ("confidant", SupportCase.Kind.COMPLAINT, "VP"),
        ("confidant", SupportCase.Kind.MEDIATION, "VP"),
        ("client_supporter", SupportCase.Kind.CARE_QUESTION, "CO"),
    ],
)
def test_a_case_reference_is_prefix_year_and_number(request, who, kind, prefix) -> None:
    """A reference is VP (confidant) or CO (client support), the year, and the
    case number in six digits."""
    case = open_case(request.getfixturevalue(who), kind=kind)
    assert re.fullmatch(r"(VP|CO)-\d{4}-\d{6}", case.reference)
    assert case.reference == (f"{prefix}-{timezone.localdate().year}-{case.pk:06d}")
    assert SupportCase.objects.get(reference=case.reference) == case


def test_case_reference_formats() -> None:
    """``case_reference`` pads the number and picks the prefix by kind."""
    assert case_services.case_reference("complaint", 2025, 42) == "VP-2025-000042"
    assert case_services.case_reference("care_question", 2026, 7) == "CO-2026-000007"


def test_a_reference_has_the_dutch_year_on_new_years_night(
    confidant, monkeypatch
) -> None:
    """A case opened at 00:30 on 1 January (Amsterdam) has that new year."""
    new_years_night = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: new_years_night)
    case = open_case(confidant)
    assert case.reference.startswith("VP-2026-")


# --- complaint dates (R3) -------------------------------------------------------------------------


@pytest.fixture
def complaint_case(confidant) -> SupportCase:
    """A complaint case opened by ``confidant``."""
    return open_case(confidant, kind=SupportCase.Kind.COMPLAINT)


def _days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def test_complaint_dates_are_recorded_per_stage(confidant, complaint_case) -> None:
    """Submission, start of handling and decision each keep their own date."""
    advance_complaint(confidant, complaint_case, Stage.SUBMITTED, on=_days_ago(30))
    advance_complaint(confidant, complaint_case, Stage.HANDLING, on=_days_ago(20))
    advance_complaint(
        confidant,
        complaint_case,
        Stage.DECIDED,
        on=_days_ago(2),
        decision_summary=" Gegrond. ",
    )
    complaint = Complaint.objects.get(case=complaint_case)
    assert complaint.submitted_on == _days_ago(30)
    assert complaint.handling_started_on == _days_ago(20)
    assert complaint.decided_on == _days_ago(2)
    assert complaint.decision_summary == "Gegrond."


def test_complaint_steps_may_share_a_day(confidant, complaint_case) -> None:
    """Two steps on the same day are fine."""
    for stage in (Stage.SUBMITTED, Stage.HANDLING, Stage.DECIDED):
        advance_complaint(confidant, complaint_case, stage, on=_days_ago(1))
    assert Complaint.objects.get(case=complaint_case).stage == Stage.DECIDED


@pytest.mark.parametrize(
    ("earlier_stage", "stage"),
    [
        (Stage.SUBMITTED, Stage.HANDLING),
        (Stage.HANDLING, Stage.DECIDED),
        (Stage.SUBMITTED, Stage.WITHDRAWN),
        (Stage.HANDLING, Stage.WITHDRAWN),
    ],
)
def test_a_complaint_step_cannot_predate_the_previous_one(
    confidant, complaint_case, refused, earlier_stage, stage
) -> None:
    """A step dated before an earlier step of the complaint is refused."""
    for step in (Stage.SUBMITTED, Stage.HANDLING):
        advance_complaint(confidant, complaint_case, step, on=_days_ago(10))
        if step == earlier_stage:
            break
    with refused(field="on"):
        advance_complaint(confidant, complaint_case, stage, on=_days_ago(11))


@pytest.mark.parametrize("stage", [Stage.SUBMITTED, Stage.WITHDRAWN])
def test_a_complaint_step_cannot_be_in_the_future(
    confidant, complaint_case, refused, stage
) -> None:
    """No complaint step is dated in the future."""
    with refused(field="on"):
        advance_complaint(
            confidant,
            complaint_case,
            stage,
            on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_a_decision_needs_a_summary(confidant, complaint_case, refused) -> None:
    """A complaint is decided only with a summary of the decision."""
    complaint_in_stage(confidant, complaint_case, Stage.HANDLING)
    with refused(field="decision_summary"):
        advance_complaint(
            confidant, complaint_case, Stage.DECIDED, decision_summary=" "
        )


def test_an_unknown_complaint_stage_is_refused(
    confidant, complaint_case, refused
) -> None:
    """An unknown stage is refused, not a crash."""
    with refused("invalid_transition"):
        advance_complaint(confidant, complaint_case, "bogus")


# --- applications (R9) ------------------------------------------------------------------------


@pytest.fixture
def application(municipality) -> Application:
    """A pending application of a youth in ``municipality``."""
    return ApplicationFactory(client__municipality=municipality)


def test_deciding_records_decider_decision_reason_and_date(
    decision_maker, application
) -> None:
    """A decision records who decided, what, why and when (today by default)."""
    case_services.application_decide(
        actor=decision_maker,
        application=application,
        decision=Application.Decision.PARTIALLY_GRANTED,
        reason="  Deels: geen verblijf.  ",
    )
    application.refresh_from_db()
    assert application.decider == decision_maker
    assert application.decision == Application.Decision.PARTIALLY_GRANTED
    assert application.decision_reason == "Deels: geen verblijf."
    assert application.decided_on == timezone.localdate()


@pytest.mark.parametrize("decision", ["", "bogus", Application.Decision.PENDING])
def test_a_decision_must_be_a_real_one(
    decision_maker, application, refused, decision
) -> None:
    """Only granted, partially granted or refused is a decision."""
    with refused(field="decision"):
        decide(decision_maker, application, decision=decision)


def test_a_decision_needs_a_reason(decision_maker, application, refused) -> None:
    """A decision without a reason is refused."""
    with refused(field="reason"):
        decide(decision_maker, application, reason="  ")


def test_an_application_is_decided_once(decision_maker, application, refused) -> None:
    """A decided application cannot be decided again."""
    decide(decision_maker, application)
    with refused("already_decided"):
        decide(decision_maker, application, decision=Application.Decision.REFUSED)


@pytest.mark.parametrize("when", ["future", "before submission"])
def test_a_decision_date_is_not_in_the_future_or_before_submission(
    decision_maker, application, refused, when
) -> None:
    """A decision is dated between the submission and today."""
    if when == "future":
        day = timezone.localdate() + datetime.timedelta(days=1)
    else:
        day = application.submitted_on - datetime.timedelta(days=1)
    with refused(field="decided_on"):
        case_services.application_decide(
            actor=decision_maker,
            application=application,
            decision=Application.Decision.GRANTED,
            reason="Voldoet.",
            decided_on=day,
        )


def test_a_decider_of_another_municipality_is_refused(
    decision_maker, other_municipality, refused
) -> None:
    """An application is given only to a decider of its own municipality."""
    application = ApplicationFactory(client__municipality=other_municipality)
    own = UserFactory(
        decision_maker=True,
        organisation=OrganisationFactory(
            municipal=True, municipality=other_municipality
        ),
    )
    with refused(field="decider"):
        case_services.application_assign_decider(
            actor=own, application=application, decider=decision_maker
        )


# --- bad input: a ValidationError on the field, nothing written ---------------------------------


def test_an_empty_note_is_refused(confidant, confidant_case, refused) -> None:
    """A note of only whitespace is refused on ``text``."""
    with refused(field="text"):
        add_note(confidant, confidant_case, " \n ")


def test_closing_needs_a_known_outcome(confidant, confidant_case, refused) -> None:
    """A case is closed only with one of the outcomes."""
    for outcome in ("", "bogus"):
        with refused(field="outcome"):
            close_case(confidant, confidant_case, outcome)


def test_a_meeting_needs_a_known_kind(confidant, confidant_case, refused) -> None:
    """A meeting of an unknown kind is refused on ``kind``."""
    with refused(field="kind"):
        plan_meeting(confidant, confidant_case, "bogus")


def _register(actor, municipality, **kw) -> SupportCase:
    data = {
        "first_name": "Sanne",
        "last_name": "de Jong",
        "date_of_birth": datetime.date(2011, 5, 4),
        "kind": Client.Kind.YOUTH,
        "municipality": municipality,
        "case_kind": SupportCase.Kind.QUESTION,
        "case_title": "Vraag over de hulp",
    } | kw
    return case_services.client_register(actor=actor, **data)


def test_registering_a_client_of_unknown_kind_writes_nothing(
    confidant, municipality, refused
) -> None:
    """A client of an unknown kind is refused on ``kind``; no client, no case."""
    with refused(field="kind"):
        _register(confidant, municipality, kind="bogus")


def test_registering_a_case_of_unknown_kind_writes_no_client(
    confidant, municipality, refused
) -> None:
    """A case of an unknown kind is refused; the client is not registered either."""
    with refused(field="kind"):
        _register(confidant, municipality, case_kind="bogus")


def test_a_client_outside_an_institution_has_no_institution(
    confidant, municipality, care_provider, refused
) -> None:
    """An institution is recorded only for a client who lives in one."""
    with refused():
        _register(confidant, municipality, institution=care_provider)


def test_only_caseworkers_register_clients(team_lead, municipality, refused) -> None:
    """A team lead does not register clients (403)."""
    with refused(exc=PermissionDenied):
        open_case(team_lead, kind=SupportCase.Kind.QUESTION, municipality=municipality)


def test_consent_cannot_be_given_in_the_future(
    confidant, confidant_case, refused
) -> None:
    """Consent is recorded for a day that has been, on ``given_on``."""
    supporter = InformalSupporterFactory(client=confidant_case.client)
    with refused(field="given_on"):
        role_services.consent_record(
            actor=confidant,
            informal_supporter=supporter,
            item="document",
            given_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_consent_for_another_clients_meeting_is_refused(
    confidant, confidant_case, refused
) -> None:
    """Consent names a meeting of the client's own case, on ``meeting``."""
    supporter = InformalSupporterFactory(client=confidant_case.client)
    other_meeting = plan_meeting(confidant, open_case(confidant))
    with refused(field="meeting"):
        give_consent(confidant, supporter, other_meeting)


def test_an_informal_supporter_needs_a_name(confidant, confidant_case, refused) -> None:
    """An informal supporter without a name is refused on ``name``."""
    with refused(field="name"):
        role_services.informal_supporter_add(
            actor=confidant, client=confidant_case.client, name="  ", relation="oom"
        )


def test_attendance_needs_an_assignment_on_the_meetings_case(
    confidant, confidant_case, refused
) -> None:
    """Only a supporter of the meeting's case is planned into it, on ``assignment``."""
    other = open_case(confidant)
    meeting = plan_meeting(confidant, confidant_case)
    with refused(field="assignment"):
        invite(confidant, meeting, active_assignment(other, user=confidant))


def test_a_supporter_is_invited_once(confidant, confidant_case, refused) -> None:
    """The same supporter is not put on a meeting's list twice."""
    meeting = plan_meeting(confidant, confidant_case)
    assignment = active_assignment(confidant_case, user=confidant)
    invite(confidant, meeting, assignment)
    with refused("duplicate"):
        invite(confidant, meeting, assignment)


def test_a_case_has_one_active_professional_per_role(
    team_lead, confidant2, confidant_case, refused
) -> None:
    """A second confidant is not added while the first is still assigned."""
    with refused() as info:
        assign(team_lead, confidant_case, confidant2)
    assert "actieve ondersteuner" in info.value.messages[0]


def test_an_unknown_role_is_refused(team_lead, confidant2, confidant_case, refused):
    """An unknown support role is refused with a ValidationError, not a crash."""
    with refused():
        assign(team_lead, confidant_case, confidant2, role="team_lead")


# --- conflicting interests are recorded within a family (R4) ------------------------------------


def test_a_conflict_is_recorded_between_members_of_one_family(
    confidant, confidant_case, refused
) -> None:
    """Conflicting interests are recorded once, between two members of one family,
    in a canonical order."""
    client = confidant_case.client
    sibling = ClientFactory()
    stranger = ClientFactory()
    membership = FamilyMembershipFactory(client=client)
    FamilyMembershipFactory(client=sibling, family=membership.family)

    with refused("conflict_same_client"):
        record_conflict(confidant, client, client)
    with refused("conflict_not_same_family"):
        record_conflict(confidant, client, stranger)
    conflict = record_conflict(confidant, sibling, client)
    assert conflict.client_a.pk < conflict.client_b.pk
    assert conflict.recorded_by == confidant
    with refused("conflict_exists"):
        record_conflict(confidant, client, sibling)


def test_only_a_supporter_of_either_member_records_a_conflict(
    confidant2, refused
) -> None:
    """Who supports neither member cannot record their conflict (403)."""
    a = FamilyMembershipFactory()
    b = FamilyMembershipFactory(family=a.family)
    with refused(exc=PermissionDenied):
        record_conflict(confidant2, a.client, b.client)


def test_an_assignment_started_by_a_team_lead_is_recorded(
    team_lead, confidant, confidant2, confidant_case
) -> None:
    """An assignment records its role, who started it, and when."""
    end_assignment(team_lead, active_assignment(confidant_case, user=confidant))
    before = timezone.now()
    assignment = assign(team_lead, confidant_case, confidant2)
    assert assignment.role == SupportRole.AKJ_CONFIDANT
    assert assignment.started_by == team_lead
    assert before <= assignment.started_at <= timezone.now()
    assert not assignment.at_clients_request


def test_a_client_born_in_the_future_is_refused(
    confidant, municipality, refused
) -> None:
    """Registering a client with a date of birth in the future is refused by the
    service itself, not only by the form, and nothing is saved."""
    with refused("future", field="date_of_birth"):
        case_services.client_register(
            actor=confidant,
            first_name="Toekomst",
            last_name="Kind",
            date_of_birth=timezone.localdate() + datetime.timedelta(days=1),
            kind=Client.Kind.YOUTH,
            municipality=municipality,
            case_kind=SupportCase.Kind.QUESTION,
            case_title="Vraag",
        )
