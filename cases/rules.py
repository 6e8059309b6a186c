"""Checks on a case that the services of both ``cases`` and ``roles`` apply.

It sits below both service packages (``roles.services`` must not import
``cases.services``, which uses it), so neither imports the other for it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import SupportCase


def ensure_case_open(case: SupportCase) -> None:
    """Nothing is added to a closed case (R6): for the case services and the
    assignment and attendance services of ``roles``."""
    if case.is_closed:
        raise ValidationError(
            _("Deze zaak is afgesloten; er kan niets meer aan worden toegevoegd."),
            code="case_closed",
        )
