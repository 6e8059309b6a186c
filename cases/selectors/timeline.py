"""The timeline of a case: its events and its notes, newest first (R2).

Shared by the case page and its print version.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import chain

from django.db.models import TextChoices
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from roles.models import Assignment
from roles.policy import RefusalGround, SupportRole

from ..models import (
    CaseEvent,
    Complaint,
    ContactChannel,
    Meeting,
    Note,
    SupportCase,
)


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a case's timeline: a case event, or a note with its text."""

    at: datetime.datetime
    kind: str
    title: str
    detail: str = ""
    actor: User | None = None
    note: str = ""
    #: Orders entries with the same timestamp (rows of one kind by creation).
    pk: int = 0
    #: The note of a note entry (its correction, its withdrawal, its links).
    note_obj: Note | None = None
    #: A page about the entry: a corrected or withdrawn note's versions.
    url: str = ""


def _label(choices: type[TextChoices], value: str) -> str:
    """The label of a stored value; the value itself if the choices dropped it."""
    return str(choices(value).label) if value in choices.values else value


def _from_to(choices: type[TextChoices], old: str, new: str) -> str:
    return _("van '%(from)s' naar '%(to)s'") % {
        "from": _label(choices, old),
        "to": _label(choices, new),
    }


def _event_detail(event: CaseEvent) -> str:
    """What happened, in words, from the codes an event stores."""
    Kind = CaseEvent.Kind
    kind, old, new, detail = event.kind, event.from_value, event.to_value, event.detail
    if kind == Kind.STATUS:
        return _from_to(SupportCase.Status, old, new)
    if kind == Kind.MEETING_STATUS:
        return f"{detail}: {_from_to(Meeting.Status, old, new)}"
    if kind == Kind.ASSIGNMENT_STARTED or kind == Kind.ATTENDANCE_ADDED:
        return f"{detail} ({_label(SupportRole, new)})"
    if kind == Kind.ASSIGNMENT_ENDED:
        return (
            f"{detail} ({_label(SupportRole, old)}) – "
            f"{_label(Assignment.EndReason, new)}"
        )
    if kind == Kind.ATTENDANCE_REFUSED:
        return f"{detail} – {_label(RefusalGround, new)}"
    if kind == Kind.CONTACT_RECORDED and old.isdigit():
        minutes = int(old)
        return ngettext(
            "%(channel)s, %(minutes)s minuut",
            "%(channel)s, %(minutes)s minuten",
            minutes,
        ) % {"channel": _label(ContactChannel, new), "minutes": minutes}
    if kind == Kind.COMPLAINT_STAGE:
        if old == new:  # a postponement
            return detail
        step = _from_to(Complaint.Stage, old, new)
        return f"{step}: {detail}" if detail else step
    return detail


def _event_url(event: CaseEvent) -> str:
    """The versions of the note a correction or withdrawal event is about."""
    note_kinds = (CaseEvent.Kind.NOTE_CORRECTED, CaseEvent.Kind.NOTE_WITHDRAWN)
    if event.kind in note_kinds and event.to_value.isdigit():
        return reverse("web:note_history", args=[int(event.to_value)])
    return ""


def case_timeline(user: User, case: SupportCase) -> list[TimelineEntry]:
    """Everything that happened in a case, newest first: its events with each
    note's text in place of the bare "note added" event; a corrected note
    says so, a withdrawn note shows no text. Only what ``user`` may read of
    the case's content: nothing for who does not see it (R2). Two queries."""
    events = (
        CaseEvent.objects.visible_to(user)
        .filter(case=case)
        .exclude(kind=CaseEvent.Kind.NOTE_ADDED)
        .select_related("actor")
    )
    notes = (
        Note.objects.visible_to(user)
        .filter(case=case)
        .select_related("author", "corrected_by", "withdrawn_by")
    )
    entries = chain(
        (
            TimelineEntry(
                at=e.at,
                kind=e.kind,
                title=e.get_kind_display(),
                detail=_event_detail(e),
                actor=e.actor,
                pk=e.pk,
                url=_event_url(e),
            )
            for e in events
        ),
        (
            TimelineEntry(
                at=n.created_at,
                kind="note",
                title=_("Notitie (ingetrokken)") if n.is_withdrawn else _("Notitie"),
                actor=n.author,
                # A withdrawn note's text is in its versions, not in the timeline.
                note="" if n.is_withdrawn else n.text,
                pk=n.pk,
                note_obj=n,
            )
            for n in notes
        ),
    )
    return sorted(entries, key=lambda entry: (entry.at, entry.pk), reverse=True)
