"""Who attends a meeting, and refusing an informal supporter there.

- R5: an AKJ confidant attends only a question/complaint conversation or a
  mediation, never a conversation about the content of the care, and only at
  the client's request.
- R11: an informal supporter is invited only at the client's request and with
  the client's consent for that invitation (recorded in the same step by
  ``attendance_invite``).
- R12: only an informal supporter can be refused, on a ground and with an
  explanation, recording who decided and when; refusing a professional is
  impossible.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import events
from cases.errors import field_error
from cases.models import Meeting
from cases.rules import ensure_case_open

from ..models import Assignment, Attendance, Consent
from ..permissions import Perm, require
from ..policy import RefusalGround, policy_for
from .consent import _consent_record, has_consent
from .rules import _on_fields


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
    ensure_case_open(case)
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
        informal_supporter=assignment.informal_supporter,  # type: ignore[arg-type]  # consent is needed only for an informal supporter
        item=Consent.Item.MEETING_INVITATION,
        meeting=meeting,
    ):
        raise ValidationError(
            _(
                "De cliënt heeft (nog) geen toestemming gegeven om %(name)s voor dit "
                "gesprek uit te nodigen. Leg eerst de toestemming vast."
            )
            % {"name": assignment.informal_supporter.name},  # type: ignore[union-attr]  # an informal supporter's assignment
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
    events.attendance_added(attendance=attendance, actor=actor)
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
    ensure_case_open(attendance.meeting.case)
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
    events.attendance_refused(attendance=attendance, actor=actor)
    return attendance


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
        informal_supporter=assignment.informal_supporter,  # type: ignore[arg-type]  # an informal supporter's assignment
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
                % {"name": assignment.informal_supporter.name},  # type: ignore[union-attr]  # an informal supporter's assignment
                "r11_no_consent",
            )
        try:
            _consent_record(
                actor=actor,
                informal_supporter=assignment.informal_supporter,  # type: ignore[arg-type]  # an informal supporter's assignment
                item=Consent.Item.MEETING_INVITATION,
                meeting=meeting,
                given_on=consent_given_on,
                description=str(meeting)[:300],
                access_log=False,
            )
        except ValidationError as exc:
            raise _on_fields(exc, {"given_on": "consent_given_on"}) from exc
    return attendance_add(
        actor=actor,
        meeting=meeting,
        assignment=assignment,
        requested_by_client=requested_by_client,
    )
