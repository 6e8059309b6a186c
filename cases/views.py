"""Caseworker pages. Thin: fetch through ``visible_to`` (not visible → 404),
check the action with ``roles.permissions.require`` (→ 403), bind a form, call
one service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from roles import services as role_services
from roles.models import Assignment, Attendance
from roles.permissions import Perm, has, require
from roles.policy import SupportRole, policy_for

from . import services
from .forms import (
    AssignForm,
    AttendanceForm,
    CloseCaseForm,
    ComplaintStepForm,
    DecisionForm,
    MeetingForm,
    NoteForm,
    RefusalForm,
    call_service,
)
from .models import (
    Application,
    CaseEvent,
    Client,
    Complaint,
    Meeting,
    Note,
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


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(
        SupportCase.objects.visible_to(request.user).select_related(
            "client", "organisation", "provider", "opened_by"
        ),
        pk=pk,
    )
    content = has(request.user, Perm.VIEW_CASE_CONTENT, case)
    context = {
        "case": case,
        "content": content,
        "can_change": content
        and not case.is_closed
        and has(request.user, Perm.CHANGE_CASE, case),
        "can_assign": has(request.user, Perm.ASSIGN_SUPPORT, case)
        and not case.is_closed,
        "assignments": case.assignments.select_related("user", "informal_supporter"),
    }
    if content:
        context.update(
            notes=Note.objects.visible_to(request.user)
            .filter(case=case)
            .select_related("author"),
            meetings=Meeting.objects.visible_to(request.user)
            .filter(case=case)
            .select_related("provider"),
            events=CaseEvent.objects.visible_to(request.user)
            .filter(case=case)
            .select_related("actor"),
            complaint=Complaint.objects.filter(case=case).first(),
            client_visible=has(request.user, Perm.VIEW_CLIENT, case.client),
            note_form=NoteForm(),
        )
    return render(request, "cases/case_detail.html", context)


def _case_for_change(request: HttpRequest, pk: int) -> SupportCase:
    case = get_object_or_404(SupportCase.objects.visible_to(request.user), pk=pk)
    require(request.user, Perm.CHANGE_CASE, case)
    return case


@require_http_methods(["POST"])
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid() and call_service(
        form,
        services.note_add,
        actor=request.user,
        case=case,
        text=form.cleaned_data["text"],
    ):
        messages.success(request, _("De notitie is opgeslagen."))
        return redirect(case)
    return render(
        request,
        "cases/form_page.html",
        _form_context(case, form, _("Notitie toevoegen")),
    )


def _form_context(case: SupportCase, form, title: str, **extra) -> dict:
    return {"case": case, "form": form, "title": title, **extra}


def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = CloseCaseForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form,
            services.case_close,
            actor=request.user,
            case=case,
            outcome=form.cleaned_data["outcome"],
        )
    ):
        messages.success(
            request,
            _("De zaak is afgesloten. De ondersteuning is beëindigd."),
        )
        return redirect(case)
    return render(
        request,
        "cases/form_page.html",
        _form_context(
            case,
            form,
            _("Zaak afsluiten"),
            intro=_(
                "Afsluiten beëindigt de ondersteuning in deze zaak. U houdt leesrechten "
                "op deze zaak, maar ziet niets nieuws meer over de cliënt."
            ),
        ),
    )


def meeting_plan(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = MeetingForm(request.POST or None, initial={"provider": case.provider_id})
    if request.method == "POST" and form.is_valid():
        meeting = call_service(
            form,
            services.meeting_plan,
            actor=request.user,
            case=case,
            **form.cleaned_data,
        )
        if meeting:
            messages.success(request, _("Het gesprek is gepland."))
            return redirect(meeting)
    return render(
        request, "cases/form_page.html", _form_context(case, form, _("Gesprek plannen"))
    )


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


def complaint_advance(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    complaint = get_object_or_404(Complaint, case=case)
    form = ComplaintStepForm(request.POST or None, complaint=complaint)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form,
            services.complaint_advance,
            actor=request.user,
            complaint=complaint,
            stage=form.cleaned_data["stage"],
            on=form.cleaned_data["on"],
            submitted_to=form.cleaned_data["submitted_to"],
            decision_summary=form.cleaned_data["decision_summary"],
        )
    ):
        messages.success(request, _("De klacht is bijgewerkt."))
        return redirect(case)
    return render(
        request,
        "cases/form_page.html",
        _form_context(case, form, _("Volgende stap van de klacht")),
    )


def assignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(SupportCase.objects.visible_to(request.user), pk=pk)
    require(request.user, Perm.ASSIGN_SUPPORT, case)
    form = AssignForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["user"]
        role = (
            SupportRole.AKJ_CONFIDANT
            if user.role == User.Role.AKJ_CONFIDANT
            else SupportRole.CLIENT_SUPPORTER
        )
        if call_service(
            form,
            role_services.assignment_start,
            actor=request.user,
            case=case,
            role=role,
            user=user,
            at_clients_request=form.cleaned_data["at_clients_request"],
        ):
            messages.success(request, _("De ondersteuner is toegewezen."))
            return redirect(case)
    return render(
        request,
        "cases/form_page.html",
        _form_context(case, form, _("Ondersteuner toewijzen")),
    )


def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "client", "decider"
        ),
        pk=pk,
    )
    require(request.user, Perm.DECIDE_APPLICATION, application)
    form = DecisionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form,
            services.application_decide,
            actor=request.user,
            application=application,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    ):
        messages.success(request, _("De beschikking is vastgelegd."))
        return redirect(application)
    return render(
        request,
        "cases/application_detail.html",
        {
            "application": application,
            "form": form,
            "pending": application.decision == "pending",
        },
    )
