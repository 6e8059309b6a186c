"""Meetings (gesprekken) between a client and a care provider: planned,
held or cancelled.

- R6: in a closed case no meeting is planned and no status changes.
- Who attends a meeting is a rule of its own (R5, R11, R12), enforced by
  ``roles.services`` (``attendance_add``, ``attendance_invite``,
  ``attendance_refuse``).
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
from ..models import Meeting, SupportCase
from ._common import _lock, ensure_case_open


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
    ensure_case_open(case)
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
    events.meeting_planned(meeting=meeting, actor=actor)
    return meeting


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
    meeting.case = case
    ensure_case_open(case)
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
    events.meeting_status_changed(meeting=meeting, actor=actor, from_status=old)
    return meeting
