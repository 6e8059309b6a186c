"""Errors that services raise, so that forms can show them next to the field."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def field_error(field: str, message: str, code: str) -> ValidationError:
    """A refusal that belongs to one form field, keeping its ``code`` for callers
    and tests (a plain ``ValidationError({field: message}, code=…)`` drops it)."""
    return ValidationError({field: ValidationError(message, code=code)})
