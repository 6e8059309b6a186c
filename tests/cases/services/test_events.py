"""Every service that changes client data records its event (``cases.events``).

One table names every public function of the services packages
(``cases.services`` and ``roles.services``, their ``__all__``) and of the
modules of services without one (``roles.referrals``, ``privacy.services``):
how to call
it, and what it records — its line in the case history (``CaseEvent``), the
version of the record it changed (django-simple-history, by the reason the
service gave) and the access-log row of the request it ran in (create or
update, as its event function says). A read or a check records nothing and
says so. A service missing from the table fails, and so does one that
records less than the table says.
"""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps
from django.test import RequestFactory
from django.utils import timezone

from audit.log import current_request
from audit.models import AccessLogEntry
from cases import services
from cases.models import (
    Application,
    CallerType,
    CareKind,
    CaseEvent,
    Complaint,
    ContactChannel,
    ItemKind,
    Meeting,
    OutreachTheme,
    SupportCase,
)
from privacy import services as privacy_services
from privacy.models import DataBreach, DataSubjectRequest
from roles import referrals
from roles import services as role_services
from roles.models import Consent, InformalSupporter
from roles.policy import RefusalGround, SupportRole
from tests.factories import (
    ApplicationFactory,
    InformalSupporterFactory,
    UserFactory,
    active_assignment,
    add_note,
    assign_informal,
    complaint_in_stage,
    give_consent,
    invite,
    open_case,
    plan_meeting,
)
from tests.support.privacy import privacy_officer, register_breach, register_request

MODULES: list[ModuleType] = [services, role_services, referrals, privacy_services]

Kind = CaseEvent.Kind
CREATE, UPDATE = AccessLogEntry.Action.CREATE, AccessLogEntry.Action.UPDATE


