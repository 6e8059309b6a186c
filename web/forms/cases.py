"""Forms for cases, meetings, complaints, assignments and decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import CASEWORKER_ROLES, Organisation, User
from cases.complaint_clock import TERMS
from cases.models import Application, Complaint, ComplaintRegime, Meeting, SupportCase
from config.forms import MomentField, moment_input
from roles.models import Assignment, InformalSupporter
from roles.policy import RefusalGround, SupportRole, policy_for

from . import version_field


def _ordered_choices(choices: list[tuple[str, str]], allowed: frozenset[str]) -> list:
    """The choices of a TextChoices that a transition table allows, in their order."""
    return [(value, label) for value, label in choices if value in allowed]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Notitie"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )


class NoteCorrectForm(forms.Form):
    """A corrected text, why, and the version of the note it corrects."""

    text = forms.CharField(
        label=_("Notitie"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )
    reason = forms.CharField(
        label=_("Reden van de correctie"),
        max_length=300,
        help_text=_("Bijv. verkeerde datum genoemd. De vorige tekst blijft bewaard."),
    )
    version = version_field(required=True)


class NoteWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van de intrekking"),
        max_length=300,
        help_text=_("Bijv. bij de verkeerde zaak vastgelegd."),
    )
    version = version_field(required=True)


class CaseStatusForm(forms.Form):
    """The next status of a case; closing is not offered (``CloseCaseForm``, R6)."""

    status = forms.ChoiceField(
        label=_("Nieuwe status"), choices=(), widget=forms.RadioSelect
    )
    version = version_field()

    def __init__(self, *args: Any, case: SupportCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = SupportCase.TRANSITIONS[case.status] - {SupportCase.Status.CLOSED}
        # Only the allowed statuses are offered, but every status is accepted:
        # a form loaded before someone else's change then reaches the service,
        # which refuses it as stale (or names the transition it does not allow).
        self.fields["status"].choices = SupportCase.Status.choices
        self.fields["status"].widget.choices = _ordered_choices(
            SupportCase.Status.choices, allowed
        )


class CloseCaseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Uitkomst"), choices=SupportCase.Outcome.choices
    )
    version = version_field()


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort gesprek"),
        choices=Meeting.Kind.choices,
        help_text=_(
            "Een vertrouwenspersoon kan alleen bij een vraag- of klachtgesprek of een "
            "bemiddeling aanwezig zijn, en alleen op verzoek van de cliënt. Een "
            "cliëntondersteuner kan ook bij een inhoudelijk gesprek over de hulp zijn."
        ),
    )
    starts_at = MomentField(
        label=_("Datum en tijd"),
        widget=moment_input(),
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


class MeetingStatusForm(forms.Form):
    """Held or cancelled: the moves ``Meeting.TRANSITIONS`` allows from now."""

    status = forms.ChoiceField(
        label=_("Nieuwe status"), choices=(), widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _ordered_choices(
            Meeting.Status.choices, Meeting.TRANSITIONS[meeting.status]
        )


class AttendanceForm(forms.Form):
    assignment = forms.ModelChoiceField(
        label=_("Ondersteuner"), queryset=Assignment.objects.none()
    )
    requested_by_client = forms.BooleanField(
        label=_("Op verzoek van de cliënt"),
        required=False,
        help_text=_(
            "Een vertrouwenspersoon en een informele ondersteuner zijn alleen op "
            "verzoek van de cliënt bij een gesprek."
        ),
    )
    consent_given_on = forms.DateField(
        label=_("Toestemming van de cliënt voor deze uitnodiging gegeven op"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Alleen voor een informele ondersteuner: die wordt pas uitgenodigd als "
            "de cliënt daar toestemming voor gaf. Al vastgelegde toestemming voor dit "
            "gesprek hoeft u niet opnieuw in te vullen."
        ),
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


def _regime_help() -> str:
    """The term of each complaint regime, from the one table in complaint_clock."""
    return " ".join(
        _(
            "%(regime)s: beslissing binnen %(weeks)s weken%(advisory)s, eenmaal te "
            "verdagen met ten hoogste %(max)s weken (%(source)s)."
        )
        % {
            "regime": ComplaintRegime(regime).label,
            "weeks": term.weeks,
            "advisory": (
                _(" (%(weeks)s met een adviescommissie)")
                % {"weeks": term.weeks_with_advisory_committee}
                if term.weeks_with_advisory_committee != term.weeks
                else ""
            ),
            "max": term.max_postponement_weeks,
            "source": term.source,
        }
        for regime, term in TERMS.items()
    )


class ComplaintStepForm(forms.Form):
    """The next stage of a complaint (R3); only the stages the table allows."""

    stage = forms.ChoiceField(
        label=_("Naar fase"), choices=(), widget=forms.RadioSelect
    )
    on = forms.DateField(
        label=_("Datum van deze stap"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text=_("Leeg laten voor vandaag. Niet in de toekomst."),
    )
    submitted_to = forms.CharField(
        label=_("Ingediend bij"),
        max_length=200,
        required=False,
        help_text=_(
            "Bij indienen: bijv. de klachtencommissie van de jeugdhulpaanbieder."
        ),
    )
    regime = forms.ChoiceField(
        label=_("Klachtregeling"),
        choices=ComplaintRegime.choices,
        required=False,
        help_text=_("Bij indienen; bepaalt de beslistermijn."),
    )
    advisory_committee = forms.BooleanField(
        label=_("Met adviescommissie"),
        required=False,
        help_text=_("Bij indienen, alleen bij de gemeentelijke klachtprocedure (Awb)."),
    )
    decision_summary = forms.CharField(
        label=_("Uitspraak"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
        help_text=_("Bij een uitspraak: een korte samenvatting."),
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "regime": complaint.regime,
                "advisory_committee": complaint.advisory_committee,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = _ordered_choices(
            Complaint.Stage.choices, Complaint.TRANSITIONS[complaint.stage]
        )
        self.fields["regime"].help_text = f"{self.fields['regime'].help_text} " + (
            _regime_help()
        )


class ComplaintPostponeForm(forms.Form):
    """Postponing the decision on a complaint, once (R3)."""

    weeks = forms.IntegerField(
        label=_("Aantal weken verdaging"),
        help_text=_("Ten hoogste 4 weken, en maar één keer."),
    )
    on = forms.DateField(
        label=_("Datum van de schriftelijke mededeling aan de klager"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text=_("Leeg laten voor vandaag."),
    )


class _ColleagueChoice(forms.ModelChoiceField):
    """A colleague with their team, so that a team lead sees where a case goes."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.team})" if obj.team_id else str(obj)


