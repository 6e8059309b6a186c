"""The versions of a note: every text it had, who changed it, when and why.

A corrected note keeps its previous texts, and a withdrawn note its text, in
its versions (django-simple-history); whoever sees the case's content reads
them (R2).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import User

from ..history import reason_label
from ..models import Note


@dataclass(frozen=True)
class NoteVersion:
    """One version of a note, as its history keeps it."""

    number: int
    at: datetime.datetime
    by: User | None
    what: str
    reason: str
    text: str
    withdrawn: bool


def note_versions(user: User, note: Note) -> list[NoteVersion]:
    """Every version of ``note``, newest first, each with what happened to it
    (written, corrected, withdrawn, changed) — none unless ``user`` sees the
    note (R2). One query."""
    records = (
        Note.history.filter(
            # The note's versions through the note's visibility, in one query.
            id__in=Note.objects.visible_to(user).filter(pk=note.pk).values("pk")
        )
        .select_related("history_user")
        .order_by("history_date", "pk")
    )
    versions = []
    previous = None
    for record in records:
        if previous is None:
            what = _("Geschreven")
        elif record.withdrawn_at and not previous.withdrawn_at:
            what = _("Ingetrokken")
        elif record.text != previous.text:
            what = _("Gecorrigeerd")
        else:
            what = _("Gewijzigd")
        versions.append(
            NoteVersion(
                number=record.version,
                at=record.history_date,
                by=record.history_user,
                what=what,
                reason=reason_label(record.history_change_reason),
                text=record.text,
                withdrawn=record.withdrawn_at is not None,
            )
        )
        previous = record
    versions.reverse()
    return versions
