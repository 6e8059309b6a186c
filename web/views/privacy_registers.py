"""The privacy officer's registers: requests of data subjects (with the
inzage export) and data breaches.

Only a privacy officer opens them (``Capability.HANDLE_PRIVACY_REQUESTS``);
everyone else gets **404**, as for the access log. What a privacy officer
sees is their own organisation's (``visible_to``): a request or breach of
another organisation is 404. Pages that name a client write one access-log
row; a successful change writes the service's row instead. The breach pages
name no client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.denials import permission_denied
from audit.log import discard_logged, log_read, request_address
from cases.exports import client_export, export_json, export_pdf
from cases.history import reason_label
from cases.models import Client
from config.access import shows_client_data, shows_no_client_data
from privacy import services
from privacy.models import DataBreach, DataSubjectRequest
from roles.policy import Capability, require_capability
from web.forms import call_service, form_data
from web.forms import privacy as forms
from web.submit import all_input, submit

PAGE_SIZE = 50

#: The reasons the services give for the versions they save, in words.
REASONS = {
    "privacy_request_register": gettext_lazy("Verzoek geregistreerd"),
    "privacy_request_check_identity": gettext_lazy("Identiteit gecontroleerd"),
    "privacy_request_extend": gettext_lazy("Termijn verlengd"),
    "privacy_request_start": gettext_lazy("In behandeling genomen"),
    "privacy_request_answer": gettext_lazy("Antwoord verstuurd"),
    "privacy_request_refuse": gettext_lazy("Afgewezen"),
    "privacy_request_withdraw": gettext_lazy("Ingetrokken"),
    "privacy_request_export_json": gettext_lazy("Inzage-export gemaakt (JSON)"),
    "privacy_request_export_pdf": gettext_lazy("Inzage-export gemaakt (PDF)"),
    "breach_register": gettext_lazy("Datalek geregistreerd"),
    "breach_assess": gettext_lazy("Beoordeeld"),
    "breach_close": gettext_lazy("Afgehandeld"),
}


def _require(request: HttpRequest) -> None:
    require_capability(request.user, Capability.HANDLE_PRIVACY_REQUESTS)


def _versions(obj: DataSubjectRequest | DataBreach) -> list[dict[str, Any]]:
    """The object's history, oldest first, with each version's reason."""
    return [
        {
            "at": version.history_date,
            "by": version.history_user,
            "what": str(
                REASONS.get(version.history_change_reason or "")
                or reason_label(version.history_change_reason)
            ),
            "status": version.get_status_display(),
        }
        for version in obj.history.select_related("history_user").order_by(
            "history_date", "history_id"
        )
    ]


# --- requests -----------------------------------------------------------------------


@shows_client_data
def request_list(request: HttpRequest) -> HttpResponse:
    """The register of requests, the first due date on top."""
    _require(request)
    filter_form = forms.RequestFilterForm(request.GET)
    requests = DataSubjectRequest.objects.visible_to(request.user).select_related(
        "client"
    )
    status = filter_form.cleaned_data["status"] if filter_form.is_valid() else ""
    if status == filter_form.OPEN:
        requests = requests.open()
    elif status == filter_form.CLOSED:
        requests = requests.filter(status__in=DataSubjectRequest.CLOSED_STATUSES)
    page = Paginator(requests.order_by("due_on", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    if page.object_list:
        # One row for the clients the list names.
        log_read(request, object_type="privacy_request_list")
    today = timezone.localdate()
    for row in page.object_list:
        row.state = row.deadline_state(today)
    return render(
        request,
        "web/privacy/request_list.html",
        {"page": page, "filter_form": filter_form},
    )


def _scoped_client(request: HttpRequest, number: object) -> Client | None:
    try:
        pk = int(number)
    except (TypeError, ValueError):
        return None
    if not 0 < pk <= forms.MAX_PK:
        return None
    return Client.objects.in_privacy_scope_of(request.user).filter(pk=pk).first()


@shows_client_data
def request_register(request: HttpRequest) -> HttpResponse:
    """Register a request of a data subject; ``?client=`` fills in the file."""
    _require(request)
    initial = {"received_on": timezone.localdate()}
    client = _scoped_client(request, request.GET.get("client"))
    if client is not None:
        initial["client"] = client.pk
    form = forms.RequestRegisterForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        client = _scoped_client(request, data["client"])
        if client is None:
            form.add_error(
                "client", _("Uw organisatie heeft geen cliënt met dit nummer.")
            )
        else:
            created = call_service(
                form,
                services.privacy_request_register,
                actor=request.user,
                client=client,
                kind=data["kind"],
                requester_name=data["requester_name"],
                requester_relation=data["requester_relation"],
                received_on=data["received_on"],
                notes=data["notes"],
                address=request_address(request),
            )
            if created is not None:
                messages.success(
                    request,
                    _("Verzoek %(reference)s is geregistreerd.")
                    % {"reference": created.reference},
                )
                return redirect(created)
            discard_logged(request)
    if client is not None:
        log_read(request, client)
    return render(
        request,
        "web/privacy/request_form.html",
        {"form": form, "client": client},
    )


def _visible_request(request: HttpRequest, pk: int) -> DataSubjectRequest:
    _require(request)
    return get_object_or_404(
        DataSubjectRequest.objects.visible_to(request.user).select_related(
            "client", "registered_by", "identity_checked_by", "exported_by"
        ),
        pk=pk,
    )


@shows_client_data
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: who asked, the terms, the status, what can be done next
    and its history; for an inzage request with a checked identity the
    downloads of the export."""
    dsr = _visible_request(request, pk)
    log_read(request, dsr, client=dsr.client)
    allowed = DataSubjectRequest.TRANSITIONS[dsr.status]
    Status = DataSubjectRequest.Status
    actions = [
        (name, label)
        for name, label, needs in [
            ("identity", _("Identiteit gecontroleerd"), Status.IDENTITY_CHECKED),
            ("start", _("In behandeling nemen"), Status.IN_PROGRESS),
            ("answer", _("Antwoord vastleggen"), Status.ANSWERED),
            ("refuse", _("Afwijzen"), Status.REFUSED),
            ("withdraw", _("Ingetrokken door verzoeker"), Status.WITHDRAWN),
        ]
        if needs in allowed
    ]
    if not dsr.is_closed and dsr.extended_on is None:
        actions.append(("extend", _("Termijn verlengen")))
    return render(
        request,
        "web/privacy/request_detail.html",
        {
            "dsr": dsr,
            "state": dsr.deadline_state(timezone.localdate()),
            "actions": actions,
            "versions": _versions(dsr),
        },
    )


