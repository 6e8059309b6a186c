"""Forms of the privacy officer's registers. They validate input; the rules
(transitions, terms, dates) are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import MomentField, date_input, moment_input
from privacy.models import DataBreach, DataSubjectRequest

#: The largest primary key the database holds (BigAutoField): a larger number
#: is a form error, not an overflow.
MAX_PK = 2**63 - 1


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class RequestRegisterForm(forms.Form):
    client = forms.IntegerField(
        label=_("Cliëntnummer"),
        min_value=1,
        max_value=MAX_PK,
        help_text=_(
            "Het nummer van het dossier, te vinden in het toegangslog of het "
            "inzageoverzicht van de cliënt."
        ),
    )
    kind = forms.ChoiceField(label=_("Soort verzoek"), choices=DataSubjectRequest.Kind)
    requester_name = forms.CharField(label=_("Naam verzoeker"), max_length=200)
    requester_relation = forms.ChoiceField(
        label=_("De verzoeker is"), choices=DataSubjectRequest.Relation
    )
    received_on = forms.DateField(label=_("Ontvangen op"), widget=date_input())
    notes = forms.CharField(
        label=_("Aantekeningen"), required=False, max_length=4000, widget=_text()
    )


class IdentityForm(forms.Form):
    checked_on = forms.DateField(label=_("Gecontroleerd op"), widget=date_input())
    method = forms.ChoiceField(
        label=_("Hoe gecontroleerd"), choices=DataSubjectRequest.IdentityCheck
    )
    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=300,
        help_text=_("Noteer geen nummer van het identiteitsbewijs."),
    )


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van de verlenging"),
        max_length=4000,
        widget=_text(),
        help_text=_(
            "De verzoeker krijgt binnen de eerste maand bericht, met deze reden."
        ),
    )


class ConfirmForm(forms.Form):
    """No input: the button is the confirmation."""


class AnswerForm(forms.Form):
    answered_on = forms.DateField(label=_("Antwoord verstuurd op"), widget=date_input())
    summary = forms.CharField(
        label=_("Wat is geantwoord"), max_length=4000, widget=_text()
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van de afwijzing"),
        max_length=4000,
        widget=_text(),
        help_text=_(
            "Vermeld in de brief ook dat de verzoeker kan klagen bij de "
            "Autoriteit Persoonsgegevens en naar de rechter kan (art. 12 lid 4 AVG)."
        ),
    )


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Ingetrokken op"), widget=date_input())
    note = forms.CharField(
        label=_("Toelichting"), required=False, max_length=2000, widget=_text(2)
    )


class RequestFilterForm(forms.Form):
    OPEN = "open"
    CLOSED = "closed"

    status = forms.ChoiceField(
        label=_("Toon"),
        required=False,
        choices=[
            ("", _("Alle verzoeken")),
            (OPEN, _("Lopend")),
            (CLOSED, _("Afgehandeld")),
        ],
    )


class BreachForm(forms.Form):
    description = forms.CharField(
        label=_("Wat is er gebeurd"), max_length=8000, widget=_text(4)
    )
    occurred_at = MomentField(
        label=_("Gebeurd op"),
        required=False,
        widget=moment_input(),
        help_text=_("Leeg als dat niet bekend is."),
    )
    found_at = MomentField(label=_("Ontdekt op"), widget=moment_input())
    personal_data = forms.CharField(
        label=_("Welke persoonsgegevens"), max_length=4000, widget=_text()
    )
    subjects_description = forms.CharField(
        label=_("Welke betrokkenen"),
        max_length=4000,
        widget=_text(),
        help_text=_("Bijvoorbeeld: cliënten van één team. Noteer geen namen."),
    )
    subjects_count = forms.IntegerField(
        label=_("Aantal betrokkenen (ongeveer)"),
        required=False,
        min_value=0,
        max_value=2**31 - 1,
    )
    measures = forms.CharField(
        label=_("Genomen maatregelen"), required=False, max_length=4000, widget=_text()
    )


class BreachAssessForm(forms.Form):
    reported_to_ap_at = MomentField(
        label=_("Gemeld bij de Autoriteit Persoonsgegevens op"),
        required=False,
        widget=moment_input(),
    )
    ap_reference = forms.CharField(
        label=_("Meldnummer AP"), required=False, max_length=50
    )
    delay_reason = forms.CharField(
        label=_("Reden van een melding na 72 uur"),
        required=False,
        max_length=4000,
        widget=_text(2),
    )
    not_reported_reason = forms.CharField(
        label=_("Niet gemeld, omdat"),
        required=False,
        max_length=4000,
        widget=_text(2),
        help_text=_(
            "Alleen als het lek waarschijnlijk geen risico voor de betrokkenen "
            "oplevert (art. 33 lid 1 AVG)."
        ),
    )
    subjects_informed = forms.ChoiceField(
        label=_("Betrokkenen geïnformeerd (art. 34 AVG)"), choices=DataBreach.Informed
    )
    subjects_informed_on = forms.DateField(
        label=_("Geïnformeerd op"), required=False, widget=date_input()
    )
    subjects_not_informed_reason = forms.CharField(
        label=_("Niet geïnformeerd, omdat"),
        required=False,
        max_length=4000,
        widget=_text(2),
    )
    measures = forms.CharField(
        label=_("Genomen maatregelen"), required=False, max_length=4000, widget=_text()
    )
