"""Notes in a case: added, corrected, withdrawn; never deleted.

- R2: a note is read and changed only by those who see the case's content;
  a correction or withdrawal keeps the previous text in the note's history,
  with who, when and why.
- R6: a closed case gets no new notes and no changes to its notes.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from roles.permissions import Perm, require

from .. import events
from ..errors import field_error
from ..history import track
from ..models import Note, SupportCase
from ._common import _check_version, _lock, ensure_case_open


@transaction.atomic
def note_add(*, actor: User, case: SupportCase, text: str) -> Note:
    """Add a note; it is readable only by those who see the case content (R2)."""
    require(actor, Perm.CHANGE_CASE, case)
    ensure_case_open(case)
    if not text.strip():
        raise field_error("text", _("Een notitie mag niet leeg zijn."), "empty")
    note = Note(case=case, author=actor, text=text.strip())
    note.full_clean()
    track(note, actor=actor, reason="note_add")
    note.save()
    events.note_added(note=note, actor=actor)
    return note


def _note_for_change(
    *, actor: User, note: Note, reason: str, expected_version: int
) -> tuple[Note, str]:
    """The locked note, after the checks a correction and a withdrawal share:
    who may change the case's content (R2), an open case, the version the
    form was loaded at, not withdrawn, and a reason."""
    require(actor, Perm.CHANGE_CASE, note.case)
    case = _lock(note.case)
    ensure_case_open(case)
    note = Note.objects.select_for_update().get(pk=note.pk)
    note.case = case
    _check_version(note, expected_version)
    if note.is_withdrawn:
        raise ValidationError(
            _("Deze notitie is ingetrokken; er kan niets meer aan worden gewijzigd."),
            code="note_withdrawn",
        )
    reason = reason.strip()
    if not reason:
        raise field_error("reason", _("Geef een reden op."), "required")
    if len(reason) > 300:
        raise field_error(
            "reason", _("Houd de reden korter dan 300 tekens."), "max_length"
        )
    return note, reason


@transaction.atomic
def note_correct(
    *, actor: User, note: Note, text: str, reason: str, expected_version: int
) -> Note:
    """Correct a note's text. Nothing is lost: the previous text stays in the
    note's history with who corrected it, when and why, and the timeline shows
    the correction. Only who may change the case's content may (R2). A form
    loaded before someone else's change (``expected_version``) is refused."""
    note, reason = _note_for_change(
        actor=actor, note=note, reason=reason, expected_version=expected_version
    )
    text = text.strip()
    if not text:
        raise field_error("text", _("Een notitie mag niet leeg zijn."), "empty")
    if text == note.text:
        raise field_error(
            "text", _("De tekst is niet gewijzigd; er is niets te corrigeren."), "same"
        )
    note.text = text
    note.corrected_at = timezone.now()
    note.corrected_by = actor
    note.correction_reason = reason
    _note_save_version(note, actor, reason)
    events.note_corrected(note=note, actor=actor, reason=reason)
    return note


@transaction.atomic
def note_withdraw(
    *, actor: User, note: Note, reason: str, expected_version: int
) -> Note:
    """Withdraw a note (intrekken) instead of deleting it: the timeline shows
    it as withdrawn, with who, when and why, without its text; the text stays
    in the note's history for those who see the case's content (R2)."""
    note, reason = _note_for_change(
        actor=actor, note=note, reason=reason, expected_version=expected_version
    )
    note.withdrawn_at = timezone.now()
    note.withdrawn_by = actor
    note.withdrawal_reason = reason
    _note_save_version(note, actor, reason)
    events.note_withdrawn(note=note, actor=actor, reason=reason)
    return note


def _note_save_version(note: Note, actor: User, reason: str) -> Note:
    """Save a corrected or withdrawn note as its next version, with who and
    why in its history (the caller records the event in the timeline)."""
    note.full_clean()
    note.version += 1
    track(note, actor=actor, reason=reason)
    note.save()
    return note
