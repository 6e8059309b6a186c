"""The meeting and informal-supporter pages of a case through HTTP (R5, R11,
R12): attendance with consent, refusals, a meeting's status, and adding and
ending an informal supporter. A refused rule is shown in the form with its
Dutch explanation and changes nothing.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import (
    CaseEvent,
    Meeting,
    SupportCase,
)
from roles import permissions
from roles import services as role_services
from roles.models import Assignment, Attendance, Consent, InformalSupporter
from roles.policy import SupportRole
from tests.support.checks import error_codes

ERROR = 'class="utrecht-form-field-error-message"'


def _login(client, world, role: str) -> None:
    client.force_login(world.users[role])


def _case(world, key: str = "complaint_case") -> SupportCase:
    return SupportCase.objects.get(pk=world.objects[key])


def _post(client, name: str, pk: int, data: dict, **kwargs):
    return client.post(reverse(name, args=[pk]), data, **kwargs)


def _vp1_assignment(world) -> Assignment:
    return Assignment.objects.get(case=_case(world), user=world.users["vp1"])


def _informal_assignment(world) -> Assignment:
    return Assignment.objects.get(case=_case(world), informal_supporter__isnull=False)


def _page(client, world, key: str = "complaint_case") -> str:
    response = client.get(reverse("web:case_detail", args=[world.objects[key]]))
    assert response.status_code == 200
    return response.content.decode()


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
