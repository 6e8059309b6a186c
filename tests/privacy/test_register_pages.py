"""The pages of the privacy officer's registers: the forms and their errors,
the lists' query budgets and the due dates on the dashboard.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from audit.models import AccessLogEntry
from cases.models import Client
from privacy.deadlines import add_months, answer_due_on
from privacy.models import DataBreach, DataSubjectRequest
from tests.support.checks import access_log_queries
from tests.support.privacy import privacy_officer, register_breach, register_request

Status = DataSubjectRequest.Status
Kind = DataSubjectRequest.Kind

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
