"""What happened to a client's data: one function per kind of event.

Every service that changes client data ends its write by calling the one
function here for that change (Open Forms' ``logging/logevent.py``). The
function says what kind of event it is; nothing is guessed from the
service's name. An event on a case appends its line to the case history
(``CaseEvent``); an event on the client's file is kept as a version of the
changed record (django-simple-history, ``history.track`` before the save).
Either way the change is written to the access log of the request it was
made in (``audit.log.log_change``: create or update, as the function says);
a command or the demo seed writes no access-log row.

``access_log=False`` marks a step of a larger change (the assignments that
end because a case closes, the assignment a case opener gets): the larger
change writes the request's one access-log row itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Model

from accounts.models import User
from audit.log import (
    EMERGENCY_PURPOSE,
    PURPOSES,
    REFERRAL_PURPOSE,
    log_change,
    log_event,
)
from audit.models import AccessLogEntry

from .history import event_record
from .models import (
    Application,
    Care,
    CaseEvent,
    Client,
    Complaint,
    ConflictingInterest,
    ContactMoment,
    Family,
    FamilyMembership,
    LinkRequest,
    Meeting,
    Note,
    OutreachVisit,
    SupportCase,
)

if TYPE_CHECKING:
    # The models of the apps whose services call these functions: named for
    # the types only (no import at run time, so no cycle; the layers
    # contract leaves type-only imports out).
    from privacy.models import DataBreach
    from roles.models import (
        Assignment,
        Attendance,
        Consent,
        EmergencyAccess,
        InformalSupporter,
        Referral,
        SharedItem,
    )

Kind = CaseEvent.Kind
CREATE = AccessLogEntry.Action.CREATE
UPDATE = AccessLogEntry.Action.UPDATE


def _case_of(obj: Model) -> SupportCase:
    """The case ``obj`` is (a case) or belongs to (a note, meeting …)."""
    case = obj if isinstance(obj, SupportCase) else getattr(obj, "case", None)
    if not isinstance(case, SupportCase):
        raise TypeError(f"{obj!r} belongs to no case; name the case")
    return case


def _on_case(
    kind: str,
    obj: Model,
    actor: User | None,
    action: str = UPDATE,
    *,
    case: SupportCase | None = None,
    access_log: bool = True,
    from_value: str = "",
    to_value: str = "",
    detail: str = "",
) -> CaseEvent:
    """A line in the history of ``case`` (by default ``obj``'s, or ``obj``)
    and, unless a larger change logs, the request's access-log row: ``action``
    of ``obj``."""
    event = event_record(
        case=case or _case_of(obj),
        kind=kind,
        actor=actor,
        from_value=from_value,
        to_value=to_value,
        detail=detail,
    )
    if access_log:
        log_change(action=action, obj=obj)
    return event


def _on_file(
    *, obj: Model, action: str, client: Client | None = None, access_log: bool = True
) -> None:
    """A change to the client's file: its version is in the record's own
    history; the request's access-log row names it."""
    if access_log:
        log_change(action=action, obj=obj, client=client)


# --- cases ------------------------------------------------------------------------------


def case_opened(
    *, case: SupportCase, actor: User, access_log: bool = True
) -> CaseEvent:
    return _on_case(
        Kind.OPENED, case, actor, CREATE, access_log=access_log, to_value=case.status
    )


def case_status_changed(
    *, case: SupportCase, actor: User, from_status: str
) -> CaseEvent:
    return _on_case(
        Kind.STATUS, case, actor, from_value=from_status, to_value=case.status
    )


def case_closed(
    *, case: SupportCase, actor: User, from_status: str, detail: str
) -> CaseEvent:
    return _on_case(
        Kind.CLOSED,
        case,
        actor,
        from_value=from_status,
        to_value=case.status,
        detail=detail,
    )


def case_team_changed(
    *, case: SupportCase, actor: User, from_team: str, detail: str
) -> CaseEvent:
    """Part of a handover, which logs the request's row itself."""
    return _on_case(
        Kind.TEAM_CHANGED,
        case,
        actor,
        access_log=False,
        from_value=from_team,
        to_value=str(case.team_id),
        detail=detail,
    )


def link_decided(
    *, case: SupportCase, actor: User, decision: str, detail: str
) -> CaseEvent:
    """The team lead's decision on a registration, in the new case's history
    (the decision's access-log row is ``link_request_decided``)."""
    return _on_case(
        Kind.LINK_DECIDED,
        case,
        actor,
        access_log=False,
        to_value=decision,
        detail=detail,
    )


# --- notes, meetings, complaints --------------------------------------------------------


def note_added(*, note: Note, actor: User) -> CaseEvent:
    return _on_case(Kind.NOTE_ADDED, note, actor, CREATE)


def note_corrected(*, note: Note, actor: User, reason: str) -> CaseEvent:
    return _on_case(
        Kind.NOTE_CORRECTED, note, actor, to_value=str(note.pk), detail=reason
    )


def note_withdrawn(*, note: Note, actor: User, reason: str) -> CaseEvent:
    return _on_case(
        Kind.NOTE_WITHDRAWN, note, actor, to_value=str(note.pk), detail=reason
    )


def meeting_planned(*, meeting: Meeting, actor: User) -> CaseEvent:
    return _on_case(
        Kind.MEETING_PLANNED,
        meeting,
        actor,
        CREATE,
        to_value=meeting.kind,
        detail=str(meeting),
    )


def meeting_status_changed(
    *, meeting: Meeting, actor: User, from_status: str
) -> CaseEvent:
    return _on_case(
        Kind.MEETING_STATUS,
        meeting,
        actor,
        from_value=from_status,
        to_value=meeting.status,
        detail=str(meeting),
    )


def complaint_stage_changed(
    *, complaint: Complaint, actor: User, from_stage: str, detail: str
) -> CaseEvent:
    """A step of a complaint (advanced, postponed, suspended, resumed)."""
    return _on_case(
        Kind.COMPLAINT_STAGE,
        complaint,
        actor,
        from_value=from_stage,
        to_value=complaint.stage,
        detail=detail,
    )


# --- support: assignments, attendance, emergency access ---------------------------------


def assignment_started(
    *, assignment: Assignment, actor: User, access_log: bool = True
) -> CaseEvent:
    return _on_case(
        Kind.ASSIGNMENT_STARTED,
        assignment,
        actor,
        CREATE,
        access_log=access_log,
        to_value=assignment.role,
        detail=str(assignment.holder),
    )


def assignment_ended(
    *, assignment: Assignment, actor: User, detail: str, access_log: bool = True
) -> CaseEvent:
    return _on_case(
        Kind.ASSIGNMENT_ENDED,
        assignment,
        actor,
        access_log=access_log,
        from_value=assignment.role,
        to_value=assignment.end_reason,
        detail=detail,
    )


def assignment_handed_over(*, assignment: Assignment) -> None:
    """The request's row for a handover: the new assignment. Its lines in the
    case history are the ended, moved and started ones."""
    log_change(action=UPDATE, obj=assignment)


def attendance_added(*, attendance: Attendance, actor: User) -> CaseEvent:
    """A supporter invited to (planned into) a meeting."""
    assignment = attendance.assignment
    return _on_case(
        Kind.ATTENDANCE_ADDED,
        attendance,
        actor,
        CREATE,
        case=attendance.meeting.case,
        to_value=assignment.role,
        detail=f"{assignment.holder} – {attendance.meeting}",
    )


def attendance_refused(*, attendance: Attendance, actor: User) -> CaseEvent:
    return _on_case(
        Kind.ATTENDANCE_REFUSED,
        attendance,
        actor,
        case=attendance.meeting.case,
        to_value=attendance.refusal_ground,
        detail=str(attendance.assignment.holder),
    )


def emergency_access_opened(
    *, access: EmergencyAccess, actor: User, detail: str, address: str | None
) -> CaseEvent:
    """The grant is written to the access log (action ``emergency``, with the
    request's ``address``) in its own transaction, inside a request or not,
    and to the case history, which the case's supporter reads (R2)."""
    log_event(
        user=actor,
        action=AccessLogEntry.Action.EMERGENCY,
        obj=access.case,
        purpose=EMERGENCY_PURPOSE,
        address=address,
    )
    return _on_case(
        Kind.EMERGENCY_OPENED,
        access,
        actor,
        AccessLogEntry.Action.EMERGENCY,
        access_log=False,
        detail=detail,
    )


def emergency_access_ended(*, access: EmergencyAccess, actor: User) -> CaseEvent:
    return _on_case(Kind.EMERGENCY_ENDED, access, actor, detail=str(actor))


def emergency_access_reviewed(
    *, access: EmergencyAccess, actor: User, note: str
) -> CaseEvent:
    return _on_case(Kind.EMERGENCY_REVIEWED, access, actor, detail=note)


# --- contact moments --------------------------------------------------------------------


def contact_recorded(*, contact: ContactMoment, actor: User) -> CaseEvent | None:
    """A contact on a case is a line in its history; any other contact is a
    record of its own (its version is its history). Either way the request's
    access-log row names it, and its client if it has one (an anonymous
    contact has none). The case's line holds codes, shown in words in the
    reader's language: the channel, and the duration in minutes."""
    if contact.case is not None:
        return _on_case(
            Kind.CONTACT_RECORDED,
            contact,
            actor,
            CREATE,
            from_value=str(contact.duration_minutes),
            to_value=contact.channel,
        )
    _on_file(obj=contact, action=CREATE, client=contact.client)
    return None


# --- the client's file ------------------------------------------------------------------


def client_updated(*, client: Client) -> None:
    _on_file(obj=client, action=UPDATE)


def link_requested(*, request: LinkRequest) -> None:
    """A registration (or family member) that waits for the team lead."""
    _on_file(obj=request, action=CREATE)


def link_request_decided(*, request: LinkRequest, actor: User) -> None:
    """The team lead's decision, written to the access log in the decision's
    own transaction (inside a request or not), about the client decided on."""
    log_event(
        user=actor,
        action=UPDATE,
        obj=request,
        client=request.client,
        purpose=PURPOSES.get(actor.role, ""),
    )


def link_request_withdrawn(*, request: LinkRequest) -> None:
    _on_file(obj=request, action=UPDATE)


def family_created(*, family: Family) -> None:
    _on_file(obj=family, action=CREATE)


def family_member_added(*, membership: FamilyMembership) -> None:
    _on_file(obj=membership, action=CREATE)


def conflict_recorded(*, conflict: ConflictingInterest) -> None:
    _on_file(obj=conflict, action=CREATE)


def care_recorded(*, care: Care) -> None:
    _on_file(obj=care, action=CREATE)


def care_ended(*, care: Care) -> None:
    _on_file(obj=care, action=UPDATE)


def application_decided(*, application: Application) -> None:
    _on_file(obj=application, action=UPDATE)


def application_decider_assigned(*, application: Application) -> None:
    _on_file(obj=application, action=UPDATE)


def informal_supporter_added(*, supporter: InformalSupporter) -> None:
    _on_file(obj=supporter, action=CREATE)


def consent_recorded(*, consent: Consent, access_log: bool = True) -> None:
    _on_file(obj=consent, action=CREATE, access_log=access_log)


def consent_withdrawn(*, consent: Consent) -> None:
    _on_file(obj=consent, action=UPDATE)


def item_shared(*, shared: SharedItem) -> None:
    """A meeting summary or document given to an informal supporter (R11)."""
    _on_file(obj=shared, action=UPDATE)


def outreach_visit_recorded(*, visit: OutreachVisit) -> None:
    """A visit without names (R7): no client, so no client in the row."""
    _on_file(obj=visit, action=CREATE)


# --- referrals --------------------------------------------------------------------------


def referral_sent(
    *, referral: Referral, actor: User, detail: str, address: str | None
) -> CaseEvent | None:
    """A copy of the client's items leaves the organisation: an export in the
    access log (inside a request or not), and a line in the case it was sent
    from, if any."""
    log_event(
        user=actor,
        action=AccessLogEntry.Action.EXPORT,
        obj=referral,
        client=referral.source_client,
        purpose=REFERRAL_PURPOSE,
        address=address,
    )
    if referral.source_case is None:
        return None
    return event_record(
        case=referral.source_case,
        kind=CaseEvent.Kind.REFERRAL_SENT,
        actor=actor,
        to_value=referral.reference,
        detail=detail,
    )


def referral_received(
    *, referral: Referral, actor: User, detail: str, address: str | None
) -> CaseEvent:
    """The receiving organisation makes (or links) its file and opens a case:
    a create in the access log about that file, and the case's first line
    after its opening."""
    if referral.target_case is None:
        raise ValueError("an accepted referral has its case")
    event = event_record(
        case=referral.target_case,
        kind=CaseEvent.Kind.REFERRAL_RECEIVED,
        actor=actor,
        to_value=referral.reference,
        detail=detail,
    )
    log_event(
        user=actor,
        action=CREATE,
        obj=referral,
        client=referral.target_client,
        purpose=REFERRAL_PURPOSE,
        address=address,
    )
    return event


def referral_declined(*, referral: Referral, actor: User, detail: str) -> None:
    """The copy is removed; the sender's case, if any, reads why."""
    if referral.source_case is not None:
        event_record(
            case=referral.source_case,
            kind=CaseEvent.Kind.REFERRAL_SENT,
            actor=actor,
            from_value=referral.reference,
            to_value=referral.status,
            detail=detail,
        )
    log_change(action=UPDATE, obj=referral)


# --- the privacy officer's register of data breaches ------------------------------------
# A breach names no client: its versions are its audit trail, and the request
# it was registered or changed in writes its access-log row.


def breach_registered(*, breach: DataBreach) -> None:
    log_change(action=CREATE, obj=breach)


def breach_assessed(*, breach: DataBreach) -> None:
    log_change(action=UPDATE, obj=breach)


def breach_closed(*, breach: DataBreach) -> None:
    log_change(action=UPDATE, obj=breach)
