"""Support cases: opening, moving along their statuses, closing.

- R13: a case belongs to its client's organisation and to its supporter's
  team; its supporter works for that organisation.
- R1, R4, R9: the supporter who opens a case is assigned to it under every
  rule of a start (``roles.services.assignment_start_for_opener``).
- R3: a complaint case starts with its complaint; it is closed only once the
  complaint is decided or withdrawn.
- R6: closing a case ends every assignment on it, and with it the
  supporters' access to anything new about the client.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from audit.denials import permission_denied
from roles import services as role_services
from roles.permissions import Perm, require
from roles.policy import (
    Capability,
    case_kind_rule,
    require_capability,
    support_role_for_user,
)

from .. import events
from ..errors import field_error
from ..history import track
from ..models import Client, Complaint, SupportCase
from ._common import _check_version, _lock


def case_reference(kind: str, year: int, pk: int) -> str:
    """ "VP-2026-000042": the prefix of the kind (``roles.policy.CASE_KINDS``;
    an unknown kind is an error), the year of opening and the number."""
    return f"{case_kind_rule(kind).reference_prefix}-{year}-{pk:06d}"


@transaction.atomic
def case_open(
    *,
    actor: User,
    client: Client,
    kind: str,
    title: str,
    subject: str = "",
    provider: Organisation | None = None,
    theme: str = "",
    at_clients_request: bool = True,
) -> SupportCase:
    """Open a new case for a client the caseworker already supports."""
    require(actor, Perm.CHANGE_CLIENT, client)
    return _case_open(
        actor=actor,
        client=client,
        kind=kind,
        title=title,
        subject=subject,
        provider=provider,
        theme=theme,
        at_clients_request=at_clients_request,
    )


@transaction.atomic
def case_open_for(
    *, actor: User, client: Client, supporter: User, kind: str, title: str
) -> SupportCase:
    """A team lead opens a case of their organisation's client for a
    caseworker of a team they lead (a referral accepted, ``roles.referrals``):
    teams bound what a team lead does inside the organisation (R13)."""
    require_capability(actor, Capability.LEAD_TEAMS)
    if client.organisation_id != actor.organisation_id:
        raise permission_denied("r13_other_organisation", client)
    if supporter.team_id is None or not (
        actor.led_teams.filter(pk=supporter.team_id).exists()
    ):
        raise field_error(
            "supporter",
            _("%(user)s hoort niet bij een team dat u leidt.") % {"user": supporter},
            "not_in_team",
        )
    # The referral's acceptance is the request's access-log row.
    return _case_open(
        actor=actor,
        client=client,
        supporter=supporter,
        kind=kind,
        title=title,
        access_log=False,
    )


def _case_open(
    *,
    actor: User,
    client: Client,
    kind: str,
    title: str,
    subject: str = "",
    provider: Organisation | None = None,
    theme: str = "",
    at_clients_request: bool = True,
    supporter: User | None = None,
    access_log: bool = True,
) -> SupportCase:
    """Open a case of ``client`` supported by ``supporter`` (the actor, unless
    a team lead opens it for a caseworker of theirs: a link request or a
    referral). The case belongs to the client's organisation and to the
    supporter's team (R13), and the supporter is assigned under every rule
    of a start (R1, R4, R9). ``access_log=False``: the team lead's decision
    that opens it is the request's access-log row."""
    supporter = supporter or actor
    role = support_role_for_user(supporter)
    if role is None or supporter.organisation_id is None:
        raise field_error(
            "supporter",
            _("Kies een vertrouwenspersoon of cliëntondersteuner."),
            "not_a_caseworker",
        )
    if supporter.organisation_id != client.organisation_id:
        # R13: a file is never shared: no one of another organisation works in it.
        raise permission_denied("r13_other_organisation", client)
    if supporter.team_id is None:
        raise ValidationError(
            _(
                "%(user)s hoort bij geen team. Vraag de functioneel beheerder om "
                "%(user)s in een team te zetten."
            )
            % {"user": supporter},
            code="no_team",
        )
    now = timezone.now()
    case = SupportCase(
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
        client=client,
        organisation_id=client.organisation_id,
        team_id=supporter.team_id,
        kind=kind,
        subject=subject,
        provider=provider,
        theme=theme,
        title=title,
        opened_at=now,
        opened_by=actor,
    )
    case.full_clean()
    track(case, actor=actor, reason="case_open")
    case.save()
    case.reference = case_reference(kind, timezone.localdate(now).year, case.pk)
    case.save(update_fields=["reference"])
    if case_kind_rule(kind).starts_with_complaint:
        track(Complaint(case=case), actor=actor, reason="case_open").save()
    events.case_opened(case=case, actor=actor, access_log=access_log)
    role_services.assignment_start_for_opener(
        actor=actor,
        case=case,
        role=role,
        user=supporter,
        at_clients_request=at_clients_request,
    )
    return case


