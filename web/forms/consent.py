"""Forms for the client's consent to share an item with an informal supporter,
its withdrawal, and the sharing itself (R11).

Forms check the input; ``roles.services`` checks the rules: consent names a
meeting or describes a document, dates are not in the future, and nothing is
shared without current consent.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.models import Client, Meeting
from config.forms import date_input
from roles.models import Consent, InformalSupporter


class _SupporterChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: InformalSupporter) -> str:
        return f"{obj.name} ({obj.relation})"


class ConsentForm(forms.Form):
    """The client's consent for one item: the summary of a meeting of a case the
    caseworker can read, or a document they describe."""

    informal_supporter = _SupporterChoice(
        label=_("Informele ondersteuner"), queryset=InformalSupporter.objects.none()
    )
    item = forms.ChoiceField(
        label=_("Waarvoor geeft de cliënt toestemming?"),
        choices=[
            (Consent.Item.MEETING_SUMMARY, Consent.Item.MEETING_SUMMARY.label),
            (Consent.Item.DOCUMENT, Consent.Item.DOCUMENT.label),
        ],
    )
    meeting = forms.ModelChoiceField(
        label=_("Gesprek"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("Bij een verslag: van welk gesprek."),
    )
    description = forms.CharField(
        label=_("Omschrijving"),
        max_length=300,
        required=False,
        help_text=_("Bij een document: welk document, zo precies mogelijk."),
    )
    given_on = forms.DateField(label=_("Toestemming gegeven op"), widget=date_input())

    def __init__(self, *args, client: Client, user: User, **kwargs) -> None:
        kwargs.setdefault("initial", {"given_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["informal_supporter"].queryset = client.informal_supporters.all()
        self.fields["meeting"].queryset = (
            Meeting.objects.visible_to(user)
            .filter(case__client=client)
            .order_by("-starts_at", "-pk")
        )

    def clean(self) -> dict:
        # A document names no meeting and a summary needs no description:
        # keep only what belongs to the item chosen.
        data = super().clean()
        if data.get("item") == Consent.Item.DOCUMENT:
            data["meeting"] = None
        elif data.get("item") == Consent.Item.MEETING_SUMMARY:
            data["description"] = ""
        return data


class ConsentWithdrawForm(forms.Form):
    """The day the client withdrew the consent."""

    withdrawn_on = forms.DateField(label=_("Ingetrokken op"), widget=date_input())

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"withdrawn_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class MeetingSummaryShareForm(forms.Form):
    """To which of the client's informal supporters the summary goes."""

    informal_supporter = _SupporterChoice(
        label=_("Informele ondersteuner"), queryset=InformalSupporter.objects.none()
    )

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["informal_supporter"].queryset = InformalSupporter.objects.filter(
            client_id=meeting.case.client_id
        )


class ShareConfirmForm(forms.Form):
    """A confirmation without fields: the consent says what is shared."""
