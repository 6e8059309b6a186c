"""Forms for emergency access (R2): the team lead's reason, the privacy
officer's review. The rules (a reason that says something, one review) are the
services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EmergencyAccessForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "Waarom moet u de inhoud van deze zaak nu zien? In ten minste vijf "
            "verschillende woorden. "
            "De vertrouwenspersoon van de zaak en de privacyfunctionaris lezen "
            "deze reden."
        ),
    )


class EmergencyEndForm(forms.Form):
    """Ending needs no input: the button is the confirmation."""


class EmergencyReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Beoordeling"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "Was de noodtoegang gerechtvaardigd? Wat is er met de teamleider of "
            "de vertrouwenspersoon besproken?"
        ),
    )


class EmergencyListFilterForm(forms.Form):
    """Which emergency accesses the privacy officer lists."""

    RUNNING = "running"
    UNREVIEWED = "unreviewed"
    REVIEWED = "reviewed"

    status = forms.ChoiceField(
        label=_("Toon"),
        required=False,
        choices=[
            ("", _("Alle noodtoegangen")),
            (RUNNING, _("Lopend")),
            (UNREVIEWED, _("Nog niet beoordeeld")),
            (REVIEWED, _("Beoordeeld")),
        ],
    )
