"""The case history: one function appends a line; services call it last.

Every tracked model also keeps its versions (django-simple-history): ``track``
names who saves it and why, ``reason_label`` shows that reason in words.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import CaseEvent, SupportCase


def event_record(
    *,
    case: SupportCase,
    kind: str,
    actor: User | None,
    from_value: str = "",
    to_value: str = "",
    detail: str = "",
) -> CaseEvent:
    """Append one line to a case's history."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        from_value=from_value,
        to_value=to_value,
        detail=detail[:300],
    )


# --- versions (django-simple-history) ------------------------------------------------

#: The reasons the services give for their own writes, in words. A reason that
#: is not a key here was written by a person (a correction, a withdrawal).
REASONS = {
    "history_start": _("Stand bij het begin van de versiegeschiedenis"),
    "admin": _("Gewijzigd in het beheer"),
    "seed_demo": _("Demogegevens geladen"),
    "client_register": _("Cliënt ingeschreven"),
    "client_update": _("Persoonsgegevens gewijzigd"),
    "family_create": _("Gezin vastgelegd"),
    "family_member_add": _("Gezinslid toegevoegd"),
    "conflict_record": _("Tegenstrijdig belang vastgelegd"),
    "informal_supporter_add": _("Informele ondersteuner vastgelegd"),
    "consent_record": _("Toestemming vastgelegd"),
    "consent_withdraw": _("Toestemming ingetrokken"),
    "outreach_visit_record": _("Outreachbezoek vastgelegd"),
    "outreach_case_open": _("Zaak geopend vanuit een outreachbezoek"),
    "care_record": _("Hulp vastgelegd"),
    "care_end": _("Hulp beëindigd"),
    "case_open": _("Zaak geopend"),
    "case_set_status": _("Status gewijzigd"),
    "case_close": _("Zaak afgesloten"),
    "note_add": _("Notitie toegevoegd"),
    "meeting_plan": _("Gesprek gepland"),
    "meeting_set_status": _("Gesprek gehouden of geannuleerd"),
    "complaint_advance": _("Klachtfase gewijzigd"),
    "complaint_postpone": _("Beslissing op de klacht verdaagd"),
    "complaint_suspend": _("Termijn van de klacht opgeschort"),
    "complaint_resume": _("Termijn van de klacht loopt weer"),
    "application_decide": _("Beschikking vastgelegd"),
    "application_assign_decider": _("Beslisser toegewezen"),
    "link_request_decide": _(
        "Besluit van de teamleider over mogelijk dezelfde persoon"
    ),
    "referral_accept": _("Ontvangen via een doorverwijzing"),
    "contact_record": _("Contact vastgelegd"),
    "client_contact_update": _("Contactgegevens gewijzigd"),
    "assignment_hand_over": _("Overgedragen aan een collega van een ander team"),
}


#: The attributes django-simple-history reads from the instance it saves.
_HISTORY_USER = "_history_user"
_CHANGE_REASON = "_change_reason"


def track[M: models.Model](instance: M, *, actor: User | None, reason: str) -> M:
    """Name who saves ``instance`` next and why, for the version its history
    keeps of it (``history_user``, ``history_change_reason``). Services call
    it before every save of a tracked model; they do not rely on the request,
    because commands call them too."""
    setattr(instance, _HISTORY_USER, actor)
    setattr(instance, _CHANGE_REASON, reason)
    return instance


def reason_label(reason: str | None) -> str:
    """A version's reason in words: the service's purpose, or what the person
    who changed it wrote."""
    if not reason:
        return ""
    return str(REASONS[reason]) if reason in REASONS else reason
