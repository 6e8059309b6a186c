"""The caseworker pages through HTTP: rules refused in the form with their Dutch
explanation and nothing changed, successful writes, escaping, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import CaseEvent, Meeting, Note, SupportCase
from roles.models import Assignment, Attendance
from tests.support.checks import access_log_queries


def _login(client, world, role):
    client.force_login(world.users[role])


def test_confidant_is_refused_in_a_content_meeting_with_the_reason_shown(client, world):
    """R5: planning a confidant into a content meeting shows the rule in the form
    and records nothing."""
    vp1 = world.users["vp1"]
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    meeting = services.meeting_plan(
        actor=vp1,
        case=case,
        kind=Meeting.Kind.CONTENT,
        starts_at=timezone.now() + datetime.timedelta(days=2),
    )
    assignment = Assignment.objects.get(case=case, user=vp1)
    _login(client, world, "vp1")
    before = Attendance.objects.count()
    response = client.post(
        reverse("web:attendance_add", args=[meeting.pk]),
        {"assignment": assignment.pk, "requested_by_client": "on"},
    )
    assert response.status_code == 200
    assert (
        "niet bij een gesprek over de inhoud van de hulp" in response.content.decode()
    )
    assert Attendance.objects.count() == before


def test_professional_refusal_is_not_offered_and_is_refused(client, world):
    """R12: the meeting page offers refusal only for the informal supporter, and a
    forged refusal of the confidant is refused with an explanation."""
    _login(client, world, "vp1")
    meeting_url = reverse(
        "web:meeting_detail", args=[world.objects["complaint_meeting"]]
    )
    page = client.get(meeting_url).content.decode()
    assert (
        reverse("web:attendance_refuse", args=[world.objects["informal_attendance"]])
        in page
    )
    assert (
        reverse("web:attendance_refuse", args=[world.objects["confidant_attendance"]])
        not in page
    )
    response = client.post(
        reverse("web:attendance_refuse", args=[world.objects["confidant_attendance"]]),
        {"ground": "obstructing", "explanation": "Poging"},
    )
    assert response.status_code == 200
    assert "kan niet worden geweigerd" in response.content.decode()
    assert not Attendance.objects.filter(status=Attendance.Status.REFUSED).exists()


def test_informal_supporter_is_refused_with_ground_and_explanation(client, world):
    """R12: refusing an informal supporter records ground, explanation, who and when."""
    _login(client, world, "vp1")
    url = reverse("web:attendance_refuse", args=[world.objects["informal_attendance"]])
    response = client.post(url, {"ground": "not_independent", "explanation": ""})
    assert response.status_code == 200
    assert 'class="utrecht-form-field-error-message"' in response.content.decode()
    assert not Attendance.objects.filter(status=Attendance.Status.REFUSED).exists()
    response = client.post(
        url, {"ground": "not_independent", "explanation": "Neemt het woord over."}
    )
    assert response.status_code == 302
    refused = Attendance.objects.get(pk=world.objects["informal_attendance"])
    assert refused.status == Attendance.Status.REFUSED
    assert refused.refused_by == world.users["vp1"]
    assert refused.refused_at is not None


def test_closing_a_case_with_an_open_complaint_is_explained(client, world):
    """R3/R6: a case whose complaint is still running cannot be closed."""
    _login(client, world, "vp1")
    response = client.post(
        reverse("web:case_close", args=[world.objects["complaint_case"]]),
        {"outcome": "resolved"},
    )
    assert response.status_code == 200
    assert "De klacht loopt nog" in response.content.decode()
    assert not SupportCase.objects.get(pk=world.objects["complaint_case"]).is_closed


def test_closing_a_case_through_the_page_ends_support(client, world):
    """R6: closing the care question ends the client supporter's assignment."""
    _login(client, world, "co1")
    case_id = world.objects["care_case"]
    response = client.post(
        reverse("web:case_close", args=[case_id]), {"outcome": "resolved"}
    )
    assert response.status_code == 302
    assert not Assignment.objects.filter(
        case_id=case_id, ended_at__isnull=True
    ).exists()
    # Still readable, no longer changeable.
    assert client.get(reverse("web:case_detail", args=[case_id])).status_code == 200
    assert client.get(reverse("web:meeting_plan", args=[case_id])).status_code == 403


def test_a_note_is_saved_and_shown_escaped(client, world):
    """A note's text is stored as typed and rendered escaped."""
    _login(client, world, "vp1")
    url = reverse("web:note_add", args=[world.objects["complaint_case"]])
    response = client.post(url, {"text": "<script>alert('x')</script> gesprek"})
    assert response.status_code == 302
    page = client.get(
        reverse("web:case_detail", args=[world.objects["complaint_case"]])
    )
    assert "&lt;script&gt;" in page.content.decode()
    assert "<script>alert" not in page.content.decode()
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.NOTE_ADDED).count() == 1


