"""Suspending and resuming a complaint's decision term (R3): while suspended
(opgeschort) the clock stands still; the days are added when it runs again."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import services
from config.access import shows_client_data

from ..forms import form_data
from ..submit import submit
from .cases import _complaint_for_change, form_page


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reden"),
        max_length=200,
        help_text=gettext_lazy(
            "Bijv. de klager levert nog stukken aan, of er wordt met instemming "
            "van de klager eerst een oplossing gezocht."
        ),
    )
    on = forms.DateField(
        label=gettext_lazy("Opgeschort vanaf"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text=gettext_lazy("Leeg laten voor vandaag."),
    )


class ResumeForm(forms.Form):
    on = forms.DateField(
        label=gettext_lazy("De termijn loopt weer vanaf"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text=gettext_lazy("Leeg laten voor vandaag."),
    )


@shows_client_data
def complaint_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    """Suspend the decision term of a running complaint (R3)."""
    complaint = _complaint_for_change(request, pk)
    case = complaint.case
    form = SuspendForm(form_data(request))
    if done := submit(
        request,
        form,
        services.complaint_suspend,
        actor=request.user,
        complaint=complaint,
        arguments=lambda data: {"reason": data["reason"], "on": data["on"]},
        success=_("De termijn van de klacht is opgeschort."),
        redirect_to=case,
    ):
        return done
    return form_page(
        request,
        case,
        form,
        _("Termijn van de klacht opschorten"),
        intro=_(
            "Zolang de termijn is opgeschort, staat de klok stil; de dagen "
            "worden bij de uiterste beslisdatum opgeteld zodra de termijn "
            "weer loopt."
        ),
    )


@shows_client_data
def complaint_resume(request: HttpRequest, pk: int) -> HttpResponse:
    """Let a suspended decision term run again (R3)."""
    complaint = _complaint_for_change(request, pk)
    case = complaint.case
    form = ResumeForm(form_data(request))
    if done := submit(
        request,
        form,
        services.complaint_resume,
        actor=request.user,
        complaint=complaint,
        arguments=lambda data: {"on": data["on"]},
        success=_("De termijn van de klacht loopt weer."),
        redirect_to=case,
    ):
        return done
    if complaint.suspended_since:
        intro = _("De termijn staat stil sinds %(since)s.") % {
            "since": date_format(complaint.suspended_since, "DATE_FORMAT")
        }
    else:
        intro = _("De termijn van deze klacht is niet opgeschort.")
    return form_page(
        request, case, form, _("Termijn van de klacht laten doorlopen"), intro=intro
    )


urlpatterns = [
    path(
        "zaken/<int:pk>/klacht/opschorten/",
        complaint_suspend,
        name="complaint_suspend",
    ),
    path("zaken/<int:pk>/klacht/doorlopen/", complaint_resume, name="complaint_resume"),
]