@transaction.atomic
def case_set_status(
    *,
    actor: User,
    case: SupportCase,
    status: str,
    expected_version: int | None = None,
) -> SupportCase:
    """Move a case along ``SupportCase.TRANSITIONS``; closing goes through
    ``case_close`` because it also ends the support (R6). A form loaded before
    someone else's change (``expected_version``) is refused."""
    require(actor, Perm.CHANGE_CASE, case)
    case = _lock(case)
    _check_version(case, expected_version)
    if status == SupportCase.Status.CLOSED:
        raise field_error(
            "status",
            _("Sluit een zaak af met een uitkomst via 'Zaak afsluiten'."),
            "use_close",
        )
    if status not in SupportCase.Status.values:
        raise field_error("status", _("Kies een geldige status."), "invalid_status")
    if status not in SupportCase.TRANSITIONS[case.status]:
        raise field_error(
            "status",
            _("Een zaak met status '%(from)s' kan niet naar '%(to)s'.")
            % {
                "from": SupportCase.Status(case.status).label,
                "to": SupportCase.Status(status).label,
            },
            "invalid_transition",
        )
    old = case.status
    case.status = status
    case.full_clean()
    case.version += 1
    track(case, actor=actor, reason="case_set_status")
    case.save(update_fields=["status", "version"])
    events.case_status_changed(case=case, actor=actor, from_status=old)
    return case


@transaction.atomic
def case_close(
    *,
    actor: User,
    case: SupportCase,
    outcome: str,
    expected_version: int | None = None,
) -> SupportCase:
    """Close a case with its outcome. Closing ends every assignment on it, and
    with it the supporters' access to anything new about the client (R6). A
    form loaded before someone else's change (``expected_version``) is
    refused."""
    require(actor, Perm.CHANGE_CASE, case)
    case = _lock(case)
    _check_version(case, expected_version)
    if case.is_closed:
        raise ValidationError(_("Deze zaak is al afgesloten."), code="case_closed")
    if outcome not in SupportCase.Outcome.values:
        raise field_error(
            "outcome", _("Kies een uitkomst om de zaak af te sluiten."), "outcome"
        )
    complaint = Complaint.objects.filter(case=case).first()
    if complaint and complaint.stage not in (
        Complaint.Stage.DECIDED,
        Complaint.Stage.WITHDRAWN,
    ):
        raise ValidationError(
            _(
                "De klacht loopt nog (%(stage)s). Leg eerst de uitspraak of de "
                "intrekking vast."
            )
            % {"stage": Complaint.Stage(complaint.stage).label},
            code="complaint_open",
        )
    old = case.status
    case.status = SupportCase.Status.CLOSED
    case.closed_at = timezone.now()
    case.outcome = outcome
    case.full_clean()
    case.version += 1
    track(case, actor=actor, reason="case_close")
    case.save(update_fields=["status", "closed_at", "outcome", "version"])
    events.case_closed(
        case=case,
        actor=actor,
        from_status=old,
        detail=SupportCase.Outcome(outcome).label,  # type: ignore[arg-type]  # a lazy label, saved as text
    )
    role_services.assignments_end_for_closed_case(actor=actor, case=case)
    return case
