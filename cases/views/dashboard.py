"""The dashboard: what the user works on, by role."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from accounts.models import User
from roles.models import Assignment

from ..models import (
    Application,
    SupportCase,
)

PAGE_SIZE = 25


def dashboard(request: HttpRequest) -> HttpResponse:
    """Mijn cliënten en zaken: what the user works on, by role."""
    user: User = request.user
    cases = (
        SupportCase.objects.visible_to(user)
        .select_related("client", "organisation")
        .order_by("-opened_at", "-pk")
    )
    if user.role == User.Role.TEAM_LEAD:
        # The caseload: who has which case, without client or content (R2).
        cases = cases.prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(
                    ended_at__isnull=True, user__isnull=False
                ).select_related("user"),
                to_attr="active_assignments",
            )
        )
    status = request.GET.get("status", "open")
    if status == "open":
        cases = cases.open()
    elif status == "closed":
        cases = cases.filter(status=SupportCase.Status.CLOSED)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    applications = None
    if user.role == User.Role.DECISION_MAKER:
        applications = Paginator(
            Application.objects.visible_to(user)
            .select_related("client", "decider")
            .order_by("decision", "-submitted_on", "-pk"),
            PAGE_SIZE,
        ).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/dashboard.html",
        {
            "page": page,
            "status": status,
            "applications": applications,
            "is_team_lead": user.role == User.Role.TEAM_LEAD,
        },
    )


urlpatterns = [
    path("", dashboard, name="dashboard"),
]
