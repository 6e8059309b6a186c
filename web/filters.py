"""Filters for the list pages (django-filter): clients, cases, complaints,
meetings, applications and the access log. The deadline and week conditions
they share with the dashboard's counts are in ``cases.selectors.conditions``,
so that every number on the dashboard is exactly the row count of the list it
links to.

Each FilterSet filters a queryset the view has already limited with
``visible_to(user)``; a filter never widens what a user sees. Filters that only
make sense for one role (the caseworker filter of a team lead) are removed for
everyone else, so a hand-made URL cannot use them either.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import AccessLogEntry
from cases.models import (
    Application,
    CallerType,
    Client,
    Complaint,
    ComplaintRegime,
    ContactChannel,
    ContactMoment,
    Meeting,
    SupportCase,
)
from cases.selectors import conditions
from cases.selectors.conditions import (
    UNASSIGNED,
    caseworkers_of,
    due_soon,
    holds_case,
    overdue,
    running,
    this_week,
)
from roles.policy import Capability, can


def _caseworkers(request: Any) -> QuerySet[User]:
    return caseworkers_of(getattr(request, "user", None))


def leads_teams(user: User | None) -> bool:
    """Whether the user leads teams (``Capability.LEAD_TEAMS``): the lists
    show them their teams' caseload and a filter on who holds a case."""
    return user is not None and can(user, Capability.LEAD_TEAMS)


# --- widgets and the base class ----------------------------------------------------


