"""Application pages for decision-makers (R9)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _

from audit.log import log_read
from cases import services
from cases.models import (
    Application,
)
from config.access import shows_client_data
from roles.permissions import Perm, require

from ..forms import form_data
from ..forms.cases import (
    DecisionForm,
)
from ..submit import submit


@shows_client_data
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "client", "decider"
        ),
        pk=pk,
    )
    require(request.user, Perm.DECIDE_APPLICATION, application)
    form = DecisionForm(form_data(request))
    if done := submit(
        request,
        form,
        services.application_decide,
        actor=request.user,
        application=application,
        arguments=lambda data: {"decision": data["decision"], "reason": data["reason"]},
        success=_("De beschikking is vastgelegd."),
        redirect_to=application,
    ):
        return done
    log_read(request, application)
    return render(
        request,
        "web/application_detail.html",
        {
            "application": application,
            "form": form,
            "pending": application.decision == "pending",
        },
    )


urlpatterns = [
    path("aanvragen/<int:pk>/", application_detail, name="application_detail"),
]
