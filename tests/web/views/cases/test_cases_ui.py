"""The case and complaint pages through HTTP: the timeline, notes with and
without htmx, status changes and closing, complaint steps and postponement,
handover and ending support. A refused rule is shown in the form with its
Dutch explanation and changes nothing. Meetings and informal supporters are in
``test_meetings_ui.py``."""

from __future__ import annotations

import datetime

import pytest
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
from roles.models import Assignment, Attendance
from tests.factories import TeamFactory, account
from tests.support.checks import access_log_queries

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
