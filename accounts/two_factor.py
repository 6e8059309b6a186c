"""Two-factor authentication with django-otp: one authenticator app (TOTP)
per account and a set of single-use recovery codes (a static device).

Every account enrols when ``NAAST_REQUIRE_2FA`` is on (production): after the
password, a user without a confirmed authenticator scans a QR code and
confirms a code; a user with one enters a code from the app or a recovery
code. ``accounts.middleware.TwoFactorRequiredMiddleware`` enforces it.
"""

from __future__ import annotations

import base64
import io
import re
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

TOTP_NAME = "Authenticator-app"
RECOVERY_NAME = "Herstelcodes"
_TOTP_TOKEN = re.compile(r"^\d{6}$")


def has_confirmed_device(user: User) -> bool:
    """Whether ``user`` has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def pending_device(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator of ``user`` being enrolled (created once,
    so reloading the enrolment page keeps the same secret)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def fresh_pending_device(*, user: User) -> TOTPDevice:
    """A new unconfirmed authenticator for ``user``, replacing any earlier one:
    a secret shown before the enrolment code was given is never confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def secret_for_display(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing it into an app."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The enrolment QR code (the ``otpauth://`` URL) as an SVG data URI, for
    an ``<img>`` (no inline markup or style: the CSP allows ``data:`` images)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, border=4
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def normalise(token: str) -> str:
    """A code as typed, without spaces and dashes, in lower case."""
    return re.sub(r"[\s-]", "", token).lower()


@transaction.atomic
def confirm_device(*, device: TOTPDevice, token: str) -> bool:
    """Confirm the authenticator being enrolled if ``token`` is its current code;
    any other authenticator of the user is removed."""
    if device.confirmed or not device.verify_token(normalise(token)):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def new_recovery_codes(*, user: User) -> list[str]:
    """Replace the recovery codes of ``user`` with ``NAAST_RECOVERY_CODE_COUNT``
    new ones; each works once. Only the returned list shows them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [
        StaticToken.random_token() for _ in range(settings.NAAST_RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes ``user`` has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def throttled(user: User) -> bool:
    """Whether too many wrong codes make the authenticator wait (django-otp
    doubles the wait after every wrong code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device is not None and not device.verify_is_allowed()[0]


def check_code(*, user: User, token: str) -> Device | None:
    """The device that accepts ``token``: a six-digit code is checked against the
    authenticator app, anything else against the recovery codes (a used
    recovery code is deleted). ``None`` if no device accepts it."""
    token = normalise(token)
    if _TOTP_TOKEN.match(token):
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    for device in devices:
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None
