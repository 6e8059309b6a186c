"""Outreach visits to youths in youth-care institutions (R7).

A confidant records each visit per institution, without names (where, when,
which group, how many youths, which themes), and may open a case from a
visit for a youth who asks for support; that registration follows every rule
of ``client_register`` (R13, R4, R9).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality, Organisation, User
from roles.permissions import Perm, require
from roles.policy import Capability, require_capability

from .. import events
from ..errors import field_error
from ..history import track
from ..models import LinkRequest, OutreachTheme, OutreachVisit, SupportCase
from .care import _check_care_provider
from .clients import client_register


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
    visit = OutreachVisit(  # type: ignore[misc]  # require_capability admits only users of an organisation
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
    track(visit, actor=actor, reason="outreach_visit_record")
    visit.save()
    events.outreach_visit_recorded(visit=visit)
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
        track(visit, actor=actor, reason="outreach_case_open")
        visit.save(update_fields=["case"])
    return result
