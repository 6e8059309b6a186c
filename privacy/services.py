"""Every write to the privacy officer's registers (AVG).

Each service is keyword-only and atomic, refuses a user without the
capability (``require_capability``, a 404 for everyone but the privacy
officer), locks the row it changes, checks the ``TRANSITIONS`` table,
validates, saves with a named version (``cases.history.track``) and ends with
its audit call: for a request about a client a row in the access log
(``log_event``, with the request's reference as the purpose). A breach names
no client, so its versions are its audit trail.

Refusals are ``ValidationError`` with a Dutch message on the field they are
about, which the forms show next to it.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.log import log_event
from audit.models import AccessLogEntry
from cases import events
from cases.errors import field_error
from cases.history import track
from cases.models import Client
from retention.services import ErasureRefused, retention_erase_client
from roles.policy import Capability, require_capability

from .deadlines import answer_due_on, breach_report_due_at
from .models import DataBreach, DataSubjectRequest

Status = DataSubjectRequest.Status

#: The formats of the inzage export, as written to the access log.
EXPORT_FORMATS = {"json": "avg_export_json", "pdf": "avg_export_pdf"}


def request_purpose(request: DataSubjectRequest) -> str:
    """The purpose written to the access log for what is done on a request."""
    # The kind's code (a Dutch term), not its label: the log does not depend
    # on the language of whoever wrote the row.
    return f"AVG-verzoek {request.reference} ({request.kind})"[:100]


def _reference(prefix: str, year: int, pk: int) -> str:
    return f"{prefix}-{year}-{pk:06d}"


def _not_in_future(field: str, day: datetime.date | None) -> None:
    if day is not None and day > timezone.localdate():
        raise field_error(field, _("Deze datum ligt in de toekomst."), "future")


def _locked(actor: User, request: DataSubjectRequest) -> DataSubjectRequest:
    require_capability(actor, Capability.HANDLE_PRIVACY_REQUESTS)
    return (
        DataSubjectRequest.objects.visible_to(actor)
        .select_for_update()
        .get(pk=request.pk)
    )


def _move(request: DataSubjectRequest, to: str) -> None:
    """Refuse a status change that the table does not allow."""
    if to not in DataSubjectRequest.TRANSITIONS[request.status]:
        raise ValidationError(
            _(
                "Een verzoek met de status “%(status)s” kan niet meer zo worden gewijzigd."
            )
            % {"status": request.get_status_display()},
            code="transition",
        )
    request.status = to


def _save(
    actor: User,
    request: DataSubjectRequest,
    reason: str,
    *,
    action: str = AccessLogEntry.Action.UPDATE,
    address: str | None = None,
) -> DataSubjectRequest:
    request.full_clean()
    track(request, actor=actor, reason=reason)
    request.save()
    log_event(
        user=actor,
        action=action,
        obj=request,
        client=request.client,
        purpose=request_purpose(request),
        address=address,
    )
    return request


# --- requests of data subjects ---------------------------------------------------------


@transaction.atomic
def privacy_request_register(
    *,
    actor: User,
    client: Client,
    kind: str,
    requester_name: str,
    requester_relation: str,
    received_on: datetime.date,
    notes: str = "",
    address: str | None = None,
) -> DataSubjectRequest:
    """Register a request of a data subject about ``client``'s file, due one
    month after ``received_on`` (art. 12(3) AVG). Only a privacy officer, for
    a client file of their own organisation; not received in the future."""
    require_capability(actor, Capability.HANDLE_PRIVACY_REQUESTS)
    if not Client.objects.in_privacy_scope_of(actor).filter(pk=client.pk).exists():
        raise field_error(
            "client",
            _("Uw organisatie heeft geen cliënt met dit nummer."),
            "client_scope",
        )
    _not_in_future("received_on", received_on)
    requester_name = requester_name.strip()
    if not requester_name:
        raise field_error("requester_name", _("Vul de naam in."), "required")
    request = DataSubjectRequest(  # type: ignore[misc]  # require_capability admits only users of an organisation
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
        organisation_id=actor.organisation_id,
        kind=kind,
        client=client,
        requester_name=requester_name,
        requester_relation=requester_relation,
        received_on=received_on,
        due_on=answer_due_on(received_on),
        registered_by=actor,
        notes=notes.strip(),
    )
    request.full_clean(exclude=["reference"])
    track(request, actor=actor, reason="privacy_request_register")
    request.save()
    request.reference = _reference("AVG", timezone.localdate().year, request.pk)
    return _save(
        actor,
        request,
        "privacy_request_register",
        action=AccessLogEntry.Action.CREATE,
        address=address,
    )


@transaction.atomic
def privacy_request_check_identity(
    *,
    actor: User,
    request: DataSubjectRequest,
    checked_on: datetime.date,
    method: str,
    note: str = "",
    address: str | None = None,
) -> DataSubjectRequest:
    """Record that the asker's identity (and for a parent or representative
    their authority) was checked, on which day and how. Not before the
    request was received, not in the future."""
    request = _locked(actor, request)
    _not_in_future("checked_on", checked_on)
    if checked_on < request.received_on:
        raise field_error(
            "checked_on",
            _("De controle kan niet vóór de ontvangst van het verzoek liggen."),
            "before_received",
        )
    if (
        request.requester_relation != DataSubjectRequest.Relation.CLIENT
        and method == DataSubjectRequest.IdentityCheck.KNOWN
    ):
        raise field_error(
            "method",
            _(
                "Bij een ouder, voogd of vertegenwoordiger is ook de bevoegdheid "
                "gecontroleerd: kies hoe."
            ),
            "authority",
        )
    _move(request, Status.IDENTITY_CHECKED)
    request.identity_checked_by = actor
    request.identity_checked_on = checked_on
    request.identity_check_method = method
    request.identity_check_note = note.strip()
    return _save(actor, request, "privacy_request_check_identity", address=address)


@transaction.atomic
def privacy_request_extend(
    *,
    actor: User,
    request: DataSubjectRequest,
    reason: str,
    address: str | None = None,
) -> DataSubjectRequest:
    """Extend the term by two months, once, with a reason that the data
    subject is told, and only within the first month (art. 12(3) AVG)."""
    request = _locked(actor, request)
    if request.is_closed:
        raise ValidationError(
            _("Dit verzoek is afgehandeld; de termijn loopt niet meer."),
            code="closed",
        )
    if request.extended_on is not None:
        raise ValidationError(
            _("De termijn is al verlengd; dat kan maar één keer."), code="extended"
        )
    today = timezone.localdate()
    if today > request.due_on:
        raise ValidationError(
            _(
                "De termijn van een maand is verstreken: verlengen kan alleen "
                "binnen die maand."
            ),
            code="too_late",
        )
    reason = reason.strip()
    if not reason:
        raise field_error(
            "reason",
            _(
                "Schrijf waarom het verzoek meer tijd vraagt; de verzoeker krijgt die reden."
            ),
            "required",
        )
    request.extended_on = today
    request.extension_reason = reason
    request.due_on = answer_due_on(request.received_on, extended=True)
    return _save(actor, request, "privacy_request_extend", address=address)


@transaction.atomic
def privacy_request_start(
    *, actor: User, request: DataSubjectRequest, address: str | None = None
) -> DataSubjectRequest:
    """Mark a request whose identity is checked as in progress."""
    request = _locked(actor, request)
    _move(request, Status.IN_PROGRESS)
    return _save(actor, request, "privacy_request_start", address=address)


@transaction.atomic
def privacy_request_answer(
    *,
    actor: User,
    request: DataSubjectRequest,
    answered_on: datetime.date,
    summary: str,
    address: str | None = None,
) -> DataSubjectRequest:
    """Record that the answer was sent, when and what it said. A granted
    erasure request is carried out first, through the retention machinery
    (``retention.services.retention_erase_client``): its destruction is in
    the destruction register under the request's reference."""
    request = _locked(actor, request)
    _move(request, Status.ANSWERED)
    _not_in_future("answered_on", answered_on)
    if answered_on < request.received_on:
        raise field_error(
            "answered_on",
            _("Het antwoord kan niet vóór de ontvangst van het verzoek liggen."),
            "before_received",
        )
    summary = summary.strip()
    if not summary:
        raise field_error(
            "summary", _("Schrijf kort wat de verzoeker is geantwoord."), "required"
        )
    if request.kind == DataSubjectRequest.Kind.ERASURE:
        try:
            run = retention_erase_client(
                client=request.client,
                executed_by=actor,
                request_reference=request.reference,
            )
        except ErasureRefused:
            raise ValidationError(
                _(
                    "De cliënt heeft nog een lopende zaak. Die wordt eerst afgesloten "
                    "door wie de cliënt ondersteunt; daarna kan het dossier worden "
                    "verwijderd."
                ),
                code="open_case",
            ) from None
        request.erasure_run_id = run.run_id
        request.client.refresh_from_db()
    request.answered_on = answered_on
    request.answer_summary = summary
    action = (
        AccessLogEntry.Action.DELETE
        if request.kind == DataSubjectRequest.Kind.ERASURE
        else AccessLogEntry.Action.UPDATE
    )
    return _save(
        actor, request, "privacy_request_answer", action=action, address=address
    )


