"""Support assignments, attendance, refusals, consent and emergency access: the
rules R1, R2, R4, R5, R6, R9, R11 and R12, and the only place where object
permissions change.

Each service checks the actor's permission (403), then the rule
(``ValidationError`` with a Dutch message, nothing changed), writes, keeps the
permission rows in step in the same transaction, and records a case event.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from cases.access_log import EMERGENCY_PURPOSE, log_event
from cases.errors import field_error
from cases.history import event_record, track
from cases.models import (
    AccessLogEntry,
    Application,
    CaseEvent,
    Client,
    ConflictingInterest,
    Meeting,
    SupportCase,
)

from .models import (
    Assignment,
    Attendance,
    Consent,
    EmergencyAccess,
    InformalSupporter,
    SharedItem,
)
from .permissions import Perm, require, sync_case_permissions
from .policy import RefusalGround, SupportRole, policy_for

# --- rule checks, each raising a Dutch ValidationError ------------------------------------


def _check_role_fits_case(role: str, case: SupportCase) -> None:
    """R1: what a role supports is the policy table's, not the caller's, choice."""
    policy = policy_for(role)
    if case.kind not in policy.case_kinds:
        raise ValidationError(
            _("Een %(role)s ondersteunt geen zaak van de soort '%(kind)s'.")
            % {
                "role": policy_for(role).noun,
                "kind": SupportCase.Kind(case.kind).label.lower(),
            },
            code="r1_role_case_kind",
        )


def _check_user_has_role(user: User, role: str) -> None:
    policy = policy_for(role)
    if not policy.is_user or user.role != policy.user_role or not user.is_active:
        raise ValidationError(
            _("%(user)s kan niet als %(role)s worden toegewezen.")
            % {"user": user, "role": policy_for(role).noun},
            code="r1_user_role",
        )


def _conflicting_members(client: Client) -> list[int]:
    """The family members recorded with interests conflicting with ``client``'s."""
    return list(
        ConflictingInterest.objects.filter(client_a=client)
        .values_list("client_b", flat=True)
        .union(
            ConflictingInterest.objects.filter(client_b=client).values_list(
                "client_a", flat=True
            )
        )
    )


def _r4_refusal(user: User) -> ValidationError:
    # Names the supporter, never the family member: a team lead reads this
    # too, and sees no clients (R2).
    return ValidationError(
        _(
            "%(user)s ondersteunt al een gezinslid met een tegenstrijdig belang. Eén "
            "vertrouwenspersoon kan niet beide gezinsleden ondersteunen; wijs een "
            "andere vertrouwenspersoon toe."
        )
        % {"user": user},
        code="r4_conflicting_interests",
    )


def _check_conflicting_interests(user: User, client: Client) -> None:
    """R4: one confidant cannot support two family members with conflicting interests."""
    other_ids = _conflicting_members(client)
    if other_ids and (
        Assignment.objects.filter(
            user=user, ended_at__isnull=True, case__client_id__in=other_ids
        ).exists()
    ):
        raise _r4_refusal(user)


def check_no_one_supports_both(*, client_a: Client, client_b: Client) -> None:
    """R4 in the other order: a conflict between two family members is not
    recorded while one confidant supports both (the team lead first hands one
    case over); the message names the confidant, not the members."""
    roles = [r for r in SupportRole if policy_for(r).checks_conflicting_interests]
    active = Assignment.objects.filter(
        ended_at__isnull=True, user__isnull=False, role__in=roles
    )
    both = (
        active.filter(case__client=client_a)
        .filter(user__in=active.filter(case__client=client_b).values("user_id"))
        .select_related("user")
        .first()
    )
    if both is not None:
        raise ValidationError(
            _(
                "%(user)s ondersteunt beide gezinsleden. Eén vertrouwenspersoon kan "
                "niet twee gezinsleden met een tegenstrijdig belang ondersteunen: "
                "laat de teamleider eerst één van de zaken overdragen aan een "
                "collega, en leg dan het tegenstrijdig belang vast."
            )
            % {"user": both.user},
            code="r4_supports_both",
        )


def r4_breaches() -> list[str]:
    """Every state that breaks R4: one confidant actively supporting two
    family members recorded with conflicting interests (whatever the order
    in which it came about). One line per breach, ids only."""
    roles = [r for r in SupportRole if policy_for(r).checks_conflicting_interests]
    active = dict.fromkeys(
        Assignment.objects.filter(
            ended_at__isnull=True, user__isnull=False, role__in=roles
        ).values_list("user_id", "case__client_id")
    )
    by_client: dict[int, set[int]] = {}
    for user_id, client_id in active:
        by_client.setdefault(client_id, set()).add(user_id)
    problems = []
    for conflict_id, a, b in ConflictingInterest.objects.values_list(
        "pk", "client_a_id", "client_b_id"
    ).iterator():
        for user_id in sorted(by_client.get(a, set()) & by_client.get(b, set())):
            problems.append(
                f"R4 breach: user {user_id} supports client {a} and client {b} "
                f"(conflicting interest {conflict_id})"
            )
    return problems


