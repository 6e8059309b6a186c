"""Forms for cases, meetings, complaints, assignments and decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from roles.models import Assignment
from roles.policy import RefusalGround, SupportRole

from ..models import Application, Complaint, Meeting, SupportCase


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Notitie"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )


class CloseCaseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Uitkomst"), choices=SupportCase.Outcome.choices
    )


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort gesprek"), choices=Meeting.Kind.choices)
    starts_at = forms.DateTimeField(
        label=_("Datum en tijd"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    location = forms.CharField(label=_("Locatie"), max_length=200, required=False)
    provider = forms.ModelChoiceField(
        label=_("Jeugdhulpaanbieder"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.CARE_PROVIDER),
        required=False,
    )
    provider_participant = forms.CharField(
        label=_("Deelnemer namens de aanbieder"), max_length=200, required=False
    )


class AttendanceForm(forms.Form):
    assignment = forms.ModelChoiceField(
        label=_("Ondersteuner"), queryset=Assignment.objects.none()
    )
    requested_by_client = forms.BooleanField(
        label=_("Op verzoek van de cliënt"), required=False
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = Assignment.objects.filter(
            case=meeting.case, ended_at__isnull=True
        ).select_related("user", "informal_supporter")
        self.fields["assignment"].label_from_instance = lambda a: (
            f"{a.holder} ({SupportRole(a.role).label})"
        )


class RefusalForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Grond"), choices=RefusalGround.choices, widget=forms.RadioSelect
    )
    explanation = forms.CharField(
        label=_("Toelichting"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class ComplaintStepForm(forms.Form):
    stage = forms.ChoiceField(label=_("Naar fase"), choices=Complaint.Stage.choices)
    on = forms.DateField(
        label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    submitted_to = forms.CharField(
        label=_("Ingediend bij"), max_length=200, required=False
    )
    decision_summary = forms.CharField(
        label=_("Uitspraak"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = Complaint.TRANSITIONS[complaint.stage]
        self.fields["stage"].choices = [
            c for c in Complaint.Stage.choices if c[0] in allowed
        ]


class AssignForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Medewerker"), queryset=User.objects.none())
    at_clients_request = forms.BooleanField(
        label=_("Op verzoek van de cliënt"), required=False
    )

    def __init__(self, *args: Any, case: SupportCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            organisation_id=case.organisation_id,
            is_active=True,
            role__in=[User.Role.AKJ_CONFIDANT, User.Role.CLIENT_SUPPORTER],
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Beschikking"),
        choices=[c for c in Application.Decision.choices if c[0] != "pending"],
    )
    reason = forms.CharField(
        label=_("Motivering"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )
