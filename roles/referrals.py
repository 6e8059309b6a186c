"""Referrals (warme overdracht): support moves between organisations only this
way, never by a shared record (R13).

``referral_send``: a caseworker who supports the client now sends the client's
file to another organisation, with the client's recorded consent for exactly
the items passed on. What those items hold is copied at that moment into the
referral; nothing else of the file leaves the organisation (no case content,
no notes, no consents).

``referral_accept``: a team lead of the receiving organisation, who sees what
the referral is (from whom, when, which items) but not what it holds, assigns
a caseworker of a team they lead. Only then does the receiving organisation
get a client file: a new one with the copy of the consented items, or (when
the person is already known there, by the person key) its existing file, by
the team lead's decision. A case is opened for the caseworker.

``referral_decline``: the team lead declines, with a reason; the copy is
removed, so the receiving organisation keeps nothing.

Both sides are written to the access log (the sending as an export, the
receiving as the creation of a file) and to the cases' history; both
clients' inzage lists the referral.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality, Organisation, User
from cases import events
from cases import services as case_services
from cases.errors import field_error
from cases.history import track
from cases.models import (
    Care,
    Client,
    ConflictingInterest,
    Family,
    SupportCase,
)
from cases.person_key import person_key

from .models import InformalSupporter, Referral
from .permissions import Perm, has, require
from .policy import Capability, require_capability

#: The organisations a client can be referred to: those that keep support files.
RECEIVING_KINDS = (Organisation.Kind.AKJ, Organisation.Kind.CLIENT_SUPPORT)


def referral_reference(year: int, pk: int) -> str:
    return f"DV-{year}-{pk:06d}"


def receiving_organisations(user: User) -> QuerySet[Organisation]:
    """The organisations ``user`` can refer a client to: every other active
    organisation that keeps support files."""
    return Organisation.objects.filter(
        kind__in=RECEIVING_KINDS, is_active=True
    ).exclude(pk=user.organisation_id or 0)


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _person(client: Client) -> dict[str, Any]:
    return {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "date_of_birth": client.date_of_birth.isoformat(),
        "kind": client.kind,
        "municipality": client.municipality_id,
    }


def _payload(client: Client, items: list[str]) -> dict[str, Any]:
    """The copy of exactly the consented items of ``client``'s file."""
    payload: dict[str, Any] = {}
    if Referral.Item.IDENTITY in items:
        payload["identity"] = {
            **_person(client),
            "lives_in_institution": client.lives_in_institution,
            "institution": client.institution_id,
        }
    if Referral.Item.CARE in items:
        payload["care"] = [
            {
                "provider": care.provider_id,
                "kind": care.kind,
                "residential": care.residential,
                "contact_person": care.contact_person,
                "started_on": _date(care.started_on),
                "ended_on": _date(care.ended_on),
            }
            for care in client.care.order_by("started_on", "pk")
        ]
    if Referral.Item.FAMILY in items:
        payload["families"] = []
        for membership in client.family_memberships.select_related("family"):
            family = membership.family
            members = list(
                family.memberships.exclude(client=client)
                .select_related("client")
                .order_by("pk")
            )
            index = {m.client_id: i for i, m in enumerate(members)}
            payload["families"].append(
                {
                    "name": family.name,
                    "relation": membership.relation,
                    "members": [
                        {**_person(m.client), "relation": m.relation} for m in members
                    ],
                    # Conflicts between the client and a member (-1 is the client).
                    "conflicts": [
                        {
                            "a": index.get(c.client_a_id, -1),
                            "b": index.get(c.client_b_id, -1),
                            "description": c.description,
                        }
                        for c in family.conflicts.all()
                    ],
                }
            )
    if Referral.Item.INFORMAL_SUPPORTERS in items:
        payload["informal_supporters"] = [
            {
                "name": s.name,
                "relation": s.relation,
                "phone": s.phone,
                "email": s.email,
            }
            for s in client.informal_supporters.order_by("name", "pk")
        ]
    return payload


