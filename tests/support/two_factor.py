"""Building blocks for the tests of the second factor: the code an
authenticator app would show."""

from __future__ import annotations

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    """The current code of ``device`` (``offset`` time steps later)."""
    return "%06d" % totp(  # noqa: UP031
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + offset,
    )
