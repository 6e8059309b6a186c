"""The person key: a keyed hash that recognises the same person, and nothing else.

R13 makes the organisation the boundary of a client's file: the AKJ and a
client-support organisation each keep their own file of the same youth, and
nothing is matched across them. Two rules still need to know that two files
are the same person:

* inside one organisation, registering a person who is already known there
  must not make a second file silently (R4, R9 keep working; a team lead
  decides, ``cases.services.client_register``);
* R9 crosses organisations by nature: the decision-maker works for the
  municipality, the client supporter for a client-support organisation.

Both compare this key: HMAC-SHA256 with ``NAAST_PERSON_KEY_SECRET`` over the
normalised name and date of birth. The key gives no access and is never
shown; without the secret it cannot be computed from a name, so a copy of the
database does not tell who is known where. Changing the secret needs
``manage.py rekey_persons``.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import unicodedata

from django.conf import settings


def normalise_name(first_name: str, last_name: str) -> str:
    """The name as the key sees it: without accents, case, punctuation and
    extra spaces, so that "lotte MULDER" and "Lotte  Mülder" are one person."""
    text = unicodedata.normalize("NFKD", f"{first_name} {last_name}")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(c if c.isalnum() else " " for c in text.casefold())
    return " ".join(text.split())


def person_key(*, first_name: str, last_name: str, date_of_birth: datetime.date) -> str:
    """The key of a person (64 hex characters)."""
    message = f"{normalise_name(first_name, last_name)}|{date_of_birth.isoformat()}"
    return hmac.new(
        settings.NAAST_PERSON_KEY_SECRET.encode(), message.encode(), hashlib.sha256
    ).hexdigest()