def _same_person(client: Client) -> Q:
    """The files that are the same person as ``client``, in any organisation:
    R9 is the one rule that crosses them, by the person key alone."""
    if client.person_key:
        return Q(client__person_key=client.person_key)
    return Q(client=client)


def ensure_not_supporting(*, user: User, client: Client) -> None:
    """R9: a person who supports (or supported) a client cannot decide on that
    client's application, whichever organisation's file they support them in."""
    independent = [r for r in SupportRole if policy_for(r).independent_of_decisions]
    case_of_person = _same_person(client)
    if Assignment.objects.filter(
        user=user,
        role__in=independent,
        case__in=SupportCase.objects.filter(case_of_person).values("pk"),
    ).exists():
        raise ValidationError(
            _(
                "%(user)s ondersteunt (of ondersteunde) deze cliënt en kan daarom niet "
                "beslissen over een aanvraag van deze cliënt. Ondersteuning en beslissen "
                "zijn nooit in één hand."
            )
            % {"user": user},
            code="r9_supporter_decides",
        )


def _check_not_deciding(user: User, client: Client, role: str) -> None:
    """R9, the other way round: a decider of the person's application (in the
    municipality's file of them) cannot support them."""
    if not policy_for(role).independent_of_decisions:
        return
    if Application.objects.filter(_same_person(client), decider=user).exists():
        raise ValidationError(
            _(
                "%(user)s beslist (of besliste) over een aanvraag van deze cliënt en kan "
                "daarom geen ondersteuner van deze cliënt zijn. Ondersteuning en beslissen "
                "zijn nooit in één hand."
            )
            % {"user": user},
            code="r9_decider_supports",
        )


def check_may_support(*, user: User, client: Client, role: str) -> None:
    """The rules about the person that refuse ``user`` as ``role`` of
    ``client``: R4 (a family member with conflicting interests) and R9
    (deciding on their application). ``_start`` applies them; a registration
    waiting for its team lead is checked against them at once."""
    if policy_for(role).checks_conflicting_interests:
        _check_conflicting_interests(user, client)
    _check_not_deciding(user, client, role)


def _ensure_case_open(case: SupportCase) -> None:
    if case.is_closed:
        raise ValidationError(
            _("Deze zaak is afgesloten; er kan niets meer aan worden toegevoegd."),
            code="case_closed",
        )


# --- assignments ------------------------------------------------------------------------


def _start(
    *,
    actor: User,
    case: SupportCase,
    role: str,
    user: User | None = None,
    informal_supporter: InformalSupporter | None = None,
    at_clients_request: bool = False,
) -> Assignment:
    _ensure_case_open(case)
    policy = policy_for(role)
    _check_role_fits_case(role, case)
    if policy.is_user:
        if user is None or informal_supporter is not None:
            raise ValidationError(_("Kies een medewerker."), code="r1_holder")
        _check_user_has_role(user, role)
        if user.organisation_id != case.organisation_id:
            # R13: nobody of another organisation works in its files.
            raise ValidationError(
                _("%(user)s werkt niet voor de organisatie van deze zaak.")
                % {"user": user},
                code="r13_other_organisation",
            )
        check_may_support(user=user, client=case.client, role=role)
    else:
        if informal_supporter is None or user is not None:
            # R11: informal supporters are people in the client's network, not users.
            raise ValidationError(
                _("Een informele ondersteuner is geen gebruiker van Naast."),
                code="r11_informal_not_user",
            )
        if informal_supporter.client_id != case.client_id:
            raise ValidationError(
                _("Deze informele ondersteuner hoort niet bij deze cliënt."),
                code="r11_other_client",
            )
    if policy.assignment_needs_client_request and not at_clients_request:
        raise ValidationError(
            _("Een informele ondersteuner treedt alleen op verzoek van de cliënt op."),
            code="r11_client_request",
        )
    assignment = Assignment(
        case=case,
        role=role,
        user=user,
        informal_supporter=informal_supporter,
        at_clients_request=at_clients_request,
        started_by=actor,
    )
    assignment.full_clean()
    assignment.save()
    if user is not None:
        sync_case_permissions(user_id=user.pk, case=case)
    event_record(
        case=case,
        kind=CaseEvent.Kind.ASSIGNMENT_STARTED,
        actor=actor,
        to_value=role,
        detail=str(assignment.holder),
    )
    return assignment


