"""Assignments: who supports a case, and the only place where object
permissions change with them (``sync_case_permissions``, same transaction).

- R1: the role fits the case and its holder; R4 and R9 (``rules``) refuse a
  start; R11: an informal supporter is no user and acts at the client's
  request.
- R13: only a colleague of the case's organisation, in a team the team lead
  leads, is assigned; a handover moves the case to the new supporter's team.
- R2: a handover or an ending takes the old holder's access with it.
- R6: closing a case ends all its assignments.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import events
from cases.errors import field_error
from cases.history import track
from cases.models import SupportCase
from cases.rules import ensure_case_open

from ..models import Assignment, InformalSupporter
from ..permissions import Perm, require, sync_case_permissions
from ..policy import SupportRole, policy_for
from .rules import (
    _check_role_fits_case,
    _check_user_has_role,
    _on_fields,
    check_may_support,
)


def _start(
    *,
    actor: User,
    case: SupportCase,
    role: str,
    user: User | None = None,
    informal_supporter: InformalSupporter | None = None,
    at_clients_request: bool = False,
    access_log: bool = True,
) -> Assignment:
    """Start an assignment under every rule of a start. ``access_log=False``:
    a step of a larger change (opening a case, a handover) that logs itself."""
    ensure_case_open(case)
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
    events.assignment_started(assignment=assignment, actor=actor, access_log=access_log)
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
        access_log=False,
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


def _end(
    *,
    actor: User,
    assignment: Assignment,
    reason: str,
    detail: str | None = None,
    access_log: bool = False,
) -> Assignment:
    """End ``assignment`` for ``reason``: its holder loses the access it gave
    (R2), and the case history records it (``detail``: the holder, unless the
    caller has more to say, as a handover does). ``access_log``: only when
    the ending is the whole change (``assignment_end``)."""
    assignment.ended_at = timezone.now()
    assignment.end_reason = reason
    assignment.full_clean()
    assignment.save(update_fields=["ended_at", "end_reason"])
    if assignment.user_id is not None:
        sync_case_permissions(user_id=assignment.user_id, case=assignment.case)
    events.assignment_ended(
        assignment=assignment,
        actor=actor,
        detail=str(assignment.holder) if detail is None else detail,
        access_log=access_log,
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
    return _end(
        actor=actor,
        assignment=assignment,
        reason=Assignment.EndReason.ENDED,
        access_log=True,
    )


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


def assignment_perm(role: str) -> Perm:
    """Who starts, hands over and ends an assignment in this role: the team lead
    for a professional (``ASSIGN_SUPPORT``), the case's own supporter for an
    informal supporter from the client's network (``CHANGE_CASE``, R11)."""
    return Perm.ASSIGN_SUPPORT if policy_for(role).is_user else Perm.CHANGE_CASE


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
    ensure_case_open(case)
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
    _end(
        actor=actor,
        assignment=assignment,
        reason=Assignment.EndReason.HANDED_OVER,
        detail=_("%(from)s, overgedragen aan %(to)s. Reden: %(reason)s")
        % {"from": assignment.holder, "to": to_user, "reason": reason.strip()},
    )
    if to_user.team_id != case.team_id:
        # R13: the case follows its new supporter to their team, and only a
        # logged handover moves it.
        old_team = case.team
        case.team_id = to_user.team_id
        case.full_clean()
        track(case, actor=actor, reason="assignment_hand_over")
        case.save(update_fields=["team"])
        events.case_team_changed(
            case=case,
            actor=actor,
            from_team=str(old_team.pk),
            detail=_("Van %(from)s naar %(to)s")
            % {"from": old_team, "to": to_user.team},
        )
    try:
        new = _start(
            actor=actor,
            case=case,
            role=assignment.role,
            user=to_user,
            at_clients_request=assignment.at_clients_request,
            access_log=False,
        )
    except ValidationError as exc:
        # The start rules are about the colleague chosen: show them there.
        raise _on_fields(exc, {None: "to_user", "user": "to_user"}) from exc
    events.assignment_handed_over(assignment=new)
    return new
