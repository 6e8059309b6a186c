"""Meeting pages: attendance and refusal (R5, R11, R12)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from roles import services as role_services
from roles.models import Attendance
from roles.permissions import Perm, has, require
from roles.policy import policy_for

from ..forms import call_service
from ..forms.cases import (
    AttendanceForm,
    RefusalForm,
)
from ..models import (
    Meeting,
)
from .cases import _form_context


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related(
            "case__client", "provider"
        ),
        pk=pk,
    )


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    attendances = meeting.attendances.select_related(
        "assignment__user", "assignment__informal_supporter", "refused_by"
    )
    can_change = not meeting.case.is_closed and has(
        request.user, Perm.CHANGE_CASE, meeting.case
    )
    rows = [
        {
            "attendance": a,
            # The UI offers refusal only where the policy allows it (R12).
            "refusable": can_change
            and a.status == Attendance.Status.INVITED
            and policy_for(a.assignment.role).can_be_refused,
        }
        for a in attendances
    ]
    return render(
        request,
        "cases/meeting_detail.html",
        {
            "meeting": meeting,
            "case": meeting.case,
            "rows": rows,
            "can_change": can_change,
        },
    )


def attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    require(request.user, Perm.CHANGE_CASE, meeting.case)
    form = AttendanceForm(request.POST or None, meeting=meeting)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form,
            role_services.attendance_add,
            actor=request.user,
            meeting=meeting,
            **form.cleaned_data,
        )
    ):
        messages.success(request, _("De aanwezigheid is vastgelegd."))
        return redirect(meeting)
    return render(
        request,
        "cases/form_page.html",
        _form_context(
            meeting.case,
            form,
            _("Ondersteuner aanmelden voor %(meeting)s") % {"meeting": meeting},
            back=meeting.get_absolute_url(),
        ),
    )


def attendance_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    attendance = get_object_or_404(
        Attendance.objects.filter(
            meeting__in=Meeting.objects.visible_to(request.user)
        ).select_related(
            "meeting__case", "assignment__informal_supporter", "assignment__user"
        ),
        pk=pk,
    )
    meeting = attendance.meeting
    require(request.user, Perm.CHANGE_CASE, meeting.case)
    form = RefusalForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form,
            role_services.attendance_refuse,
            actor=request.user,
            attendance=attendance,
            ground=form.cleaned_data["ground"],
            explanation=form.cleaned_data["explanation"],
        )
    ):
        messages.success(request, _("De weigering is vastgelegd."))
        return redirect(meeting)
    return render(
        request,
        "cases/form_page.html",
        _form_context(
            meeting.case,
            form,
            _("%(name)s weigeren bij het gesprek")
            % {"name": attendance.assignment.holder},
            intro=_(
                "Alleen een informele ondersteuner kan worden geweigerd, op een van de "
                "drie gronden en met een toelichting."
            ),
            back=meeting.get_absolute_url(),
        ),
    )


urlpatterns = [
    path("gesprekken/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("gesprekken/<int:pk>/aanwezigen/", attendance_add, name="attendance_add"),
    path(
        "aanwezigheid/<int:pk>/weigeren/", attendance_refuse, name="attendance_refuse"
    ),
]
