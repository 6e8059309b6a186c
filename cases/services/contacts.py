"""Contact moments: a call, chat, WhatsApp, e-mail, visit … recorded in one
step, anonymous or about a client one supports, with its items.

An anonymous contact names no client and makes none. A contact about a
client names a client the recorder supports now (``CHANGE_CLIENT``: their
own organisation's file, R13); a contact on a case, a case they support
that is still open (R6). Nothing else is checked against a client: who
calls is a kind of caller, not a person.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import Municipality, User
from roles.permissions import Perm, require
from roles.policy import Capability, require_capability

from .. import events
from ..errors import field_error
from ..history import track
from ..models import (
    MAX_DURATION_MINUTES,
    AgencyKind,
    CallerType,
    Client,
    ContactChannel,
    ContactDirection,
    ContactItem,
    ContactMoment,
    ContactTheme,
    ItemKind,
    SupportCase,
)
from ..rules import ensure_case_open

#: How far ahead of the server's clock a contact may start: a device whose
#: clock runs a little fast must not be refused.
CLOCK_SKEW = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class ContactItemInput:
    """One item as the caller gives it: codes of ``ItemKind``,
    ``ContactTheme`` and ``AgencyKind``."""

    kind: str
    theme: str
    agency_kind: str = AgencyKind.NONE


def _check_choice(
    value: str, choices: type[models.TextChoices], field: str, message: str
) -> None:
    if value not in choices.values:
        raise field_error(field, message, field)


def _check_items(items: Sequence[ContactItemInput]) -> None:
    if not items:
        raise field_error(
            "items",
            _(
                "Leg ten minste één vraag, probleem, klacht of informatie en advies "
                "vast."
            ),
            "required",
        )
    for item in items:
        _check_choice(item.kind, ItemKind, "items", _("Kies de soort uit de lijst."))
        _check_choice(
            item.theme, ContactTheme, "items", _("Kies het thema uit de lijst.")
        )
        _check_choice(
            item.agency_kind,
            AgencyKind,
            "items",
            _("Kies de instantie uit de lijst."),
        )


@transaction.atomic
def contact_record(
    *,
    actor: User,
    channel: str,
    started_at: datetime.datetime,
    duration_minutes: int,
    caller_type: str,
    items: Sequence[ContactItemInput],
    direction: str = ContactDirection.INCOMING,
    anonymous: bool = False,
    municipality: Municipality | None = None,
    client: Client | None = None,
    case: SupportCase | None = None,
    notes: str = "",
) -> ContactMoment:
    """Record a contact moment with its items (see the module). Without a
    municipality, a contact about a client counts for the client's."""
    require_capability(actor, Capability.RECORD_CONTACTS)
    if case is not None:
        require(actor, Perm.CHANGE_CASE, case)
        ensure_case_open(case)
        if client is not None and client.pk != case.client_id:
            raise field_error(
                "client", _("Deze zaak hoort niet bij deze cliënt."), "other_case"
            )
        client = case.client
    elif client is not None:
        require(actor, Perm.CHANGE_CLIENT, client)
    if anonymous and client is not None:
        raise field_error(
            "anonymous",
            _(
                "Een anoniem contact hoort bij geen cliënt. Haal het vinkje weg of "
                "kies geen cliënt."
            ),
            "anonymous_client",
        )
    _check_choice(channel, ContactChannel, "channel", _("Kies het kanaal."))
    _check_choice(direction, ContactDirection, "direction", _("Kies de richting."))
    _check_choice(caller_type, CallerType, "caller_type", _("Kies wie contact zocht."))
    if started_at > timezone.now() + CLOCK_SKEW:
        raise field_error(
            "started_at", _("Dit tijdstip ligt in de toekomst."), "future"
        )
    if not 1 <= duration_minutes <= MAX_DURATION_MINUTES:
        raise field_error(
            "duration_minutes",
            _("Vul een duur in van 1 tot %(max)s minuten.")
            % {"max": MAX_DURATION_MINUTES},
            "duration",
        )
    _check_items(items)
    contact = ContactMoment(
        organisation_id=actor.organisation_id,  # type: ignore[misc]  # require_capability admits only users of an organisation
        team_id=actor.team_id,
        recorded_by=actor,
        channel=channel,
        direction=direction,
        started_at=started_at,
        duration_minutes=duration_minutes,
        caller_type=caller_type,
        anonymous=anonymous,
        municipality=municipality
        if municipality is not None
        else (client.municipality if client is not None else None),
        client=client,
        case=case,
        notes=notes.strip(),
    )
    # The fields as the model declares them; the related rows are the
    # actor's own and the ones checked above, and the constraints are the
    # checks above too: no query for either.
    contact.full_clean(
        exclude=[
            "organisation",
            "team",
            "recorded_by",
            "municipality",
            "client",
            "case",
        ],
        validate_constraints=False,
    )
    track(contact, actor=actor, reason="contact_record")
    contact.save()
    bulk_create_with_history(
        [
            ContactItem(
                contact=contact,
                kind=item.kind,
                theme=item.theme,
                agency_kind=item.agency_kind,
            )
            for item in items
        ],
        ContactItem,
        default_user=actor,
        default_change_reason="contact_record",
    )
    events.contact_recorded(contact=contact, actor=actor)
    return contact
