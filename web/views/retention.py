"""The destruction register for the privacy officer.

Only a privacy officer may open it; everyone else gets **404**, as for the
access log. The register holds no personal data (record types, counts,
numbers), so reading it writes no access-log row.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from config.access import shows_no_client_data
from retention.models import DestructionRecord
from roles.policy import Capability, require_capability

PAGE_SIZE = 50


@shows_no_client_data
def retention_register(request: HttpRequest) -> HttpResponse:
    """The destruction register, newest first: what went, when, by which rule
    and term, and who ran it."""
    require_capability(request.user, Capability.READ_DESTRUCTION_REGISTER)
    records = DestructionRecord.objects.select_related("executed_by").order_by(
        "-executed_at", "-pk"
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/retention/register.html", {"page": page})


urlpatterns = [
    path(
        "privacy/vernietigingsregister/",
        retention_register,
        name="retention_register",
    ),
]
