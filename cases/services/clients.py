"""Client files and their registration: one file per organisation (R13).

- R13: a person is recognised (``person_key``) only among the files of one
  organisation; a registration of someone already known there, by a
  caseworker who does not support them, waits as a ``LinkRequest`` for the
  team lead, who links it to the known file or makes a new one.
- R4, R9: the rules that would refuse attaching the caseworker are applied at
  once to a registration that waits (``roles.services.check_may_support``),
  and again, with R1, when the case is opened (``cases``).
- R2, R6: a client exists because they asked for support; the registering
  caseworker is assigned to the case, and only a current supporter corrects
  the client's personal data.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality, Organisation, User
from audit.denials import permission_denied
from roles import services as role_services
from roles.permissions import Perm, has, require
from roles.policy import Capability, require_capability, support_role_for_user

from .. import events
from ..errors import field_error
from ..history import track
from ..models import (
    Client,
    Family,
    FamilyMembership,
    LinkRequest,
    OutreachVisit,
    SupportCase,
)
from ..person_key import person_key
from ._common import _check_version, _membership_add
from .care import _check_care_provider
from .cases import _case_open


def _key(first_name: str, last_name: str, date_of_birth: datetime.date) -> str:
    return person_key(
        first_name=first_name, last_name=last_name, date_of_birth=date_of_birth
    )


def known_in_organisation(*, organisation_id: int, key: str) -> QuerySet[Client]:
    """The files of one organisation that are the same person (R13): the only
    place where a person is recognised, and never across organisations."""
    return Client.objects.filter(organisation_id=organisation_id, person_key=key)


def _client_create(
    *,
    actor: User,
    reason: str,
    organisation_id: int,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    **fields,
) -> Client:
    """A new file of ``organisation_id`` for a person, with their person key."""
    first_name, last_name = first_name.strip(), last_name.strip()
    client = Client(
        organisation_id=organisation_id,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        person_key=_key(first_name, last_name, date_of_birth),
        **fields,
    )
    client.full_clean()
    track(client, actor=actor, reason=reason)
    client.save()
    return client


def client_file_create(
    *, actor: User, organisation_id: int, reason: str = "referral_accept", **fields
) -> Client:
    """A new client file of ``organisation_id`` made by a team lead's decision
    (a referral accepted, ``roles.referrals``): the one writer of clients
    outside this module."""
    return _client_create(
        actor=actor, reason=reason, organisation_id=organisation_id, **fields
    )


def _registration(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    kind: str,
    municipality: Municipality,
    lives_in_institution: bool = False,
    institution: Organisation | None = None,
    **extra: object,
) -> dict[str, object]:
    """What a caseworker typed, as it waits in a link request (JSON)."""
    return {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "date_of_birth": date_of_birth.isoformat(),
        "kind": kind,
        "municipality": municipality.pk,
        "lives_in_institution": lives_in_institution,
        "institution": institution.pk if institution else None,
        **extra,
    }


def _client_fields(registration: dict) -> dict[str, Any]:
    """The fields of a new client from a waiting registration."""
    return {
        "first_name": registration["first_name"],
        "last_name": registration["last_name"],
        "date_of_birth": datetime.date.fromisoformat(registration["date_of_birth"]),
        "kind": registration["kind"],
        "municipality_id": registration["municipality"],
        "lives_in_institution": registration["lives_in_institution"],
        "institution_id": registration["institution"],
    }


def _check_may_join(actor: User, candidates: QuerySet[Client]) -> None:
    """Before a registration waits for the team lead: the rules that would
    refuse attaching the caseworker to any of the known files are applied at
    once (R4: a family member with conflicting interests; R9: deciding on
    the person's application), so the caseworker hears it now."""
    role = support_role_for_user(actor)
    for candidate in candidates:
        role_services.check_may_support(user=actor, client=candidate, role=role)  # type: ignore[arg-type]  # a caseworker who may register has a support role


@transaction.atomic
def client_register(
    *,
    actor: User,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    kind: str,
    municipality: Municipality,
    case_kind: str,
    case_title: str,
    lives_in_institution: bool = False,
    institution: Organisation | None = None,
    family: Family | None = None,
    relation: str = "",
    at_clients_request: bool = True,
    subject: str = "",
    provider: Organisation | None = None,
    theme: str = "",
    outreach_visit: OutreachVisit | None = None,
) -> SupportCase | LinkRequest:
    """Register a client together with the case they came with.

    A client exists in Naast because they asked for support: the registering
    caseworker opens the case and is assigned to it, which is what lets them
    see the client at all (R2). The file belongs to the caseworker's
    organisation (R13): nothing is matched or shown across organisations.

    Inside the organisation the same person is recognised (``person_key``):
    a caseworker who already supports them gets the new case in that file; a
    caseworker who does not is attached to it only by a decision of their
    team lead. The registration then waits as a ``LinkRequest`` (returned
    instead of a case), unless a rule already refuses it (R4, R9).
    """
    require_capability(actor, Capability.REGISTER_CLIENT)
    _check_date_of_birth(date_of_birth)
    _check_institution(lives_in_institution, institution)
    if family is not None and family.organisation_id != actor.organisation_id:
        raise field_error(
            "family",
            _("Dit gezin hoort bij de dossiers van een andere organisatie."),
            "r13_other_organisation",
        )
    case_fields: dict[str, Any] = {
        "kind": case_kind,
        "title": case_title,
        "subject": subject,
        "provider": provider,
        "theme": theme,
        "at_clients_request": at_clients_request,
    }
    candidates = known_in_organisation(
        organisation_id=actor.organisation_id,  # type: ignore[arg-type]  # require_capability admits only users of an organisation
        key=_key(first_name.strip(), last_name.strip(), date_of_birth),
    )
    if candidates.exists():
        supported = next(
            (c for c in candidates if has(actor, Perm.CHANGE_CLIENT, c)), None
        )
        if supported is None:
            _check_may_join(actor, candidates)
            return _link_request(
                actor=actor,
                kind=LinkRequest.Kind.CASE,
                key=candidates[0].person_key,
                family=family,
                registration=_registration(
                    first_name=first_name,
                    last_name=last_name,
                    date_of_birth=date_of_birth,
                    kind=kind,
                    municipality=municipality,
                    lives_in_institution=lives_in_institution,
                    institution=institution,
                    relation=relation,
                    outreach_visit=outreach_visit.pk if outreach_visit else None,
                    case={
                        **case_fields,
                        "provider": provider.pk if provider else None,
                    },
                ),
            )
        client = supported
    else:
        client = _client_create(
            actor=actor,
            reason="client_register",
            organisation_id=actor.organisation_id,  # type: ignore[arg-type]  # require_capability admits only users of an organisation
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth,
            kind=kind,
            municipality=municipality,
            lives_in_institution=lives_in_institution,
            institution=institution,
        )
    if (
        family is not None
        and not FamilyMembership.objects.filter(family=family, client=client).exists()
    ):
        _membership_add(
            actor=actor,
            family=family,
            client=client,
            relation=relation,
            reason="client_register",
        )
    return _case_open(actor=actor, client=client, **case_fields)


def _link_request(
    *,
    actor: User,
    kind: str,
    key: str,
    registration: dict,
    family: Family | None = None,
) -> LinkRequest:
    if actor.team_id is None:
        raise ValidationError(
            _(
                "U hoort bij geen team, dus geen teamleider kan over deze inschrijving "
                "beslissen. Vraag de functioneel beheerder u in een team te zetten."
            ),
            code="no_team",
        )
    request = LinkRequest(  # type: ignore[misc]  # require_capability admits only users of an organisation
        organisation_id=actor.organisation_id,
        team_id=actor.team_id,
        kind=kind,
        person_key=key,
        registration=registration,
        family=family,
        requested_by=actor,
    )
    request.full_clean()
    request.save()
    events.link_requested(request=request)
    return request


def link_request_candidates(request: LinkRequest) -> QuerySet[Client]:
    """The files of the request's organisation that are the same person."""
    return known_in_organisation(
        organisation_id=request.organisation_id, key=request.person_key
    ).order_by("pk")


@transaction.atomic
def link_request_decide(
    *,
    actor: User,
    request: LinkRequest,
    decision: str,
    reason: str,
    client: Client | None = None,
) -> LinkRequest:
    """A team lead decides on a registration that matched a known file (R13):
    the same person (``LINKED``: the caseworker is attached to ``client``, one
    of the candidates) or another person with the same name and date of
    birth (``SEPARATE``: a new file). The case (or membership) is then made
    as the caseworker asked, under every rule of a start (R1, R4, R9); the
    decision, its reason and who took it are recorded, and written to the
    access log in the same transaction."""
    require(actor, Perm.DECIDE_LINK_REQUEST, request)
    request = LinkRequest.objects.select_for_update().get(pk=request.pk)
    if decision not in (LinkRequest.Status.LINKED, LinkRequest.Status.SEPARATE):
        raise field_error("decision", _("Kies een besluit."), "invalid_decision")
    if decision not in LinkRequest.TRANSITIONS[request.status]:
        raise ValidationError(
            _("Over deze inschrijving is al besloten."), code="already_decided"
        )
    reason = reason.strip()
    if not reason:
        raise field_error("reason", _("Licht het besluit kort toe."), "required")
    registration = request.registration
    requester = request.requested_by
    if decision == LinkRequest.Status.LINKED:
        if client is None or not link_request_candidates(request).filter(pk=client.pk):
            raise field_error(
                "client", _("Kies het dossier waaraan u koppelt."), "candidate"
            )
    else:
        client = _client_create(
            actor=actor,
            reason="link_request_decide",
            organisation_id=request.organisation_id,
            **_client_fields(registration),
        )
    detail = _("Besluit van %(lead)s: %(reason)s") % {"lead": actor, "reason": reason}
    if request.kind == LinkRequest.Kind.FAMILY_MEMBER:
        if request.family is None:
            raise ValidationError(_("Het gezin bestaat niet meer."), code="family_gone")
        _membership_add(
            actor=actor,
            family=request.family,
            client=client,
            relation=registration.get("relation", ""),
            reason="link_request_decide",
        )
    else:
        if (
            request.family is not None
            and not (
                FamilyMembership.objects.filter(family=request.family, client=client)
            ).exists()
        ):
            _membership_add(
                actor=actor,
                family=request.family,
                client=client,
                relation=registration.get("relation", ""),
                reason="link_request_decide",
            )
        wanted = dict(registration["case"])
        wanted["provider"] = (
            Organisation.objects.filter(pk=wanted["provider"]).first()
            if wanted.get("provider")
            else None
        )
        request.case = _case_open(
            actor=actor,
            client=client,
            supporter=requester,
            access_log=False,
            **wanted,
        )
        events.link_decided(
            case=request.case, actor=actor, decision=decision, detail=detail
        )
        visit = registration.get("outreach_visit")
        if visit:
            OutreachVisit.objects.filter(pk=visit, case__isnull=True).update(
                case=request.case
            )
    request.status = decision
    request.client = client
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.reason = reason[:300]
    # What the caseworker typed now lives in the file: nothing kept twice.
    request.registration = {}
    request.full_clean()
    request.save()
    events.link_request_decided(request=request, actor=actor)
    return request


@transaction.atomic
def link_request_withdraw(*, actor: User, request: LinkRequest) -> LinkRequest:
    """The caseworker withdraws their waiting registration (e.g. a typing
    error); what they typed is removed."""
    request = LinkRequest.objects.select_for_update().get(pk=request.pk)
    if request.requested_by_id != actor.pk:
        raise permission_denied("withdraw_link_request", request)
    if LinkRequest.Status.WITHDRAWN not in LinkRequest.TRANSITIONS[request.status]:
        raise ValidationError(
            _("Over deze inschrijving is al besloten."), code="already_decided"
        )
    request.status = LinkRequest.Status.WITHDRAWN
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.registration = {}
    request.full_clean()
    request.save()
    events.link_request_withdrawn(request=request)
    return request


def _check_date_of_birth(date_of_birth: datetime.date) -> None:
    if date_of_birth > timezone.localdate():
        raise field_error(
            "date_of_birth",
            _("Een geboortedatum kan niet in de toekomst liggen."),
            "future",
        )


def _check_institution(
    lives_in_institution: bool, institution: Organisation | None
) -> None:
    if institution is not None and not lives_in_institution:
        raise field_error(
            "institution",
            _(
                "Een instelling kan alleen worden vastgelegd als de cliënt in een "
                "jeugdhulpinstelling woont."
            ),
            "institution_not_resident",
        )
    _check_care_provider(institution, "institution")


@transaction.atomic
def client_update(
    *,
    actor: User,
    client: Client,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    kind: str,
    municipality: Municipality,
    lives_in_institution: bool = False,
    institution: Organisation | None = None,
    expected_version: int | None = None,
) -> Client:
    """Correct a client's personal data.

    The client's identity is shared by everyone who supports the client now;
    only a current supporter may change it (R2, R6: a former supporter sees
    nothing new and changes nothing). A form loaded before someone else's
    change (``expected_version``) is refused; the previous data stay in the
    client's history.
    """
    client = _locked_for_change(actor, client, expected_version)
    _check_date_of_birth(date_of_birth)
    _check_institution(lives_in_institution, institution)
    client.first_name = first_name.strip()
    client.last_name = last_name.strip()
    client.date_of_birth = date_of_birth
    client.kind = kind
    client.municipality = municipality
    client.lives_in_institution = lives_in_institution
    client.institution = institution if lives_in_institution else None
    # A corrected name or date of birth is the person's key from now on.
    client.person_key = _key(client.first_name, client.last_name, date_of_birth)
    client.full_clean()
    return _saved(client, actor=actor, reason="client_update")


@transaction.atomic
def client_contact_update(
    *,
    actor: User,
    client: Client,
    phone: str = "",
    email: str = "",
    address: str = "",
    preferred_channel: str = "",
    may_call: bool = True,
    may_text: bool = True,
    may_write: bool = True,
    expected_version: int | None = None,
) -> Client:
    """Record how to reach the client and how not (safety: some youths must
    not be called, texted or written to at home). Only a current supporter
    (R2, R6); a stale form is refused; the previous details stay in the
    client's history. A preferred way that is not allowed is refused."""
    client = _locked_for_change(actor, client, expected_version)
    allowed: dict[str, bool] = {
        Client.Channel.PHONE: may_call,
        Client.Channel.TEXT: may_text,
        Client.Channel.LETTER: may_write,
    }
    if preferred_channel and not allowed.get(preferred_channel, True):
        raise field_error(
            "preferred_channel",
            _(
                "Deze manier van contact is juist niet toegestaan. Kies een andere "
                "voorkeur of pas aan wat wel mag."
            ),
            "preferred_not_allowed",
        )
    client.phone = phone.strip()
    client.email = email.strip()
    client.address = address.strip()
    client.preferred_channel = preferred_channel
    client.may_call = may_call
    client.may_text = may_text
    client.may_write = may_write
    client.full_clean(exclude=["organisation", "municipality", "institution"])
    return _saved(client, actor=actor, reason="client_contact_update")


def _locked_for_change(
    actor: User, client: Client, expected_version: int | None
) -> Client:
    """The client, locked, for a current supporter (R2, R6), unless the form
    was loaded before someone else's change."""
    require(actor, Perm.CHANGE_CLIENT, client)
    client = Client.objects.select_for_update().get(pk=client.pk)
    _check_version(client, expected_version)
    return client


def _saved(client: Client, *, actor: User, reason: str) -> Client:
    """Save a changed client as a new version, with who and why."""
    # The row is locked, so +1 here is the database's +1.
    client.version += 1
    track(client, actor=actor, reason=reason)
    client.save()
    events.client_updated(client=client)
    return client