def _date_filter(
    field_name: str, lookup_expr: str, label: str
) -> django_filters.Filter:
    return django_filters.DateFilter(
        field_name=field_name,
        lookup_expr=lookup_expr,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class _DateRangeForm(forms.Form):
    """Refuses a range whose end lies before its start, next to the end field."""

    #: (start field, end field) pairs.
    date_ranges: tuple[tuple[str, str], ...] = ()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for start, end in self.date_ranges:
            first, last = cleaned.get(start), cleaned.get(end)
            if first and last and last < first:
                self.add_error(
                    end, _("Deze datum ligt vóór de begindatum van de periode.")
                )
        return cleaned


class CaseFilterForm(_DateRangeForm):
    date_ranges = (("opened_from", "opened_to"),)


class MeetingFilterForm(_DateRangeForm):
    date_ranges = (("starts_from", "starts_to"),)


class ContactFilterForm(_DateRangeForm):
    date_ranges = (("started_from", "started_to"),)


class ApplicationFilterForm(_DateRangeForm):
    date_ranges = (("submitted_from", "submitted_to"),)


class ListFilterSet(django_filters.FilterSet):
    """A FilterSet for a list page: lenient, so a bad value is reported and
    left out while the other filters still apply."""

    #: Filters that only a team lead gets.
    team_lead_only: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not leads_teams(getattr(self.request, "user", None)):
            for name in self.team_lead_only:
                self.filters.pop(name, None)

    def problems(self) -> list[str]:
        """One Dutch sentence per filter that could not be applied."""
        if not self.is_bound or self.form.is_valid():
            return []
        form = self.form
        lines = []
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else None
            for error in errors:
                # The message may repeat the value typed; keep it readable.
                text = Truncator(f"{label}: {error}" if label else str(error))
                lines.append(text.chars(200))
        return lines


# --- the filter sets -----------------------------------------------------------------


class _CaseworkerFilterMixin:
    """A team lead's filter on who holds the case (or nobody)."""

    def filter_caseworker(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        case_ref = "pk" if queryset.model is SupportCase else "case_id"
        if value == UNASSIGNED:
            return queryset.filter(~holds_case(None, case_ref))
        return queryset.filter(holds_case(value, case_ref))


def _caseworker_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Ondersteuner"),
        queryset=_caseworkers,
        method="filter_caseworker",
        empty_label=_("Alle ondersteuners"),
        null_label=_("Niemand (niet toegewezen)"),
        null_value=UNASSIGNED,
    )


class CaseFilter(_CaseworkerFilterMixin, ListFilterSet):
    """Cases by status (open = not closed), kind, caseworker (team lead) and
    the date they were opened."""

    #: Every status but closed; not "open", which is the status "Aangemeld".
    NOT_CLOSED = conditions.NOT_CLOSED

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[
            (NOT_CLOSED, _("Lopend (alles behalve afgesloten)")),
            *SupportCase.Status.choices,
        ],
        method="filter_status",
        empty_label=_("Alle statussen"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Soort zaak"),
        choices=SupportCase.Kind.choices,
        empty_label=_("Alle soorten"),
    )
    caseworker = _caseworker_filter()
    opened_from = _date_filter("opened_at", "date__gte", _("Geopend vanaf"))
    opened_to = _date_filter("opened_at", "date__lte", _("Geopend tot en met"))

    team_lead_only = ("caseworker",)

    class Meta:
        model = SupportCase
        fields: list[str] = []
        form = CaseFilterForm

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == self.NOT_CLOSED:
            return queryset.exclude(status=SupportCase.Status.CLOSED)
        return queryset.filter(status=value)


class ComplaintFilter(_CaseworkerFilterMixin, ListFilterSet):
    """Complaints by stage, regime, deadline and caseworker (team lead)."""

    OVERDUE = conditions.OVERDUE
    DUE_SOON = conditions.DUE_SOON
    RUNNING = conditions.RUNNING

    stage = django_filters.ChoiceFilter(
        label=_("Fase"),
        choices=Complaint.Stage.choices,
        empty_label=_("Alle fasen"),
    )
    regime = django_filters.ChoiceFilter(
        label=_("Klachtregeling"),
        choices=ComplaintRegime.choices,
        empty_label=_("Alle regelingen"),
    )
    deadline = django_filters.ChoiceFilter(
        label=_("Termijn"),
        choices=[
            (OVERDUE, _("Te laat")),
            (DUE_SOON, _("Binnenkort (binnen 7 dagen)")),
            (RUNNING, _("Termijn loopt")),
        ],
        method="filter_deadline",
        empty_label=_("Alle klachten"),
    )
    caseworker = _caseworker_filter()

    team_lead_only = ("caseworker",)

    class Meta:
        model = Complaint
        fields: list[str] = []

    def filter_deadline(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        condition = {
            self.OVERDUE: overdue(today),
            self.DUE_SOON: due_soon(today),
            self.RUNNING: running(),
        }[value]
        return queryset.filter(condition)


class MeetingFilter(ListFilterSet):
    """Meetings by period (this week, from today, or between two dates),
    kind and status."""

    THIS_WEEK = conditions.THIS_WEEK
    UPCOMING = "upcoming"

    period = django_filters.ChoiceFilter(
        label=_("Periode"),
        choices=[(THIS_WEEK, _("Deze week")), (UPCOMING, _("Vanaf vandaag"))],
        method="filter_period",
        empty_label=_("Alle gesprekken"),
    )
    starts_from = _date_filter("starts_at", "date__gte", _("Vanaf datum"))
    starts_to = _date_filter("starts_at", "date__lte", _("Tot en met datum"))
    kind = django_filters.ChoiceFilter(
        label=_("Soort gesprek"),
        choices=Meeting.Kind.choices,
        empty_label=_("Alle soorten"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Meeting.Status.choices,
        empty_label=_("Alle statussen"),
    )

    class Meta:
        model = Meeting
        fields: list[str] = []
        form = MeetingFilterForm

    def filter_period(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        if value == self.THIS_WEEK:
            return queryset.filter(this_week(today))
        return queryset.filter(starts_at__date__gte=today)


class ContactFilter(ListFilterSet):
    """Contacts by period, channel and who made contact."""

    started_from = _date_filter("started_at", "date__gte", _("Vanaf datum"))
    started_to = _date_filter("started_at", "date__lte", _("Tot en met datum"))
    channel = django_filters.ChoiceFilter(
        label=_("Kanaal"),
        choices=ContactChannel.choices,
        empty_label=_("Alle kanalen"),
    )
    caller_type = django_filters.ChoiceFilter(
        label=_("Wie nam contact"),
        choices=CallerType.choices,
        empty_label=_("Iedereen"),
    )

    class Meta:
        model = ContactMoment
        fields: list[str] = []
        form = ContactFilterForm


class ApplicationFilter(ListFilterSet):
    """Applications by decision, decider (me, nobody, anyone) and the date
    they were submitted."""

    ME = conditions.ME
    NOBODY = conditions.NOBODY

    decision = django_filters.ChoiceFilter(
        label=_("Beschikking"),
        choices=Application.Decision.choices,
        empty_label=_("Alle beschikkingen"),
    )
    decider = django_filters.ChoiceFilter(
        label=_("Beslisser"),
        choices=[(ME, _("Ik")), (NOBODY, _("Niemand (niet toegewezen)"))],
        method="filter_decider",
        empty_label=_("Iedereen"),
    )
    submitted_from = _date_filter("submitted_on", "gte", _("Ingediend vanaf"))
    submitted_to = _date_filter("submitted_on", "lte", _("Ingediend tot en met"))

    class Meta:
        model = Application
        fields: list[str] = []
        form = ApplicationFilterForm

    def filter_decider(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == self.ME:
            return queryset.filter(decider=self.request.user)
        return queryset.filter(decider__isnull=True)


class AccessLogFilterForm(_DateRangeForm):
    date_ranges = (("date_from", "date_to"),)


class AccessLogFilter(ListFilterSet):
    """The access log by user, client number, action and the days (local
    time) the rows were written."""

    # A user by name: a list of every user grew with the organisation (1,107
    # options at 100,000 clients made the page four times slower). Links
    # (the emergency review's) name the user by number, in a hidden field.
    username = django_filters.CharFilter(
        label=_("Gebruikersnaam"),
        field_name="user__username",
        lookup_expr="iexact",
        max_length=150,
    )
    user = django_filters.ModelChoiceFilter(
        label=_("Gebruiker"),
        queryset=User.objects.all(),
        widget=forms.HiddenInput,
    )
    # At most the largest primary key: a larger number overflowed the
    # database's integer in the lookup (a 500).
    client = django_filters.NumberFilter(
        label=_("Cliëntnummer"),
        field_name="client_id",
        min_value=1,
        max_value=2**63 - 1,
    )
    action = django_filters.ChoiceFilter(
        label=_("Handeling"),
        choices=AccessLogEntry.Action.choices,
        empty_label=_("Alle handelingen"),
    )
    date_from = _date_filter("timestamp", "date__gte", _("Vanaf"))
    date_to = _date_filter("timestamp", "date__lte", _("Tot en met"))

    class Meta:
        model = AccessLogEntry
        fields: list[str] = []
        form = AccessLogFilterForm


# --- the client list -------------------------------------------------------------


class ClientFilter(django_filters.FilterSet):
    """Search the clients a caseworker sees (``Client.objects.visible_to``).

    ``name`` matches the start of the first or the last name, case-insensitively;
    several words must each start a first or last name ("sem bak"), or together
    start one of them ("de vries").
    """

    name = django_filters.CharFilter(
        label=_("Naam"),
        method="filter_name",
        max_length=150,
        help_text=_("Het begin van de voornaam of de achternaam."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    date_of_birth = django_filters.DateFilter(
        label=_("Geboortedatum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Client
        fields = ["name", "date_of_birth"]

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = " ".join(value.split())
        if not value:
            return queryset
        whole = Q(last_name__istartswith=value) | Q(first_name__istartswith=value)
        if " " not in value:
            return queryset.filter(whole)
        words = Q()
        for word in value.split(" "):
            words &= Q(last_name__istartswith=word) | Q(first_name__istartswith=word)
        return queryset.filter(whole | words)