def assignment_start_for_opener(
    *,
    actor: User,
    case: SupportCase,
    role: str,
    at_clients_request: bool,
    user: User | None = None,
) -> Assignment:
    """The caseworker who opens a case supports it (called by ``case_open``);
    ``user`` when a team lead opens it for them (a link request, a referral)."""
    return _start(
        actor=actor,
        case=case,
        role=role,
        user=user or actor,
        at_clients_request=at_clients_request,
    )


@transaction.atomic
def assignment_start(
    *,
    actor: User,
    case: SupportCase,
    role: str,
    user: User | None = None,
    informal_supporter: InformalSupporter | None = None,
    at_clients_request: bool = False,
) -> Assignment:
    """Assign a supporter to a case.

    A team lead assigns professionals of their organisation's cases; the case's
    own supporter adds informal supporters from the client's network (R11).
    Refused when the role does not fit (R1), for conflicting interests (R4), or
    when the person decides on the client's application (R9).
    """
    if role not in SupportRole.values:
        raise field_error("role", _("Kies een rol."), "r1_unknown_role")
    if policy_for(role).is_user:
        require(actor, Perm.ASSIGN_SUPPORT, case)
        if user is not None:
            # R1 first: the kind of person, then whose team they are in (R13).
            _check_role_fits_case(role, case)
            _check_user_has_role(user, role)
        if user is not None and not _in_led_team(actor, user):
            raise field_error(
                "user",
                _("%(user)s hoort niet bij een team dat u leidt.") % {"user": user},
                "not_in_team",
            )
    else:
        require(actor, Perm.CHANGE_CASE, case)
    case = SupportCase.objects.select_for_update().get(pk=case.pk)
    return _start(
        actor=actor,
        case=case,
        role=role,
        user=user,
        informal_supporter=informal_supporter,
        at_clients_request=at_clients_request,
    )


def _in_led_team(team_lead: User, user: User) -> bool:
    """Whether ``user`` is a member of a team that ``team_lead`` leads (R13)."""
    return user.team_id is not None and (
        team_lead.led_teams.filter(pk=user.team_id).exists()
    )


def _end(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
    assignment.ended_at = timezone.now()
    assignment.end_reason = reason
    assignment.full_clean()
    assignment.save(update_fields=["ended_at", "end_reason"])
    if assignment.user_id is not None:
        sync_case_permissions(user_id=assignment.user_id, case=assignment.case)
    event_record(
        case=assignment.case,
        kind=CaseEvent.Kind.ASSIGNMENT_ENDED,
        actor=actor,
        from_value=assignment.role,
        to_value=reason,
        detail=str(assignment.holder),
    )
    return assignment


@transaction.atomic
def assignment_end(*, actor: User, assignment: Assignment) -> Assignment:
    """End one assignment without closing the case. Its holder loses access (R2)."""
    if policy_for(assignment.role).is_user:
        require(actor, Perm.ASSIGN_SUPPORT, assignment.case)
    else:
        require(actor, Perm.CHANGE_CASE, assignment.case)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.is_active:
        raise ValidationError(_("Deze ondersteuning is al beëindigd."), code="ended")
    return _end(actor=actor, assignment=assignment, reason=Assignment.EndReason.ENDED)


def assignments_end_for_closed_case(
    *, actor: User, case: SupportCase
) -> list[Assignment]:
    """R6: closing a case ends all its assignments. The supporter keeps read access
    to the closed case, not to anything new about the client. Called by
    ``case_close`` inside its transaction, after its permission check."""
    if not case.is_closed:
        raise ValueError("the case must be closed first")
    active = Assignment.objects.select_for_update().filter(
        case=case, ended_at__isnull=True
    )
    return [
        _end(actor=actor, assignment=a, reason=Assignment.EndReason.CASE_CLOSED)
        for a in active.select_related("case")
    ]


# --- informal supporters and consent (R11) -------------------------------------------------


@transaction.atomic
def informal_supporter_add(
    *,
    actor: User,
    client: Client,
    name: str,
    relation: str,
    phone: str = "",
    email: str = "",
) -> InformalSupporter:
    """Record someone from the client's network. They get no account (R11)."""
    require(actor, Perm.CHANGE_CLIENT, client)
    supporter = InformalSupporter(
        client=client,
        name=name.strip(),
        relation=relation.strip(),
        phone=phone,
        email=email,
    )
    supporter.full_clean()
    supporter.save()
    return supporter


#: Consent for these items names the meeting it is about.
_ITEMS_WITH_MEETING = frozenset(
    {Consent.Item.MEETING_INVITATION, Consent.Item.MEETING_SUMMARY}
)


@transaction.atomic
def consent_record(
    *,
    actor: User,
    informal_supporter: InformalSupporter,
    item: str,
    given_on: datetime.date,
    meeting: Meeting | None = None,
    description: str = "",
) -> Consent:
    """Record the client's consent to give one item to their informal supporter (R11)."""
    client = informal_supporter.client
    require(actor, Perm.CHANGE_CLIENT, client)
    if meeting is not None and meeting.case.client_id != client.pk:
        raise field_error(
            "meeting", _("Dit gesprek hoort niet bij deze cliënt."), "r11_other_client"
        )
    if given_on > timezone.localdate():
        raise field_error("given_on", _("Deze datum ligt in de toekomst."), "future")
    if meeting is not None:
        # R2: consent for a meeting is recorded by someone who may read it.
        require(actor, Perm.VIEW_CASE_CONTENT, meeting.case)
    if item in _ITEMS_WITH_MEETING and meeting is None:
        raise field_error(
            "meeting",
            _("Kies het gesprek waarvoor de cliënt toestemming gaf."),
            "r11_meeting_required",
        )
    if item == Consent.Item.DOCUMENT and not description.strip():
        raise field_error(
            "description",
            _("Omschrijf het document waarvoor de cliënt toestemming gaf."),
            "r11_description_required",
        )
    consent = Consent(
        client=client,
        informal_supporter=informal_supporter,
        item=item,
        meeting=meeting,
        description=description,
        given_on=given_on,
        recorded_by=actor,
    )
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: User, consent: Consent, withdrawn_on: datetime.date | None = None
) -> Consent:
    """Record that the client withdrew a consent, on ``withdrawn_on`` (today by
    default). Nothing more is shared under it; what was shared stays recorded
    (R11)."""
    require(actor, Perm.CHANGE_CLIENT, consent.client)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError(
            _("Deze toestemming is al ingetrokken."), code="consent_withdrawn"
        )
    on = withdrawn_on or timezone.localdate()
    if on > timezone.localdate():
        raise field_error(
            "withdrawn_on", _("Deze datum ligt in de toekomst."), "future"
        )
    if on < consent.given_on:
        raise field_error(
            "withdrawn_on",
            _("De toestemming kan niet zijn ingetrokken vóór ze werd gegeven."),
            "before_given",
        )
    consent.withdrawn_on = on
    consent.save(update_fields=["withdrawn_on"])
    return consent


