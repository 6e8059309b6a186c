"""Case pages: the case with its timeline, notes, status, closing, meetings,
complaint steps, and the assignments of professionals and informal supporters."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.log import log_read
from cases import services
from cases.models import Complaint, Note, SupportCase
from cases.selectors.case_file import case_file
from cases.selectors.notes import note_versions
from cases.selectors.timeline import case_timeline
from config.access import shows_client_data
from roles import services as role_services
from roles.models import Assignment
from roles.permissions import Perm, has, require
from roles.policy import SupportRole, support_role_for_user

from ..forms import call_service, form_data, refresh_version
from ..forms.cases import (
    AssignForm,
    CaseStatusForm,
    CloseCaseForm,
    ComplaintPostponeForm,
    ComplaintStepForm,
    EndAssignmentForm,
    HandOverForm,
    InformalAssignForm,
    MeetingForm,
    NoteCorrectForm,
    NoteForm,
    NoteWithdrawForm,
)
from ..submit import all_input, submit

# --- the case page ----------------------------------------------------------------------


def _timeline_context(
    request: HttpRequest, case: SupportCase, can_change: bool, note_form: NoteForm
) -> dict[str, Any]:
    return {
        "case": case,
        "can_change": can_change,
        "note_form": note_form,
        "timeline": case_timeline(request.user, case),
    }


@shows_client_data
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case: metadata for whoever sees it; for its own supporter also the
    complaint, meetings and the timeline with notes (R2)."""
    case = get_object_or_404(
        SupportCase.objects.visible_to(request.user).select_related(
            "client", "organisation", "provider", "opened_by"
        ),
        pk=pk,
    )
    context = case_file(request.user, case)
    if context["content"]:
        context["note_form"] = NoteForm()
    log_read(request, case)
    return render(request, "web/case_detail.html", context)


def _case_for_change(request: HttpRequest, pk: int) -> SupportCase:
    case = get_object_or_404(SupportCase.objects.visible_to(request.user), pk=pk)
    require(request.user, Perm.CHANGE_CASE, case)
    return case


def _form_context(case: SupportCase, form, title: str, **extra) -> dict:
    return {"case": case, "form": form, "title": title, **extra}


def form_page(
    request: HttpRequest,
    case: SupportCase,
    form: Any,
    title: str,
    *,
    shown: Any = None,
    **extra: Any,
) -> HttpResponse:
    """A form page about a case (status, closing, a meeting, a complaint step,
    an assignment): it shows part of the case, so it is a read in the access
    log (of ``shown``, default the case) unless the request already wrote its
    row by a change."""
    log_read(request, shown if shown is not None else case)
    return render(
        request, "web/form_page.html", _form_context(case, form, title, **extra)
    )


@shows_client_data
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a note. With htmx the timeline is swapped in place and "Notitie
    opgeslagen" announced; without JavaScript a POST and a redirect."""
    case = _case_for_change(request, pk)
    form = NoteForm(request.POST)
    saved = form.is_valid() and call_service(
        form,
        services.note_add,
        actor=request.user,
        case=case,
        text=form.cleaned_data["text"],
    )
    if request.htmx:
        context = _timeline_context(request, case, True, NoteForm() if saved else form)
        context["announce"] = _("Notitie opgeslagen") if saved else ""
        return render(request, "web/case_detail.html#timeline", context)
    if saved:
        messages.success(request, _("Notitie opgeslagen"))
        return redirect(case)
    return form_page(
        request, case, form, _("Notitie toevoegen"), submit=_("Notitie opslaan")
    )


# --- correcting and withdrawing notes (no data lost) ---------------------------------


def _note(request: HttpRequest, pk: int) -> Note:
    """A note whose case content the user sees (R2), else 404."""
    return get_object_or_404(
        Note.objects.visible_to(request.user).select_related(
            "case", "author", "corrected_by", "withdrawn_by"
        ),
        pk=pk,
    )


