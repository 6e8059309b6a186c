"""The privacy officer's registers (AVG): requests of data subjects with
their terms and statuses, a granted erasure carried out by the retention
machinery, and the data-breach register with its 72 hours. The pages (forms,
lists, dashboard) are in ``test_register_pages.py``."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from audit.models import AccessLogEntry
from cases import services as case_services
from cases.models import Client, Note, SupportCase
from privacy import services
from privacy.deadlines import add_months, answer_due_on, breach_report_due_at
from privacy.models import DataBreach, DataSubjectRequest
from retention.models import DestructionRecord
from retention.services import ANONYMISED, ERASURE_RULE
from roles.models import InformalSupporter
from tests.support.checks import error_codes
from tests.support.privacy import privacy_officer, register_breach, register_request

Status = DataSubjectRequest.Status
Kind = DataSubjectRequest.Kind
D = datetime.date

# --- terms -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due", "extended"),
    [
        (D(2026, 1, 31), D(2026, 2, 28), D(2026, 4, 30)),
        (D(2028, 1, 31), D(2028, 2, 29), D(2028, 4, 30)),
        (D(2026, 3, 15), D(2026, 4, 15), D(2026, 6, 15)),
        (D(2026, 8, 31), D(2026, 9, 30), D(2026, 11, 30)),
        (D(2026, 11, 30), D(2026, 12, 30), D(2027, 2, 28)),
        (D(2026, 12, 31), D(2027, 1, 31), D(2027, 3, 31)),
    ],
)
def test_the_answer_is_due_a_month_after_receipt(received, due, extended) -> None:
    """A request is answered within one month of receipt, three when the term
    is extended (art. 12(3) AVG); a month without the day ends on its last
    day (Regulation 1182/71 art. 3(2)(c)): 31 January + 1 month = 28 February."""
    assert answer_due_on(received) == due
    assert answer_due_on(received, extended=True) == extended


def test_months_are_added_across_years() -> None:
    """Adding months rolls over the year and keeps the day where it exists."""
    assert add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)
    assert add_months(D(2026, 10, 31), 4) == D(2027, 2, 28)
    assert add_months(D(2026, 5, 5), 24) == D(2028, 5, 5)


def test_a_breach_is_reported_within_72_hours() -> None:
    """A breach found at a moment is due at the AP 72 hours later (art. 33)."""
    found = timezone.make_aware(datetime.datetime(2026, 3, 27, 14, 30))
    assert breach_report_due_at(found) == found + datetime.timedelta(hours=72)


# --- requests ----------------------------------------------------------------------------


def test_registering_sets_the_due_date_and_logs_it(po, youth) -> None:
    """A registered request is due one month after receipt, gets a reference,
    and its registration is one access-log row about the client."""
    received = timezone.localdate() - datetime.timedelta(days=3)
    request = register_request(po, youth, checked=False, received_on=received)
    assert request.due_on == answer_due_on(received)
    assert request.reference.startswith(f"AVG-{timezone.localdate().year}-")
    assert request.status == Status.RECEIVED
    row = AccessLogEntry.objects.filter(client=youth, action="create").latest("pk")
    assert row.object_type == "datasubjectrequest"
    assert request.reference in row.purpose


def test_a_request_is_not_received_in_the_future(po, youth) -> None:
    """A receipt date in the future is refused on its field."""
    with pytest.raises(ValidationError) as info:
        register_request(
            po, youth, received_on=timezone.localdate() + datetime.timedelta(days=1)
        )
    assert "received_on" in info.value.message_dict
    assert not DataSubjectRequest.objects.exists()


def test_a_request_is_for_a_client_of_the_own_organisation(privacy_world) -> None:
    """The client-support organisation's privacy officer cannot register a
    request about the AKJ's client file (R13)."""
    other = privacy_officer(
        Organisation.objects.get(name="Cliëntondersteuning Utrecht"), "po2"
    )
    with pytest.raises(ValidationError) as info:
        register_request(other, Client.objects.get(pk=privacy_world.objects["youth"]))
    assert "client_scope" in error_codes(info.value)
    assert not DataSubjectRequest.objects.exists()