def test_an_empty_note_is_refused_next_to_the_field(client, world):
    """Bad input gets a message next to the field and changes nothing."""
    _login(client, world, "vp1")
    before = Note.objects.count()
    response = client.post(
        reverse("web:note_add", args=[world.objects["complaint_case"]]), {"text": "  "}
    )
    assert response.status_code == 200
    assert 'class="utrecht-form-field-error-message"' in response.content.decode()
    assert Note.objects.count() == before


def test_bad_meeting_input_gets_field_errors(client, world):
    """A meeting without a valid date or kind is refused, with nothing saved."""
    _login(client, world, "vp1")
    before = Meeting.objects.count()
    response = client.post(
        reverse("web:meeting_plan", args=[world.objects["complaint_case"]]),
        {"kind": "party", "starts_at": "gisteren"},
    )
    assert response.status_code == 200
    assert (
        response.content.decode().count('class="utrecht-form-field-error-message"') >= 2
    )
    assert Meeting.objects.count() == before


def test_former_supporter_cannot_decide_on_the_clients_application(client, world):
    """R9: a client supporter who became a decision-maker is refused a decision on
    the application of a client they supported, with the reason shown."""
    from accounts.models import Organisation, User
    from cases.models import Application

    application = Application.objects.get(pk=world.objects["application"])
    co1 = world.users["co1"]
    co1.role = User.Role.DECISION_MAKER
    co1.organisation = Organisation.objects.get(kind=Organisation.Kind.MUNICIPALITY)
    co1.save()
    _login(client, world, "co1")
    url = reverse("web:application_detail", args=[application.pk])
    response = client.post(url, {"decision": "granted", "reason": "Passend"})
    assert response.status_code == 200
    assert "nooit in één hand" in response.content.decode()
    application.refresh_from_db()
    assert application.decision == Application.Decision.PENDING

    _login(client, world, "dm")
    response = client.post(url, {"decision": "granted", "reason": "Passend"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.decider == world.users["dm"]


@pytest.mark.parametrize("extra_cases", [2, 30])
def test_dashboard_query_count_does_not_grow_with_cases(
    client, world, django_assert_max_num_queries, extra_cases
):
    """The dashboard's queries do not depend on the number of cases listed."""
    vp1 = world.users["vp1"]
    youth = SupportCase.objects.get(pk=world.objects["complaint_case"]).client
    for i in range(extra_cases):
        services.case_open(actor=vp1, client=youth, kind="question", title=f"Vraag {i}")
    _login(client, world, "vp1")
    # 8, 1 for the emergency accesses to the caseworker's cases (R2) and 1 for
    # their registrations waiting for the team lead (R13).
    with django_assert_max_num_queries(10 + access_log_queries()):
        assert client.get(reverse("web:dashboard")).status_code == 200


@pytest.mark.parametrize("extra_cases", [2, 30])
def test_team_lead_caseload_query_count_is_constant(
    client, world, django_assert_max_num_queries, extra_cases
):
    """The team lead's caseload page keeps its query count as cases grow."""
    vp1 = world.users["vp1"]
    youth = SupportCase.objects.get(pk=world.objects["complaint_case"]).client
    for i in range(extra_cases):
        services.case_open(actor=vp1, client=youth, kind="question", title=f"Vraag {i}")
    _login(client, world, "tl")
    # 8, and 3 for the teams, the registrations and the referrals waiting (R13).
    with django_assert_max_num_queries(11):
        page = client.get(reverse("web:dashboard"))
    assert page.status_code == 200
    assert "Bakker" not in page.content.decode()  # no client names for a team lead


def test_case_page_query_count_is_bounded(client, world, django_assert_max_num_queries):
    """The case page's queries do not depend on the number of notes."""
    vp1 = world.users["vp1"]
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    for i in range(20):
        services.note_add(actor=vp1, case=case, text=f"Notitie {i}")
    _login(client, world, "vp1")
    # 18 before the access log; reading the case writes one log row.
    with django_assert_max_num_queries(18 + access_log_queries()):
        assert client.get(reverse("web:case_detail", args=[case.pk])).status_code == 200


def test_an_expired_session_sends_htmx_requests_to_the_login_page(client, world):
    """An htmx request without a session gets HX-Redirect to the login page, so
    the login form is never swapped into a fragment of the page."""
    url = reverse("web:note_add", args=[world.objects["complaint_case"]])
    response = client.post(url, {"text": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login"))
    assert not Note.objects.exists()