#: The request's actions: (form, service, the service's extra arguments from
#: the form's data, title, intro).
ACTIONS: dict[str, tuple[type, Callable[..., Any], Callable[[dict], dict], Any]] = {
    "identity": (
        forms.IdentityForm,
        services.privacy_request_check_identity,
        lambda d: {
            "checked_on": d["checked_on"],
            "method": d["method"],
            "note": d["note"],
        },
        gettext_lazy("Identiteit van de verzoeker gecontroleerd"),
    ),
    "extend": (
        forms.ExtendForm,
        services.privacy_request_extend,
        lambda d: {"reason": d["reason"]},
        gettext_lazy("Termijn met twee maanden verlengen"),
    ),
    "start": (
        forms.ConfirmForm,
        services.privacy_request_start,
        lambda d: {},
        gettext_lazy("Verzoek in behandeling nemen"),
    ),
    "answer": (
        forms.AnswerForm,
        services.privacy_request_answer,
        lambda d: {"answered_on": d["answered_on"], "summary": d["summary"]},
        gettext_lazy("Antwoord vastleggen"),
    ),
    "refuse": (
        forms.RefuseForm,
        services.privacy_request_refuse,
        lambda d: {"reason": d["reason"]},
        gettext_lazy("Verzoek afwijzen"),
    ),
    "withdraw": (
        forms.WithdrawForm,
        services.privacy_request_withdraw,
        lambda d: {"withdrawn_on": d["withdrawn_on"], "note": d["note"]},
        gettext_lazy("Verzoek ingetrokken"),
    ),
}


def _action_view(action: str) -> Callable[[HttpRequest, int], HttpResponse]:
    form_class, service, arguments, title = ACTIONS[action]

    @shows_client_data
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        dsr = _visible_request(request, pk)
        initial = {}
        if "answered_on" in form_class.base_fields:
            initial["answered_on"] = timezone.localdate()
        if "checked_on" in form_class.base_fields:
            initial["checked_on"] = timezone.localdate()
        if "withdrawn_on" in form_class.base_fields:
            initial["withdrawn_on"] = timezone.localdate()
        form = form_class(form_data(request), initial=initial)
        if done := submit(
            request,
            form,
            service,
            actor=request.user,
            request=dsr,
            address=request_address(request),
            arguments=arguments,
            success=_("Het verzoek is bijgewerkt."),
        ):
            return done
        if request.method == "POST":
            # The service refused: its row rolled back with it.
            discard_logged(request)
        log_read(request, dsr, client=dsr.client)
        intro = ""
        if action == "answer" and dsr.kind == DataSubjectRequest.Kind.ERASURE:
            intro = _(
                "Met het antwoord wordt het dossier van de cliënt verwijderd: zaken, "
                "notities, gesprekken, hulp, toestemmingen en informele ondersteuners "
                "worden vernietigd en de cliënt wordt geanonimiseerd. Dat staat daarna "
                "in het vernietigingsregister, met het kenmerk van dit verzoek. Het "
                "toegangslog blijft bewaard."
            )
        return render(
            request,
            "web/privacy/form_page.html",
            {
                "title": f"{title} – {dsr.reference}",
                "intro": intro,
                "intro_level": "warning" if intro else "info",
                "form": form,
                "back": dsr.get_absolute_url(),
                "back_label": _("Terug naar verzoek %(reference)s")
                % {"reference": dsr.reference},
            },
        )

    view.__name__ = f"request_{action}"
    view.__doc__ = f"{title}: the form and its service."
    return view


