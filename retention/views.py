"""The destruction register for the privacy officer.

Only a privacy officer may open it; everyone else gets **404**, as for the
access log. The register holds no personal data (record types, counts,
numbers), so reading it writes no access-log row.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .models import DestructionRecord

PAGE_SIZE = 50


def retention_register(request: HttpRequest) -> HttpResponse:
    """The destruction register, newest first: what went, when, by which rule
    and term, and who ran it."""
    if not request.user.is_privacy_officer:
        raise Http404("only privacy officers read the destruction register")
    records = DestructionRecord.objects.select_related("executed_by").order_by(
        "-executed_at", "-pk"
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "retention/register.html", {"page": page})
