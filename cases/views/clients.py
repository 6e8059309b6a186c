"""Client pages."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from ..models import (
    Client,
    SupportCase,
)


def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(
        Client.objects.visible_to(request.user).select_related(
            "municipality", "institution"
        ),
        pk=pk,
    )
    cases = (
        SupportCase.objects.visible_to(request.user)
        .filter(client=client)
        .order_by("-opened_at")
    )
    family = client.family_memberships.select_related("family").prefetch_related(
        Prefetch(
            "family__memberships",
            queryset=client.family_memberships.model.objects.filter(
                client__in=Client.objects.visible_to(request.user)
            ).select_related("client"),
            to_attr="visible_members",
        )
    )
    return render(
        request,
        "cases/client_detail.html",
        {
            "client": client,
            "cases": cases,
            "family": family,
            "care": client.care.select_related("provider"),
            "informal_supporters": client.informal_supporters.all(),
        },
    )


urlpatterns = [
    path("clienten/<int:pk>/", client_detail, name="client_detail"),
]
