"""Case pages: detail, notes, closing, meetings, complaint steps, assignments."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from accounts.models import User
from roles import services as role_services
from roles.permissions import Perm, has, require
from roles.policy import SupportRole

from .. import services
from ..forms import call_service
from ..forms.cases import (
    AssignForm,
    CloseCaseForm,
    ComplaintStepForm,
    MeetingForm,
    NoteForm,
)
from ..models import (
    CaseEvent,
    Complaint,
    Meeting,
    Note,
    SupportCase,
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


def _form_context(case: SupportCase, form, title: str, **extra) -> dict:
    return {"case": case, "form": form, "title": title, **extra}


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


urlpatterns = [
    path("zaken/<int:pk>/", case_detail, name="case_detail"),
    path("zaken/<int:pk>/notities/", note_add, name="note_add"),
    path("zaken/<int:pk>/afsluiten/", case_close, name="case_close"),
    path("zaken/<int:pk>/gesprekken/nieuw/", meeting_plan, name="meeting_plan"),
    path("zaken/<int:pk>/klacht/", complaint_advance, name="complaint_advance"),
    path("zaken/<int:pk>/toewijzen/", assignment_add, name="assignment_add"),
]