request_identity = _action_view("identity")
request_extend = _action_view("extend")
request_start = _action_view("start")
request_answer = _action_view("answer")
request_refuse = _action_view("refuse")
request_withdraw = _action_view("withdraw")


# --- the inzage export ----------------------------------------------------------------


def _exportable(request: HttpRequest, pk: int) -> DataSubjectRequest:
    """The inzage request to export: 404 for a request that is not an inzage
    request (it has no export), 403 (logged as refused) for one whose
    identity is not checked or that is closed."""
    dsr = _visible_request(request, pk)
    if dsr.kind != DataSubjectRequest.Kind.INZAGE:
        raise Http404("no inzage request")
    if not dsr.is_exportable:
        raise permission_denied("privacy_request_export", dsr)
    return dsr


def _download(
    request: HttpRequest, dsr: DataSubjectRequest, fmt: str, body: bytes
) -> HttpResponse:
    # Recorded with the request and logged before it is handed over.
    try:
        services.privacy_request_export(
            actor=request.user, request=dsr, fmt=fmt, address=request_address(request)
        )
    except ValidationError:
        # Answered or withdrawn meanwhile: nothing is handed over.
        discard_logged(request)
        raise permission_denied("privacy_request_export", dsr) from None
    content_type = "application/pdf" if fmt == "pdf" else "application/json"
    response = HttpResponse(body, content_type=content_type)
    filename = f"inzage-{dsr.reference}-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@shows_client_data
