"""System checks of Naast's own settings (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def person_key_secret(app_configs, **kwargs) -> list[Warning]:
    """The person key (``cases.person_key``) needs a secret of its own in
    production: derived from SECRET_KEY, rotating that key would silently stop
    recognising every person (R13, R9)."""
    if getattr(settings, "NAAST_PERSON_KEY_SECRET_SET", True):
        return []
    return [
        Warning(
            "NAAST_PERSON_KEY_SECRET is not set; the person key is derived from "
            "SECRET_KEY.",
            hint="Set NAAST_PERSON_KEY_SECRET to a long random value of its own "
            "(see .env.example); after changing it run `manage.py rekey_persons`.",
            id="naast.W001",
        )
    ]