class Scene:
    """The people and data a call needs, made on first use."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request

    def __getattr__(self, name: str) -> Any:
        value = self._request.getfixturevalue(name)
        setattr(self, name, value)
        return value

    # --- data made through the services ---------------------------------------------

    @property
    def case(self) -> SupportCase:
        if "_case" not in self.__dict__:
            self._case = open_case(self.confidant, municipality=self.municipality)
        return self._case

    @property
    def complaint_case(self) -> SupportCase:
        if "_complaint_case" not in self.__dict__:
            self._complaint_case = open_case(
                self.confidant,
                kind=SupportCase.Kind.COMPLAINT,
                municipality=self.municipality,
            )
        return self._complaint_case

    def complaint(self, stage: str = Complaint.Stage.FORMULATING) -> Complaint:
        return complaint_in_stage(self.confidant, self.complaint_case, stage)

    def suspended(self) -> Complaint:
        return services.complaint_suspend(
            actor=self.confidant,
            complaint=self.complaint(Complaint.Stage.SUBMITTED),
            reason="De klager zoekt stukken op.",
        )

    def meeting(self) -> Meeting:
        return plan_meeting(self.confidant, self.case)

    def held_meeting(self) -> Meeting:
        meeting = plan_meeting(
            self.confidant,
            self.case,
            starts_at=timezone.now() - datetime.timedelta(hours=1),
        )
        return services.meeting_set_status(
            actor=self.confidant, meeting=meeting, status=Meeting.Status.HELD
        )

    def supporter(self) -> InformalSupporter:
        return InformalSupporterFactory(client=self.case.client)

    def closed_with_assignments(self) -> SupportCase:
        """A case closed without its assignments ended: the state
        ``case_close`` is in when it calls ``assignments_end_for_closed_case``."""
        SupportCase.objects.filter(pk=self.case.pk).update(
            status=SupportCase.Status.CLOSED,
            closed_at=timezone.now(),
            outcome=SupportCase.Outcome.RESOLVED,
        )
        return SupportCase.objects.get(pk=self.case.pk)

    @property
    def po(self):
        if "_po" not in self.__dict__:
            self._po = privacy_officer(self.akj)
        return self._po

    def dsr(self, kind: str = DataSubjectRequest.Kind.INZAGE, *, checked=True):
        return register_request(self.po, self.case.client, kind, checked=checked)

    def dsr_started(self):
        return P.privacy_request_start(actor=self.po, request=self.dsr())

    def referral(self):
        return referrals.referral_send(
            actor=self.confidant,
            client=self.case.client,
            to_organisation=self.client_support_org,
            case=self.case,
            items=["identity"],
            consent_given_on=timezone.localdate(),
            message="Sem zoekt passende hulp.",
        )

    def unsupported_case(self) -> SupportCase:
        """The case after the team lead ended its confidant's assignment."""
        role_services.assignment_end(
            actor=self.team_lead,
            assignment=active_assignment(self.case, user=self.confidant),
        )
        return self.case

    def summary_consented(self) -> dict[str, Any]:
        supporter, meeting = self.supporter(), self.held_meeting()
        give_consent(
            self.confidant, supporter, meeting, item=Consent.Item.MEETING_SUMMARY
        )
        return {"meeting": meeting, "informal_supporter": supporter}

    def emergency_open(self) -> Any:
        return self.emergency()

    def member_add(self) -> Callable[[], Any]:
        family = services.family_create(
            actor=self.confidant,
            client=self.case.client,
            name="Jansen",
            relation="zoon",
        )
        return partial(
            services.family_member_add,
            actor=self.confidant,
            family=family,
            first_name="Petra",
            last_name="Jansen",
            date_of_birth=datetime.date(1980, 3, 3),
            kind="parent",
            municipality=self.municipality,
            relation="moeder",
        )

    def member(self):
        family = services.family_create(
            actor=self.confidant,
            client=self.case.client,
            name="Jansen",
            relation="zoon",
        )
        return services.family_member_add(
            actor=self.confidant,
            family=family,
            first_name="Petra",
            last_name="Jansen",
            date_of_birth=datetime.date(1980, 3, 3),
            kind="parent",
            municipality=self.municipality,
            relation="moeder",
        )

    def application(self) -> Application:
        return ApplicationFactory(
            client=self.case.client, municipality=self.municipality
        )

    def link_request(self):
        person = {
            "first_name": "Lotte",
            "last_name": "Visser",
            "date_of_birth": datetime.date(2010, 5, 5),
            "kind": "youth",
            "municipality": self.municipality,
            "case_kind": SupportCase.Kind.QUESTION,
        }
        services.client_register(actor=self.confidant, **person, case_title="Vraag")
        return services.client_register(
            actor=self.confidant2, **person, case_title="Tweede vraag"
        )

    def emergency(self):
        return role_services.emergency_access_open(
            actor=self.team_lead,
            case=self.case,
            reason="De vertrouwenspersoon is plotseling uitgevallen en de klacht loopt door.",
        )

    def informal_attendance(self):
        supporter = self.supporter()
        assignment = assign_informal(self.confidant, self.case, supporter)
        meeting = self.meeting()
        give_consent(self.confidant, supporter, meeting)
        return invite(self.confidant, meeting, assignment)

    def visit(self):
        return services.outreach_visit_record(**self.visit_fields())

    def visit_fields(self) -> dict[str, Any]:
        return {
            "actor": self.confidant,
            "institution": self.care_provider,
            "municipality": self.municipality,
            "visited_on": timezone.localdate(),
            "group": "Groep 3",
            "youths_spoken": 4,
            "themes": [OutreachTheme.values[0]],
        }

    def registration(self, first_name: str = "Sem") -> dict[str, Any]:
        return {
            "first_name": first_name,
            "last_name": "Bakker",
            "date_of_birth": datetime.date(2011, 1, 1),
            "kind": "youth",
            "municipality": self.municipality,
            "case_kind": SupportCase.Kind.QUESTION,
            "case_title": "Vraag",
        }


@dataclass(frozen=True)
class Row:
    """How to call a service and what it records: the kinds of its lines in
    the case history, the reasons of the versions it keeps, and the action of
    its access-log row in a request (``None``: a step of a larger change,
    which logs the request's row itself)."""

    call: Callable[[Scene], Any]
    events: tuple[str, ...] = ()
    history: tuple[str, ...] = ()
    logged: str | None = None
    why: str = ""


@dataclass(frozen=True)
class Read:
    """A read or a check: it changes nothing, so it records nothing."""

    why: str = field(default="changes nothing")


S = services
R = role_services
P = privacy_services