def has_consent(
    *, informal_supporter: InformalSupporter, item: str, meeting: Meeting | None = None
) -> bool:
    """Whether the client agreed to give this item to this informal supporter (R11)."""
    return Consent.objects.filter(
        informal_supporter=informal_supporter,
        item=item,
        meeting=meeting,
        withdrawn_on__isnull=True,
    ).exists()


# --- attendance (R5, R11, R12) ------------------------------------------------------------


@transaction.atomic
def attendance_add(
    *,
    actor: User,
    meeting: Meeting,
    assignment: Assignment,
    requested_by_client: bool,
) -> Attendance:
    """Plan a supporter into a meeting.

    R5: an AKJ confidant attends only a question/complaint conversation or a
    mediation, never a conversation about the content of the care, and only at
    the client's request. R11: an informal supporter is invited only at the
    client's request and with the client's consent for that invitation.
    """
    case = meeting.case
    require(actor, Perm.CHANGE_CASE, case)
    _ensure_case_open(case)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(
            _("Dit gesprek is niet meer gepland; er kan niemand meer bij."),
            code="meeting_not_planned",
        )
    if assignment.case_id != case.pk or not assignment.is_active:
        raise field_error(
            "assignment",
            _("Deze persoon ondersteunt de cliënt niet in deze zaak."),
            "not_assigned",
        )
    policy = policy_for(assignment.role)
    if meeting.kind not in policy.meeting_kinds:
        raise ValidationError(
            _(
                "Een %(role)s is niet aanwezig bij een %(kind)s. Een vertrouwenspersoon "
                "komt alleen bij een vraag- of klachtgesprek of een bemiddeling, niet bij "
                "een gesprek over de inhoud van de hulp."
            )
            % {
                "role": policy.noun,
                "kind": Meeting.Kind(meeting.kind).label.lower(),
            },
            code="r5_content_meeting",
        )
    if policy.attendance_needs_client_request and not requested_by_client:
        raise field_error(
            "requested_by_client",
            _("Een %(role)s is alleen aanwezig op verzoek van de cliënt.")
            % {"role": policy.noun},
            "r5_client_request",
        )
    if policy.sharing_needs_consent and not has_consent(
        informal_supporter=assignment.informal_supporter,
        item=Consent.Item.MEETING_INVITATION,
        meeting=meeting,
    ):
        raise ValidationError(
            _(
                "De cliënt heeft (nog) geen toestemming gegeven om %(name)s voor dit "
                "gesprek uit te nodigen. Leg eerst de toestemming vast."
            )
            % {"name": assignment.informal_supporter.name},
            code="r11_no_consent",
        )
    if Attendance.objects.filter(meeting=meeting, assignment=assignment).exists():
        raise ValidationError(
            _("Deze ondersteuner staat al op de lijst voor dit gesprek."),
            code="duplicate",
        )
    attendance = Attendance(
        meeting=meeting,
        assignment=assignment,
        requested_by_client=requested_by_client,
        added_by=actor,
    )
    attendance.full_clean()
    attendance.save()
    event_record(
        case=case,
        kind=CaseEvent.Kind.ATTENDANCE_ADDED,
        actor=actor,
        to_value=assignment.role,
        detail=f"{assignment.holder} – {meeting}",
    )
    return attendance


