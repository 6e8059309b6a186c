"""The contact-moment form: how, when, how long, who, and up to three items
(question, problem, complaint, information and advice), filled in by
keyboard alone in under a minute. The service checks the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality
from cases.models import (
    MAX_DURATION_MINUTES,
    AgencyKind,
    CallerType,
    ContactChannel,
    ContactDirection,
    ContactTheme,
    ItemKind,
)
from cases.services import ContactItemInput
from config.forms import MomentField, moment_input

#: How many items one contact holds on the form (more are another contact).
ITEMS = 3


def _required_choice(
    label: Any, choices: list[tuple[str, Any]], prompt: Any, missing: Any
) -> forms.ChoiceField:
    """A select that starts at ``prompt`` and says ``missing`` when left there."""
    return forms.ChoiceField(
        label=label,
        choices=[("", prompt), *choices],
        error_messages={"required": missing},
    )


class ContactForm(forms.Form):
    """What every contact records; ``anonymous`` only where no client is
    named (the form of a case or a client has none)."""

    channel = _required_choice(
        _("Kanaal"), ContactChannel.choices, _("Kies het kanaal"), _("Kies het kanaal.")
    )
    direction = forms.ChoiceField(
        label=_("Richting"),
        choices=ContactDirection.choices,
        initial=ContactDirection.INCOMING,
    )
    started_at = MomentField(
        label=_("Datum en tijd"),
        widget=moment_input(),
        error_messages={"required": _("Vul de datum en tijd van het contact in.")},
    )
    duration_minutes = forms.IntegerField(
        label=_("Duur in minuten"),
        min_value=1,
        max_value=MAX_DURATION_MINUTES,
        error_messages={"required": _("Vul de duur in minuten in.")},
    )
    caller_type = _required_choice(
        _("Wie nam contact"),
        CallerType.choices,
        _("Kies wie contact zocht"),
        _("Kies wie contact zocht."),
    )
    anonymous = forms.BooleanField(
        label=_("Anoniem"),
        required=False,
        help_text=_("Er wordt geen cliënt gekoppeld of aangemaakt."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Gemeente"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label=_("Onbekend"),
        help_text=_("De gemeente van de jeugdige, als die bekend is."),
    )
    notes = forms.CharField(
        label=_("Aantekening"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Kort: wat er speelde en wat is afgesproken."),
    )

    def __init__(
        self, data: Any = None, *, about_client: bool = False, **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial",
            {"started_at": timezone.localtime().replace(second=0, microsecond=0)},
        )
        super().__init__(data, **kwargs)
        if about_client:
            # The client's municipality counts; a named client is not anonymous.
            del self.fields["anonymous"]
            del self.fields["municipality"]
        #: The items, bound to the same data; valid only when they all are.
        self.item_forms = ContactItemFormSet(data, prefix="item")

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        if self.item_forms.is_valid():
            self.cleaned_data["items"] = self.item_forms.items()
        else:
            self.add_error(
                None,
                _(
                    "Controleer de onderdelen van het contact: bij elk staat wat er mist."
                ),
            )


class ContactItemForm(forms.Form):
    """One item; the first is required, the others may stay empty."""

    kind = _required_choice(
        _("Soort"), ItemKind.choices, _("Kies de soort"), _("Kies de soort.")
    )
    theme = _required_choice(
        _("Thema"), ContactTheme.choices, _("Kies het thema"), _("Kies het thema.")
    )
    agency_kind = forms.ChoiceField(
        label=_("Over welke instantie"),
        choices=AgencyKind.choices,
        initial=AgencyKind.NONE,
    )

    def has_changed(self) -> bool:
        # The instance defaults to "none": an item counts once kind or theme
        # is chosen.
        return bool(self["kind"].value() or self["theme"].value())

    def item(self) -> ContactItemInput:
        data = self.cleaned_data
        return ContactItemInput(
            kind=data["kind"], theme=data["theme"], agency_kind=data["agency_kind"]
        )


class _Items(forms.BaseFormSet):
    def items(self) -> list[ContactItemInput]:
        return [
            form.item()
            for form in self.forms
            if form.has_changed() and form.cleaned_data
        ]


ContactItemFormSet = forms.formset_factory(
    ContactItemForm,
    formset=_Items,
    extra=ITEMS - 1,
    min_num=1,
    max_num=ITEMS,
    validate_min=True,
    validate_max=True,
)
