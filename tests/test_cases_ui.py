"""The case, complaint, meeting and assignment pages through HTTP: the timeline,
notes with and without htmx, status changes, complaint steps and postponement,
attendance with consent, refusals, handover and ending support. A refused rule
is shown in the form with its Dutch explanation and changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from cases import services
from cases.models import (
    Application,
    CaseEvent,
    Complaint,
    ComplaintRegime,
    Meeting,
    Note,
    SupportCase,
)
from roles import permissions
from roles import services as role_services
from roles.models import Assignment, Attendance, Consent, InformalSupporter
from roles.policy import SupportRole
from tests.conftest import access_log_queries, error_codes
from tests.factories import TeamFactory, account

ERROR = 'class="utrecht-form-field-error-message"'
HTMX = {"HX-Request": "true"}


def _login(client, world, role: str) -> None:
    client.force_login(world.users[role])


def _case(world, key: str = "complaint_case") -> SupportCase:
    return SupportCase.objects.get(pk=world.objects[key])


def _post(client, name: str, pk: int, data: dict, **kwargs):
    return client.post(reverse(name, args=[pk]), data, **kwargs)


@pytest.fixture
def vp3(world) -> User:
    """A third AKJ confidant, colleague of vp1, with no family conflicts."""
    akj = world.users["vp1"].organisation
    user = account("vp3", User.Role.AKJ_CONFIDANT, akj, team=world.users["vp1"].team)
    world.users["vp3"] = user
    return user


def _vp1_assignment(world) -> Assignment:
    return Assignment.objects.get(case=_case(world), user=world.users["vp1"])


def _informal_assignment(world) -> Assignment:
    return Assignment.objects.get(case=_case(world), informal_supporter__isnull=False)


def _page(client, world, key: str = "complaint_case") -> str:
    response = client.get(reverse("web:case_detail", args=[world.objects[key]]))
    assert response.status_code == 200
    return response.content.decode()


# --- the timeline ---------------------------------------------------------------------


def test_timeline_shows_everything_that_happened_newest_first(client, world):
    """The case page's timeline merges status changes, meetings, attendance,
    refusals, assignments, complaint stages and notes (with their text), the
    newest first."""
    vp1 = world.users["vp1"]
    case = _case(world)
    services.case_set_status(
        actor=vp1, case=case, status=SupportCase.Status.IN_PROGRESS
    )
    role_services.attendance_refuse(
        actor=vp1,
        attendance=Attendance.objects.get(pk=world.objects["informal_attendance"]),
        ground="obstructing",
        explanation="Neemt het gesprek over.",
    )
    services.complaint_advance(
        actor=vp1,
        complaint=case.complaint,
        stage=Complaint.Stage.SUBMITTED,
        submitted_to="Klachtencommissie Jeugdzorg Midden",
    )
    services.note_add(actor=vp1, case=case, text="Eerste notitie")
    services.note_add(actor=vp1, case=case, text="Tweede notitie")
    _login(client, world, "vp1")
    page = _page(client, world)
    timeline = page[page.index('id="case-timeline"') :]
    for text in [
        "Tweede notitie",
        "Eerste notitie",
        "Klachtfase gewijzigd",
        "van &#x27;Wordt geformuleerd&#x27; naar &#x27;Ingediend&#x27;",
        "Aanwezigheid geweigerd",
        "Belemmeren van de voortgang van de begeleiding",
        "Status gewijzigd",
        "van &#x27;Aangemeld&#x27; naar &#x27;In behandeling&#x27;",
        "Aanwezigheid vastgelegd",
        "Gesprek gepland",
        "Ondersteuning gestart",
        "Zaak geopend",
    ]:
        assert text in timeline, text
    positions = [
        timeline.index(t)
        for t in ["Tweede notitie", "Eerste notitie", "Klachtfase", "Zaak geopend"]
    ]
    assert positions == sorted(positions)
    # A note appears once, with its text, not also as a bare "note added" line.
    assert "Notitie toegevoegd" not in timeline


def test_team_lead_sees_no_timeline_and_no_informal_supporters(client, world):
    """R2: the team lead sees who works on the case, not its content nor the
    client's network."""
    _login(client, world, "tl")
    page = _page(client, world)
    assert "Tijdlijn" not in page
    assert "Tante Ria" not in page
    assert "vp1" in page
    assert reverse("web:assignment_hand_over", args=[_vp1_assignment(world).pk]) in page