def test_requests_are_visible_to_their_own_organisations_officer(
    privacy_world, po, youth
) -> None:
    """``visible_to``: the own organisation's privacy officer sees the request;
    another organisation's privacy officer and the client's own confidant
    see none."""
    request = register_request(po, youth)
    other = privacy_officer(
        Organisation.objects.get(name="Cliëntondersteuning Utrecht"), "po2"
    )
    assert list(DataSubjectRequest.objects.visible_to(po)) == [request]
    assert not DataSubjectRequest.objects.visible_to(other).exists()
    assert not DataSubjectRequest.objects.visible_to(
        privacy_world.users["vp1"]
    ).exists()


def test_the_transition_table_ends_in_answered_refused_or_withdrawn() -> None:
    """Answered, refused and withdrawn are final; an answer needs a checked
    identity first (received → answered is not a transition)."""
    table = DataSubjectRequest.TRANSITIONS
    assert set(table) == set(Status.values)
    for final in DataSubjectRequest.CLOSED_STATUSES:
        assert table[final] == frozenset()
    assert Status.ANSWERED not in table[Status.RECEIVED]
    assert Status.IN_PROGRESS not in table[Status.RECEIVED]


def test_no_answer_before_the_identity_is_checked(po, youth) -> None:
    """Answering a request whose identity is not checked is refused and
    changes nothing."""
    request = register_request(po, youth, checked=False)
    with pytest.raises(ValidationError) as info:
        services.privacy_request_answer(
            actor=po,
            request=request,
            answered_on=timezone.localdate(),
            summary="Verstuurd.",
        )
    assert "transition" in error_codes(info.value)
    request.refresh_from_db()
    assert request.status == Status.RECEIVED
    assert request.answered_on is None


def test_a_closed_request_changes_no_more(po, youth) -> None:
    """A withdrawn request cannot be answered, refused or extended."""
    request = services.privacy_request_withdraw(
        actor=po,
        request=register_request(po, youth),
        withdrawn_on=timezone.localdate(),
    )
    assert request.status == Status.WITHDRAWN
    with pytest.raises(ValidationError):
        services.privacy_request_refuse(actor=po, request=request, reason="Nee.")
    with pytest.raises(ValidationError):
        services.privacy_request_extend(actor=po, request=request, reason="Druk.")
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN


def test_the_flow_received_checked_in_progress_answered(po, youth) -> None:
    """The usual way: identity checked, in progress, answered; each step a
    version with its reason and an access-log row."""
    request = register_request(po, youth)
    assert request.status == Status.IDENTITY_CHECKED
    assert request.identity_checked_by == po
    request = services.privacy_request_start(actor=po, request=request)
    request = services.privacy_request_answer(
        actor=po,
        request=request,
        answered_on=timezone.localdate(),
        summary="Inzage per beveiligde mail verstuurd.",
    )
    assert request.status == Status.ANSWERED
    reasons = list(
        request.history.order_by("history_date", "history_id").values_list(
            "history_change_reason", flat=True
        )
    )
    assert reasons[-3:] == [
        "privacy_request_check_identity",
        "privacy_request_start",
        "privacy_request_answer",
    ]
    purposes = AccessLogEntry.objects.filter(
        client=youth, object_type="datasubjectrequest"
    ).values_list("purpose", flat=True)
    assert len(purposes) == 4
    assert all(request.reference in p for p in purposes)


def test_refusing_needs_a_reason(po, youth) -> None:
    """A refusal without a reason is refused on the reason field."""
    request = register_request(po, youth, checked=False)
    with pytest.raises(ValidationError) as info:
        services.privacy_request_refuse(actor=po, request=request, reason="  ")
    assert "reason" in info.value.message_dict
    services.privacy_request_refuse(
        actor=po, request=request, reason="De identiteit kon niet worden vastgesteld."
    )