@transaction.atomic
def attendance_refuse(
    *, actor: User, attendance: Attendance, ground: str, explanation: str
) -> Attendance:
    """Refuse an informal supporter's attendance (R12).

    Only informal supporters can be refused, only on the three grounds of
    ``RefusalGround``, always with an explanation; the refusal records who and when.
    Refusing an AKJ confidant or a client supporter is impossible.
    """
    require(actor, Perm.CHANGE_CASE, attendance.meeting.case)
    attendance = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("assignment", "meeting__case")
        .get(pk=attendance.pk)
    )
    _ensure_case_open(attendance.meeting.case)
    role = attendance.assignment.role
    if not policy_for(role).can_be_refused:
        raise ValidationError(
            _(
                "Een %(role)s kan niet worden geweigerd bij een gesprek. Alleen een "
                "informele ondersteuner kan worden geweigerd."
            )
            % {"role": policy_for(role).noun},
            code="r12_professional",
        )
    if attendance.status == Attendance.Status.REFUSED:
        raise ValidationError(
            _("Deze ondersteuner is al geweigerd."), code="r12_refused"
        )
    errors = {}
    if ground not in RefusalGround.values:
        errors["ground"] = ValidationError(
            _(
                "Kies een van de drie gronden: belemmeren van de voortgang van de "
                "begeleiding, geen onafhankelijke opstelling, of belangenverstrengeling."
            ),
            code="r12_ground",
        )
    if not explanation.strip():
        errors["explanation"] = ValidationError(
            _("Licht de weigering toe."), code="r12_explanation"
        )
    if errors:
        raise ValidationError(errors)
    attendance.status = Attendance.Status.REFUSED
    attendance.refusal_ground = ground
    attendance.refusal_explanation = explanation.strip()
    attendance.refused_by = actor
    attendance.refused_at = timezone.now()
    attendance.full_clean()
    attendance.save()
    event_record(
        case=attendance.meeting.case,
        kind=CaseEvent.Kind.ATTENDANCE_REFUSED,
        actor=actor,
        to_value=ground,
        detail=str(attendance.assignment.holder),
    )
    return attendance


# --- caseworker pages: handover, ending, invitations with consent --------------------------


def assignment_perm(role: str) -> Perm:
    """Who starts, hands over and ends an assignment in this role: the team lead
    for a professional (``ASSIGN_SUPPORT``), the case's own supporter for an
    informal supporter from the client's network (``CHANGE_CASE``, R11)."""
    return Perm.ASSIGN_SUPPORT if policy_for(role).is_user else Perm.CHANGE_CASE


def _on_fields(exc: ValidationError, names: dict[str | None, str]) -> ValidationError:
    """The same refusal, with its errors moved to the caller's field names; an
    error that names no field goes to ``names[None]`` when given."""
    if hasattr(exc, "error_dict"):
        return ValidationError(
            {
                names.get(field, field): errors
                for field, errors in exc.error_dict.items()
            }
        )
    if None in names:
        return ValidationError({names[None]: exc.error_list})
    return exc