@transaction.atomic
def privacy_request_refuse(
    *,
    actor: User,
    request: DataSubjectRequest,
    reason: str,
    address: str | None = None,
) -> DataSubjectRequest:
    """Refuse a request, with the reason the asker is told (art. 12(4) AVG:
    also that they can complain to the AP and go to court)."""
    request = _locked(actor, request)
    _move(request, Status.REFUSED)
    reason = reason.strip()
    if not reason:
        raise field_error(
            "reason", _("Schrijf waarom het verzoek wordt afgewezen."), "required"
        )
    request.refusal_reason = reason
    return _save(actor, request, "privacy_request_refuse", address=address)


@transaction.atomic
def privacy_request_withdraw(
    *,
    actor: User,
    request: DataSubjectRequest,
    withdrawn_on: datetime.date,
    note: str = "",
    address: str | None = None,
) -> DataSubjectRequest:
    """Record that the asker withdrew the request."""
    request = _locked(actor, request)
    _move(request, Status.WITHDRAWN)
    _not_in_future("withdrawn_on", withdrawn_on)
    request.withdrawn_on = withdrawn_on
    if note.strip():
        request.notes = "\n".join(filter(None, [request.notes, note.strip()]))
    return _save(actor, request, "privacy_request_withdraw", address=address)