def request_export_json(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about the client as JSON (``cases.exports``), as a download."""
    dsr = _exportable(request, pk)
    data = client_export(client=dsr.client, user=request.user, request=dsr)
    return _download(request, dsr, "json", export_json(data))


@shows_client_data
def request_export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about the client as an A4 PDF, as a download."""
    dsr = _exportable(request, pk)
    html = render_to_string(
        "web/privacy/inzage_pdf.html",
        {"data": client_export(client=dsr.client, user=request.user, request=dsr)},
        request=request,
    )
    return _download(request, dsr, "pdf", export_pdf(html))


# --- breaches ------------------------------------------------------------------------


@shows_no_client_data
def breach_list(request: HttpRequest) -> HttpResponse:
    """The breach register, newest discovery first."""
    _require(request)
    breaches = DataBreach.objects.visible_to(request.user).order_by("-found_at", "-pk")
    page = Paginator(breaches, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for row in page.object_list:
        row.state = row.deadline_state(now)
    return render(request, "web/privacy/breach_list.html", {"page": page})


@shows_no_client_data
def breach_register(request: HttpRequest) -> HttpResponse:
    """Register a data breach."""
    _require(request)
    form = forms.BreachForm(form_data(request))
    if done := submit(
        request,
        form,
        services.breach_register,
        actor=request.user,
        arguments=all_input,
        success=lambda breach: (
            _(
                "Datalek %(reference)s is geregistreerd. Meld het uiterlijk %(due)s bij de Autoriteit Persoonsgegevens, of leg vast waarom niet."
            )
            % {
                "reference": breach.reference,
                "due": timezone.localtime(breach.report_due_at).strftime(
                    "%d-%m-%Y %H:%M"
                ),
            }
        ),
    ):
        return done
    return render(
        request,
        "web/privacy/form_page.html",
        {
            "title": _("Datalek registreren"),
            "intro": _(
                "Een datalek wordt binnen 72 uur na de ontdekking gemeld bij de "
                "Autoriteit Persoonsgegevens, tenzij het waarschijnlijk geen risico "
                "voor de betrokkenen oplevert (art. 33 AVG). Noteer geen namen van "
                "cliënten."
            ),
            "form": form,
            "back": "/privacy/datalekken/",
            "back_label": _("Terug naar het datalekkenregister"),
        },
    )


def _visible_breach(request: HttpRequest, pk: int) -> DataBreach:
    _require(request)
    return get_object_or_404(
        DataBreach.objects.visible_to(request.user).select_related("registered_by"),
        pk=pk,
    )


@shows_no_client_data
def breach_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One breach: what, when, the 72-hour deadline, the decisions and history."""
    breach = _visible_breach(request, pk)
    return render(
        request,
        "web/privacy/breach_detail.html",
        {
            "breach": breach,
            "state": breach.deadline_state(timezone.now()),
            "can_assess": DataBreach.Status.ASSESSED
            in DataBreach.TRANSITIONS[breach.status],
            "can_close": DataBreach.Status.CLOSED
            in DataBreach.TRANSITIONS[breach.status],
            "versions": _versions(breach),
        },
    )


@shows_no_client_data
def breach_assess(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the reporting to the AP and the informing of the data subjects."""
    breach = _visible_breach(request, pk)
    initial = {
        "reported_to_ap_at": breach.reported_to_ap_at,
        "ap_reference": breach.ap_reference,
        "delay_reason": breach.delay_reason,
        "not_reported_reason": breach.not_reported_reason,
        "subjects_informed": breach.subjects_informed,
        "subjects_informed_on": breach.subjects_informed_on,
        "subjects_not_informed_reason": breach.subjects_not_informed_reason,
        "measures": breach.measures,
    }
    form = forms.BreachAssessForm(form_data(request), initial=initial)
    if done := submit(
        request,
        form,
        services.breach_assess,
        actor=request.user,
        breach=breach,
        arguments=all_input,
        success=_("De beoordeling is vastgelegd."),
    ):
        return done
    return render(
        request,
        "web/privacy/form_page.html",
        {
            "title": _("Datalek %(reference)s beoordelen")
            % {"reference": breach.reference},
            "intro": _("Melden bij de AP uiterlijk %(due)s.")
            % {
                "due": timezone.localtime(breach.report_due_at).strftime(
                    "%d-%m-%Y %H:%M"
                )
            },
            "form": form,
            "back": breach.get_absolute_url(),
            "back_label": _("Terug naar datalek %(reference)s")
            % {"reference": breach.reference},
        },
    )


@shows_no_client_data
def breach_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close an assessed breach."""
    breach = _visible_breach(request, pk)
    form = forms.ConfirmForm(form_data(request))
    if done := submit(
        request,
        form,
        services.breach_close,
        actor=request.user,
        breach=breach,
        success=_("Het datalek is afgehandeld."),
    ):
        return done
    return render(
        request,
        "web/privacy/form_page.html",
        {
            "title": _("Datalek %(reference)s afhandelen")
            % {"reference": breach.reference},
            "form": form,
            "submit": _("Afhandelen"),
            "back": breach.get_absolute_url(),
            "back_label": _("Terug naar datalek %(reference)s")
            % {"reference": breach.reference},
        },
    )


urlpatterns = [
    path("privacy/verzoeken/", request_list, name="privacy_request_list"),
    path(
        "privacy/verzoeken/nieuw/",
        request_register,
        name="privacy_request_register",
    ),
    path(
        "privacy/verzoeken/<int:pk>/",
        request_detail,
        name="privacy_request_detail",
    ),
    *(
        path(
            f"privacy/verzoeken/<int:pk>/{slug}/",
            view,
            name=f"privacy_request_{action}",
        )
        for action, slug, view in [
            ("identity", "identiteit", request_identity),
            ("extend", "verlengen", request_extend),
            ("start", "in-behandeling", request_start),
            ("answer", "beantwoorden", request_answer),
            ("refuse", "afwijzen", request_refuse),
            ("withdraw", "intrekken", request_withdraw),
        ]
    ),
    path(
        "privacy/verzoeken/<int:pk>/inzage.json",
        request_export_json,
        name="privacy_request_export_json",
    ),
    path(
        "privacy/verzoeken/<int:pk>/inzage.pdf",
        request_export_pdf,
        name="privacy_request_export_pdf",
    ),
    path("privacy/datalekken/", breach_list, name="privacy_breach_list"),
    path(
        "privacy/datalekken/nieuw/",
        breach_register,
        name="privacy_breach_register",
    ),
    path(
        "privacy/datalekken/<int:pk>/",
        breach_detail,
        name="privacy_breach_detail",
    ),
    path(
        "privacy/datalekken/<int:pk>/beoordelen/",
        breach_assess,
        name="privacy_breach_assess",
    ),
    path(
        "privacy/datalekken/<int:pk>/afhandelen/",
        breach_close,
        name="privacy_breach_close",
    ),
]
