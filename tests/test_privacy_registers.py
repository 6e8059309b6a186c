"""The privacy officer's registers (AVG): requests of data subjects with
their terms and statuses, the data-breach register with its 72 hours, a
granted erasure carried out by the retention machinery, the due dates on the
dashboard, the lists' query budgets and the forms' errors."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from cases import services as case_services
from cases.models import AccessLogEntry, Client, Note, SupportCase
from privacy import services
from privacy.deadlines import add_months, answer_due_on, breach_report_due_at
from privacy.models import DataBreach, DataSubjectRequest
from retention.models import DestructionRecord
from retention.services import ANONYMISED, ERASURE_RULE
from roles.models import InformalSupporter
from tests.conftest import World, access_log_queries, error_codes
from tests.privacy_helpers import privacy_officer, register_breach, register_request

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


@pytest.fixture
def po(privacy_world: World):
    return privacy_world.users["po"]


@pytest.fixture
def youth(privacy_world: World) -> Client:
    return Client.objects.get(pk=privacy_world.objects["youth"])


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


# --- pages: forms, lists, dashboard --------------------------------------------------------


def test_registering_through_the_page(client, privacy_world, po, youth) -> None:
    """The register form with ``?client=`` names the client (one log row) and
    a valid POST registers the request and goes to its page."""
    client.force_login(po)
    url = reverse("web:privacy_request_register")
    page = client.get(f"{url}?client={youth.pk}")
    assert "Sem Bakker" in page.text
    response = client.post(
        url,
        {
            "client": youth.pk,
            "kind": "inzage",
            "requester_name": "Sem Bakker",
            "requester_relation": "client",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    request = DataSubjectRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == request.get_absolute_url()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {
            "client": "10" * 20,
            "kind": "inzage",
            "requester_name": "X",
            "requester_relation": "client",
            "received_on": "2026-01-01",
        },
        {
            "client": "abc",
            "kind": "nope",
            "requester_name": "",
            "requester_relation": "x",
            "received_on": "31-31-2026",
        },
        {
            "client": "999999",
            "kind": "inzage",
            "requester_name": "X",
            "requester_relation": "client",
            "received_on": "2026-01-01",
        },
    ],
)
def test_bad_input_to_the_register_form_is_a_form_error(
    client, privacy_world, po, data
) -> None:
    """Empty, oversized, malformed or unknown input gives the form again with
    errors next to the fields; nothing is registered, never a 500."""
    client.force_login(po)
    response = client.post(reverse("web:privacy_request_register"), data)
    assert response.status_code == 200
    assert (
        "utrecht-form-field-error-message" in response.text
        or "errorlist" in response.text
    )
    assert not DataSubjectRequest.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("web:privacy_request_identity", {"checked_on": "gisteren", "method": "x"}),
        ("web:privacy_request_extend", {"reason": ""}),
        ("web:privacy_request_answer", {"answered_on": "2999-01-01", "summary": "Ja"}),
        ("web:privacy_request_refuse", {}),
        ("web:privacy_request_withdraw", {"withdrawn_on": ""}),
    ],
)
def test_bad_input_to_a_request_form_changes_nothing(
    client, po, youth, name, data
) -> None:
    """Bad input on a request's forms is shown on the form; the request is as
    it was, and the page is still one logged read."""
    request = register_request(po, youth, checked=False)
    client.force_login(po)
    before = AccessLogEntry.objects.count()
    response = client.post(reverse(name, args=[request.pk]), data)
    assert response.status_code == 200
    assert AccessLogEntry.objects.count() == before + 1
    request.refresh_from_db()
    assert request.status == Status.RECEIVED
    assert request.extended_on is None


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("web:privacy_breach_register", {}),
        (
            "web:privacy_breach_register",
            {
                "description": "x",
                "found_at": "2999-01-01T10:00",
                "personal_data": "x",
                "subjects_description": "x",
                "subjects_count": "10" * 20,
            },
        ),
        (
            "web:privacy_breach_register",
            {
                "description": "x",
                "found_at": "2999-01-01T10:00",
                "personal_data": "x",
                "subjects_description": "x",
            },
        ),
    ],
)
def test_bad_input_to_the_breach_form_is_a_form_error(
    client, privacy_world, po, name, data
) -> None:
    """The breach form shows its errors and registers nothing."""
    client.force_login(po)
    response = client.post(reverse(name), data)
    assert response.status_code == 200
    assert not DataBreach.objects.exists()


def test_breach_assess_page_shows_the_error_next_to_the_field(client, po) -> None:
    """Assessing without a decision shows the error on the page; the breach
    stays registered."""
    breach = register_breach(po)
    client.force_login(po)
    response = client.post(
        reverse("web:privacy_breach_assess", args=[breach.pk]),
        {"subjects_informed": "no"},
    )
    assert response.status_code == 200
    assert (
        "Vul in wanneer het lek bij de AP is gemeld, of waarom niet." in response.text
    )
    breach.refresh_from_db()
    assert breach.status == DataBreach.Status.REGISTERED


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("name", "budget", "logged"),
    [("web:privacy_request_list", 8, True), ("web:privacy_breach_list", 7, False)],
)
def test_the_lists_cost_a_fixed_number_of_queries(
    client,
    privacy_world,
    po,
    youth,
    django_assert_max_num_queries,
    name,
    budget,
    logged,
) -> None:
    """The request and breach lists cost the same with 2 rows as with 22, and
    at most their budget (session, user, the rows and their count, the
    access-log row of the request list)."""
    mother = Client.objects.get(pk=privacy_world.objects["mother"])
    for _ in range(2):
        register_request(po, youth)
        register_breach(po)
    client.force_login(po)
    url = reverse(name)
    few = _queries(client, url)
    for _ in range(10):
        register_request(po, mother, checked=False)
        register_request(po, youth, Kind.OBJECTION)
        register_breach(po)
        register_breach(po)
    assert _queries(client, url) == few
    with django_assert_max_num_queries(
        budget + (access_log_queries() if logged else 0)
    ):
        client.get(url)


def test_the_dashboard_shows_the_due_dates_without_client_names(
    client, privacy_world, po, youth
) -> None:
    """The privacy officer's dashboard lists the requests that are overdue or
    due within 7 days and the breaches without a reporting decision, marked
    "Te laat" / "Binnenkort", by reference only; another organisation's are
    not there and a request due later is not listed."""
    today = timezone.localdate()
    overdue = register_request(
        po, youth, received_on=add_months(today, -1) - datetime.timedelta(days=2)
    )
    soon = register_request(
        po, youth, received_on=add_months(today, -1) + datetime.timedelta(days=3)
    )
    later = register_request(po, youth)
    breach = register_breach(po, found_at=timezone.now() - datetime.timedelta(hours=80))
    other_po = privacy_officer(
        Organisation.objects.get(name="Cliëntondersteuning Utrecht"), "po2"
    )
    other = register_request(
        other_po,
        Client.objects.get(pk=privacy_world.objects["co_youth"]),
        received_on=today - datetime.timedelta(days=40),
    )
    client.force_login(po)
    page = client.get(reverse("web:dashboard")).text
    assert overdue.reference in page
    assert soon.reference in page
    assert later.reference not in page
    assert breach.reference in page
    assert other.reference not in page
    assert "Te laat" in page
    assert "Binnenkort" in page
    assert "Sem" not in page


def test_a_request_through_its_pages(client, po, youth) -> None:
    """Identity checked and term extended through the request's forms: each
    POST goes back to the request, which shows the new due date."""
    request = register_request(po, youth, checked=False)
    client.force_login(po)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("web:privacy_request_identity", args=[request.pk]),
        {"checked_on": today, "method": "in_person"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("web:privacy_request_extend", args=[request.pk]),
        {"reason": "Het dossier is omvangrijk."},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.IDENTITY_CHECKED
    assert request.due_on == answer_due_on(request.received_on, extended=True)
    page = client.get(request.get_absolute_url())
    assert "Het dossier is omvangrijk." in page.text
    assert reverse("web:privacy_request_export_json", args=[request.pk]) in page.text


def test_a_breach_through_its_pages(client, po) -> None:
    """A breach registered, assessed and closed through its forms; each
    change is one access-log row about the breach and no client (the breach
    pages name none)."""
    client.force_login(po)
    before = AccessLogEntry.objects.count()
    found = timezone.localtime() - datetime.timedelta(hours=2)
    response = client.post(
        reverse("web:privacy_breach_register"),
        {
            "description": "Een laptop met een export is gestolen.",
            "found_at": found.strftime("%Y-%m-%dT%H:%M"),
            "personal_data": "Namen en geboortedata",
            "subjects_description": "Cliënten van één team",
            "subjects_count": "40",
        },
    )
    assert response.status_code == 302
    breach = DataBreach.objects.get()
    assert breach.report_due_at == breach.found_at + datetime.timedelta(hours=72)
    response = client.post(
        reverse("web:privacy_breach_assess", args=[breach.pk]),
        {
            "reported_to_ap_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "ap_reference": "M-1",
            "subjects_informed": "yes",
            "subjects_informed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    response = client.post(reverse("web:privacy_breach_close", args=[breach.pk]))
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.status == DataBreach.Status.CLOSED
    detail = client.get(breach.get_absolute_url())
    assert "M-1" in detail.text
    rows = AccessLogEntry.objects.order_by("pk")[before:]
    assert [(r.action, r.object_type, r.client_id) for r in rows] == [
        ("create", "databreach", None),
        ("update", "databreach", None),
        ("update", "databreach", None),
    ]