TABLE: dict[str, Row | Read] = {
    # --- cases.services -------------------------------------------------------------
    "application_assign_decider": Row(
        lambda s: partial(
            S.application_assign_decider,
            actor=s.decision_maker,
            application=s.application(),
            decider=UserFactory(
                decision_maker=True, organisation=s.decision_maker.organisation
            ),
        ),
        history=("application_assign_decider",),
        logged=UPDATE,
    ),
    "application_decide": Row(
        lambda s: partial(
            S.application_decide,
            actor=s.decision_maker,
            application=s.application(),
            decision=Application.Decision.GRANTED,
            reason="Voldoet aan de criteria.",
        ),
        history=("application_decide",),
        logged=UPDATE,
    ),
    "care_end": Row(
        lambda s: partial(
            S.care_end,
            actor=s.confidant,
            care=S.care_record(
                actor=s.confidant,
                client=s.case.client,
                provider=s.care_provider,
                kind=CareKind.values[0],
                started_on=timezone.localdate() - datetime.timedelta(days=30),
            ),
            ended_on=timezone.localdate(),
        ),
        history=("care_end",),
        logged=UPDATE,
    ),
    "care_record": Row(
        lambda s: partial(
            S.care_record,
            actor=s.confidant,
            client=s.case.client,
            provider=s.care_provider,
            kind=CareKind.values[0],
            started_on=timezone.localdate(),
        ),
        history=("care_record",),
        logged=CREATE,
    ),
    "case_close": Row(
        lambda s: partial(
            S.case_close,
            actor=s.confidant,
            case=s.case,
            outcome=SupportCase.Outcome.RESOLVED,
        ),
        events=(Kind.CLOSED, Kind.ASSIGNMENT_ENDED),
        history=("case_close",),
        logged=UPDATE,
    ),
    "case_open": Row(
        lambda s: partial(
            S.case_open,
            actor=s.confidant,
            client=s.case.client,
            kind=SupportCase.Kind.QUESTION,
            title="Tweede vraag",
        ),
        events=(Kind.OPENED, Kind.ASSIGNMENT_STARTED),
        history=("case_open",),
        logged=CREATE,
    ),
    "case_open_for": Row(
        lambda s: partial(
            S.case_open_for,
            actor=s.team_lead,
            client=s.case.client,
            supporter=s.confidant2,
            kind=SupportCase.Kind.QUESTION,
            title="Via een doorverwijzing",
        ),
        events=(Kind.OPENED, Kind.ASSIGNMENT_STARTED),
        history=("case_open",),
        why="a step of accepting a referral, which logs the request's row",
    ),
    "case_reference": Read(),
    "case_set_status": Row(
        lambda s: partial(
            S.case_set_status,
            actor=s.confidant,
            case=s.case,
            status=next(
                to
                for to in SupportCase.TRANSITIONS[s.case.status]
                if to != SupportCase.Status.CLOSED
            ),
        ),
        events=(Kind.STATUS,),
        history=("case_set_status",),
        logged=UPDATE,
    ),
    "client_file_create": Row(
        lambda s: partial(
            S.client_file_create,
            actor=s.team_lead,
            organisation_id=s.team_lead.organisation_id,
            first_name="Sem",
            last_name="Bakker",
            date_of_birth=datetime.date(2011, 1, 1),
            kind="youth",
            municipality=s.municipality,
        ),
        history=("referral_accept",),
        why="a step of accepting a referral, which logs the request's row",
    ),
    "client_register": Row(
        lambda s: partial(S.client_register, actor=s.confidant, **s.registration()),
        events=(Kind.OPENED, Kind.ASSIGNMENT_STARTED),
        history=("client_register", "case_open"),
        logged=CREATE,
    ),
    "client_contact_update": Row(
        lambda s: partial(
            S.client_contact_update,
            actor=s.confidant,
            client=s.case.client,
            phone="06 1234 5678",
            may_write=False,
        ),
        history=("client_contact_update",),
        logged=UPDATE,
    ),
    "client_update": Row(
        lambda s: partial(
            S.client_update,
            actor=s.confidant,
            client=s.case.client,
            first_name=s.case.client.first_name,
            last_name="Veranderd",
            date_of_birth=s.case.client.date_of_birth,
            kind=s.case.client.kind,
            municipality=s.case.client.municipality,
        ),
        history=("client_update",),
        logged=UPDATE,
    ),
    "complaint_advance": Row(
        lambda s: partial(
            S.complaint_advance,
            actor=s.confidant,
            complaint=s.complaint(),
            stage=Complaint.Stage.SUBMITTED,
            submitted_to="Klachtencommissie Jeugdhulp",
        ),
        events=(Kind.COMPLAINT_STAGE,),
        history=("complaint_advance",),
        logged=UPDATE,
    ),
    "complaint_postpone": Row(
        lambda s: partial(
            S.complaint_postpone,
            actor=s.confidant,
            complaint=s.complaint(Complaint.Stage.SUBMITTED),
            weeks=1,
        ),
        events=(Kind.COMPLAINT_STAGE,),
        history=("complaint_postpone",),
        logged=UPDATE,
    ),
    "complaint_resume": Row(
        lambda s: partial(
            S.complaint_resume, actor=s.confidant, complaint=s.suspended()
        ),
        events=(Kind.COMPLAINT_STAGE,),
        history=("complaint_resume",),
        logged=UPDATE,
    ),
    "complaint_suspend": Row(
        lambda s: partial(
            S.complaint_suspend,
            actor=s.confidant,
            complaint=s.complaint(Complaint.Stage.SUBMITTED),
            reason="De klager zoekt stukken op.",
        ),
        events=(Kind.COMPLAINT_STAGE,),
        history=("complaint_suspend",),
        logged=UPDATE,
    ),
    "conflict_record": Row(
        lambda s: partial(
            S.conflict_record,
            actor=s.confidant,
            client_a=s.case.client,
            client_b=s.member().client,
            description="Moeder en zoon willen elk iets anders.",
        ),
        history=("conflict_record",),
        logged=CREATE,
    ),
    "ensure_case_open": Read("a check"),
    "family_create": Row(
        lambda s: partial(
            S.family_create,
            actor=s.confidant,
            client=s.case.client,
            name="Jansen",
            relation="zoon",
        ),
        history=("family_create",),
        logged=CREATE,
    ),
    "family_member_add": Row(
        lambda s: s.member_add(), history=("family_member_add",), logged=CREATE
    ),
    "family_require_change": Read("a check"),
    "known_in_organisation": Read(),
    "link_request_candidates": Read(),
    "link_request_decide": Row(
        lambda s: partial(
            S.link_request_decide,
            actor=s.team_lead,
            request=s.link_request(),
            decision="separate",
            reason="Een andere Lotte.",
        ),
        events=(Kind.OPENED, Kind.ASSIGNMENT_STARTED, Kind.LINK_DECIDED),
        history=("link_request_decide", "case_open"),
        logged=UPDATE,
    ),
    "link_request_withdraw": Row(
        lambda s: partial(
            S.link_request_withdraw, actor=s.confidant2, request=s.link_request()
        ),
        logged=UPDATE,
        why=(
            "what the caseworker typed is removed, so no version keeps it: the "
            "request's own status, who and when, and its access-log row record it"
        ),
    ),
    "meeting_plan": Row(
        lambda s: partial(plan_meeting, s.confidant, s.case),
        events=(Kind.MEETING_PLANNED,),
        history=("meeting_plan",),
        logged=CREATE,
    ),
    "meeting_set_status": Row(
        lambda s: partial(
            S.meeting_set_status,
            actor=s.confidant,
            meeting=s.meeting(),
            status=Meeting.Status.CANCELLED,
        ),
        events=(Kind.MEETING_STATUS,),
        history=("meeting_set_status",),
        logged=UPDATE,
    ),
    "contact_record": Row(
        lambda s: partial(
            S.contact_record,
            actor=s.confidant,
            case=s.case,
            channel=ContactChannel.PHONE,
            started_at=timezone.now(),
            duration_minutes=10,
            caller_type=CallerType.YOUTH,
            items=[S.ContactItemInput(kind=ItemKind.QUESTION, theme="treatment")],
        ),
        events=(Kind.CONTACT_RECORDED,),
        history=("contact_record",),
        logged=CREATE,
    ),
    "note_add": Row(
        lambda s: partial(add_note, s.confidant, s.case),
        events=(Kind.NOTE_ADDED,),
        history=("note_add",),
        logged=CREATE,
    ),
    "note_correct": Row(
        lambda s: partial(
            S.note_correct,
            actor=s.confidant,
            note=(note := add_note(s.confidant, s.case)),
            text="Gesprek gevoerd met moeder.",
            reason="Aangevuld",
            expected_version=note.version,
        ),
        events=(Kind.NOTE_CORRECTED,),
        history=("Aangevuld",),
        logged=UPDATE,
    ),
    "note_withdraw": Row(
        lambda s: partial(
            S.note_withdraw,
            actor=s.confidant,
            note=(note := add_note(s.confidant, s.case)),
            reason="Verkeerde zaak",
            expected_version=note.version,
        ),
        events=(Kind.NOTE_WITHDRAWN,),
        history=("Verkeerde zaak",),
        logged=UPDATE,
    ),
    "outreach_case_open": Row(
        lambda s: partial(
            S.outreach_case_open,
            actor=s.confidant,
            visit=s.visit(),
            **s.registration("Noa"),
        ),
        events=(Kind.OPENED, Kind.ASSIGNMENT_STARTED),
        history=("client_register", "case_open", "outreach_case_open"),
        logged=CREATE,
    ),
    "outreach_visit_record": Row(
        lambda s: partial(S.outreach_visit_record, **s.visit_fields()),
        history=("outreach_visit_record",),
        logged=CREATE,
    ),
    # --- roles.services -------------------------------------------------------------
    "assignment_end": Row(
        lambda s: partial(
            R.assignment_end,
            actor=s.team_lead,
            assignment=active_assignment(s.case, user=s.confidant),
        ),
        events=(Kind.ASSIGNMENT_ENDED,),
        logged=UPDATE,
    ),
    "assignment_hand_over": Row(
        lambda s: partial(
            R.assignment_hand_over,
            actor=s.team_lead,
            assignment=active_assignment(s.case, user=s.confidant),
            to_user=s.confidant2,
            reason="Ziekte",
        ),
        events=(Kind.ASSIGNMENT_ENDED, Kind.ASSIGNMENT_STARTED),
        logged=UPDATE,
    ),
    "assignment_perm": Read(),
    "assignment_start": Row(
        lambda s: partial(
            R.assignment_start,
            actor=s.team_lead,
            case=s.unsupported_case(),
            role=SupportRole.AKJ_CONFIDANT,
            user=s.confidant2,
        ),
        events=(Kind.ASSIGNMENT_STARTED,),
        logged=CREATE,
    ),
    "assignment_start_for_opener": Row(
        lambda s: partial(
            R.assignment_start_for_opener,
            actor=s.team_lead,
            case=s.unsupported_case(),
            role=SupportRole.AKJ_CONFIDANT,
            at_clients_request=True,
            user=s.confidant2,
        ),
        events=(Kind.ASSIGNMENT_STARTED,),
        why="a step of opening a case, which logs the request's row",
    ),
    "assignments_end_for_closed_case": Row(
        lambda s: partial(
            R.assignments_end_for_closed_case,
            actor=s.confidant,
            case=s.closed_with_assignments(),
        ),
        events=(Kind.ASSIGNMENT_ENDED,),
        why="a step of closing a case, which logs the request's row",
    ),
    "attendance_add": Row(
        lambda s: partial(
            R.attendance_add,
            actor=s.confidant,
            meeting=s.meeting(),
            assignment=active_assignment(s.case, user=s.confidant),
            requested_by_client=True,
        ),
        events=(Kind.ATTENDANCE_ADDED,),
        logged=CREATE,
    ),
    "attendance_invite": Row(
        lambda s: partial(
            R.attendance_invite,
            actor=s.confidant,
            meeting=s.meeting(),
            assignment=assign_informal(s.confidant, s.case, s.supporter()),
            requested_by_client=True,
            consent_given_on=timezone.localdate(),
        ),
        events=(Kind.ATTENDANCE_ADDED,),
        history=("consent_record",),
        logged=CREATE,
    ),
    "attendance_refuse": Row(
        lambda s: partial(
            R.attendance_refuse,
            actor=s.confidant,
            attendance=s.informal_attendance(),
            ground=RefusalGround.OBSTRUCTING,
            explanation="Hij neemt het gesprek over.",
        ),
        events=(Kind.ATTENDANCE_REFUSED,),
        logged=UPDATE,
    ),
    "check_may_support": Read("a check"),
    "check_no_one_supports_both": Read("a check"),
    "consent_record": Row(
        lambda s: partial(give_consent, s.confidant, s.supporter(), s.meeting()),
        history=("consent_record",),
        logged=CREATE,
    ),
    "consent_withdraw": Row(
        lambda s: partial(
            R.consent_withdraw,
            actor=s.confidant,
            consent=give_consent(s.confidant, s.supporter(), s.meeting()),
        ),
        history=("consent_withdraw",),
        logged=UPDATE,
    ),
    "document_share": Row(
        lambda s: partial(
            R.document_share,
            actor=s.confidant,
            consent=give_consent(
                s.confidant, s.supporter(), item=Consent.Item.DOCUMENT
            ),
        ),
        logged=UPDATE,
        why="the shared item is itself the record of what was given (R11)",
    ),
    "emergency_access_end": Row(
        lambda s: partial(
            R.emergency_access_end, actor=s.team_lead, access=s.emergency()
        ),
        events=(Kind.EMERGENCY_ENDED,),
        logged=UPDATE,
    ),
    "emergency_access_open": Row(
        lambda s: s.emergency_open,
        events=(Kind.EMERGENCY_OPENED,),
        logged=AccessLogEntry.Action.EMERGENCY,
    ),
    "emergency_access_review": Row(
        lambda s: partial(
            R.emergency_access_review,
            actor=privacy_officer(s.akj),
            access=s.emergency(),
            note="Terecht geopend.",
        ),
        events=(Kind.EMERGENCY_REVIEWED,),
        logged=UPDATE,
    ),
    "ensure_not_supporting": Read("a check"),
    "has_consent": Read(),
    "informal_supporter_add": Row(
        lambda s: partial(
            R.informal_supporter_add,
            actor=s.confidant,
            client=s.case.client,
            name="Tante Els",
            relation="tante",
        ),
        history=("informal_supporter_add",),
        logged=CREATE,
    ),
    "meeting_summary_share": Row(
        lambda s: partial(
            R.meeting_summary_share,
            actor=s.confidant,
            **s.summary_consented(),
        ),
        logged=UPDATE,
        why="the shared item is itself the record of what was given (R11)",
    ),
    "r4_breaches": Read(),
    "reason_words": Read(),
    # --- roles.referrals -------------------------------------------------------------
    "receiving_organisations": Read(),
    "referral_accept": Row(
        lambda s: partial(
            referrals.referral_accept,
            actor=s.client_support_team_lead,
            referral=s.referral(),
            supporter=s.client_supporter,
            kind=SupportCase.Kind.CARE_QUESTION,
            title="Zorgvraag",
        ),
        events=(Kind.OPENED, Kind.ASSIGNMENT_STARTED, Kind.REFERRAL_RECEIVED),
        history=("referral_accept", "case_open"),
        logged=CREATE,
    ),
    "referral_candidates": Read(),
    "referral_decline": Row(
        lambda s: partial(
            referrals.referral_decline,
            actor=s.client_support_team_lead,
            referral=s.referral(),
            reason="Wij hebben geen plek.",
        ),
        events=(Kind.REFERRAL_SENT,),
        logged=UPDATE,
    ),
    "referral_reference": Read(),
    "referral_send": Row(
        lambda s: s.referral,
        events=(Kind.REFERRAL_SENT,),
        logged=AccessLogEntry.Action.EXPORT,
    ),
    # --- privacy.services (the privacy officer's registers) ----------------------------
    "breach_assess": Row(
        lambda s: partial(
            P.breach_assess,
            actor=s.po,
            breach=register_breach(s.po),
            reported_to_ap_at=timezone.now(),
            ap_reference="M-1",
            subjects_informed=DataBreach.Informed.YES,
            subjects_informed_on=timezone.localdate(),
        ),
        history=("breach_assess",),
        logged=UPDATE,
    ),
    "breach_close": Row(
        lambda s: partial(
            P.breach_close,
            actor=s.po,
            breach=P.breach_assess(
                actor=s.po,
                breach=register_breach(s.po),
                reported_to_ap_at=timezone.now(),
                ap_reference="M-1",
                subjects_informed=DataBreach.Informed.YES,
                subjects_informed_on=timezone.localdate(),
            ),
        ),
        history=("breach_close",),
        logged=UPDATE,
    ),
    "breach_register": Row(
        lambda s: partial(register_breach, s.po),
        history=("breach_register",),
        logged=CREATE,
    ),
    "privacy_request_answer": Row(
        lambda s: partial(
            P.privacy_request_answer,
            actor=s.po,
            request=s.dsr_started(),
            answered_on=timezone.localdate(),
            summary="Inzage gegeven.",
        ),
        history=("privacy_request_answer",),
        logged=UPDATE,
    ),
    "privacy_request_check_identity": Row(
        lambda s: partial(
            P.privacy_request_check_identity,
            actor=s.po,
            request=s.dsr(checked=False),
            checked_on=timezone.localdate(),
            method=DataSubjectRequest.IdentityCheck.IN_PERSON,
        ),
        history=("privacy_request_check_identity",),
        logged=UPDATE,
    ),
    "privacy_request_export": Row(
        lambda s: partial(
            P.privacy_request_export, actor=s.po, request=s.dsr(), fmt="json"
        ),
        history=("privacy_request_export_json",),
        logged=AccessLogEntry.Action.EXPORT,
    ),
    "privacy_request_extend": Row(
        lambda s: partial(
            P.privacy_request_extend,
            actor=s.po,
            request=s.dsr(),
            reason="Het dossier is groot.",
        ),
        history=("privacy_request_extend",),
        logged=UPDATE,
    ),
    "privacy_request_refuse": Row(
        lambda s: partial(
            P.privacy_request_refuse,
            actor=s.po,
            request=s.dsr(),
            reason="Kennelijk ongegrond.",
        ),
        history=("privacy_request_refuse",),
        logged=UPDATE,
    ),
    "privacy_request_register": Row(
        lambda s: partial(s.dsr, checked=False),
        history=("privacy_request_register",),
        logged=CREATE,
    ),
    "privacy_request_start": Row(
        lambda s: partial(P.privacy_request_start, actor=s.po, request=s.dsr()),
        history=("privacy_request_start",),
        logged=UPDATE,
    ),
    "privacy_request_withdraw": Row(
        lambda s: partial(
            P.privacy_request_withdraw,
            actor=s.po,
            request=s.dsr(),
            withdrawn_on=timezone.localdate(),
        ),
        history=("privacy_request_withdraw",),
        logged=UPDATE,
    ),
    "request_purpose": Read(),
}