@transaction.atomic
def assignment_hand_over(
    *, actor: User, assignment: Assignment, to_user: User, reason: str
) -> Assignment:
    """Hand a professional's support in a case over to a colleague (R2).

    Only the team lead of the case's organisation does this. In one transaction
    the old assignment ends (``HANDED_OVER``: its holder loses all access to the
    case and, without other support, to the client) and a new one starts for
    ``to_user`` in the same role, under every rule of a start: the role fits
    (R1), no conflicting interests (R4), not the client's decision-maker (R9).
    The reason is recorded in the case history.
    """
    case = assignment.case
    require(actor, Perm.ASSIGN_SUPPORT, case)
    case = SupportCase.objects.select_for_update().get(pk=case.pk)
    assignment = (
        # Lock only the assignment row: PostgreSQL refuses FOR UPDATE on the
        # nullable side of the outer joins that select_related adds.
        Assignment.objects.select_for_update(of=("self",))
        .select_related("user", "informal_supporter")
        .get(pk=assignment.pk)
    )
    assignment.case = case
    _ensure_case_open(case)
    if not policy_for(assignment.role).is_user:
        raise ValidationError(
            _(
                "Een informele ondersteuner wordt niet overgedragen; beëindig de "
                "ondersteuning en wijs zo nodig iemand anders uit het netwerk toe."
            ),
            code="handover_informal",
        )
    if not assignment.is_active:
        raise ValidationError(_("Deze ondersteuning is al beëindigd."), code="ended")
    if not reason.strip():
        raise field_error(
            "reason", _("Geef de reden van de overdracht."), "handover_reason"
        )
    if to_user.pk == assignment.user_id:
        raise field_error(
            "to_user",
            _("%(user)s ondersteunt deze zaak al.") % {"user": to_user},
            "handover_same_user",
        )
    try:
        # R1 first: a colleague without the role has no team to move the case to.
        _check_user_has_role(to_user, assignment.role)
    except ValidationError as exc:
        raise _on_fields(exc, {None: "to_user"}) from exc
    if to_user.organisation_id != case.organisation_id:
        raise field_error(
            "to_user",
            _("Een zaak wordt overgedragen aan een collega van dezelfde organisatie."),
            "handover_other_organisation",
        )
    if to_user.team_id is None:
        raise field_error(
            "to_user",
            _("%(user)s hoort bij geen team.") % {"user": to_user},
            "no_team",
        )
    old_holder = assignment.holder
    assignment.ended_at = timezone.now()
    assignment.end_reason = Assignment.EndReason.HANDED_OVER
    assignment.full_clean()
    assignment.save(update_fields=["ended_at", "end_reason"])
    sync_case_permissions(user_id=assignment.user_id, case=case)
    event_record(
        case=case,
        kind=CaseEvent.Kind.ASSIGNMENT_ENDED,
        actor=actor,
        from_value=assignment.role,
        to_value=Assignment.EndReason.HANDED_OVER,
        detail=_("%(from)s, overgedragen aan %(to)s. Reden: %(reason)s")
        % {"from": old_holder, "to": to_user, "reason": reason.strip()},
    )
    if to_user.team_id != case.team_id:
        # R13: the case follows its new supporter to their team, and only a
        # logged handover moves it.
        old_team = case.team
        case.team_id = to_user.team_id
        case.full_clean()
        track(case, actor=actor, reason="assignment_hand_over")
        case.save(update_fields=["team"])
        event_record(
            case=case,
            kind=CaseEvent.Kind.TEAM_CHANGED,
            actor=actor,
            from_value=str(old_team.pk),
            to_value=str(to_user.team_id),
            detail=_("Van %(from)s naar %(to)s")
            % {"from": old_team, "to": to_user.team},
        )
    try:
        return _start(
            actor=actor,
            case=case,
            role=assignment.role,
            user=to_user,
            at_clients_request=assignment.at_clients_request,
        )
    except ValidationError as exc:
        # The start rules are about the colleague chosen: show them there.
        raise _on_fields(exc, {None: "to_user", "user": "to_user"}) from exc


@transaction.atomic
def attendance_invite(
    *,
    actor: User,
    meeting: Meeting,
    assignment: Assignment,
    requested_by_client: bool,
    consent_given_on: datetime.date | None = None,
) -> Attendance:
    """Invite a supporter to a meeting, in one step with the client's consent
    for that invitation when the supporter is informal (R11).

    For an informal supporter without consent for this meeting, ``consent_given_on``
    records it (``consent_record``) before ``attendance_add`` applies R5, R11 and
    R12; a refusal by either undoes both. A consent date for a professional
    supporter is refused: they need none.
    """
    case = meeting.case
    require(actor, Perm.CHANGE_CASE, case)
    if assignment.case_id != case.pk:
        raise field_error(
            "assignment",
            _("Deze persoon ondersteunt de cliënt niet in deze zaak."),
            "not_assigned",
        )
    policy = policy_for(assignment.role)
    if not policy.sharing_needs_consent:
        if consent_given_on is not None:
            raise field_error(
                "consent_given_on",
                _(
                    "Een %(role)s heeft geen toestemming van de cliënt nodig; laat "
                    "deze datum leeg."
                )
                % {"role": policy.noun},
                "consent_not_needed",
            )
    elif not has_consent(
        informal_supporter=assignment.informal_supporter,
        item=Consent.Item.MEETING_INVITATION,
        meeting=meeting,
    ):
        if consent_given_on is None:
            raise field_error(
                "consent_given_on",
                _(
                    "De cliënt heeft (nog) geen toestemming gegeven om %(name)s voor "
                    "dit gesprek uit te nodigen. Vul in op welke datum de cliënt "
                    "toestemming gaf."
                )
                % {"name": assignment.informal_supporter.name},
                "r11_no_consent",
            )
        try:
            consent_record(
                actor=actor,
                informal_supporter=assignment.informal_supporter,
                item=Consent.Item.MEETING_INVITATION,
                meeting=meeting,
                given_on=consent_given_on,
                description=str(meeting)[:300],
            )
        except ValidationError as exc:
            raise _on_fields(exc, {"given_on": "consent_given_on"}) from exc
    return attendance_add(
        actor=actor,
        meeting=meeting,
        assignment=assignment,
        requested_by_client=requested_by_client,
    )