def _note_page(
    request: HttpRequest, note: Note, form, title: str, **extra: Any
) -> HttpResponse:
    log_read(request, note)
    return render(
        request,
        "web/note_form.html",
        {"case": note.case, "note": note, "form": form, "title": title, **extra},
    )


@shows_client_data
def note_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a note's text, with a reason; the previous text stays in the
    note's versions. A save from a form that someone else's change made stale
    is refused, with the user's text kept in the form and the new version
    shown beside it."""
    note = _note(request, pk)
    require(request.user, Perm.CHANGE_CASE, note.case)
    if note.is_withdrawn:
        return _note_page(request, note, None, _("Notitie corrigeren"))
    form = NoteCorrectForm(
        form_data(request), initial={"text": note.text, "version": note.version}
    )
    if done := submit(
        request,
        form,
        services.note_correct,
        actor=request.user,
        note=note,
        arguments=lambda data: {
            "text": data["text"],
            "reason": data["reason"],
            "expected_version": data["version"],
        },
        success=_("De notitie is gecorrigeerd. De vorige tekst blijft bewaard."),
        redirect_to=note.case,
    ):
        return done
    stale = refresh_version(form, note.version)
    return _note_page(
        request,
        note,
        form,
        _("Notitie corrigeren"),
        shown_heading=_("De nieuwe versie") if stale else "",
        intro=_(
            "De vorige tekst blijft bewaard in de versiegeschiedenis van de "
            "notitie, met wie hem wanneer en waarom heeft gecorrigeerd."
        ),
        submit=_("Correctie opslaan"),
    )


@shows_client_data
def note_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a note (intrekken) instead of deleting it: it stays in the
    timeline as withdrawn and its text in its versions."""
    note = _note(request, pk)
    require(request.user, Perm.CHANGE_CASE, note.case)
    if note.is_withdrawn:
        return _note_page(request, note, None, _("Notitie intrekken"))
    form = NoteWithdrawForm(form_data(request), initial={"version": note.version})
    if done := submit(
        request,
        form,
        services.note_withdraw,
        actor=request.user,
        note=note,
        arguments=lambda data: {
            "reason": data["reason"],
            "expected_version": data["version"],
        },
        success=_("De notitie is ingetrokken."),
        redirect_to=note.case,
    ):
        return done
    stale = refresh_version(form, note.version)
    return _note_page(
        request,
        note,
        form,
        _("Notitie intrekken"),
        shown_heading=_("De nieuwe versie") if stale else _("De notitie"),
        intro=_(
            "Een ingetrokken notitie blijft in de tijdlijn staan als ingetrokken, "
            "zonder tekst. De tekst blijft bewaard in de versiegeschiedenis, "
            "zichtbaar voor wie de inhoud van de zaak mag zien."
        ),
        intro_level="warning",
        submit=_("Notitie intrekken"),
    )


@shows_client_data
def note_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version of a note, newest first: the text as it was, who changed
    it, when and why — also the text of a withdrawn note, for those who see
    the case's content (R2)."""
    note = _note(request, pk)
    versions = note_versions(request.user, note)
    log_read(request, note)
    return render(
        request,
        "web/note_history.html",
        {"case": note.case, "note": note, "versions": versions},
    )