@pytest.mark.parametrize("entries", [2, 30])
def test_case_page_query_count_does_not_grow_with_the_timeline(
    client, world, django_assert_max_num_queries, entries
):
    """The case page's queries do not depend on the number of timeline entries."""
    vp1 = world.users["vp1"]
    case = _case(world)
    for i in range(entries // 2):
        services.note_add(actor=vp1, case=case, text=f"Notitie {i}")
        services.meeting_plan(
            actor=vp1,
            case=case,
            kind=Meeting.Kind.MEDIATION,
            starts_at=timezone.now() + datetime.timedelta(days=i + 1),
        )
    _login(client, world, "vp1")
    # 18 before the access log; reading the case writes one log row.
    with django_assert_max_num_queries(18 + access_log_queries()):
        page = _page(client, world)
    assert page.count("naast-timeline__item") >= entries


# --- notes ------------------------------------------------------------------------------


def test_a_note_added_with_htmx_swaps_the_timeline_and_announces_it(client, world):
    """With htmx the response is the timeline partial with the new note and an
    out-of-band "Notitie opgeslagen" for the status region."""
    _login(client, world, "vp1")
    case = _case(world)
    response = _post(
        client, "web:note_add", case.pk, {"text": "Gebeld met moeder"}, headers=HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="case-timeline"' in body
    assert 'hx-swap-oob="innerHTML:#timeline-status"' in body
    assert "Notitie opgeslagen" in body
    assert "Gebeld met moeder" in body
    assert Note.objects.filter(case=case, text="Gebeld met moeder").exists()


def test_a_refused_htmx_note_shows_the_error_and_saves_nothing(client, world, db_state):
    """An empty note through htmx comes back in the partial with the error next to
    the field; nothing is saved and nothing is announced as saved."""
    _login(client, world, "vp1")
    before = db_state()
    response = _post(
        client, "web:note_add", _case(world).pk, {"text": " "}, headers=HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert ERROR in body
    assert "Notitie opgeslagen" not in body
    assert db_state() == before


def test_a_note_without_javascript_is_a_post_and_a_redirect(client, world):
    """Without htmx a note is a plain POST answered with a redirect to the case."""
    _login(client, world, "vp1")
    case = _case(world)
    response = _post(client, "web:note_add", case.pk, {"text": "Zonder JavaScript"})
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert "Zonder JavaScript" in _page(client, world)


def test_the_case_page_form_posts_with_htmx_and_has_a_status_region(client, world):
    """The note form posts with hx-post to the note URL and a role=status region
    sits next to the swapped timeline."""
    _login(client, world, "vp1")
    page = _page(client, world)
    url = reverse("web:note_add", args=[world.objects["complaint_case"]])
    assert f'hx-post="{url}"' in page
    assert f'action="{url}"' in page
    assert 'id="timeline-status" role="status"' in page


def test_a_huge_note_is_refused(client, world, db_state):
    """A note longer than the form allows is refused with a message."""
    _login(client, world, "vp1")
    before = db_state()
    response = _post(client, "web:note_add", _case(world).pk, {"text": "x" * 20001})
    assert response.status_code == 200
    assert ERROR in response.content.decode()
    assert db_state() == before


# --- case status and closing --------------------------------------------------------


def test_status_page_offers_only_the_allowed_next_statuses(client, world):
    """An open case can go to "in behandeling"; closing is offered as a link to
    the closing page (R6), not as a status."""
    _login(client, world, "vp1")
    page = client.get(
        reverse("web:case_status", args=[world.objects["complaint_case"]])
    )
    body = page.content.decode()
    assert 'value="in_progress"' in body
    assert 'value="on_hold"' not in body
    assert 'value="closed"' not in body
    assert reverse("web:case_close", args=[world.objects["complaint_case"]]) in body


def test_status_change_is_saved_and_recorded(client, world):
    """A valid status change moves the case and writes a status event."""
    _login(client, world, "vp1")
    case = _case(world)
    response = _post(client, "web:case_status", case.pk, {"status": "in_progress"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == SupportCase.Status.IN_PROGRESS
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.STATUS).exists()


@pytest.mark.parametrize("status", ["on_hold", "closed", "open", "vakantie", ""])
def test_a_status_that_is_not_offered_is_refused(client, world, db_state, status):
    """A status the current one does not lead to (or closing, or junk) is refused
    with a message; nothing changes."""
    _login(client, world, "vp1")
    before = db_state()
    response = _post(client, "web:case_status", _case(world).pk, {"status": status})
    assert response.status_code == 200
    assert ERROR in response.content.decode()
    assert db_state() == before


def test_close_page_explains_that_closing_ends_the_support(client, world):
    """R6: the closing page says that closing ends the support."""
    _login(client, world, "co1")
    body = client.get(
        reverse("web:case_close", args=[world.objects["care_case"]])
    ).content.decode()
    assert "beëindigt de ondersteuning" in body


# --- complaints (R3) ----------------------------------------------------------------


def test_complaint_step_offers_only_the_next_stages(client, world):
    """R3: a complaint being formulated can be submitted or withdrawn, nothing else."""
    _login(client, world, "vp1")
    body = client.get(
        reverse("web:complaint_advance", args=[world.objects["complaint_case"]])
    ).content.decode()
    assert 'value="submitted"' in body
    assert 'value="withdrawn"' in body
    assert 'value="decided"' not in body
    assert 'value="handling"' not in body
    assert 'name="regime"' in body
    assert 'name="advisory_committee"' in body
    assert 'name="on"' in body


def test_submitting_a_complaint_with_regime_and_advisory_committee(client, world):
    """R3: submitted to a municipality with an advisory committee, the decision is
    due 10 weeks after submission, and the case page shows the due date."""
    _login(client, world, "vp1")
    case = _case(world)
    submitted = timezone.localdate() - datetime.timedelta(days=3)
    response = _post(
        client,
        "web:complaint_advance",
        case.pk,
        {
            "stage": "submitted",
            "submitted_to": "Gemeente Utrecht",
            "regime": ComplaintRegime.AWB,
            "advisory_committee": "on",
            "on": submitted.isoformat(),
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get(case=case)
    assert complaint.regime == ComplaintRegime.AWB
    assert complaint.advisory_committee
    assert complaint.due_on == submitted + datetime.timedelta(weeks=10)
    page = _page(client, world)
    assert "Uiterste beslisdatum" in page
    assert "Gemeente Utrecht" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"regime": "jeugdwet", "advisory_committee": "on"},
            "advisory_committee",
            "alleen bij de gemeentelijke klachtprocedure",
        ),
        ({"submitted_to": ""}, "submitted_to", "Vul in bij wie de klacht"),
        ({"on": "2999-01-01"}, "on", "Deze datum ligt in de toekomst."),
        ({"on": "gisteren"}, "on", "Voer een geldige datum in"),
        ({"regime": "strafrecht"}, "regime", "Selecteer een geldige keuze"),
        ({"stage": "decided"}, "stage", "Selecteer een geldige keuze"),
        ({"submitted_to": "x" * 201}, "submitted_to", "niet meer dan 200 tekens"),
    ],
)
def test_a_refused_complaint_step_is_shown_next_to_the_field(
    client, world, db_state, data, field, message
):
    """R3: a complaint step the rules or the input refuse shows the reason next to
    the field; the complaint does not move."""
    _login(client, world, "vp1")
    before = db_state()
    post = {"stage": "submitted", "submitted_to": "Klachtencommissie", **data}
    response = _post(client, "web:complaint_advance", _case(world).pk, post)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_{field}_error1"' in body
    assert message in body
    assert db_state() == before


def test_a_decided_complaint_has_no_next_step(client, world):
    """A decided complaint's step page says there is no next step and has no form."""
    vp1 = world.users["vp1"]
    complaint = _case(world).complaint
    for stage in ("submitted", "handling"):
        complaint = services.complaint_advance(
            actor=vp1, complaint=complaint, stage=stage, submitted_to="Commissie"
        )
    services.complaint_advance(
        actor=vp1, complaint=complaint, stage="decided", decision_summary="Gegrond"
    )
    _login(client, world, "vp1")
    body = client.get(
        reverse("web:complaint_advance", args=[world.objects["complaint_case"]])
    ).content.decode()
    assert "er volgt geen stap meer" in body
    assert 'name="stage"' not in body


@pytest.mark.parametrize(
    ("days_ago", "marker", "absent"),
    [(50, "Te laat", "Binnenkort"), (40, "Binnenkort", "Te laat")],
)
def test_complaint_block_marks_overdue_and_due_soon_with_text(
    client, world, days_ago, marker, absent
):
    """R3: the complaint's due date carries a text marker: "Te laat" past the
    date, "Binnenkort" within a week — never colour alone."""
    services.complaint_advance(
        actor=world.users["vp1"],
        complaint=_case(world).complaint,
        stage="submitted",
        submitted_to="Klachtencommissie",
        on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )
    _login(client, world, "vp1")
    page = _page(client, world)
    assert f">{marker}</span>" in page
    assert f">{absent}</span>" not in page


def _submitted(world, days_ago: int = 7) -> Complaint:
    return services.complaint_advance(
        actor=world.users["vp1"],
        complaint=_case(world).complaint,
        stage="submitted",
        submitted_to="Klachtencommissie",
        on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def test_postponing_a_complaint_moves_its_due_date(client, world):
    """R3: postponing by 3 weeks moves the due date by 3 weeks, once."""
    complaint = _submitted(world)
    due = complaint.due_on
    _login(client, world, "vp1")
    response = _post(
        client, "web:complaint_postpone", complaint.case_id, {"weeks": "3"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.due_on == due + datetime.timedelta(weeks=3)
    again = _post(client, "web:complaint_postpone", complaint.case_id, {"weeks": "1"})
    assert again.status_code == 200
    assert "verdagen kan maar één keer" in again.content.decode()
    complaint.refresh_from_db()
    assert complaint.postponement_weeks == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"weeks": "5"}, "Verdagen kan met 1 tot ten hoogste 4 weken."),
        ({"weeks": "0"}, "Verdagen kan met 1 tot ten hoogste 4 weken."),
        ({"weeks": "veel"}, "Voer een geheel getal in"),
        ({"weeks": ""}, "Dit veld is verplicht"),
        ({"weeks": "2", "on": "2999-01-01"}, "tussen de indiening en vandaag"),
        ({"weeks": "9" * 30}, "Verdagen kan met 1 tot ten hoogste 4 weken."),
    ],
)
def test_a_refused_postponement_is_explained_and_changes_nothing(
    client, world, db_state, data, message
):
    """R3: a postponement the rule or the input refuses shows why; nothing moves."""
    complaint = _submitted(world)
    _login(client, world, "vp1")
    before = db_state()
    response = _post(client, "web:complaint_postpone", complaint.case_id, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert db_state() == before


def test_a_complaint_not_submitted_cannot_be_postponed(client, world, db_state):
    """R3: only a submitted, running complaint can be postponed."""
    _login(client, world, "vp1")
    before = db_state()
    response = _post(client, "web:complaint_postpone", _case(world).pk, {"weeks": "2"})
    assert response.status_code == 200
    assert "Alleen een ingediende klacht" in response.content.decode()
    assert db_state() == before


# --- meetings (R5, R11, R12) ----------------------------------------------------------


def test_meeting_form_explains_r5(client, world):
    """R5: the planning form says when a confidant can attend."""
    _login(client, world, "vp1")
    body = client.get(
        reverse("web:meeting_plan", args=[world.objects["complaint_case"]])
    ).content.decode()
    assert (
        "Een vertrouwenspersoon kan alleen bij een vraag- of klachtgesprek of een "
        "bemiddeling aanwezig zijn" in body
    )


def test_meeting_page_lists_attendees_with_role_request_and_refusal(client, world):
    """R12: the meeting page lists each attendee with role, whether the client
    asked for them, status and the refusal's ground, explanation, who and when."""
    role_services.attendance_refuse(
        actor=world.users["vp1"],
        attendance=Attendance.objects.get(pk=world.objects["informal_attendance"]),
        ground="conflict_of_interest",
        explanation="Is ook werkzaam bij de aanbieder.",
    )
    _login(client, world, "vp1")
    body = client.get(
        reverse("web:meeting_detail", args=[world.objects["complaint_meeting"]])
    ).content.decode()
    for text in [
        "Tante Ria",
        "Informele ondersteuner",
        "Vertrouwenspersoon (AKJ)",
        "Op verzoek van de cliënt",
        "Geweigerd",
        "Belangenverstrengeling",
        "Is ook werkzaam bij de aanbieder.",
        "Geweigerd door",
    ]:
        assert text in body, text
    # Refused already: no second refusal offered.
    assert (
        reverse("web:attendance_refuse", args=[world.objects["informal_attendance"]])
        not in body
    )


@pytest.fixture
def second_meeting(world) -> Meeting:
    """A second question/complaint meeting in the complaint case, nobody invited."""
    return services.meeting_plan(
        actor=world.users["vp1"],
        case=_case(world),
        kind=Meeting.Kind.QUESTION_COMPLAINT,
        starts_at=timezone.now() + datetime.timedelta(days=5),
    )


def test_informal_supporter_without_consent_is_refused_at_the_field(
    client, world, db_state, second_meeting
):
    """R11: inviting an informal supporter without the client's consent for this
    meeting shows the rule next to the consent field and changes nothing."""
    _login(client, world, "vp1")
    before = db_state()
    response = _post(
        client,
        "web:attendance_add",
        second_meeting.pk,
        {"assignment": _informal_assignment(world).pk, "requested_by_client": "on"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_consent_given_on_error1"' in body
    assert "geen toestemming gegeven om Tante Ria" in body
    assert db_state() == before


def test_informal_supporter_is_invited_with_consent_in_one_step(
    client, world, second_meeting
):
    """R11: the consent for this invitation and the attendance are recorded in
    the same step."""
    _login(client, world, "vp1")
    assignment = _informal_assignment(world)
    response = _post(
        client,
        "web:attendance_add",
        second_meeting.pk,
        {
            "assignment": assignment.pk,
            "requested_by_client": "on",
            "consent_given_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(meeting=second_meeting)
    assert consent.item == Consent.Item.MEETING_INVITATION
    assert consent.informal_supporter_id == assignment.informal_supporter_id
    assert consent.recorded_by == world.users["vp1"]
    assert Attendance.objects.filter(
        meeting=second_meeting, assignment=assignment
    ).exists()


@pytest.mark.parametrize(
    ("data", "code_text"),
    [
        # Consent given, but the client did not ask: the attendance is refused and
        # the consent is not kept either (one transaction).
        ({}, "alleen aanwezig op verzoek van de cliënt"),
        ({"requested_by_client": "on", "consent_given_on": "2999-01-01"}, "toekomst"),
    ],
)
def test_a_refused_invitation_keeps_no_consent(
    client, world, db_state, second_meeting, data, code_text
):
    """R11: when the invitation is refused, the consent typed with it is not
    recorded either."""
    _login(client, world, "vp1")
    before = db_state()
    post = {
        "assignment": _informal_assignment(world).pk,
        "consent_given_on": timezone.localdate().isoformat(),
        **data,
    }
    response = _post(client, "web:attendance_add", second_meeting.pk, post)
    assert response.status_code == 200
    assert code_text in response.content.decode()
    assert db_state() == before


def test_confidant_in_a_content_meeting_is_refused_with_the_rule(
    client, world, db_state
):
    """R5: planning the confidant into a content meeting shows the rule in the
    attendance form and records nothing."""
    meeting = services.meeting_plan(
        actor=world.users["vp1"],
        case=_case(world),
        kind=Meeting.Kind.CONTENT,
        starts_at=timezone.now() + datetime.timedelta(days=2),
    )
    _login(client, world, "vp1")
    before = db_state()
    response = _post(
        client,
        "web:attendance_add",
        meeting.pk,
        {"assignment": _vp1_assignment(world).pk, "requested_by_client": "on"},
    )
    assert response.status_code == 200
    assert (
        "niet bij een gesprek over de inhoud van de hulp" in response.content.decode()
    )
    assert db_state() == before


@pytest.mark.parametrize(
    "data",
    [
        {"assignment": "999999"},
        {"assignment": "abc"},
        {"assignment": ""},
        {"consent_given_on": "morgen"},
    ],
)
def test_bad_attendance_input_gets_errors(
    client, world, db_state, second_meeting, data
):
    """Unknown or malformed input on the attendance form gives errors, not a crash."""
    _login(client, world, "vp1")
    before = db_state()
    post = {"assignment": _informal_assignment(world).pk, **data}
    response = _post(client, "web:attendance_add", second_meeting.pk, post)
    assert response.status_code == 200
    assert ERROR in response.content.decode()
    assert db_state() == before


def test_consent_date_for_a_professional_is_refused(
    client, world, db_state, second_meeting
):
    """A consent date means nothing for a professional: it is refused, not
    silently dropped."""
    _login(client, world, "vp1")
    before = db_state()
    response = _post(
        client,
        "web:attendance_add",
        second_meeting.pk,
        {
            "assignment": _vp1_assignment(world).pk,
            "requested_by_client": "on",
            "consent_given_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "geen toestemming van de cliënt nodig" in response.content.decode()
    assert db_state() == before


def test_refusing_a_professional_via_http_changes_nothing(client, world, db_state):
    """R12: a forged refusal of the confidant is refused with the rule."""
    _login(client, world, "vp1")
    before = db_state()
    response = _post(
        client,
        "web:attendance_refuse",
        world.objects["confidant_attendance"],
        {"ground": "obstructing", "explanation": "Poging"},
    )
    assert response.status_code == 200
    assert "kan niet worden geweigerd" in response.content.decode()
    assert db_state() == before


@pytest.mark.parametrize(
    "data",
    [
        {"ground": "te laat", "explanation": "x"},
        {"ground": "obstructing", "explanation": "x" * 5001},
        {},
    ],
)
def test_bad_refusal_input_gets_errors(client, world, db_state, data):
    """R12: an unknown ground, a huge or missing explanation: errors, no refusal."""
    _login(client, world, "vp1")
    before = db_state()
    response = _post(
        client, "web:attendance_refuse", world.objects["informal_attendance"], data
    )
    assert response.status_code == 200
    assert ERROR in response.content.decode()
    assert db_state() == before


def test_a_meeting_is_cancelled(client, world):
    """A planned meeting is cancelled; the case history records it and the
    meeting page no longer offers to change its status."""
    _login(client, world, "vp1")
    meeting_id = world.objects["complaint_meeting"]
    response = _post(client, "web:meeting_status", meeting_id, {"status": "cancelled"})
    assert response.status_code == 302
    meeting = Meeting.objects.get(pk=meeting_id)
    assert meeting.status == Meeting.Status.CANCELLED
    event = CaseEvent.objects.filter(kind=CaseEvent.Kind.MEETING_STATUS).last()
    assert (event.from_value, event.to_value) == ("planned", "cancelled")
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("web:meeting_status", args=[meeting_id]) not in body
    assert "Geannuleerd" in _page(client, world)
    again = _post(client, "web:meeting_status", meeting_id, {"status": "held"})
    assert again.status_code == 200
    assert Meeting.objects.get(pk=meeting_id).status == Meeting.Status.CANCELLED


def test_a_meeting_that_has_not_started_is_not_held(client, world, db_state):
    """A meeting in the future cannot be recorded as held."""
    _login(client, world, "vp1")
    before = db_state()
    response = _post(
        client,
        "web:meeting_status",
        world.objects["complaint_meeting"],
        {"status": "held"},
    )
    assert response.status_code == 200
    assert "nog niet begonnen" in response.content.decode()
    assert db_state() == before


def test_a_past_meeting_is_held(client, world):
    """A meeting that has started can be recorded as held."""
    meeting = services.meeting_plan(
        actor=world.users["vp1"],
        case=_case(world),
        kind=Meeting.Kind.MEDIATION,
        starts_at=timezone.now() - datetime.timedelta(hours=2),
    )
    _login(client, world, "vp1")
    response = _post(client, "web:meeting_status", meeting.pk, {"status": "held"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


@pytest.mark.parametrize("status", ["planned", "gezellig", ""])
def test_bad_meeting_status_input_gets_errors(client, world, db_state, status):
    """Only held or cancelled are offered; anything else is refused."""
    _login(client, world, "vp1")
    before = db_state()
    response = _post(
        client,
        "web:meeting_status",
        world.objects["complaint_meeting"],
        {"status": status},
    )
    assert response.status_code == 200
    assert ERROR in response.content.decode()
    assert db_state() == before


def test_meeting_set_status_refuses_a_finished_meeting(world, refused):
    """The service refuses a second change: held or cancelled stays so."""
    vp1 = world.users["vp1"]
    meeting = Meeting.objects.get(pk=world.objects["complaint_meeting"])
    services.meeting_set_status(actor=vp1, meeting=meeting, status="cancelled")
    with refused("invalid_transition"):
        services.meeting_set_status(actor=vp1, meeting=meeting, status="held")


# --- informal supporters (R11) -----------------------------------------------------


@pytest.fixture
def neighbour(world) -> InformalSupporter:
    """Someone else from the youth's network, not yet in the complaint case."""
    return role_services.informal_supporter_add(
        actor=world.users["vp1"],
        client=_case(world).client,
        name="Buurman Henk",
        relation="buurman",
    )


def test_informal_supporter_is_added_at_the_clients_request(client, world, neighbour):
    """R11: the case's supporter adds someone from the client's network, at the
    client's request; they get no permission rows."""
    _login(client, world, "vp1")
    url = reverse("web:informal_assign", args=[world.objects["complaint_case"]])
    body = client.get(url).content.decode()
    assert "Buurman Henk" in body
    assert "Tante Ria" not in body  # already active in the case
    response = client.post(
        url, {"informal_supporter": neighbour.pk, "at_clients_request": "on"}
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(informal_supporter=neighbour)
    assert assignment.role == SupportRole.INFORMAL_SUPPORTER
    assert assignment.at_clients_request
    assert permissions.verify() == []


def test_informal_supporter_without_the_clients_request_is_refused(
    client, world, db_state, neighbour
):
    """R11: without the client's request the assignment is refused with the rule."""
    _login(client, world, "vp1")
    before = db_state()
    response = _post(
        client,
        "web:informal_assign",
        world.objects["complaint_case"],
        {"informal_supporter": neighbour.pk},
    )
    assert response.status_code == 200
    assert "alleen op verzoek van de cliënt" in response.content.decode()
    assert db_state() == before


@pytest.mark.parametrize("value", ["999999", "abc", ""])
def test_unknown_informal_supporter_is_refused(
    client, world, db_state, neighbour, value
):
    """An unknown, malformed or someone else's informal supporter is refused."""
    _login(client, world, "vp1")
    before = db_state()
    response = _post(
        client,
        "web:informal_assign",
        world.objects["complaint_case"],
        {"informal_supporter": value, "at_clients_request": "on"},
    )
    assert response.status_code == 200
    assert ERROR in response.content.decode()
    assert db_state() == before


def test_an_informal_supporter_of_another_client_cannot_be_chosen(
    client, world, db_state, neighbour
):
    """R11: only the client's own network can be chosen."""
    other = role_services.informal_supporter_add(
        actor=world.users["vp2"],
        client=_case(world, "mother_case").client,
        name="Oom Piet",
        relation="broer",
    )
    _login(client, world, "vp1")
    before = db_state()
    response = _post(
        client,
        "web:informal_assign",
        world.objects["complaint_case"],
        {"informal_supporter": other.pk, "at_clients_request": "on"},
    )
    assert response.status_code == 200
    assert ERROR in response.content.decode()
    assert "Oom Piet" not in response.content.decode()
    assert db_state() == before


def test_nobody_left_in_the_network_is_explained(client, world):
    """When everyone in the client's network is already in the case, the page
    says so instead of showing an empty choice."""
    _login(client, world, "vp1")
    url = reverse("web:informal_assign", args=[world.objects["complaint_case"]])
    body = client.get(url).content.decode()
    assert "Leg die eerst vast bij de cliënt" in body
    assert 'name="informal_supporter"' not in body


def test_the_supporter_ends_an_informal_supporters_support(client, world):
    """The case's supporter ends an informal supporter's support; the case stays
    open."""
    _login(client, world, "vp1")
    assignment = _informal_assignment(world)
    response = _post(client, "web:assignment_end", assignment.pk, {})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.end_reason == Assignment.EndReason.ENDED
    assert not _case(world).is_closed


# --- handover and ending (R2) -------------------------------------------------------


def test_handover_moves_access_exactly(client, world, vp3):
    """R2: after a handover the old holder gets 404 on the case and the client, the
    new holder 200; the permission rows agree with the assignments."""
    old = _vp1_assignment(world)
    case_url = reverse("web:case_detail", args=[world.objects["complaint_case"]])
    client_url = reverse("web:client_detail", args=[world.objects["youth"]])
    _login(client, world, "tl")
    page = client.get(
        reverse("web:assignment_hand_over", args=[old.pk])
    ).content.decode()
    assert f'value="{vp3.pk}"' in page
    assert f'value="{world.users["vp1"].pk}"' not in page
    response = _post(
        client,
        "web:assignment_hand_over",
        old.pk,
        {"to_user": vp3.pk, "reason": "Langdurig ziek"},
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.end_reason == Assignment.EndReason.HANDED_OVER
    new = Assignment.objects.get(case_id=old.case_id, user=vp3, ended_at__isnull=True)
    assert new.role == old.role
    assert permissions.verify() == []
    assert CaseEvent.objects.filter(
        case_id=old.case_id,
        kind=CaseEvent.Kind.ASSIGNMENT_ENDED,
        detail__contains="Langdurig ziek",
    ).exists()
    _login(client, world, "vp1")
    assert client.get(case_url).status_code == 404
    assert client.get(client_url).status_code == 404
    _login(client, world, "vp3")
    assert client.get(case_url).status_code == 200
    assert client.get(client_url).status_code == 200
    assert "Langdurig ziek" in client.get(case_url).content.decode()


def test_handover_to_a_family_members_confidant_is_refused(client, world, db_state):
    """R4: vp2 supports the mother, whose interests conflict with the youth's:
    handing the youth's case to vp2 is refused next to the field, nothing changes."""
    _login(client, world, "tl")
    before = db_state()
    response = _post(
        client,
        "web:assignment_hand_over",
        _vp1_assignment(world).pk,
        {"to_user": world.users["vp2"].pk, "reason": "Werkverdeling"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_to_user_error1"' in body
    assert "tegenstrijdig" in body
    assert db_state() == before
    assert permissions.verify() == []


def test_handover_to_the_clients_decision_maker_is_refused(
    client, world, db_state, vp3
):
    """R9: a colleague who decided on the client's application cannot take over."""
    Application.objects.filter(pk=world.objects["application"]).update(
        decider=vp3, decision="granted", decided_on=timezone.localdate()
    )
    _login(client, world, "tl")
    before = db_state()
    response = _post(
        client,
        "web:assignment_hand_over",
        _vp1_assignment(world).pk,
        {"to_user": vp3.pk, "reason": "Werkverdeling"},
    )
    assert response.status_code == 200
    assert "nooit in één hand" in response.content.decode()
    assert db_state() == before


@pytest.mark.parametrize(
    "data",
    [
        {"reason": ""},
        {"reason": "x" * 201},
        {"to_user": "999999"},
        {"to_user": "abc"},
        {"to_user": ""},
    ],
)
def test_bad_handover_input_gets_errors(client, world, db_state, vp3, data):
    """A missing or huge reason, an unknown colleague: errors, no handover."""
    _login(client, world, "tl")
    before = db_state()
    post = {"to_user": vp3.pk, "reason": "Ziekte", **data}
    response = _post(
        client, "web:assignment_hand_over", _vp1_assignment(world).pk, post
    )
    assert response.status_code == 200
    assert ERROR in response.content.decode()
    assert db_state() == before


def test_handover_offers_no_one_outside_the_role_or_organisation(client, world, vp3):
    """Only active colleagues in the same role and organisation are offered; a
    forged team lead or client supporter is refused."""
    _login(client, world, "tl")
    url = reverse("web:assignment_hand_over", args=[_vp1_assignment(world).pk])
    page = client.get(url).content.decode()
    for other in ("tl", "co1", "dm", "fa"):
        assert f'value="{world.users[other].pk}"' not in page
    response = client.post(url, {"to_user": world.users["tl"].pk, "reason": "x"})
    assert response.status_code == 200
    assert ERROR in response.content.decode()


def test_hand_over_service_applies_the_start_rules(world, refused, vp3):
    """R1 and R2: the new holder must have the role and work for the case's
    organisation; informal supporters and ended support are not handed over."""
    tl = world.users["tl"]
    assignment = _vp1_assignment(world)
    with refused("r1_user_role", field="to_user"):
        role_services.assignment_hand_over(
            actor=tl, assignment=assignment, to_user=tl, reason="x"
        )
    elsewhere = Organisation.objects.create(
        name="Ander AKJ", kind=Organisation.Kind.CLIENT_SUPPORT
    )
    outsider = User.objects.create_user(
        "vp-elders",
        role=User.Role.AKJ_CONFIDANT,
        organisation=elsewhere,
        team=TeamFactory(organisation=elsewhere),
    )
    with refused("handover_other_organisation", field="to_user"):
        role_services.assignment_hand_over(
            actor=tl, assignment=assignment, to_user=outsider, reason="x"
        )
    with refused("handover_same_user", field="to_user"):
        role_services.assignment_hand_over(
            actor=tl, assignment=assignment, to_user=world.users["vp1"], reason="x"
        )
    with refused("handover_reason", field="reason"):
        role_services.assignment_hand_over(
            actor=tl, assignment=assignment, to_user=vp3, reason="  "
        )
    with refused(exc=Exception) as info:
        role_services.assignment_hand_over(
            actor=world.users["vp1"], assignment=assignment, to_user=vp3, reason="x"
        )
    assert info.type.__name__ == "PermissionDenied"
    informal = _informal_assignment(world)
    with refused("handover_informal"):
        role_services.assignment_hand_over(
            actor=tl, assignment=informal, to_user=vp3, reason="x"
        )
    closed = Assignment.objects.get(
        case_id=world.objects["closed_case"], user=world.users["vp1"]
    )
    with refused("case_closed"):
        role_services.assignment_hand_over(
            actor=tl, assignment=closed, to_user=vp3, reason="x"
        )


def test_team_lead_ends_a_professionals_support(client, world):
    """R2: when the team lead ends support, the holder loses the case (404)."""
    _login(client, world, "tl")
    assignment = _vp1_assignment(world)
    page = client.get(reverse("web:assignment_end", args=[assignment.pk]))
    assert "geen toegang meer" in page.content.decode()
    response = _post(client, "web:assignment_end", assignment.pk, {})
    assert response.status_code == 302
    assert permissions.verify() == []
    _login(client, world, "vp1")
    url = reverse("web:case_detail", args=[world.objects["complaint_case"]])
    assert client.get(url).status_code == 404


def test_ending_ended_support_is_explained(client, world, db_state):
    """Support that already ended cannot be ended again; the page says so."""
    _login(client, world, "tl")
    closed = Assignment.objects.get(
        case_id=world.objects["closed_case"], user=world.users["vp1"]
    )
    before = db_state()
    response = _post(client, "web:assignment_end", closed.pk, {})
    assert response.status_code == 200
    assert "al beëindigd" in response.content.decode()
    assert db_state() == before


def test_attendance_invite_rolls_back_the_consent_when_refused(
    world, refused, second_meeting
):
    """R11: the service records consent and attendance in one transaction."""
    with refused("r5_client_request") as info:
        role_services.attendance_invite(
            actor=world.users["vp1"],
            meeting=second_meeting,
            assignment=_informal_assignment(world),
            requested_by_client=False,
            consent_given_on=timezone.localdate(),
        )
    assert isinstance(info.value, ValidationError)
    assert "r5_client_request" in error_codes(info.value)