# --- sharing with an informal supporter (R11) ----------------------------------------------


def _current_consent(
    *, informal_supporter: InformalSupporter, item: str, meeting: Meeting | None
) -> Consent | None:
    """The client's consent for this item that is not withdrawn, locked so that
    a withdrawal cannot slip in between the check and the sharing."""
    return (
        Consent.objects.select_for_update()
        .filter(
            informal_supporter=informal_supporter,
            item=item,
            meeting=meeting,
            withdrawn_on__isnull=True,
        )
        .order_by("-given_on", "-pk")
        .first()
    )


@transaction.atomic
def meeting_summary_share(
    *, by: User, meeting: Meeting, informal_supporter: InformalSupporter
) -> SharedItem:
    """Give the summary of a held meeting to the client's informal supporter,
    and record that it was given (R11).

    Refused without the client's current consent for the summary of this very
    meeting: none recorded, or withdrawn. Only the case's own supporter shares
    (``CHANGE_CASE``), and only a meeting that was held has a summary.
    """
    case = meeting.case
    require(by, Perm.CHANGE_CASE, case)
    # The status as it is now, not as the caller loaded it.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if informal_supporter.client_id != case.client_id:
        raise field_error(
            "informal_supporter",
            _("Deze persoon is geen informele ondersteuner van deze cliënt."),
            "r11_other_client",
        )
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(
            _("Dit gesprek is niet gehouden; er is geen verslag om te delen."),
            code="meeting_not_held",
        )
    consent = _current_consent(
        informal_supporter=informal_supporter,
        item=Consent.Item.MEETING_SUMMARY,
        meeting=meeting,
    )
    if consent is None:
        raise field_error(
            "informal_supporter",
            _(
                "De cliënt heeft geen (geldige) toestemming gegeven om het verslag "
                "van dit gesprek met %(name)s te delen. Leg eerst de toestemming "
                "vast; zonder toestemming wordt niets gedeeld."
            )
            % {"name": informal_supporter.name},
            "r11_no_consent",
        )
    shared = SharedItem(
        consent=consent,
        client_id=case.client_id,
        informal_supporter=informal_supporter,
        item=Consent.Item.MEETING_SUMMARY,
        meeting=meeting,
        description=str(meeting)[:300],
        shared_by=by,
    )
    shared.full_clean()
    shared.save()
    return shared


@transaction.atomic
def document_share(*, by: User, consent: Consent) -> SharedItem:
    """Give the document a consent describes to the informal supporter, and
    record that it was given (R11). Refused once the consent is withdrawn.
    Only a current supporter of the client shares (``CHANGE_CLIENT``)."""
    require(by, Perm.CHANGE_CLIENT, consent.client)
    if consent.item != Consent.Item.DOCUMENT:
        raise ValidationError(
            _("Deze toestemming gaat niet over een document."), code="r11_item"
        )
    # Locked, so that a withdrawal cannot slip in between check and sharing.
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_on is not None:
        raise ValidationError(
            _(
                "De cliënt heeft deze toestemming ingetrokken; het document wordt "
                "niet gedeeld."
            ),
            code="r11_no_consent",
        )
    shared = SharedItem(
        consent=locked,
        client_id=locked.client_id,
        informal_supporter=locked.informal_supporter,
        item=Consent.Item.DOCUMENT,
        description=locked.description,
        shared_by=by,
    )
    shared.full_clean()
    shared.save()
    return shared


# --- emergency access ("break the glass", R2) ----------------------------------------------

#: A reason needs this many different words of at least three letters: less
#: says nothing a reviewer can weigh ("dringend dringend ...", "xxxxxxxxxxxx").
EMERGENCY_REASON_MIN_WORDS = 5
_WORD = re.compile(r"[^\W\d_]{3,}")