@shows_client_data
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a case to one of the statuses its current status allows."""
    case = _case_for_change(request, pk)
    form = CaseStatusForm(
        form_data(request), case=case, initial={"version": case.version}
    )
    if done := submit(
        request,
        form,
        services.case_set_status,
        actor=request.user,
        case=case,
        arguments=lambda data: {
            "status": data["status"],
            "expected_version": data["version"],
        },
        success=_("De status van de zaak is gewijzigd."),
        redirect_to=case,
    ):
        return done
    refresh_version(form, case.version)
    return form_page(
        request,
        case,
        form,
        _("Status wijzigen"),
        intro=_(
            "De zaak heeft nu de status '%(status)s'. Afsluiten gaat via 'Zaak "
            "afsluiten', omdat dat ook de ondersteuning beëindigt."
        )
        % {"status": case.get_status_display()},
        links=[(reverse("web:case_close", args=[case.pk]), _("Zaak afsluiten"))],
    )


@shows_client_data
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a case with its outcome; this ends the support in it (R6)."""
    case = _case_for_change(request, pk)
    form = CloseCaseForm(form_data(request), initial={"version": case.version})
    if done := submit(
        request,
        form,
        services.case_close,
        actor=request.user,
        case=case,
        arguments=lambda data: {
            "outcome": data["outcome"],
            "expected_version": data["version"],
        },
        success=_("De zaak is afgesloten. De ondersteuning is beëindigd."),
        redirect_to=case,
    ):
        return done
    refresh_version(form, case.version)
    return form_page(
        request,
        case,
        form,
        _("Zaak afsluiten"),
        intro=_(
            "Afsluiten beëindigt de ondersteuning in deze zaak, voor iedereen die "
            "de cliënt erin ondersteunt. U houdt leesrechten op deze zaak, maar "
            "ziet niets nieuws meer over de cliënt. Een lopende klacht moet eerst "
            "een uitspraak hebben of zijn ingetrokken."
        ),
        intro_level="warning",
        submit=_("Zaak afsluiten"),
    )