def test_identity_is_not_checked_before_receipt_and_authority_for_others(
    po, youth
) -> None:
    """The check is not dated before the receipt; for a parent the check of
    their authority cannot be "personally known"."""
    received = timezone.localdate() - datetime.timedelta(days=2)
    request = register_request(
        po,
        youth,
        checked=False,
        received_on=received,
        relation=DataSubjectRequest.Relation.PARENT,
    )
    with pytest.raises(ValidationError) as info:
        services.privacy_request_check_identity(
            actor=po,
            request=request,
            checked_on=received - datetime.timedelta(days=1),
            method="in_person",
        )
    assert "checked_on" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.privacy_request_check_identity(
            actor=po, request=request, checked_on=received, method="known"
        )
    assert "authority" in error_codes(info.value)


def test_the_term_is_extended_once_by_two_months_with_a_reason(po, youth) -> None:
    """Extending moves the due date to three months after receipt, needs a
    reason and is possible once."""
    received = timezone.localdate() - datetime.timedelta(days=10)
    request = register_request(po, youth, received_on=received)
    with pytest.raises(ValidationError) as info:
        services.privacy_request_extend(actor=po, request=request, reason="")
    assert "reason" in info.value.message_dict
    request = services.privacy_request_extend(
        actor=po, request=request, reason="Veel zaken en gesprekken om na te gaan."
    )
    assert request.due_on == answer_due_on(received, extended=True)
    assert request.extended_on == timezone.localdate()
    with pytest.raises(ValidationError) as info:
        services.privacy_request_extend(actor=po, request=request, reason="Nog eens.")
    assert "extended" in error_codes(info.value)


def test_the_term_is_not_extended_after_the_first_month(po, youth) -> None:
    """Once the month has passed the term cannot be extended any more."""
    received = add_months(timezone.localdate(), -1) - datetime.timedelta(days=1)
    request = register_request(po, youth, received_on=received)
    with pytest.raises(ValidationError) as info:
        services.privacy_request_extend(actor=po, request=request, reason="Te laat.")
    assert "too_late" in error_codes(info.value)
    request.refresh_from_db()
    assert request.extended_on is None


# --- erasure through the retention machinery ---------------------------------------------


