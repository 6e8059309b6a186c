"""The care (jeugdhulp) a client receives or received from a care provider.

- R6, R8: care usually exists when a confidant is approached; a client
  supporter may start before any care exists and record it once found.
- R2: the care is part of the client's file, changed only by a current
  supporter; ending it deletes nothing.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from roles.permissions import Perm, require

from .. import events
from ..errors import field_error
from ..history import track
from ..models import Care, CareKind, Client


def _check_care_provider(organisation: Organisation | None, field: str) -> None:
    if organisation is not None and (
        organisation.kind != Organisation.Kind.CARE_PROVIDER
    ):
        raise field_error(
            field, _("Kies een jeugdhulpaanbieder."), "not_a_care_provider"
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
    events.care_recorded(care=care)
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
    events.care_ended(care=care)
    return care
