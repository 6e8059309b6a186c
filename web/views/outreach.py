"""Outreach visits (R7): a confidant records visits to youths in youth-care
institutions — where, when, which group, how many youths, which themes, no
names — and opens a case from a visit when a youth asks for support.

Only roles whose policy says ``outreach_visits`` (the AKJ confidant) record
visits; a confidant sees the own visits, a team lead those of the
organisation (``OutreachVisit.objects.visible_to``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Municipality, Organisation, User
from cases import services
from cases.models import LinkRequest, OutreachTheme, OutreachVisit, SupportCase
from config.access import shows_client_data, shows_no_client_data
from config.forms import date_input
from roles.permissions import Perm, has, require
from roles.policy import Capability, can, require_capability

from ..forms import form_data
from ..forms.clients import ClientRegisterForm
from ..submit import all_input, submit
from .clients import registered

PAGE_SIZE = 25


def _institutions():
    return Organisation.objects.filter(
        kind=Organisation.Kind.CARE_PROVIDER, is_active=True
    )


class OutreachVisitForm(forms.Form):
    """A visit, without names (R7)."""

    visited_on = forms.DateField(
        label=gettext_lazy("Datum bezoek"), widget=date_input()
    )
    institution = forms.ModelChoiceField(
        label=gettext_lazy("Instelling"), queryset=_institutions()
    )
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Gemeente"),
        queryset=Municipality.objects.all(),
        help_text=gettext_lazy("De gemeente waar de locatie van de instelling staat."),
    )
    group = forms.CharField(
        label=gettext_lazy("Groep"),
        max_length=200,
        help_text=gettext_lazy("Bijv. leefgroep De Linde. Geen namen van jongeren."),
    )
    youths_spoken = forms.IntegerField(
        label=gettext_lazy("Aantal jongeren gesproken"), min_value=0, max_value=500
    )
    themes = forms.MultipleChoiceField(
        label=gettext_lazy("Thema's"),
        choices=OutreachTheme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(
        label=gettext_lazy("Bijzonderheden"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=gettext_lazy(
            "Schrijf hier geen namen. Wil een jongere ondersteuning, open dan "
            "vanuit dit bezoek een zaak."
        ),
    )


class OutreachFilterForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=gettext_lazy("Instelling"), queryset=_institutions(), required=False
    )
    date_from = forms.DateField(
        label=gettext_lazy("Vanaf"), widget=date_input(), required=False
    )
    date_to = forms.DateField(
        label=gettext_lazy("Tot en met"), widget=date_input(), required=False
    )


def _visit(request: HttpRequest, pk: int) -> OutreachVisit:
    return get_object_or_404(
        OutreachVisit.objects.visible_to(request.user).select_related(
            "institution", "municipality", "confidant", "case"
        ),
        pk=pk,
    )


@shows_no_client_data
def outreach_list(request: HttpRequest) -> HttpResponse:
    """The visits the user sees, newest first, filtered by institution and
    period, 25 a page. Like every list it is open to each role, with only the
    rows ``visible_to`` gives them (none for other roles)."""
    user: User = request.user
    visits = OutreachVisit.objects.visible_to(user).select_related(
        "institution", "municipality", "confidant", "case"
    )
    form = OutreachFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["institution"]:
            visits = visits.filter(institution=data["institution"])
        if data["date_from"]:
            visits = visits.filter(visited_on__gte=data["date_from"])
        if data["date_to"]:
            visits = visits.filter(visited_on__lte=data["date_to"])
    page = Paginator(visits.order_by("-visited_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/outreach_list.html",
        {
            "form": form,
            "page": page,
            "can_record": can(user, Capability.RECORD_OUTREACH),
            "team": can(user, Capability.LEAD_TEAMS),
        },
    )


@shows_no_client_data
def outreach_create(request: HttpRequest) -> HttpResponse:
    """Record a visit (R7)."""
    require_capability(request.user, Capability.RECORD_OUTREACH)
    form = OutreachVisitForm(
        form_data(request), initial={"visited_on": timezone.localdate()}
    )
    if done := submit(
        request,
        form,
        services.outreach_visit_record,
        actor=request.user,
        arguments=all_input,
        success=_("Het bezoek is vastgelegd."),
    ):
        return done
    return render(
        request,
        "web/outreach_form.html",
        _form_context(
            form,
            _("Outreachbezoek vastleggen"),
            intro=_(
                "Leg vast waar en wanneer u jongeren sprak, hoeveel en waarover. "
                "Zonder namen: wie ondersteuning wil, krijgt een eigen zaak."
            ),
        ),
    )


@shows_no_client_data
def outreach_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One visit: where, when, the group, how many youths, the themes."""
    visit = _visit(request, pk)
    own = has(request.user, Perm.CHANGE_OUTREACH_VISIT, visit) and can(
        request.user, Capability.RECORD_OUTREACH
    )
    return render(
        request,
        "web/outreach_detail.html",
        {"visit": visit, "can_open_case": own and visit.case_id is None, "own": own},
    )


def _case_opened(request: HttpRequest, case: SupportCase | LinkRequest) -> HttpResponse:
    """To the new case; a person already known waits for the team lead (R13)."""
    if isinstance(case, LinkRequest):
        return registered(request, case)
    messages.success(request, _("De zaak is geopend vanuit het bezoek."))
    return redirect(case)


@shows_client_data
def outreach_case_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a case from the visit for a youth who asked for support (R7): the
    client is registered as living in the visited institution."""
    # A visit the user does not see is not revealed (404) before the
    # capability is asked (403).
    visit = _visit(request, pk)
    require_capability(request.user, Capability.RECORD_OUTREACH)
    require(request.user, Perm.CHANGE_OUTREACH_VISIT, visit)
    form = ClientRegisterForm(
        form_data(request),
        user=request.user,
        initial={
            "kind": "youth",
            "municipality": visit.municipality_id,
            "lives_in_institution": True,
            "institution": visit.institution_id,
            "provider": visit.institution_id,
            "case_title": _("Vraag na outreachbezoek %(group)s")
            % {"group": visit.group},
        },
    )
    if visit.case_id is None and (
        done := submit(
            request,
            form,
            services.outreach_case_open,
            actor=request.user,
            visit=visit,
            arguments=all_input,
            redirect_to=lambda case: _case_opened(request, case),
        )
    ):
        return done
    return render(
        request,
        "web/outreach_form.html",
        _form_context(
            form if visit.case_id is None else None,
            _("Zaak openen vanuit het bezoek van %(date)s")
            % {"date": visit.visited_on.strftime("%d-%m-%Y")},
            intro=_(
                "Registreer de jongere die om ondersteuning vroeg. De zaak wordt aan "
                "dit bezoek gekoppeld."
            )
            if visit.case_id is None
            else _("Vanuit dit bezoek is al een zaak geopend."),
            back=visit.get_absolute_url(),
            back_label=_("Terug naar het bezoek"),
        ),
    )


def _form_context(form: Any, title: str, **extra: Any) -> dict[str, Any]:
    extra.setdefault("back", reverse("web:outreach_list"))
    extra.setdefault("back_label", _("Terug naar de outreachbezoeken"))
    return {"form": form, "title": title, **extra}


urlpatterns = [
    path("outreach/", outreach_list, name="outreach_list"),
    path("outreach/nieuw/", outreach_create, name="outreach_create"),
    path("outreach/<int:pk>/", outreach_detail, name="outreach_detail"),
    path("outreach/<int:pk>/zaak/", outreach_case_open, name="outreach_case_open"),
]