def test_a_granted_erasure_goes_through_the_retention_register(
    client, privacy_world, po
) -> None:
    """Answering an erasure request of a client whose cases are closed
    destroys the file by the retention rules (cases, notes, informal
    supporters), anonymises the client, and records every destruction in the
    destruction register with the request's reference; the access log keeps
    its rows and gets a DELETE row."""
    from roles import services as role_services

    vp2 = privacy_world.users["vp2"]
    mother = Client.objects.get(pk=privacy_world.objects["mother"])
    role_services.informal_supporter_add(
        actor=vp2, client=mother, name="Buurvrouw Els", relation="buurvrouw"
    )
    for case in SupportCase.objects.filter(client=mother).open():
        case_services.note_add(actor=vp2, case=case, text="Gesprek over de omgang.")
        case_services.case_close(actor=vp2, case=case, outcome="resolved")
    case_ids = set(
        SupportCase.objects.filter(client=mother).values_list("pk", flat=True)
    )
    assert case_ids
    log_rows = AccessLogEntry.objects.count()
    request = register_request(po, mother, Kind.ERASURE)

    client.force_login(po)
    response = client.post(
        reverse("web:privacy_request_answer", args=[request.pk]),
        {
            "answered_on": timezone.localdate().isoformat(),
            "summary": "Dossier verwijderd; de cliënt per brief geïnformeerd.",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    mother.refresh_from_db()
    assert mother.first_name == ANONYMISED
    assert not SupportCase.objects.filter(pk__in=case_ids).exists()
    assert not Note.objects.filter(case_id__in=case_ids).exists()
    assert not InformalSupporter.objects.filter(client=mother).exists()
    records = DestructionRecord.objects.filter(run_id=request.erasure_run_id)
    assert records.exists()
    assert set(records.values_list("rule", flat=True)) == {ERASURE_RULE}
    assert set(records.values_list("request_reference", flat=True)) == {
        request.reference
    }
    assert set(records.get(record_type="cases.supportcase").object_ids) == case_ids
    assert records.get(record_type="cases.client").action == "anonymised"
    assert AccessLogEntry.objects.count() > log_rows
    assert AccessLogEntry.objects.filter(
        client=mother, action="delete", object_type="datasubjectrequest"
    ).exists()
    page = client.get(reverse("web:retention_register"))
    assert "Verwijderverzoek van de cliënt" in page.text
    assert f"op verzoek {request.reference}" in page.text


def test_an_erasure_waits_for_the_open_cases(client, privacy_world, po) -> None:
    """A client with an open case is not erased: the answer is refused with a
    message on the form, and nothing is destroyed or recorded."""
    mother = Client.objects.get(pk=privacy_world.objects["mother"])
    request = register_request(po, mother, Kind.ERASURE)
    client.force_login(po)
    response = client.post(
        reverse("web:privacy_request_answer", args=[request.pk]),
        {"answered_on": timezone.localdate().isoformat(), "summary": "Verwijderd."},
    )
    assert response.status_code == 200
    assert "lopende zaak" in response.text
    assert not DestructionRecord.objects.exists()
    mother.refresh_from_db()
    assert mother.first_name == "Anouk"
    request.refresh_from_db()
    assert request.status == Status.IDENTITY_CHECKED
    # The refused answer is still one logged read of the page.
    assert AccessLogEntry.objects.filter(
        client=mother, action="read", object_type="datasubjectrequest"
    ).exists()


# --- breaches ---------------------------------------------------------------------------


def test_a_breach_is_due_at_the_ap_72_hours_after_discovery(po) -> None:
    """Registering a breach sets its AP deadline 72 hours after discovery."""
    found = timezone.now() - datetime.timedelta(hours=5)
    breach = register_breach(po, found_at=found)
    assert breach.report_due_at == found + datetime.timedelta(hours=72)
    assert breach.reference.startswith("DL-")
    assert breach.deadline_state(timezone.now()) == "due_soon"
    assert breach.deadline_state(found + datetime.timedelta(hours=73)) == "overdue"


def test_assessing_needs_a_reporting_decision_and_informing_decision(po) -> None:
    """No report and no reason is refused; so is no decision on informing the
    data subjects; a reason for not reporting and "no, because" is accepted."""
    breach = register_breach(po)
    with pytest.raises(ValidationError) as info:
        services.breach_assess(
            actor=po, breach=breach, reported_to_ap_at=None, subjects_informed="no"
        )
    assert "not_reported_reason" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.breach_assess(
            actor=po,
            breach=breach,
            reported_to_ap_at=None,
            not_reported_reason="Versleuteld bestand, sleutel niet gelekt.",
            subjects_informed="undecided",
        )
    assert "subjects_informed" in info.value.message_dict
    breach = services.breach_assess(
        actor=po,
        breach=breach,
        reported_to_ap_at=None,
        not_reported_reason="Versleuteld bestand, sleutel niet gelekt.",
        subjects_informed="no",
        subjects_not_informed_reason="Geen risico voor de betrokkenen.",
    )
    assert breach.status == DataBreach.Status.ASSESSED
    assert breach.deadline_state(timezone.now()) == ""


def test_a_report_after_72_hours_needs_the_reason_for_the_delay(po) -> None:
    """A report later than 72 hours after discovery is accepted only with the
    reason for the delay (art. 33(1) AVG)."""
    found = timezone.now() - datetime.timedelta(hours=100)
    breach = register_breach(po, found_at=found)
    late = found + datetime.timedelta(hours=80)
    with pytest.raises(ValidationError) as info:
        services.breach_assess(
            actor=po,
            breach=breach,
            reported_to_ap_at=late,
            subjects_informed="yes",
            subjects_informed_on=timezone.localdate(),
        )
    assert "late" in error_codes(info.value)
    breach = services.breach_assess(
        actor=po,
        breach=breach,
        reported_to_ap_at=late,
        ap_reference="M-2026-123",
        delay_reason="Het lek werd pas na onderzoek van de leverancier duidelijk.",
        subjects_informed="yes",
        subjects_informed_on=timezone.localdate(),
    )
    assert breach.reported_late
    assert breach.ap_reference == "M-2026-123"


def test_a_breach_is_closed_only_after_assessment(po) -> None:
    """Closing a registered breach is refused; an assessed one closes, and a
    closed one changes no more."""
    breach = register_breach(po)
    with pytest.raises(ValidationError):
        services.breach_close(actor=po, breach=breach)
    breach = services.breach_assess(
        actor=po,
        breach=breach,
        reported_to_ap_at=timezone.now(),
        subjects_informed="yes",
        subjects_informed_on=timezone.localdate(),
    )
    breach = services.breach_close(actor=po, breach=breach)
    assert breach.status == DataBreach.Status.CLOSED
    with pytest.raises(ValidationError):
        services.breach_assess(
            actor=po,
            breach=breach,
            reported_to_ap_at=timezone.now(),
            subjects_informed="yes",
            subjects_informed_on=timezone.localdate(),
        )


def test_breaches_are_kept_per_organisation(privacy_world, po) -> None:
    """Another organisation's privacy officer sees none of the AKJ's breaches,
    and their detail page is 404."""
    breach = register_breach(po)
    other = privacy_officer(
        Organisation.objects.get(name="Cliëntondersteuning Utrecht"), "po2"
    )
    assert not DataBreach.objects.visible_to(other).exists()
    assert list(DataBreach.objects.visible_to(po)) == [breach]


def _hours(n: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=n)


@pytest.mark.parametrize(
    ("arguments", "field", "code"),
    [
        (
            {"reported_to_ap_at": "now", "not_reported_reason": "Niet nodig."},
            "not_reported_reason",
            "both",
        ),
        ({"reported_to_ap_at": 2}, "reported_to_ap_at", "future"),
        ({"reported_to_ap_at": -10}, "reported_to_ap_at", "before_found"),
        (
            {"subjects_informed": "yes", "subjects_informed_on": None},
            "subjects_informed_on",
            "informed_on",
        ),
        (
            {"subjects_informed": "no", "subjects_not_informed_reason": "  "},
            "subjects_not_informed_reason",
            "not_informed_reason",
        ),
        (
            {"subjects_informed_on": datetime.date(2999, 1, 1)},
            "subjects_informed_on",
            "future",
        ),
    ],
)
def test_an_assessment_that_does_not_add_up_changes_nothing(
    po, arguments, field, code
) -> None:
    """Reported and a reason for not reporting, a report in the future or
    before the discovery, informed without a date, not informed without a
    reason, informed on a future date: each refused next to its field."""
    breach = register_breach(po, found_at=_hours(-5))
    given = {
        "reported_to_ap_at": _hours(-1),
        "subjects_informed": "yes",
        "subjects_informed_on": timezone.localdate(),
        **arguments,
    }
    if isinstance(given["reported_to_ap_at"], int):
        given["reported_to_ap_at"] = _hours(given["reported_to_ap_at"])
    elif given["reported_to_ap_at"] == "now":
        given["reported_to_ap_at"] = timezone.now()
    with pytest.raises(ValidationError) as info:
        services.breach_assess(actor=po, breach=breach, **given)
    assert field in info.value.message_dict
    assert error_codes(info.value) == {code}
    breach.refresh_from_db()
    assert breach.status == DataBreach.Status.REGISTERED


def test_the_measures_of_an_assessment_are_kept(po) -> None:
    """Measures written at the assessment are stored, without the spaces."""
    breach = services.breach_assess(
        actor=po,
        breach=register_breach(po, found_at=_hours(-5)),
        reported_to_ap_at=_hours(-1),
        subjects_informed="yes",
        subjects_informed_on=timezone.localdate(),
        measures="  Het adresboek is opgeschoond.  ",
    )
    breach.refresh_from_db()
    assert breach.measures == "Het adresboek is opgeschoond."
