"""Families (gezinnen) and the conflicting interests of their members.

- R4: a conflict is recorded only between members of one family, and refused
  while one confidant supports both members.
- R13: a family and its members are files of one organisation; a member
  already known there waits for the team lead, as in a registration.
- R2: only a supporter of one of the members changes the family; a member
  without a case is seen by nobody.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Municipality, User
from audit.denials import permission_denied
from roles import services as role_services
from roles.permissions import Perm, has, require

from .. import events
from ..history import track
from ..models import Client, ConflictingInterest, Family, FamilyMembership, LinkRequest
from ._common import _membership_add
from .clients import (
    _check_date_of_birth,
    _client_create,
    _key,
    _link_request,
    _registration,
    known_in_organisation,
)


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
    events.family_created(family=family)
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
    membership = _membership_add(
        actor=actor,
        family=family,
        client=client,
        relation=relation,
        reason="family_member_add",
    )
    events.family_member_added(membership=membership)
    return membership


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
    track(conflict, actor=actor, reason="conflict_record")
    conflict.save()
    events.conflict_recorded(conflict=conflict)
    return conflict