@transaction.atomic
def referral_send(
    *,
    actor: User,
    client: Client,
    to_organisation: Organisation,
    items: list[str],
    consent_given_on: datetime.date,
    message: str,
    case: SupportCase | None = None,
    address: str | None = None,
) -> Referral:
    """Send a referral of ``client`` to ``to_organisation`` (see the module).

    Only a current supporter of the client (``CHANGE_CLIENT``), to another
    organisation that keeps support files, with the client's consent (a date
    not in the future) for at least their personal data — without them the
    other organisation cannot make a file — and a message.
    """
    require_capability(actor, Capability.SEND_REFERRAL)
    require(actor, Perm.CHANGE_CLIENT, client)
    if case is not None and (
        case.client_id != client.pk or not has(actor, Perm.VIEW_CASE_CONTENT, case)
    ):
        raise field_error(
            "case", _("Deze zaak hoort niet bij deze cliënt."), "other_case"
        )
    if not receiving_organisations(actor).filter(pk=to_organisation.pk).exists():
        raise field_error(
            "to_organisation",
            _(
                "Kies een andere organisatie van vertrouwenspersonen of cliëntondersteuning."
            ),
            "to_organisation",
        )
    unknown = set(items) - set(Referral.Item.values)
    if unknown:
        raise field_error("items", _("Kies onderdelen uit de lijst."), "items")
    if Referral.Item.IDENTITY not in items:
        raise field_error(
            "items",
            _(
                "Zonder toestemming voor de persoonsgegevens kan de andere organisatie "
                "geen dossier aanleggen. Vraag de cliënt daar eerst toestemming voor."
            ),
            "identity_required",
        )
    if consent_given_on > timezone.localdate():
        raise field_error(
            "consent_given_on", _("Deze datum ligt in de toekomst."), "future"
        )
    message = message.strip()
    if not message:
        raise field_error(
            "message",
            _("Schrijf wat de andere organisatie moet weten."),
            "required",
        )
    ordered = [code for code in Referral.Item.values if code in items]
    now = timezone.now()
    referral = Referral(
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
        from_organisation_id=actor.organisation_id,  # type: ignore[misc]  # require_capability admits only users of an organisation
        to_organisation=to_organisation,
        source_client=client,
        source_case=case,
        items=ordered,
        consent_given_on=consent_given_on,
        message=message,
        payload=_payload(client, ordered),
        sent_by=actor,
        sent_at=now,
    )
    referral.full_clean()
    referral.save()
    referral.reference = referral_reference(timezone.localdate(now).year, referral.pk)
    referral.save(update_fields=["reference"])
    events.referral_sent(
        referral=referral,
        actor=actor,
        detail=_("%(reference)s naar %(organisation)s: %(items)s")
        % {
            "reference": referral.reference,
            "organisation": to_organisation,
            "items": ", ".join(referral.item_labels),
        },
        address=address,
    )
    return referral


def referral_candidates(referral: Referral) -> QuerySet[Client]:
    """The files of the receiving organisation that are the same person as
    the referred client (by the person key; nothing is shown across)."""
    identity = referral.payload.get("identity")
    if referral.status != Referral.Status.SENT or not identity:
        return Client.objects.none()
    return case_services.known_in_organisation(
        organisation_id=referral.to_organisation_id,
        key=person_key(
            first_name=identity["first_name"],
            last_name=identity["last_name"],
            date_of_birth=datetime.date.fromisoformat(identity["date_of_birth"]),
        ),
    ).order_by("pk")


def _locked_for_decision(actor: User, referral: Referral, to: str) -> Referral:
    require(actor, Perm.RECEIVE_REFERRAL, referral)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if to not in Referral.TRANSITIONS[referral.status]:
        raise ValidationError(
            _("Over deze doorverwijzing is al besloten."), code="already_decided"
        )
    return referral


def _new_file(actor: User, referral: Referral) -> Client:
    """A file of the receiving organisation with the copy of the items."""
    organisation_id = referral.to_organisation_id
    payload = referral.payload
    identity = payload["identity"]
    client = case_services.client_file_create(
        actor=actor,
        organisation_id=organisation_id,
        first_name=identity["first_name"],
        last_name=identity["last_name"],
        date_of_birth=datetime.date.fromisoformat(identity["date_of_birth"]),
        kind=identity["kind"],
        municipality=Municipality.objects.get(pk=identity["municipality"]),
        lives_in_institution=identity["lives_in_institution"],
        institution=Organisation.objects.filter(pk=identity["institution"]).first(),
    )
    for care in payload.get("care", []):
        row = Care(
            client=client,
            provider_id=care["provider"],
            kind=care["kind"],
            residential=care["residential"],
            contact_person=care["contact_person"],
            started_on=datetime.date.fromisoformat(care["started_on"]),
            ended_on=datetime.date.fromisoformat(care["ended_on"])
            if care["ended_on"]
            else None,
        )
        row.full_clean()
        track(row, actor=actor, reason="referral_accept")
        row.save()
    for supporter in payload.get("informal_supporters", []):
        informal = InformalSupporter(client=client, **supporter)
        informal.full_clean()
        track(informal, actor=actor, reason="referral_accept")
        informal.save()
    for family_data in payload.get("families", []):
        _copy_family(actor, client, family_data)
    return client


