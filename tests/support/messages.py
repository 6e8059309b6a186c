"""Checks that a refusal speaks the user's language: Dutch (the source), and
English under ``en`` once the English catalogue is compiled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

EN_CATALOGUE = (
    Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.mo"
)
needs_english = pytest.mark.skipif(
    not EN_CATALOGUE.exists(),
    reason="No English catalogue yet (locale/en/LC_MESSAGES/django.mo); "
    "these tests run once the translations are compiled.",
)

DUTCH_WORDS = {
    "een",
    "niet",
    "geen",
    "kan",
    "alleen",
    "deze",
    "dit",
    "wordt",
    "worden",
    "de",
    "het",
    "van",
    "bij",
    "wie",
    "toe",
    "zijn",
    "op",
    "verzoek",
    "zaak",
    "klacht",
    "gesprek",
    "weigering",
    "ondersteuner",
    "vertrouwenspersoon",
    "kies",
    "vul",
}
ENGLISH_WORDS = {"a", "an", "the", "not", "cannot", "only", "is", "be", "can", "no"}


def _words(message: str, names: tuple[object, ...]) -> set[str]:
    for name in names:  # people's names are Dutch in any language
        message = message.replace(str(name), " ")
    return set(re.findall(r"[^\W\d_]+", message.lower()))


def assert_dutch(message: str, *names: object) -> None:
    assert _words(message, names) & DUTCH_WORDS, message


def assert_english(message: str, *names: object) -> None:
    words = _words(message, names)
    assert not words & DUTCH_WORDS, message
    assert words & ENGLISH_WORDS, message


def message_of(info: pytest.ExceptionInfo) -> str:
    return " ".join(info.value.messages)


def english_message(action) -> str:
    """The message of the ValidationError ``action`` raises under ``en``."""
    with translation.override("en"), pytest.raises(ValidationError) as info:
        action()
    return message_of(info)


# --- R1: three roles, one policy table ------------------------------------------------