class AssignForm(forms.Form):
    """A caseworker of a team the team lead leads (R13)."""

    user = _ColleagueChoice(label=_("Medewerker"), queryset=User.objects.none())
    at_clients_request = forms.BooleanField(
        label=_("Op verzoek van de cliënt"), required=False
    )

    def __init__(
        self, *args: Any, case: SupportCase, lead: User, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = team_caseworkers(lead).filter(
            organisation_id=case.organisation_id
        )


def team_caseworkers(lead: User):
    """The active caseworkers of the teams ``lead`` leads."""
    return (
        User.objects.filter(
            team__in=lead.led_teams.all(),
            is_active=True,
            role__in=CASEWORKER_ROLES,
        )
        .select_related("team")
        .order_by("first_name", "last_name", "username")
    )


class InformalAssignForm(forms.Form):
    """Someone from the client's network who is not yet active in this case (R11)."""

    informal_supporter = forms.ModelChoiceField(
        label=_("Informele ondersteuner"), queryset=InformalSupporter.objects.none()
    )
    at_clients_request = forms.BooleanField(
        label=_("Op verzoek van de cliënt"),
        required=False,
        help_text=_(
            "Een informele ondersteuner treedt alleen op verzoek van de cliënt op."
        ),
    )

    def __init__(self, *args: Any, case: SupportCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["informal_supporter"].queryset = InformalSupporter.objects.filter(
            client_id=case.client_id
        ).exclude(assignments__case=case, assignments__ended_at__isnull=True)


class HandOverForm(forms.Form):
    """A colleague in the same role and organisation, and why (R2)."""

    to_user = _ColleagueChoice(
        label=_("Overdragen aan"),
        queryset=User.objects.none(),
        help_text=_(
            "Een collega van een ander team neemt de zaak mee naar dat team; dat "
            "staat in de tijdlijn."
        ),
    )
    reason = forms.CharField(
        label=_("Reden van de overdracht"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=200,
        help_text=_("Bijv. ziekte, vertrek of werkverdeling. Komt in de tijdlijn."),
    )

    def __init__(self, *args: Any, assignment: Assignment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = (
            User.objects.filter(
                organisation_id=assignment.case.organisation_id,
                is_active=True,
                team__isnull=False,
                role=policy_for(assignment.role).user_role or "",
            )
            .exclude(pk=assignment.user_id)
            .select_related("team")
            .order_by("first_name", "last_name", "username")
        )


class EndAssignmentForm(forms.Form):
    """A confirmation: ending support has no further input."""


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
