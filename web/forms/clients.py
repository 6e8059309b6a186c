"""Forms for clients, their families, care and informal supporters.

Forms check the input (required, a date, a known choice); the services check
the rules (R1, R4, a birth date not in the future, care ending after it started).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Organisation, User
from cases.models import CareKind, Client, Family, SupportCase
from config.forms import date_input
from roles.policy import policy_for, support_role_for_user

from . import version_field


def _care_providers():
    return Organisation.objects.filter(
        kind=Organisation.Kind.CARE_PROVIDER, is_active=True
    )


class ClientForm(forms.Form):
    """A client's personal data."""

    first_name = forms.CharField(label=_("Voornaam"), max_length=100)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    date_of_birth = forms.DateField(label=_("Geboortedatum"), widget=date_input())
    kind = forms.ChoiceField(label=_("Soort cliënt"), choices=Client.Kind.choices)
    municipality = forms.ModelChoiceField(
        label=_("Gemeente"),
        queryset=Municipality.objects.all(),
        help_text=_("De gemeente waar de cliënt woont."),
    )
    lives_in_institution = forms.BooleanField(
        label=_("Woont in een jeugdhulpinstelling"), required=False
    )
    institution = forms.ModelChoiceField(
        label=_("Instelling"),
        queryset=_care_providers(),
        required=False,
        help_text=_("Alleen als de cliënt in een jeugdhulpinstelling woont."),
    )

    def clean_date_of_birth(self) -> datetime.date:
        # Input check for the form; the services check it again.
        value = self.cleaned_data["date_of_birth"]
        if value > timezone.localdate():
            raise forms.ValidationError(
                _("Een geboortedatum kan niet in de toekomst liggen."), code="future"
            )
        return value


class ClientEditForm(ClientForm):
    """A client's personal data, and the version of the client they edit."""

    version = version_field()


def _kind_choices(user: User) -> list[tuple[str, str]]:
    role = support_role_for_user(user)
    kinds = policy_for(role).case_kinds if role else frozenset()
    return [c for c in SupportCase.Kind.choices if c[0] in kinds]


class CaseFieldsForm(forms.Form):
    """The fields of a new case that registering a client and opening a case
    share. The case kinds offered are those of the user's support role (R1).
    The kind field accepts every kind, so that a forged choice reaches the
    service and is refused there with the rule's own explanation."""

    #: The name of the form's case-kind field.
    kind_field = "kind"

    subject = forms.ChoiceField(
        label=_("Over welke soort hulp"),
        choices=[("", "—"), *CareKind.choices],
        required=False,
    )
    provider = forms.ModelChoiceField(
        label=_("Jeugdhulpaanbieder"), queryset=_care_providers(), required=False
    )
    theme = forms.ChoiceField(
        label=_("Thema"),
        choices=[("", "—"), *SupportCase.Theme.choices],
        required=False,
        help_text=_("Waar de vraag of klacht vooral over gaat."),
    )
    at_clients_request = forms.BooleanField(
        label=_("Op verzoek van de cliënt"), required=False, initial=True
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _kind_choices(user)
        field = self.fields[self.kind_field]
        field.widget.choices = choices
        if len(choices) == 1:
            field.initial = choices[0][0]


class ClientRegisterForm(ClientForm, CaseFieldsForm):
    """A new client together with the case they came with."""

    kind_field = "case_kind"
    field_order = [*ClientForm.base_fields, "case_kind", "case_title"]

    case_kind = forms.ChoiceField(
        label=_("Soort zaak"), choices=SupportCase.Kind.choices
    )
    case_title = forms.CharField(
        label=_("Korte omschrijving van de zaak"), max_length=200
    )


class CaseOpenForm(CaseFieldsForm):
    """A new case for a client the caseworker already supports."""

    field_order = ["kind", "title"]

    kind = forms.ChoiceField(label=_("Soort zaak"), choices=SupportCase.Kind.choices)
    title = forms.CharField(label=_("Korte omschrijving"), max_length=200)


class FamilyCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Naam van het gezin"),
        max_length=200,
        help_text=_("Bijv. Gezin De Vries"),
    )
    relation = forms.CharField(
        label=_("Relatie van de cliënt in het gezin"),
        max_length=100,
        help_text=_("Bijv. moeder, zoon, pleegvader"),
    )