def reason_words(reason: str) -> int:
    """The number of different words of three or more letters in ``reason``."""
    return len({word.casefold() for word in _WORD.findall(reason)})


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@transaction.atomic
def emergency_access_open(
    *, by: User, case: SupportCase, reason: str, address: str | None = None
) -> EmergencyAccess:
    """Open one case's content to a team lead of its team for
    ``NAAST_EMERGENCY_ACCESS_HOURS`` hours, read only, with a stated reason (R2).

    Only a team lead of the case's team (403 for anyone else). The reason is
    required and must say something (at least ``EMERGENCY_REASON_MIN_WORDS``
    different words of three or more letters). A closed case may be opened: its
    content stays readable, as for its confidant (R6), its client's file does
    not. Refused while the same team lead's access to the case still runs.
    The grant is written to the access log (action ``emergency``, with
    ``address``) and to the case history, which its supporter reads, in the
    same transaction.
    """
    require(by, Perm.OPEN_EMERGENCY_ACCESS, case)
    case = SupportCase.objects.select_for_update().get(pk=case.pk)
    reason = reason.strip()
    if reason_words(reason) < EMERGENCY_REASON_MIN_WORDS:
        raise field_error(
            "reason",
            _(
                "Beschrijf waarom noodtoegang nodig is, in ten minste %(min)d "
                "verschillende woorden: de vertrouwenspersoon en de "
                "privacyfunctionaris lezen die reden."
            )
            % {"min": EMERGENCY_REASON_MIN_WORDS},
            "emergency_reason",
        )
    now = timezone.now()
    mine = EmergencyAccess.objects.filter(
        case=case, granted_to=by, ended_at__isnull=True
    )
    # A grant that ran out ended at its expiry; record that, so that at most
    # one grant per case and team lead is open (the partial unique constraint).
    mine.filter(expires_at__lte=now).update(ended_at=F("expires_at"))
    running = mine.first()
    if running is not None:
        raise ValidationError(
            _("U heeft al noodtoegang tot deze zaak, tot %(until)s.")
            % {"until": _when(running.expires_at)},
            code="emergency_running",
        )
    access = EmergencyAccess(
        case=case,
        granted_to=by,
        reason=reason,
        started_at=now,
        expires_at=now
        + datetime.timedelta(hours=settings.NAAST_EMERGENCY_ACCESS_HOURS),
    )
    access.full_clean()
    access.save()
    log_event(
        user=by,
        action=AccessLogEntry.Action.EMERGENCY,
        obj=case,
        purpose=EMERGENCY_PURPOSE,
        address=address,
    )
    event_record(
        case=case,
        kind=CaseEvent.Kind.EMERGENCY_OPENED,
        actor=by,
        detail=_("%(user)s, tot %(until)s. Reden: %(reason)s")
        % {"user": by, "until": _when(access.expires_at), "reason": reason},
    )
    return access


@transaction.atomic
def emergency_access_end(*, by: User, access: EmergencyAccess) -> EmergencyAccess:
    """The team lead ends their emergency access before it runs out (R2); from
    that moment they see the case's content no more."""
    require(by, Perm.END_EMERGENCY_ACCESS, access)
    access = (
        EmergencyAccess.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=access.pk)
    )
    if not access.is_running():
        raise ValidationError(
            _("Deze noodtoegang is al afgelopen."), code="emergency_ended"
        )
    access.ended_at = timezone.now()
    access.full_clean()
    access.save(update_fields=["ended_at"])
    event_record(
        case=access.case,
        kind=CaseEvent.Kind.EMERGENCY_ENDED,
        actor=by,
        detail=str(by),
    )
    return access


@transaction.atomic
def emergency_access_review(
    *, by: User, access: EmergencyAccess, note: str
) -> EmergencyAccess:
    """The privacy officer records their review of an emergency access (R2):
    who, when and their judgement; once."""
    require(by, Perm.REVIEW_EMERGENCY_ACCESS, access)
    access = (
        EmergencyAccess.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=access.pk)
    )
    if access.is_reviewed:
        raise ValidationError(
            _("Deze noodtoegang is al beoordeeld."), code="emergency_reviewed"
        )
    note = note.strip()
    if not note:
        raise field_error(
            "note", _("Schrijf uw beoordeling op."), "emergency_review_note"
        )
    access.reviewed_by = by
    access.reviewed_at = timezone.now()
    access.review_note = note
    access.full_clean()
    access.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    event_record(
        case=access.case,
        kind=CaseEvent.Kind.EMERGENCY_REVIEWED,
        actor=by,
        detail=note,
    )
    return access
