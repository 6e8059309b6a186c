"""The print version of a case: what leaves the system on paper is logged.

A printed case is an export (NEN 7513): the page writes one access-log row
with action "export" and object type "case_print", not a read. Only who sees
the case's content may print it (R2); anyone else who sees the case gets 403,
which the access log records as a refused attempt.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone

from audit.log import PURPOSES, log_access
from audit.models import AccessLogEntry
from cases.models import Complaint, Meeting, SupportCase
from cases.selectors.timeline import case_timeline
from config.access import shows_client_data
from roles.permissions import Perm, require


@shows_client_data
def case_print(request: HttpRequest, pk: int) -> HttpResponse:
    """Afdrukversie of a case: its data, complaint, meetings and timeline,
    without navigation, with the printer's name and the time printed."""
    case = get_object_or_404(
        SupportCase.objects.visible_to(request.user).select_related(
            "client", "organisation", "provider"
        ),
        pk=pk,
    )
    require(request.user, Perm.VIEW_CASE_CONTENT, case)
    context = {
        "case": case,
        "complaint": Complaint.objects.visible_to(request.user)
        .filter(case=case)
        .first(),
        "meetings": Meeting.objects.visible_to(request.user)
        .filter(case=case)
        .select_related("provider")
        .order_by("starts_at", "pk"),
        "timeline": case_timeline(request.user, case),
        "printed_at": timezone.now(),
    }
    log_access(
        request=request,
        action=AccessLogEntry.Action.EXPORT,
        obj=case,
        object_type="case_print",
        purpose=PURPOSES.get(request.user.role, ""),
    )
    return render(request, "web/case_print.html", context)


urlpatterns = [
    path("zaken/<int:pk>/afdrukken/", case_print, name="case_print"),
]
