"""Helpers the case services share.

The first checks of every change to a case's content (the case is open, R6;
its row is locked; the form was loaded at the current version), and the one
writer of family memberships (R13: a member of the family's own
organisation), which both a registration (``clients``) and the family
services (``families``) need: it lives here so that neither of those two
modules imports the other.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User

from ..history import track
from ..models import Client, Family, FamilyMembership, Note, SupportCase
from ..rules import ensure_case_open as ensure_case_open


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
