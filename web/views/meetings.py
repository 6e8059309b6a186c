"""Meeting pages: attendees, invitations with consent, refusal, held or
cancelled (R5, R11, R12)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _

from audit.log import log_read
from cases import services
from cases.models import (
    Meeting,
)
from config.access import shows_client_data
from roles import services as role_services
from roles.models import Attendance
from roles.permissions import Perm, has, require
from roles.policy import policy_for

from ..forms import form_data
from ..forms.cases import (
    AttendanceForm,
    MeetingStatusForm,
    RefusalForm,
)
from ..forms.consent import MeetingSummaryShareForm
from ..submit import all_input, submit
from .cases import form_page


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related(
            "case__client", "provider", "planned_by"
        ),
        pk=pk,
    )


@shows_client_data
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting with its attendees: role, at the client's request, status and
    the details of a refusal (R12)."""
    meeting = _meeting(request, pk)
    attendances = meeting.attendances.select_related(
        "assignment__user", "assignment__informal_supporter", "refused_by", "added_by"
    )
    can_change = not meeting.case.is_closed and has(
        request.user, Perm.CHANGE_CASE, meeting.case
    )
    planned = meeting.status == Meeting.Status.PLANNED
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
    log_read(request, meeting)
    return render(
        request,
        "web/meeting_detail.html",
        {
            "meeting": meeting,
            "case": meeting.case,
            "rows": rows,
            "can_change": can_change,
            "planned": planned,
            # R11: a held meeting's summary can go to the client's informal
            # supporters, under their consent (checked when sharing).
            "can_share_summary": can_change and meeting.status == Meeting.Status.HELD,
        },
    )


@shows_client_data
def attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a supporter on a meeting; for an informal supporter the client's
    consent for this invitation is recorded in the same step (R5, R11)."""
    meeting = _meeting(request, pk)
    require(request.user, Perm.CHANGE_CASE, meeting.case)
    form = AttendanceForm(form_data(request), meeting=meeting)
    if done := submit(
        request,
        form,
        role_services.attendance_invite,
        actor=request.user,
        meeting=meeting,
        arguments=all_input,
        success=_("De aanwezigheid is vastgelegd."),
        redirect_to=meeting,
    ):
        return done
    return form_page(
        request,
        meeting.case,
        form,
        _("Ondersteuner aanmelden voor %(meeting)s") % {"meeting": meeting},
        intro=_(
            "Een vertrouwenspersoon kan alleen bij een vraag- of klachtgesprek of "
            "een bemiddeling aanwezig zijn, op verzoek van de cliënt. Een "
            "informele ondersteuner is alleen aanwezig op verzoek van de cliënt "
            "en als de cliënt toestemming gaf voor deze uitnodiging."
        ),
        back=meeting.get_absolute_url(),
        shown=meeting,
        back_label=_("Terug naar het gesprek"),
    )


@shows_client_data
def attendance_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    """Refuse an informal supporter on one of the three grounds (R12)."""
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
    form = RefusalForm(form_data(request))
    if done := submit(
        request,
        form,
        role_services.attendance_refuse,
        actor=request.user,
        attendance=attendance,
        arguments=lambda data: {
            "ground": data["ground"],
            "explanation": data["explanation"],
        },
        success=_("De weigering is vastgelegd."),
        redirect_to=meeting,
    ):
        return done
    return form_page(
        request,
        meeting.case,
        form,
        _("%(name)s weigeren bij het gesprek") % {"name": attendance.assignment.holder},
        intro=_(
            "Alleen een informele ondersteuner kan worden geweigerd, op een van de "
            "drie gronden en met een toelichting."
        ),
        back=meeting.get_absolute_url(),
        shown=meeting,
        back_label=_("Terug naar het gesprek"),
        submit=_("Weigering vastleggen"),
    )


@shows_client_data
def meeting_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that a planned meeting was held or cancelled."""
    meeting = _meeting(request, pk)
    require(request.user, Perm.CHANGE_CASE, meeting.case)
    form = MeetingStatusForm(form_data(request), meeting=meeting)
    if done := submit(
        request,
        form,
        services.meeting_set_status,
        actor=request.user,
        meeting=meeting,
        arguments=lambda data: {"status": data["status"]},
        success=_("De status van het gesprek is gewijzigd."),
        redirect_to=meeting,
    ):
        return done
    has_next = bool(form.fields["status"].choices)
    return form_page(
        request,
        meeting.case,
        form if has_next else None,
        _("Status van %(meeting)s") % {"meeting": meeting},
        intro=_(
            "Het gesprek heeft nu de status '%(status)s'. Een gepland gesprek "
            "wordt gehouden of geannuleerd; daarna verandert de status niet meer."
        )
        % {"status": meeting.get_status_display()},
        back=meeting.get_absolute_url(),
        shown=meeting,
        back_label=_("Terug naar het gesprek"),
    )


@shows_client_data
def meeting_summary_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the summary of a held meeting to one of the client's informal
    supporters; refused without the client's current consent for it (R11)."""
    meeting = _meeting(request, pk)
    require(request.user, Perm.CHANGE_CASE, meeting.case)
    form = MeetingSummaryShareForm(form_data(request), meeting=meeting)
    if done := submit(
        request,
        form,
        role_services.meeting_summary_share,
        actor=request.user,
        meeting=meeting,
        arguments=lambda data: {"informal_supporter": data["informal_supporter"]},
        success=lambda _result: (
            _("Vastgelegd dat het verslag is gedeeld met %(name)s.")
            % {"name": form.cleaned_data["informal_supporter"].name}
        ),
        redirect_to=meeting,
    ):
        return done
    return form_page(
        request,
        meeting.case,
        form,
        _("Verslag van %(meeting)s delen") % {"meeting": meeting},
        intro=_(
            "Het verslag gaat alleen naar een informele ondersteuner als de "
            "cliënt daar toestemming voor gaf en die niet heeft ingetrokken "
            "(R11). Leg de toestemming vast op de pagina van de cliënt."
        ),
        back=meeting.get_absolute_url(),
        shown=meeting,
        back_label=_("Terug naar het gesprek"),
        submit=_("Delen vastleggen"),
    )


urlpatterns = [
    path("gesprekken/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("gesprekken/<int:pk>/status/", meeting_status, name="meeting_status"),
    path("gesprekken/<int:pk>/aanwezigen/", attendance_add, name="attendance_add"),
    path(
        "gesprekken/<int:pk>/verslag-delen/",
        meeting_summary_share,
        name="meeting_summary_share",
    ),
    path(
        "aanwezigheid/<int:pk>/weigeren/", attendance_refuse, name="attendance_refuse"
    ),
]