@transaction.atomic
def privacy_request_export(
    *,
    actor: User,
    request: DataSubjectRequest,
    fmt: str,
    address: str | None = None,
) -> DataSubjectRequest:
    """Record that the inzage export was made (``fmt``: ``json`` or ``pdf``)
    and write its EXPORT row to the access log, with the request's reference
    as the purpose, before the export is handed over. Only for an inzage
    request whose identity is checked and that is not yet closed; the first
    export moves it to "in behandeling"."""
    request = _locked(actor, request)
    if not request.is_exportable:
        raise ValidationError(
            _(
                "Een export kan alleen bij een inzageverzoek met gecontroleerde identiteit."
            ),
            code="not_exportable",
        )
    if request.status == Status.IDENTITY_CHECKED:
        _move(request, Status.IN_PROGRESS)
    request.exported_at = timezone.now()
    request.exported_by = actor
    request.export_count += 1
    request.full_clean()
    track(request, actor=actor, reason=f"privacy_request_export_{fmt}")
    request.save()
    log_event(
        user=actor,
        action=AccessLogEntry.Action.EXPORT,
        obj=request,
        client=request.client,
        purpose=request_purpose(request),
        address=address,
        object_type=EXPORT_FORMATS[fmt],
        object_id=request.reference,
    )
    return request


# --- data breaches ----------------------------------------------------------------------


def _locked_breach(actor: User, breach: DataBreach) -> DataBreach:
    require_capability(actor, Capability.HANDLE_PRIVACY_REQUESTS)
    return DataBreach.objects.visible_to(actor).select_for_update().get(pk=breach.pk)


def _save_breach(actor: User, breach: DataBreach, reason: str) -> DataBreach:
    breach.full_clean()
    track(breach, actor=actor, reason=reason)
    breach.save()
    return breach


@transaction.atomic
def breach_register(
    *,
    actor: User,
    description: str,
    found_at: datetime.datetime,
    personal_data: str,
    subjects_description: str,
    subjects_count: int | None = None,
    occurred_at: datetime.datetime | None = None,
    measures: str = "",
) -> DataBreach:
    """Register a data breach of the privacy officer's organisation, to be
    reported to the Autoriteit Persoonsgegevens within 72 hours of its
    discovery (art. 33 AVG). Found not in the future, and not before it
    happened."""
    require_capability(actor, Capability.HANDLE_PRIVACY_REQUESTS)
    now = timezone.now()
    if found_at > now:
        raise field_error("found_at", _("Dit tijdstip ligt in de toekomst."), "future")
    if occurred_at is not None and occurred_at > found_at:
        raise field_error(
            "occurred_at",
            _("Het lek kan niet ná de ontdekking zijn gebeurd."),
            "after_found",
        )
    breach = DataBreach(  # type: ignore[misc]  # require_capability admits only users of an organisation
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
        organisation_id=actor.organisation_id,
        description=description.strip(),
        occurred_at=occurred_at,
        found_at=found_at,
        registered_by=actor,
        personal_data=personal_data.strip(),
        subjects_description=subjects_description.strip(),
        subjects_count=subjects_count,
        measures=measures.strip(),
        report_due_at=breach_report_due_at(found_at),
    )
    breach.full_clean(exclude=["reference"])
    track(breach, actor=actor, reason="breach_register")
    breach.save()
    breach.reference = _reference("DL", timezone.localdate().year, breach.pk)
    _save_breach(actor, breach, "breach_register")
    events.breach_registered(breach=breach)
    return breach


