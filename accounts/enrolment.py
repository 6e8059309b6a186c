"""One-time enrolment codes: a new account enrols its second factor only with
a code handed out of band by the administrator who made the account, so that
whoever learns the password alone cannot bind their own authenticator to it.

The code is shown once (to the administrator, or sent by e-mail), stored as a
keyed hash, expires after ``NAAST_ENROLMENT_CODE_HOURS`` hours, is used once
and is void after ``EnrolmentCode.MAX_ATTEMPTS`` wrong tries. Issuing and
using one are recorded in the audit trail.
"""

from __future__ import annotations

import datetime
import secrets
from enum import StrEnum

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from . import audit
from .models import EnrolmentCode, User, UserAuditEvent

#: No 0/O, 1/I/L: the code is read aloud or typed from a note.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_LENGTH = 12
_SALT = "naast.accounts.enrolment-code"


class Check(StrEnum):
    """What became of a typed enrolment code."""

    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    MISSING = "missing"


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _hash(code: str) -> str:
    return salted_hmac(_SALT, _normalise(code), algorithm="sha256").hexdigest()


def _generate() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _LENGTH, 4))


@transaction.atomic
def enrolment_code_issue(*, user: User, issued_by: User | None) -> str:
    """Give ``user`` a new enrolment code (any earlier one is void) and return
    it: the only time it exists in plain text."""
    code = _generate()
    now = timezone.now()
    expires_at = now + datetime.timedelta(hours=settings.NAAST_ENROLMENT_CODE_HOURS)
    EnrolmentCode.objects.update_or_create(
        user=user,
        defaults={
            "code_hash": _hash(code),
            "issued_at": now,
            "issued_by": issued_by,
            "expires_at": expires_at,
            "failed_attempts": 0,
        },
    )
    with audit.acting_as(issued_by):
        audit.record(
            subject=user,
            field=UserAuditEvent.Field.ENROLMENT_CODE,
            # Stored as written, in Dutch, like the rest of the trail.
            new=f"uitgegeven, geldig tot {timezone.localtime(expires_at):%d-%m-%Y %H:%M}",
        )
    return code


def enrolment_code_send(*, user: User, code: str) -> None:
    """E-mail ``code`` to ``user`` (when the administrator chose e-mail)."""
    send_mail(
        _("Uw activeringscode voor Naast"),
        _(
            "Met deze code stelt u bij uw eerste aanmelding de tweestapsverificatie "
            "van Naast in: %(code)s\n\nDe code is %(hours)s uur geldig en werkt één "
            "keer. Heeft u hier niet om gevraagd, neem dan contact op met uw "
            "beheerder."
        )
        % {"code": code, "hours": settings.NAAST_ENROLMENT_CODE_HOURS},
        None,
        [user.email],
    )


@transaction.atomic
def enrolment_code_check(*, user: User, code: str) -> Check:
    """Whether ``code`` is ``user``'s valid enrolment code. A wrong code counts
    as a try; after ``MAX_ATTEMPTS`` tries, and after expiry, the code is void
    (only an administrator issues a new one)."""
    stored = EnrolmentCode.objects.select_for_update().filter(user=user).first()
    if stored is None or stored.failed_attempts >= EnrolmentCode.MAX_ATTEMPTS:
        return Check.MISSING
    if stored.expires_at <= timezone.now():
        return Check.EXPIRED
    if not constant_time_compare(stored.code_hash, _hash(code)):
        EnrolmentCode.objects.filter(pk=stored.pk).update(
            failed_attempts=F("failed_attempts") + 1
        )
        return Check.WRONG
    return Check.OK


def has_enrolment_code(user: User) -> bool:
    """Whether ``user`` holds an enrolment code that can still be used."""
    return EnrolmentCode.objects.filter(
        user=user,
        expires_at__gt=timezone.now(),
        failed_attempts__lt=EnrolmentCode.MAX_ATTEMPTS,
    ).exists()


@transaction.atomic
def enrolment_code_use(*, user: User) -> None:
    """Spend ``user``'s enrolment code: their authenticator is confirmed."""
    deleted, _rows = EnrolmentCode.objects.filter(user=user).delete()
    if deleted:
        with audit.acting_as(user):
            audit.record(
                subject=user,
                field=UserAuditEvent.Field.ENROLMENT_CODE,
                old="uitgegeven",
                new="gebruikt",
            )
