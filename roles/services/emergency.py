"""Emergency access ("break the glass", R2).

A team lead of the case's team may read one case's content for a limited
time, read only, with a stated reason that says something; the grant is
written to the access log and to the case history, which its supporter
reads, and a privacy officer reviews it afterwards.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import events
from cases.errors import field_error
from cases.models import SupportCase
from config.formats import local_moment as _when

from ..models import EmergencyAccess
from ..permissions import Perm, require

#: A reason needs this many different words of at least three letters: less
#: says nothing a reviewer can weigh ("dringend dringend ...", "xxxxxxxxxxxx").
EMERGENCY_REASON_MIN_WORDS = 5


_WORD = re.compile(r"[^\W\d_]{3,}")


def reason_words(reason: str) -> int:
    """The number of different words of three or more letters in ``reason``."""
    return len({word.casefold() for word in _WORD.findall(reason)})


@transaction.atomic
def emergency_access_open(
    *, actor: User, case: SupportCase, reason: str, address: str | None = None
) -> EmergencyAccess:
    """Open one case's content to a team lead of its team for
    ``NAAST_EMERGENCY_ACCESS_HOURS`` hours, read only, with a stated reason (R2).

    Only a team lead of the case's team (403 for anyone else). The reason is
    required and must say something (at least ``EMERGENCY_REASON_MIN_WORDS``
    different words of three or more letters). A closed case may be opened: its
    content stays readable, as for its confidant (R6), its client's file does
    not. Refused while the same team lead's access to the case still runs.
    The grant is written to the access log (action ``emergency``, with
    ``address``) and to the case history, which its supporter reads, in the
    same transaction.
    """
    require(actor, Perm.OPEN_EMERGENCY_ACCESS, case)
    case = SupportCase.objects.select_for_update().get(pk=case.pk)
    reason = reason.strip()
    if reason_words(reason) < EMERGENCY_REASON_MIN_WORDS:
        raise field_error(
            "reason",
            _(
                "Beschrijf waarom noodtoegang nodig is, in ten minste %(min)d "
                "verschillende woorden: de vertrouwenspersoon en de "
                "privacyfunctionaris lezen die reden."
            )
            % {"min": EMERGENCY_REASON_MIN_WORDS},
            "emergency_reason",
        )
    now = timezone.now()
    mine = EmergencyAccess.objects.filter(
        case=case, granted_to=actor, ended_at__isnull=True
    )
    # A grant that ran out ended at its expiry; record that, so that at most
    # one grant per case and team lead is open (the partial unique constraint).
    mine.filter(expires_at__lte=now).update(ended_at=F("expires_at"))
    running = mine.first()
    if running is not None:
        raise ValidationError(
            _("U heeft al noodtoegang tot deze zaak, tot %(until)s.")
            % {"until": _when(running.expires_at)},
            code="emergency_running",
        )
    access = EmergencyAccess(
        case=case,
        granted_to=actor,
        reason=reason,
        started_at=now,
        expires_at=now
        + datetime.timedelta(hours=settings.NAAST_EMERGENCY_ACCESS_HOURS),
    )
    access.full_clean()
    access.save()
    events.emergency_access_opened(
        access=access,
        actor=actor,
        detail=_("%(user)s, tot %(until)s. Reden: %(reason)s")
        % {"user": actor, "until": _when(access.expires_at), "reason": reason},
        address=address,
    )
    return access


@transaction.atomic
def emergency_access_end(*, actor: User, access: EmergencyAccess) -> EmergencyAccess:
    """The team lead ends their emergency access before it runs out (R2); from
    that moment they see the case's content no more."""
    require(actor, Perm.END_EMERGENCY_ACCESS, access)
    access = (
        EmergencyAccess.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=access.pk)
    )
    if not access.is_running():
        raise ValidationError(
            _("Deze noodtoegang is al afgelopen."), code="emergency_ended"
        )
    access.ended_at = timezone.now()
    access.full_clean()
    access.save(update_fields=["ended_at"])
    events.emergency_access_ended(access=access, actor=actor)
    return access


@transaction.atomic
def emergency_access_review(
    *, actor: User, access: EmergencyAccess, note: str
) -> EmergencyAccess:
    """The privacy officer records their review of an emergency access (R2):
    who, when and their judgement; once."""
    require(actor, Perm.REVIEW_EMERGENCY_ACCESS, access)
    access = (
        EmergencyAccess.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=access.pk)
    )
    if access.is_reviewed:
        raise ValidationError(
            _("Deze noodtoegang is al beoordeeld."), code="emergency_reviewed"
        )
    note = note.strip()
    if not note:
        raise field_error(
            "note", _("Schrijf uw beoordeling op."), "emergency_review_note"
        )
    access.reviewed_by = actor
    access.reviewed_at = timezone.now()
    access.review_note = note
    access.full_clean()
    access.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    events.emergency_access_reviewed(access=access, actor=actor, note=note)
    return access