@shows_client_data
def meeting_plan(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = MeetingForm(form_data(request), initial={"provider": case.provider_id})
    if done := submit(
        request,
        form,
        services.meeting_plan,
        actor=request.user,
        case=case,
        arguments=all_input,
        success=_("Het gesprek is gepland."),
    ):
        return done
    return form_page(
        request,
        case,
        form,
        _("Gesprek plannen"),
        intro=_(
            "Wie bij het gesprek aanwezig is, legt u daarna vast op de pagina "
            "van het gesprek."
        ),
        # An invitation reaches the client: how not to reach them.
        contacts_client=True,
    )


# --- complaints (R3) -------------------------------------------------------------------


def _complaint_for_change(request: HttpRequest, pk: int) -> Complaint:
    """The complaint of a case the user may change, read through
    ``visible_to`` like every complaint (404 otherwise)."""
    case = _case_for_change(request, pk)
    complaint = get_object_or_404(Complaint.objects.visible_to(request.user), case=case)
    complaint.case = case
    return complaint


@shows_client_data
def complaint_advance(request: HttpRequest, pk: int) -> HttpResponse:
    """The next step of a complaint: submit (to whom, under which regime), in
    handling, decided, or withdrawn."""
    complaint = _complaint_for_change(request, pk)
    case = complaint.case
    form = ComplaintStepForm(form_data(request), complaint=complaint)
    if done := submit(
        request,
        form,
        services.complaint_advance,
        actor=request.user,
        complaint=complaint,
        arguments=lambda data: {
            "stage": data["stage"],
            "on": data["on"],
            "submitted_to": data["submitted_to"],
            "decision_summary": data["decision_summary"],
            "regime": data["regime"],
            "advisory_committee": data["advisory_committee"],
        },
        success=_("De klacht is bijgewerkt."),
        redirect_to=case,
    ):
        return done
    has_next = bool(form.fields["stage"].choices)
    return form_page(
        request,
        case,
        form if has_next else None,
        _("Volgende stap van de klacht"),
        intro=_("De klacht is nu in de fase '%(stage)s'.")
        % {"stage": complaint.get_stage_display()}
        if has_next
        else _("De klacht is in de fase '%(stage)s'; er volgt geen stap meer.")
        % {"stage": complaint.get_stage_display()},
    )


@shows_client_data
def complaint_postpone(request: HttpRequest, pk: int) -> HttpResponse:
    """Postpone the decision on a submitted complaint, once (R3)."""
    complaint = _complaint_for_change(request, pk)
    case = complaint.case
    form = ComplaintPostponeForm(form_data(request))
    if done := submit(
        request,
        form,
        services.complaint_postpone,
        actor=request.user,
        complaint=complaint,
        arguments=lambda data: {"weeks": data["weeks"], "on": data["on"]},
        success=_("De beslissing op de klacht is verdaagd."),
        redirect_to=case,
    ):
        return done
    if complaint.due_on:
        intro = _(
            "Er moet nu uiterlijk op %(due)s over de klacht zijn beslist. Verdagen "
            "kan eenmaal, met schriftelijke mededeling aan de klager."
        ) % {"due": date_format(complaint.due_on, "DATE_FORMAT")}
    else:
        intro = _("Alleen een ingediende klacht die nog loopt kan worden verdaagd.")
    return form_page(
        request, case, form, _("Beslissing op de klacht verdagen"), intro=intro
    )


# --- assignments --------------------------------------------------------------------


@shows_client_data
def assignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The team lead assigns a professional of the organisation (R1, R4, R9)."""
    case = get_object_or_404(SupportCase.objects.visible_to(request.user), pk=pk)
    require(request.user, Perm.ASSIGN_SUPPORT, case)
    form = AssignForm(form_data(request), case=case, lead=request.user)
    if done := submit(
        request,
        form,
        role_services.assignment_start,
        actor=request.user,
        case=case,
        # The role follows from the policy table (R1); the service refuses a misfit.
        arguments=lambda data: {
            "role": support_role_for_user(data["user"]),
            "user": data["user"],
            "at_clients_request": data["at_clients_request"],
        },
        success=_("De ondersteuner is toegewezen."),
        redirect_to=case,
    ):
        return done
    return form_page(request, case, form, _("Ondersteuner toewijzen"))


@shows_client_data
def informal_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's supporter adds someone from the client's network, at the
    client's request (R11)."""
    case = _case_for_change(request, pk)
    form = InformalAssignForm(form_data(request), case=case)
    if done := submit(
        request,
        form,
        role_services.assignment_start,
        actor=request.user,
        case=case,
        role=SupportRole.INFORMAL_SUPPORTER,
        arguments=lambda data: {
            "informal_supporter": data["informal_supporter"],
            "at_clients_request": data["at_clients_request"],
        },
        success=_("De informele ondersteuner is toegevoegd."),
        redirect_to=case,
    ):
        return done
    no_choices = not form.fields["informal_supporter"].queryset.exists()
    return form_page(
        request,
        case,
        None if no_choices else form,
        _("Informele ondersteuner toevoegen"),
        intro=_(
            "Kies iemand uit het netwerk van de cliënt. Een informele ondersteuner "
            "is geen gebruiker van Naast, heeft geen recht op informatie over de "
            "cliënt en krijgt alleen iets (zoals een uitnodiging) als de cliënt "
            "daar toestemming voor geeft."
        )
        if not no_choices
        else _(
            "Er is geen informele ondersteuner uit het netwerk van de cliënt die "
            "nog niet aan deze zaak is verbonden. Leg die eerst vast bij de cliënt."
        ),
        links=[(case.client.get_absolute_url(), _("Naar de cliënt"))]
        if no_choices and has(request.user, Perm.VIEW_CLIENT, case.client)
        else [],
    )


def _assignment(request: HttpRequest, pk: int) -> Assignment:
    """An assignment on a case the user sees (else 404); who may manage it is
    the role's (``roles.services.assignment_perm``; else 403)."""
    assignment = get_object_or_404(
        Assignment.objects.filter(
            case__in=SupportCase.objects.visible_to(request.user)
        ).select_related("case", "user", "informal_supporter"),
        pk=pk,
    )
    require(
        request.user, role_services.assignment_perm(assignment.role), assignment.case
    )
    return assignment


@shows_client_data
def assignment_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    """The team lead hands a professional's case over to a colleague (R2)."""
    assignment = _assignment(request, pk)
    case = assignment.case
    require(request.user, Perm.ASSIGN_SUPPORT, case)
    form = HandOverForm(form_data(request), assignment=assignment)
    if done := submit(
        request,
        form,
        role_services.assignment_hand_over,
        actor=request.user,
        assignment=assignment,
        arguments=lambda data: {"to_user": data["to_user"], "reason": data["reason"]},
        success=lambda _result: (
            _("De zaak is overgedragen aan %(user)s.")
            % {"user": form.cleaned_data["to_user"]}
        ),
        redirect_to=case,
    ):
        return done
    return form_page(
        request,
        case,
        form,
        _("Zaak van %(user)s overdragen") % {"user": assignment.holder},
        intro=_(
            "Na de overdracht heeft %(user)s geen toegang meer tot deze zaak en, "
            "zonder andere ondersteuning, tot de cliënt. De collega krijgt de "
            "toegang. Dezelfde regels gelden als bij toewijzen: de juiste functie, "
            "geen gezinslid met een tegenstrijdig belang, en niet de beslisser "
            "over een aanvraag van de cliënt."
        )
        % {"user": assignment.holder},
        submit=_("Overdragen"),
    )


@shows_client_data
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End one support without closing the case: the team lead for a
    professional, the case's supporter for an informal supporter."""
    assignment = _assignment(request, pk)
    case = assignment.case
    form = EndAssignmentForm(form_data(request))
    if done := submit(
        request,
        form,
        role_services.assignment_end,
        actor=request.user,
        assignment=assignment,
        success=_("De ondersteuning door %(holder)s is beëindigd.")
        % {"holder": assignment.holder},
        redirect_to=case,
    ):
        return done
    if assignment.user_id is not None:
        intro = _(
            "%(holder)s heeft daarna geen toegang meer tot deze zaak en, zonder "
            "andere ondersteuning, tot de cliënt. De zaak blijft open."
        ) % {"holder": assignment.holder}
    else:
        intro = _(
            "%(holder)s is daarna niet meer als informele ondersteuner aan deze zaak "
            "verbonden. De zaak blijft open."
        ) % {"holder": assignment.holder}
    return form_page(
        request,
        case,
        form,
        _("Ondersteuning door %(holder)s beëindigen") % {"holder": assignment.holder},
        intro=intro,
        intro_level="warning",
        submit=_("Ondersteuning beëindigen"),
    )


urlpatterns = [
    path("zaken/<int:pk>/", case_detail, name="case_detail"),
    path("zaken/<int:pk>/notities/", note_add, name="note_add"),
    path("notities/<int:pk>/corrigeren/", note_correct, name="note_correct"),
    path("notities/<int:pk>/intrekken/", note_withdraw, name="note_withdraw"),
    path("notities/<int:pk>/versies/", note_history, name="note_history"),
    path("zaken/<int:pk>/status/", case_status, name="case_status"),
    path("zaken/<int:pk>/afsluiten/", case_close, name="case_close"),
    path("zaken/<int:pk>/gesprekken/nieuw/", meeting_plan, name="meeting_plan"),
    path("zaken/<int:pk>/klacht/", complaint_advance, name="complaint_advance"),
    path(
        "zaken/<int:pk>/klacht/verdagen/",
        complaint_postpone,
        name="complaint_postpone",
    ),
    path("zaken/<int:pk>/toewijzen/", assignment_add, name="assignment_add"),
    path(
        "zaken/<int:pk>/informele-ondersteuner/",
        informal_assign,
        name="informal_assign",
    ),
    path(
        "toewijzingen/<int:pk>/overdragen/",
        assignment_hand_over,
        name="assignment_hand_over",
    ),
    path("toewijzingen/<int:pk>/beeindigen/", assignment_end, name="assignment_end"),
]