def _public_services() -> list[tuple[str, str]]:
    return sorted(
        (module.__name__, name)
        for module in MODULES
        for name in _public_names(module)
        if inspect.isfunction(getattr(module, name))
    )


def _public_names(module: ModuleType) -> list[str]:
    """A package's ``__all__``; for a module without one, the functions it
    defines itself whose names do not start with an underscore."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and inspect.isfunction(value)
        and value.__module__ == module.__name__
    ]


def _history_marks() -> dict[type, int]:
    """The newest version of every historical model, to see what is new."""
    marks = {}
    for model in apps.get_models():
        if model.__name__.startswith("Historical") and hasattr(model, "history_id"):
            newest = model.objects.order_by("-history_id").first()
            marks[model] = newest.history_id if newest else 0
    return marks


def _new_reasons(marks: dict[type, int]) -> set[str]:
    return {
        reason
        for model, mark in marks.items()
        for reason in model.objects.filter(history_id__gt=mark).values_list(
            "history_change_reason", flat=True
        )
    }


def test_the_table_names_every_public_service():
    """Every public function of the services packages is in the table, and
    the table names nothing else."""
    names = {name for _, name in _public_services()}
    assert names - TABLE.keys() == set(), "services missing from the table"
    assert TABLE.keys() - names == set(), "the table names what is no service"


@pytest.mark.parametrize(("module", "name"), _public_services())
def test_every_service_records_its_event(module, name, request, rf: RequestFactory, db):
    """A service that changes client data writes its lines in the case history,
    the versions of what it changed and the access-log row of its request."""
    row = TABLE.get(name)
    assert row is not None, f"{module}.{name} is missing from the table of events"
    if isinstance(row, Read):
        return
    assert row.events or row.history or row.logged, f"{name} records nothing"
    scene = Scene(request)
    # What the call needs is made first, outside the request being logged.
    scene.case  # noqa: B018
    call = row.call(scene)
    last_event = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True)
    marks = _history_marks()
    first_event = last_event.first() or 0
    actor = UserFactory(confidant=True, organisation=scene.akj)
    http = rf.post("/")
    http.user = actor
    token = current_request.set(http)
    try:
        log_before = AccessLogEntry.objects.count()
        call()
    finally:
        current_request.reset(token)
    new_events = set(
        CaseEvent.objects.filter(pk__gt=first_event).values_list("kind", flat=True)
    )
    assert set(row.events) <= new_events, f"{name}: case events {new_events}"
    new_reasons = _new_reasons(marks)
    assert set(row.history) <= new_reasons, f"{name}: versions {new_reasons}"
    rows = list(AccessLogEntry.objects.order_by("pk")[log_before:])
    if row.logged is None:
        assert rows == [], f"{name} is a step: the larger change logs"
    else:
        assert [r.action for r in rows] == [row.logged], name