def _copy_family(actor: User, client: Client, data: dict[str, Any]) -> None:
    family = Family(name=data["name"], organisation_id=client.organisation_id)
    family.full_clean()
    track(family, actor=actor, reason="referral_accept")
    family.save()
    people = []
    for member in data["members"]:
        fields = dict(member)
        relation = fields.pop("relation")
        born = datetime.date.fromisoformat(fields.pop("date_of_birth"))
        known = case_services.known_in_organisation(
            organisation_id=client.organisation_id,
            key=person_key(
                first_name=fields["first_name"],
                last_name=fields["last_name"],
                date_of_birth=born,
            ),
        ).first()
        people.append(
            (
                known
                or case_services.client_file_create(
                    actor=actor,
                    organisation_id=client.organisation_id,
                    date_of_birth=born,
                    municipality=Municipality.objects.get(
                        pk=fields.pop("municipality")
                    ),
                    **fields,
                ),
                relation,
            )
        )
    for person, relation in [(client, data["relation"]), *people]:
        case_services._membership_add(
            actor=actor,
            family=family,
            client=person,
            relation=relation,
            reason="referral_accept",
        )
    for conflict in data["conflicts"]:
        a, b = (
            client if i == -1 else people[i][0] for i in (conflict["a"], conflict["b"])
        )
        low, high = sorted((a, b), key=lambda c: c.pk)
        row = ConflictingInterest(
            family=family,
            client_a=low,
            client_b=high,
            description=conflict["description"],
            recorded_by=actor,
        )
        track(row, actor=actor, reason="referral_accept").save()


@transaction.atomic
def referral_accept(
    *,
    actor: User,
    referral: Referral,
    supporter: User,
    kind: str,
    title: str,
    client: Client | None = None,
    address: str | None = None,
) -> Referral:
    """A team lead of the receiving organisation accepts the referral and
    assigns ``supporter``, a caseworker of a team they lead: the receiving
    file is made (or, by the team lead's decision, ``client`` — a file of
    the same person the organisation already keeps) and a case opened for
    the supporter under every rule of a start (R1, R4, R9)."""
    referral = _locked_for_decision(actor, referral, Referral.Status.ACCEPTED)
    if supporter.team_id is None or not (
        actor.led_teams.filter(pk=supporter.team_id).exists()
    ):
        raise field_error(
            "supporter",
            _("%(user)s hoort niet bij een team dat u leidt.") % {"user": supporter},
            "not_in_team",
        )
    if client is not None and not referral_candidates(referral).filter(pk=client.pk):
        raise field_error("client", _("Kies een dossier uit de lijst."), "candidate")
    if client is None:
        client = _new_file(actor, referral)
    case = case_services.case_open_for(
        actor=actor, client=client, supporter=supporter, kind=kind, title=title
    )
    referral.status = Referral.Status.ACCEPTED
    referral.decided_by = actor
    referral.decided_at = timezone.now()
    referral.target_client = client
    referral.target_case = case
    referral.full_clean()
    referral.save()
    events.referral_received(
        referral=referral,
        actor=actor,
        detail=_("%(reference)s van %(organisation)s: %(items)s")
        % {
            "reference": referral.reference,
            "organisation": referral.from_organisation,
            "items": ", ".join(referral.item_labels),
        },
        address=address,
    )
    return referral


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    """A team lead of the receiving organisation declines the referral, with a
    reason the sender reads; the copy of the client's items is removed, so
    the receiving organisation keeps nothing of the client."""
    referral = _locked_for_decision(actor, referral, Referral.Status.DECLINED)
    reason = reason.strip()
    if not reason:
        raise field_error(
            "reason",
            _("Schrijf waarom de doorverwijzing niet wordt aangenomen."),
            "required",
        )
    referral.status = Referral.Status.DECLINED
    referral.decided_by = actor
    referral.decided_at = timezone.now()
    referral.decline_reason = reason[:300]
    referral.payload = {}
    referral.full_clean()
    referral.save()
    events.referral_declined(
        referral=referral,
        actor=actor,
        detail=_("%(reference)s niet aangenomen door %(organisation)s: %(reason)s")
        % {
            "reference": referral.reference,
            "organisation": referral.to_organisation,
            "reason": referral.decline_reason,
        },
    )
    return referral
