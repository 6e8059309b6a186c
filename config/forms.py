"""The form renderer: every form and field renders through templates/forms/;
and the fields every app shares."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class NaastFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def date_input() -> forms.DateInput:
    """The browser's date picker; the value as ISO date, which it expects."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def moment_input() -> forms.DateTimeInput:
    """The browser's date-and-time picker (``datetime-local``)."""
    return forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
    )


class MomentField(forms.DateTimeField):
    """A date and time the database can store in UTC: 0001-01-01 00:00 in
    Amsterdam is a moment before year 1 in UTC, which no column holds, so a
    year outside 1900–2999 is a form error, not an overflow."""

    default_error_messages = {
        "out_of_range": _("Kies een datum tussen 1900 en 2999."),
    }

    def clean(self, value: object) -> datetime.datetime | None:
        moment = super().clean(value)
        if moment is not None and not 1900 <= moment.year <= 2999:
            raise ValidationError(
                self.error_messages["out_of_range"], code="out_of_range"
            )
        return moment
