"""Every write that matters to clients and cases.

Services are keyword-only, run in one transaction, check the actor's permission
first (``roles.permissions.require`` → 403), enforce the rules (``ValidationError``
with a Dutch message → shown next to the form, nothing changed), and end by
writing a ``CaseEvent``.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Municipality, Organisation, User
from roles import services as role_services
from roles.permissions import Perm, has, require
from roles.policy import Capability, require_capability, support_role_for_user

from .access_log import PURPOSES, log_event, permission_denied
from .complaint_clock import TERMS, due_date
from .errors import field_error
from .history import event_record, track
from .models import (
    AccessLogEntry,
    Application,
    Care,
    CareKind,
    CaseEvent,
    Client,
    Complaint,
    ComplaintRegime,
    ConflictingInterest,
    Family,
    FamilyMembership,
    LinkRequest,
    Meeting,
    Note,
    OutreachTheme,
    OutreachVisit,
    SupportCase,
)
from .person_key import person_key

_REFERENCE_PREFIX = {SupportCase.Kind.CARE_QUESTION: "CO"}  # others: "VP"


def _ensure_open(case: SupportCase) -> None:
    if case.is_closed:
        raise ValidationError(
            _("Deze zaak is afgesloten; er kan niets meer aan worden toegevoegd."),
            code="case_closed",
        )


def _lock(case: SupportCase) -> SupportCase:
    return SupportCase.objects.select_for_update().get(pk=case.pk)


def _check_version(
    obj: Client | SupportCase | Note, expected_version: int | None
) -> None:
    """Optimistic locking: refuse a save made from a form that was loaded at an
    older version than the (locked) row has now, instead of silently
    overwriting the other person's change. ``None``: the caller edits what it
    has just read (a command, a test), nothing to compare."""
    if expected_version is not None and obj.version != expected_version:
        raise ValidationError(
            _(
                "Iemand anders heeft dit intussen gewijzigd. Uw tekst staat "
                "hieronder nog; bekijk de nieuwe versie en sla opnieuw op."
            ),
            code="stale",
        )


def case_reference(kind: str, year: int, pk: int) -> str:
    return f"{_REFERENCE_PREFIX.get(kind, 'VP')}-{year}-{pk:06d}"


# --- clients: one file per organisation (R13) ------------------------------------


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


def _membership_add(
    *, actor: User, family: Family, client: Client, relation: str, reason: str
) -> FamilyMembership:
    """The one writer of family memberships: a member of the family's own
    organisation (R13), once."""
    if client.organisation_id != family.organisation_id:
        raise ValidationError(
            _("Dit gezin hoort bij de dossiers van een andere organisatie."),
            code="r13_other_organisation",
        )
    if FamilyMembership.objects.filter(family=family, client=client).exists():
        raise ValidationError(
            _("%(name)s is al lid van dit gezin.") % {"name": client},
            code="member_exists",
        )
    membership = FamilyMembership(
        family=family, client=client, relation=relation.strip()
    )
    membership.full_clean()
    track(membership, actor=actor, reason=reason)
    membership.save()
    return membership


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


def _client_fields(registration: dict) -> dict[str, object]:
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
        role_services.check_may_support(user=actor, client=candidate, role=role)


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
    case_fields = {
        "kind": case_kind,
        "title": case_title,
        "subject": subject,
        "provider": provider,
        "theme": theme,
        "at_clients_request": at_clients_request,
    }
    candidates = known_in_organisation(
        organisation_id=actor.organisation_id,
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
            organisation_id=actor.organisation_id,
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
    request = LinkRequest(
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
            actor=actor, client=client, supporter=requester, **wanted
        )
        event_record(
            case=request.case,
            kind=CaseEvent.Kind.LINK_DECIDED,
            actor=actor,
            to_value=decision,
            detail=detail,
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
    log_event(
        user=actor,
        action=AccessLogEntry.Action.UPDATE,
        obj=request,
        client=client,
        purpose=PURPOSES.get(actor.role, ""),
    )
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
    return request


@transaction.atomic
def conflict_record(
    *, actor: User, client_a: Client, client_b: Client, description: str
) -> ConflictingInterest:
    """Record that two members of one family have conflicting interests (R4).

    R4 holds in every order: when one confidant already supports both
    members, the conflict is refused (one of the cases is first handed over
    by the team lead), so no state arises in which one confidant supports two
    members with conflicting interests."""
    if not (
        has(actor, Perm.CHANGE_CLIENT, client_a)
        or has(actor, Perm.CHANGE_CLIENT, client_b)
    ):
        raise permission_denied(Perm.CHANGE_CLIENT.value, client_a)
    if client_a.pk == client_b.pk:
        raise ValidationError(
            _("Een cliënt kan geen tegenstrijdig belang met zichzelf hebben."),
            code="conflict_same_client",
        )
    families = set(
        FamilyMembership.objects.filter(client=client_a).values_list(
            "family_id", flat=True
        )
    ) & set(
        FamilyMembership.objects.filter(client=client_b).values_list(
            "family_id", flat=True
        )
    )
    if not families:
        raise ValidationError(
            _(
                "Tegenstrijdige belangen worden vastgelegd tussen leden van hetzelfde gezin."
            ),
            code="conflict_not_same_family",
        )
    low, high = sorted((client_a, client_b), key=lambda c: c.pk)
    if ConflictingInterest.objects.filter(client_a=low, client_b=high).exists():
        raise ValidationError(
            _("Dit tegenstrijdig belang is al vastgelegd."), code="conflict_exists"
        )
    role_services.check_no_one_supports_both(client_a=low, client_b=high)
    conflict = ConflictingInterest(
        family_id=min(families),
        client_a=low,
        client_b=high,
        description=description,
        recorded_by=actor,
    )
    conflict.full_clean()
    conflict.save()
    return conflict


# --- clients, families, care ---------------------------------------------------------


def _check_date_of_birth(date_of_birth: datetime.date) -> None:
    if date_of_birth > timezone.localdate():
        raise field_error(
            "date_of_birth",
            _("Een geboortedatum kan niet in de toekomst liggen."),
            "future",
        )


def _check_care_provider(organisation: Organisation | None, field: str) -> None:
    if organisation is not None and (
        organisation.kind != Organisation.Kind.CARE_PROVIDER
    ):
        raise field_error(
            field, _("Kies een jeugdhulpaanbieder."), "not_a_care_provider"
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
    require(actor, Perm.CHANGE_CLIENT, client)
    client = Client.objects.select_for_update().get(pk=client.pk)
    _check_version(client, expected_version)
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
    # The row is locked, so +1 here is the database's +1.
    client.version += 1
    track(client, actor=actor, reason="client_update")
    client.save()
    return client


def family_require_change(*, actor: User, family: Family) -> None:
    """Refuse (403) unless the actor may change at least one member of the
    family (and so keep the family's roster, R2/R4)."""
    members = Client.objects.visible_to(actor).filter(family_memberships__family=family)
    if not any(has(actor, Perm.CHANGE_CLIENT, member) for member in members):
        raise permission_denied(Perm.CHANGE_CLIENT.value, family)


@transaction.atomic
def family_create(*, actor: User, client: Client, name: str, relation: str) -> Family:
    """Record the family (gezin) a client belongs to, with the client's relation
    in it, in the client's organisation's files (R13). Members can later be
    recorded with conflicting interests (R4)."""
    require(actor, Perm.CHANGE_CLIENT, client)
    family = Family(name=name.strip(), organisation_id=client.organisation_id)
    family.full_clean()
    track(family, actor=actor, reason="family_create")
    family.save()
    _membership_add(
        actor=actor,
        family=family,
        client=client,
        relation=relation,
        reason="family_create",
    )
    return family


@transaction.atomic
def family_member_add(
    *,
    actor: User,
    family: Family,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    kind: str,
    municipality: Municipality,
    relation: str,
) -> FamilyMembership | LinkRequest:
    """Add a member to a family, so that conflicting interests between members
    can be recorded (R4).

    The member is a client without a case: nobody supports them yet, so
    nobody sees their file (R2). The member's file is one of the family's
    organisation (R13). As in ``client_register``, a person already known
    there is not attached silently: the addition waits as a ``LinkRequest``
    for the team lead, who sees the possible duplicate as case references.
    Only a supporter of one of the family's members may add to the family.
    """
    family_require_change(actor=actor, family=family)
    family = Family.objects.select_for_update().get(pk=family.pk)
    _check_date_of_birth(date_of_birth)
    key = _key(first_name.strip(), last_name.strip(), date_of_birth)
    candidates = known_in_organisation(organisation_id=family.organisation_id, key=key)
    if candidates.filter(family_memberships__family=family).exists():
        raise ValidationError(
            _("%(name)s %(last)s is al lid van dit gezin.")
            % {"name": first_name.strip(), "last": last_name.strip()},
            code="member_exists",
        )
    if candidates.exists():
        return _link_request(
            actor=actor,
            kind=LinkRequest.Kind.FAMILY_MEMBER,
            key=key,
            family=family,
            registration=_registration(
                first_name=first_name,
                last_name=last_name,
                date_of_birth=date_of_birth,
                kind=kind,
                municipality=municipality,
                relation=relation,
            ),
        )
    client = _client_create(
        actor=actor,
        reason="family_member_add",
        organisation_id=family.organisation_id,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        kind=kind,
        municipality=municipality,
    )
    return _membership_add(
        actor=actor,
        family=family,
        client=client,
        relation=relation,
        reason="family_member_add",
    )


@transaction.atomic
def care_record(
    *,
    actor: User,
    client: Client,
    provider: Organisation,
    kind: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    residential: bool = False,
    contact_person: str = "",
) -> Care:
    """Record care the client receives or received from a youth care provider.

    Usually care exists when an AKJ confidant is approached (R6); a client
    supporter can also start before any care exists and record it once found
    (R8). The care is part of the client's file, shared by their supporters.
    """
    require(actor, Perm.CHANGE_CLIENT, client)
    _check_care_provider(provider, "provider")
    if kind not in CareKind.values:
        raise field_error("kind", _("Kies een soort hulp."), "invalid_kind")
    today = timezone.localdate()
    if started_on > today:
        raise field_error("started_on", _("Deze datum ligt in de toekomst."), "future")
    if ended_on is not None:
        _check_care_end(started_on, ended_on)
    care = Care(
        client=client,
        provider=provider,
        kind=kind,
        residential=residential,
        contact_person=contact_person.strip(),
        started_on=started_on,
        ended_on=ended_on,
    )
    care.full_clean()
    track(care, actor=actor, reason="care_record")
    care.save()
    return care


def _check_care_end(started_on: datetime.date, ended_on: datetime.date) -> None:
    if ended_on < started_on:
        raise field_error(
            "ended_on", _("De einddatum ligt vóór de startdatum."), "before_start"
        )
    if ended_on > timezone.localdate():
        raise field_error("ended_on", _("Deze datum ligt in de toekomst."), "future")


@transaction.atomic
def care_end(*, actor: User, care: Care, ended_on: datetime.date) -> Care:
    """Record that care has ended: not before it started, not in the future.
    Nothing is deleted; the care stays in the client's file."""
    require(actor, Perm.CHANGE_CLIENT, care.client)
    care = Care.objects.select_for_update().get(pk=care.pk)
    if care.ended_on is not None:
        raise ValidationError(
            _("Deze hulp is al beëindigd."), code="care_already_ended"
        )
    _check_care_end(care.started_on, ended_on)
    care.ended_on = ended_on
    care.full_clean()
    track(care, actor=actor, reason="care_end")
    care.save(update_fields=["ended_on"])
    return care


# --- cases -----------------------------------------------------------------------------


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
    caseworker of a team they lead (a referral accepted, ``roles.referrals``)."""
    require_capability(actor, Capability.LEAD_TEAMS)
    if client.organisation_id != actor.organisation_id:
        raise permission_denied("r13_other_organisation", client)
    return _case_open(
        actor=actor, client=client, supporter=supporter, kind=kind, title=title
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
) -> SupportCase:
    """Open a case of ``client`` supported by ``supporter`` (the actor, unless
    a team lead opens it for a caseworker of theirs: a link request or a
    referral). The case belongs to the client's organisation and to the
    supporter's team (R13), and the supporter is assigned under every rule
    of a start (R1, R4, R9)."""
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
    if kind == SupportCase.Kind.COMPLAINT:
        track(Complaint(case=case), actor=actor, reason="case_open").save()
    event_record(
        case=case, kind=CaseEvent.Kind.OPENED, actor=actor, to_value=case.status
    )
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
    event_record(
        case=case,
        kind=CaseEvent.Kind.STATUS,
        actor=actor,
        from_value=old,
        to_value=status,
    )
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
    event_record(
        case=case,
        kind=CaseEvent.Kind.CLOSED,
        actor=actor,
        from_value=old,
        to_value=case.status,
        detail=SupportCase.Outcome(outcome).label,
    )
    role_services.assignments_end_for_closed_case(actor=actor, case=case)
    return case


@transaction.atomic
def note_add(*, actor: User, case: SupportCase, text: str) -> Note:
    """Add a note; it is readable only by those who see the case content (R2)."""
    require(actor, Perm.CHANGE_CASE, case)
    _ensure_open(case)
    if not text.strip():
        raise field_error("text", _("Een notitie mag niet leeg zijn."), "empty")
    note = Note(case=case, author=actor, text=text.strip())
    note.full_clean()
    track(note, actor=actor, reason="note_add")
    note.save()
    event_record(case=case, kind=CaseEvent.Kind.NOTE_ADDED, actor=actor)
    return note


def _note_for_change(
    *, actor: User, note: Note, reason: str, expected_version: int
) -> tuple[Note, str]:
    """The locked note, after the checks a correction and a withdrawal share:
    who may change the case's content (R2), an open case, the version the
    form was loaded at, not withdrawn, and a reason."""
    require(actor, Perm.CHANGE_CASE, note.case)
    case = _lock(note.case)
    _ensure_open(case)
    note = Note.objects.select_for_update().get(pk=note.pk)
    note.case = case
    _check_version(note, expected_version)
    if note.is_withdrawn:
        raise ValidationError(
            _("Deze notitie is ingetrokken; er kan niets meer aan worden gewijzigd."),
            code="note_withdrawn",
        )
    reason = reason.strip()
    if not reason:
        raise field_error("reason", _("Geef een reden op."), "required")
    if len(reason) > 300:
        raise field_error(
            "reason", _("Houd de reden korter dan 300 tekens."), "max_length"
        )
    return note, reason


@transaction.atomic
def note_correct(
    *, actor: User, note: Note, text: str, reason: str, expected_version: int
) -> Note:
    """Correct a note's text. Nothing is lost: the previous text stays in the
    note's history with who corrected it, when and why, and the timeline shows
    the correction. Only who may change the case's content may (R2). A form
    loaded before someone else's change (``expected_version``) is refused."""
    note, reason = _note_for_change(
        actor=actor, note=note, reason=reason, expected_version=expected_version
    )
    text = text.strip()
    if not text:
        raise field_error("text", _("Een notitie mag niet leeg zijn."), "empty")
    if text == note.text:
        raise field_error(
            "text", _("De tekst is niet gewijzigd; er is niets te corrigeren."), "same"
        )
    note.text = text
    note.corrected_at = timezone.now()
    note.corrected_by = actor
    note.correction_reason = reason
    return _note_save_version(note, actor, reason, CaseEvent.Kind.NOTE_CORRECTED)


@transaction.atomic
def note_withdraw(
    *, actor: User, note: Note, reason: str, expected_version: int
) -> Note:
    """Withdraw a note (intrekken) instead of deleting it: the timeline shows
    it as withdrawn, with who, when and why, without its text; the text stays
    in the note's history for those who see the case's content (R2)."""
    note, reason = _note_for_change(
        actor=actor, note=note, reason=reason, expected_version=expected_version
    )
    note.withdrawn_at = timezone.now()
    note.withdrawn_by = actor
    note.withdrawal_reason = reason
    return _note_save_version(note, actor, reason, CaseEvent.Kind.NOTE_WITHDRAWN)


def _note_save_version(note: Note, actor: User, reason: str, kind: str) -> Note:
    """Save a corrected or withdrawn note as its next version, with who and
    why in its history and a line in the case's timeline."""
    note.full_clean()
    note.version += 1
    track(note, actor=actor, reason=reason)
    note.save()
    event_record(
        case=note.case, kind=kind, actor=actor, to_value=str(note.pk), detail=reason
    )
    return note


@transaction.atomic
def meeting_plan(
    *,
    actor: User,
    case: SupportCase,
    kind: str,
    starts_at: datetime.datetime,
    location: str = "",
    provider: Organisation | None = None,
    provider_participant: str = "",
) -> Meeting:
    """Plan a conversation between the client and a care provider."""
    require(actor, Perm.CHANGE_CASE, case)
    _ensure_open(case)
    meeting = Meeting(
        case=case,
        kind=kind,
        starts_at=starts_at,
        location=location,
        provider=provider or case.provider,
        provider_participant=provider_participant,
        planned_by=actor,
    )
    meeting.full_clean()
    track(meeting, actor=actor, reason="meeting_plan")
    meeting.save()
    event_record(
        case=case,
        kind=CaseEvent.Kind.MEETING_PLANNED,
        actor=actor,
        to_value=kind,
        detail=str(meeting),
    )
    return meeting


# --- complaints (R3) -------------------------------------------------------------------


def _locked_complaint(
    actor: User, complaint: Complaint
) -> tuple[SupportCase, Complaint]:
    """The first steps of every change to a complaint: the actor may change
    the case, the case is locked and open, the complaint is read afresh."""
    case = complaint.case
    require(actor, Perm.CHANGE_CASE, case)
    _lock(case)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _ensure_open(case)
    return case, complaint


def _save_complaint(
    complaint: Complaint,
    *,
    case: SupportCase,
    actor: User,
    reason: str,
    detail: str,
    from_stage: str | None = None,
) -> Complaint:
    """The last steps: validate, save with who and why, and the case event of
    the step (from ``from_stage``, default the complaint's own, to its stage)."""
    complaint.full_clean()
    track(complaint, actor=actor, reason=reason)
    complaint.save()
    event_record(
        case=case,
        kind=CaseEvent.Kind.COMPLAINT_STAGE,
        actor=actor,
        from_value=complaint.stage if from_stage is None else from_stage,
        to_value=complaint.stage,
        detail=detail,
    )
    return complaint


@transaction.atomic
def complaint_advance(
    *,
    actor: User,
    complaint: Complaint,
    stage: str,
    submitted_to: str = "",
    on: datetime.date | None = None,
    decision_summary: str = "",
    regime: str = "",
    advisory_committee: bool = False,
) -> Complaint:
    """Move a complaint to its next stage (R3): formulated → submitted (to whom,
    when) → being handled → decided, or withdrawn at any point before a decision."""
    case, complaint = _locked_complaint(actor, complaint)
    if stage not in Complaint.TRANSITIONS[complaint.stage]:
        raise ValidationError(
            _("Een klacht in de fase '%(from)s' kan niet naar '%(to)s'.")
            % {
                "from": Complaint.Stage(complaint.stage).label,
                "to": Complaint.Stage(stage).label
                if stage in Complaint.Stage.values
                else stage,
            },
            code="invalid_transition",
        )
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise field_error("on", _("Deze datum ligt in de toekomst."), "future")
    old = complaint.stage
    if stage == Complaint.Stage.SUBMITTED:
        if not submitted_to.strip():
            raise field_error(
                "submitted_to", _("Vul in bij wie de klacht is ingediend."), "required"
            )
        complaint.submitted_to = submitted_to.strip()
        complaint.submitted_on = on
        if regime:
            if regime not in ComplaintRegime.values:
                raise field_error("regime", _("Kies een klachtregeling."), "regime")
            complaint.regime = regime
        if advisory_committee and complaint.regime != ComplaintRegime.AWB:
            raise field_error(
                "advisory_committee",
                _(
                    "Een adviescommissie hoort alleen bij de gemeentelijke klachtprocedure."
                ),
                "advisory_committee",
            )
        complaint.advisory_committee = advisory_committee
    elif stage == Complaint.Stage.HANDLING:
        complaint.handling_started_on = on
    elif stage == Complaint.Stage.DECIDED:
        if not decision_summary.strip():
            raise field_error(
                "decision_summary", _("Vat de uitspraak samen."), "required"
            )
        complaint.decided_on = on
        complaint.decision_summary = decision_summary.strip()
    elif stage == Complaint.Stage.WITHDRAWN:
        complaint.withdrawn_on = on
    for earlier in (complaint.submitted_on, complaint.handling_started_on):
        if earlier and on < earlier:
            raise field_error(
                "on",
                _("Deze datum ligt vóór een eerdere stap van de klacht."),
                "before_previous",
            )
    if stage in (Complaint.Stage.DECIDED, Complaint.Stage.WITHDRAWN):
        # A decision or withdrawal ends a suspension: no clock runs any more.
        complaint.suspended_since = None
    complaint.stage = stage
    complaint.due_on = due_date(complaint)
    return _save_complaint(
        complaint,
        case=case,
        actor=actor,
        reason="complaint_advance",
        from_stage=old,
        detail=complaint.submitted_to if stage == Complaint.Stage.SUBMITTED else "",
    )


@transaction.atomic
def complaint_postpone(
    *, actor: User, complaint: Complaint, weeks: int, on: datetime.date | None = None
) -> Complaint:
    """Postpone the decision on a complaint (R3): once, by at most the regime's
    maximum (4 weeks), with written notice to the complainant on ``on``."""
    case, complaint = _locked_complaint(actor, complaint)
    if due_date(complaint) is None:
        raise ValidationError(
            _("Alleen een ingediende klacht die nog loopt kan worden verdaagd."),
            code="not_running",
        )
    if complaint.postponement_weeks:
        raise ValidationError(
            _("Deze klacht is al verdaagd; verdagen kan maar één keer."),
            code="already_postponed",
        )
    maximum = TERMS[complaint.regime].max_postponement_weeks
    if not 1 <= weeks <= maximum:
        raise field_error(
            "weeks",
            _("Verdagen kan met 1 tot ten hoogste %(max)s weken.") % {"max": maximum},
            "postponement_weeks",
        )
    on = on or timezone.localdate()
    if on > timezone.localdate() or on < complaint.submitted_on:
        raise field_error(
            "on",
            _("De mededeling valt tussen de indiening en vandaag."),
            "postponed_on",
        )
    complaint.postponement_weeks = weeks
    complaint.postponed_on = on
    complaint.due_on = due_date(complaint)
    return _save_complaint(
        complaint,
        case=case,
        actor=actor,
        reason="complaint_postpone",
        detail=_("Beslissing verdaagd met %(weeks)s weken, tot %(due)s")
        % {"weeks": weeks, "due": complaint.due_on.isoformat()},
    )


# --- applications (R9) -----------------------------------------------------------------


@transaction.atomic
def application_decide(
    *,
    actor: User,
    application: Application,
    decision: str,
    reason: str,
    decided_on: datetime.date | None = None,
) -> Application:
    """Decide on an application. A person who supports (or supported) the
    client cannot decide on the client's application (R9)."""
    require(actor, Perm.DECIDE_APPLICATION, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.decision != Application.Decision.PENDING:
        raise ValidationError(
            _("Over deze aanvraag is al besloten."), code="already_decided"
        )
    if (
        decision not in Application.Decision.values
        or decision == Application.Decision.PENDING
    ):
        raise field_error("decision", _("Kies een beschikking."), "decision")
    if not reason.strip():
        raise field_error("reason", _("Motiveer de beschikking."), "required")
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        raise field_error("decided_on", _("Deze datum ligt in de toekomst."), "future")
    if decided_on < application.submitted_on:
        raise field_error(
            "decided_on",
            _("Er kan niet worden besloten vóór de aanvraag is ingediend."),
            "before_submission",
        )
    role_services.ensure_not_supporting(user=actor, client=application.client)
    application.decider = actor
    application.decision = decision
    application.decision_reason = reason.strip()
    application.decided_on = decided_on
    application.full_clean()
    track(application, actor=actor, reason="application_decide")
    application.save()
    return application


@transaction.atomic
def application_assign_decider(
    *, actor: User, application: Application, decider: User
) -> Application:
    """Give an application to a decision-maker, who must not support the client (R9)."""
    require(actor, Perm.DECIDE_APPLICATION, application)
    if not Application.objects.visible_to(decider).filter(pk=application.pk).exists():
        raise ValidationError(
            {
                "decider": _(
                    "Deze persoon beslist niet over aanvragen van deze gemeente."
                )
            },
            code="decider_municipality",
        )
    role_services.ensure_not_supporting(user=decider, client=application.client)
    application.decider = decider
    application.full_clean()
    track(application, actor=actor, reason="application_assign_decider")
    application.save(update_fields=["decider"])
    return application


# --- meetings ----------------------------------------------------------------------------

#: The only status changes of a meeting: a planned meeting is held or cancelled,
#: and stays so. ``meeting_set_status`` reads it, the status form offers it.


@transaction.atomic
def meeting_set_status(*, actor: User, meeting: Meeting, status: str) -> Meeting:
    """Record that a planned meeting was held or cancelled (``Meeting.TRANSITIONS``).

    A meeting is held only once it has started. The case history records the
    change as a status event naming the meeting.
    """
    case = meeting.case
    require(actor, Perm.CHANGE_CASE, case)
    _lock(case)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _ensure_open(case)
    if status not in Meeting.Status.values:
        raise field_error("status", _("Kies een geldige status."), "invalid_status")
    if status not in Meeting.TRANSITIONS[meeting.status]:
        raise ValidationError(
            _("Een gesprek met status '%(from)s' kan niet naar '%(to)s'.")
            % {
                "from": Meeting.Status(meeting.status).label,
                "to": Meeting.Status(status).label,
            },
            code="invalid_transition",
        )
    if status == Meeting.Status.HELD and meeting.starts_at > timezone.now():
        raise field_error(
            "status",
            _(
                "Dit gesprek is nog niet begonnen; het kan pas daarna als gehouden "
                "worden vastgelegd."
            ),
            "not_started",
        )
    old = meeting.status
    meeting.status = status
    meeting.full_clean()
    track(meeting, actor=actor, reason="meeting_set_status")
    meeting.save(update_fields=["status"])
    event_record(
        case=case,
        kind=CaseEvent.Kind.MEETING_STATUS,
        actor=actor,
        from_value=old,
        to_value=status,
        detail=str(meeting),
    )
    return meeting


# --- complaint suspension and outreach visits (R3, R7) ---------------------------------


@transaction.atomic
def complaint_suspend(
    *,
    actor: User,
    complaint: Complaint,
    reason: str,
    on: datetime.date | None = None,
) -> Complaint:
    """Suspend (opschorten) the decision term of a running complaint (R3): the
    clock stands still from ``on`` until the complaint is resumed, e.g. while
    the complainant supplies information or an informal solution is tried with
    the complainant's agreement (``complaint_clock``)."""
    case, complaint = _locked_complaint(actor, complaint)
    if complaint.suspended_since is not None:
        raise ValidationError(
            _("De termijn van deze klacht is al opgeschort."),
            code="already_suspended",
        )
    due = due_date(complaint)
    if due is None:
        raise ValidationError(
            _("Alleen een ingediende klacht die nog loopt kan worden opgeschort."),
            code="not_running",
        )
    if not reason.strip():
        raise field_error(
            "reason", _("Vermeld waarom de termijn stilstaat."), "required"
        )
    on = on or timezone.localdate()
    if on > timezone.localdate() or on < complaint.submitted_on:
        raise field_error(
            "on",
            _("De opschorting begint tussen de indiening en vandaag."),
            "suspended_since",
        )
    if on > due:
        raise field_error(
            "on",
            _("Een termijn die al verstreken was kan niet meer worden opgeschort."),
            "term_expired",
        )
    complaint.suspended_since = on
    complaint.due_on = due_date(complaint)
    return _save_complaint(
        complaint,
        case=case,
        actor=actor,
        reason="complaint_suspend",
        detail=_("Termijn opgeschort vanaf %(on)s: %(reason)s")
        % {"on": on.isoformat(), "reason": reason.strip()},
    )


@transaction.atomic
def complaint_resume(
    *, actor: User, complaint: Complaint, on: datetime.date | None = None
) -> Complaint:
    """Let the suspended decision term of a complaint run again from ``on``
    (R3); the days it stood still are added to the due date."""
    case, complaint = _locked_complaint(actor, complaint)
    if complaint.suspended_since is None:
        raise ValidationError(
            _("De termijn van deze klacht is niet opgeschort."),
            code="not_suspended",
        )
    on = on or timezone.localdate()
    if on > timezone.localdate() or on < complaint.suspended_since:
        raise field_error(
            "on",
            _(
                "De termijn loopt weer vanaf een datum tussen de opschorting en vandaag."
            ),
            "resumed_on",
        )
    days = (on - complaint.suspended_since).days
    complaint.suspended_days += days
    complaint.suspended_since = None
    complaint.due_on = due_date(complaint)
    return _save_complaint(
        complaint,
        case=case,
        actor=actor,
        reason="complaint_resume",
        detail=ngettext(
            "Termijn loopt weer na %(days)s dag opschorting, tot %(due)s",
            "Termijn loopt weer na %(days)s dagen opschorting, tot %(due)s",
            days,
        )
        % {"days": days, "due": complaint.due_on.isoformat()},
    )


@transaction.atomic
def outreach_visit_record(
    *,
    actor: User,
    institution: Organisation,
    municipality: Municipality,
    visited_on: datetime.date,
    group: str,
    youths_spoken: int,
    themes: list[str],
    notes: str = "",
) -> OutreachVisit:
    """Record a confidant's visit to youths in a youth-care institution (R7):
    where, when, which group, how many youths, which themes — no names."""
    require_capability(actor, Capability.RECORD_OUTREACH)
    _check_care_provider(institution, "institution")
    if visited_on > timezone.localdate():
        raise field_error("visited_on", _("Deze datum ligt in de toekomst."), "future")
    unknown = set(themes) - set(OutreachTheme.values)
    if unknown:
        raise field_error("themes", _("Kies thema's uit de lijst."), "themes")
    visit = OutreachVisit(
        confidant=actor,
        organisation_id=actor.organisation_id,
        team_id=actor.team_id,
        institution=institution,
        municipality=municipality,
        visited_on=visited_on,
        group=group.strip(),
        youths_spoken=youths_spoken,
        themes=[code for code in OutreachTheme.values if code in themes],
        notes=notes.strip(),
    )
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def outreach_case_open(
    *, actor: User, visit: OutreachVisit, **registration
) -> SupportCase | LinkRequest:
    """Open a case from an outreach visit (R7): the youth who asked for support
    is registered as a client living in the visited institution, the case is
    opened with the confidant as its supporter, and the visit is linked to it
    (once the team lead decided, when the youth was already known).
    ``registration`` are the arguments of ``client_register``."""
    require_capability(actor, Capability.RECORD_OUTREACH)
    visit = OutreachVisit.objects.select_for_update().get(pk=visit.pk)
    require(actor, Perm.CHANGE_OUTREACH_VISIT, visit)
    if visit.case_id is not None:
        raise ValidationError(
            _("Vanuit dit bezoek is al een zaak geopend."), code="already_opened"
        )
    registration.setdefault("lives_in_institution", True)
    registration.setdefault("institution", visit.institution)
    result = client_register(actor=actor, outreach_visit=visit, **registration)
    if isinstance(result, SupportCase):
        visit.case = result
        visit.save(update_fields=["case"])
    return result