class FamilyMemberForm(forms.Form):
    first_name = forms.CharField(label=_("Voornaam"), max_length=100)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    date_of_birth = forms.DateField(label=_("Geboortedatum"), widget=date_input())
    kind = forms.ChoiceField(label=_("Soort"), choices=Client.Kind.choices)
    municipality = forms.ModelChoiceField(
        label=_("Gemeente"), queryset=Municipality.objects.all()
    )
    relation = forms.CharField(
        label=_("Relatie in het gezin"),
        max_length=100,
        help_text=_("Bijv. moeder, zoon, pleegvader"),
    )


class ConflictForm(forms.Form):
    """Two members of one family with conflicting interests (R4)."""

    client_a = forms.ModelChoiceField(
        label=_("Gezinslid dat u ondersteunt"),
        queryset=Client.objects.none(),
        error_messages={"invalid_choice": _("Kies een gezinslid dat u ondersteunt.")},
    )
    client_b = forms.ModelChoiceField(
        label=_("Gezinslid met een tegenstrijdig belang"),
        queryset=Client.objects.none(),
        error_messages={"invalid_choice": _("Kies een lid van dit gezin.")},
    )
    description = forms.CharField(
        label=_("Toelichting"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Waarin verschillen de belangen?"),
    )

    def __init__(self, *args: Any, family: Family, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Client.objects.filter(family_memberships__family=family)
        self.fields["client_a"].queryset = members.filter(
            pk__in=Client.objects.visible_to(user).values("pk")
        )
        self.fields["client_b"].queryset = members


class CareForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Jeugdhulpaanbieder"), queryset=_care_providers()
    )
    kind = forms.ChoiceField(label=_("Soort hulp"), choices=CareKind.choices)
    residential = forms.BooleanField(label=_("Met verblijf"), required=False)
    contact_person = forms.CharField(
        label=_("Contactpersoon"), max_length=200, required=False
    )
    started_on = forms.DateField(label=_("Gestart op"), widget=date_input())
    ended_on = forms.DateField(
        label=_("Beëindigd op"),
        widget=date_input(),
        required=False,
        help_text=_("Leeg laten als de hulp nog loopt."),
    )


class CareEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Beëindigd op"), widget=date_input())


class InformalSupporterForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=200)
    relation = forms.CharField(
        label=_("Relatie tot de cliënt"),
        max_length=100,
        help_text=_("Bijv. tante, buurman"),
    )
    phone = forms.CharField(label=_("Telefoon"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


class ClientContactForm(forms.Form):
    """How to reach the client, and how not (safety)."""

    phone = forms.CharField(label=_("Telefoonnummer"), max_length=30, required=False)
    email = forms.EmailField(
        label=_("E-mailadres"),
        required=False,
        error_messages={
            "invalid": _("Vul een e-mailadres in, zoals naam@voorbeeld.nl.")
        },
    )
    address = forms.CharField(label=_("Adres"), max_length=300, required=False)
    preferred_channel = forms.ChoiceField(
        label=_("Voorkeur voor contact"),
        choices=[("", _("Geen voorkeur")), *Client.Channel.choices],
        required=False,
    )
    may_call = forms.BooleanField(label=_("Mag gebeld worden"), required=False)
    may_text = forms.BooleanField(
        label=_("Mag een sms of WhatsApp krijgen"), required=False
    )
    may_write = forms.BooleanField(
        label=_("Mag post krijgen op dit adres"),
        required=False,
        help_text=_(
            "Haal een vinkje weg als contact op die manier de cliënt in gevaar kan "
            "brengen, bijvoorbeeld omdat iemand thuis meeleest."
        ),
    )
    version = version_field()