@transaction.atomic
def breach_assess(
    *,
    actor: User,
    breach: DataBreach,
    reported_to_ap_at: datetime.datetime | None,
    ap_reference: str = "",
    delay_reason: str = "",
    not_reported_reason: str = "",
    subjects_informed: str,
    subjects_informed_on: datetime.date | None = None,
    subjects_not_informed_reason: str = "",
    measures: str = "",
) -> DataBreach:
    """Record the decisions on a breach: reported to the AP (when, its
    number, and for a report after the 72 hours the reason for the delay) or
    why not (art. 33(1) and (5)); and whether the data subjects were told
    (when) or why not (art. 34)."""
    breach = _locked_breach(actor, breach)
    if DataBreach.Status.ASSESSED not in DataBreach.TRANSITIONS[breach.status]:
        raise ValidationError(
            _("Dit datalek is afgehandeld en kan niet meer worden gewijzigd."),
            code="transition",
        )
    not_reported_reason = not_reported_reason.strip()
    if reported_to_ap_at is None and not not_reported_reason:
        raise field_error(
            "not_reported_reason",
            _("Vul in wanneer het lek bij de AP is gemeld, of waarom niet."),
            "report_decision",
        )
    if reported_to_ap_at is not None:
        if not_reported_reason:
            raise field_error(
                "not_reported_reason",
                _("Het lek is gemeld: laat de reden voor niet melden leeg."),
                "both",
            )
        if reported_to_ap_at > timezone.now():
            raise field_error(
                "reported_to_ap_at", _("Dit tijdstip ligt in de toekomst."), "future"
            )
        if reported_to_ap_at < breach.found_at:
            raise field_error(
                "reported_to_ap_at",
                _("De melding kan niet vóór de ontdekking liggen."),
                "before_found",
            )
        if reported_to_ap_at > breach.report_due_at and not delay_reason.strip():
            raise field_error(
                "delay_reason",
                _(
                    "De melding is later dan 72 uur na de ontdekking: schrijf de "
                    "reden van de vertraging (art. 33 lid 1 AVG)."
                ),
                "late",
            )
    informed = DataBreach.Informed
    if subjects_informed == informed.UNDECIDED:
        raise field_error(
            "subjects_informed",
            _("Kies of de betrokkenen zijn geïnformeerd."),
            "informed_decision",
        )
    if subjects_informed == informed.YES and subjects_informed_on is None:
        raise field_error("subjects_informed_on", _("Vul in wanneer."), "informed_on")
    if subjects_informed == informed.NO and not subjects_not_informed_reason.strip():
        raise field_error(
            "subjects_not_informed_reason",
            _("Schrijf waarom de betrokkenen niet zijn geïnformeerd."),
            "not_informed_reason",
        )
    if subjects_informed_on is not None and subjects_informed_on > timezone.localdate():
        raise field_error(
            "subjects_informed_on", _("Deze datum ligt in de toekomst."), "future"
        )
    breach.status = DataBreach.Status.ASSESSED
    breach.reported_to_ap_at = reported_to_ap_at
    breach.ap_reference = ap_reference.strip() if reported_to_ap_at else ""
    breach.delay_reason = delay_reason.strip() if breach.reported_late else ""
    breach.not_reported_reason = not_reported_reason
    breach.subjects_informed = subjects_informed
    breach.subjects_informed_on = (
        subjects_informed_on if subjects_informed == informed.YES else None
    )
    breach.subjects_not_informed_reason = (
        subjects_not_informed_reason.strip() if subjects_informed == informed.NO else ""
    )
    if measures.strip():
        breach.measures = measures.strip()
    _save_breach(actor, breach, "breach_assess")
    events.breach_assessed(breach=breach)
    return breach


@transaction.atomic
def breach_close(*, actor: User, breach: DataBreach) -> DataBreach:
    """Close an assessed breach: nothing is left to do."""
    breach = _locked_breach(actor, breach)
    if DataBreach.Status.CLOSED not in DataBreach.TRANSITIONS[breach.status]:
        raise ValidationError(
            _(
                "Een datalek wordt eerst beoordeeld: melding bij de AP en de betrokkenen."
            ),
            code="transition",
        )
    breach.status = DataBreach.Status.CLOSED
    breach.closed_at = timezone.now()
    _save_breach(actor, breach, "breach_close")
    events.breach_closed(breach=breach)
    return breach
