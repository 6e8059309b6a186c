"""The selectors (``cases.selectors``): what each page reads, for one user.

Every selector reads through ``visible_to(user)``: these tests give it
objects of other users and of other organisations, and check that what it
returns, counts and links is only what the user may see (R2, R4, R9, R11,
R13). Selectors write nothing, not even the access log.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from cases import services
from cases.models import CaseEvent, Client, SupportCase
from cases.selectors.case_file import case_file, complaint_clock
from cases.selectors.client_file import client_file, consent_groups
from cases.selectors.dashboard import (
    caseworker_dashboard,
    decision_maker_dashboard,
    team_lead_dashboard,
)
from cases.selectors.emergency import case_emergency, dashboard_emergency
from cases.selectors.lists import CaseRow, case_list_rows
from cases.selectors.notes import note_versions
from cases.selectors.timeline import case_timeline
from roles import services as role_services
from roles.policy import SupportRole
from tests.factories import (
    ApplicationFactory,
    ClientFactory,
    InformalSupporterFactory,
    add_note,
    assign_informal,
    close_case,
    complaint_in_stage,
    give_consent,
    open_case,
    plan_meeting,
    take_up_client,
)

pytestmark = pytest.mark.django_db

REASON = "De vertrouwenspersoon is ziek en de cliënt belt met een dringende vraag."


# --- the timeline ------------------------------------------------------------------


def test_the_timeline_is_newest_first_with_notes_in_place_of_their_events(
    confidant, confidant_case
):
    """The timeline lists a case's events and notes newest first; a note
    shows its text, and no bare "note added" event stands beside it."""
    first = add_note(confidant, confidant_case, "Eerste gesprek.")
    second = add_note(confidant, confidant_case, "Tweede gesprek.")

    timeline = case_timeline(confidant, confidant_case)

    assert [(e.at, e.pk) for e in timeline] == sorted(
        ((e.at, e.pk) for e in timeline), reverse=True
    )
    notes = [e for e in timeline if e.kind == "note"]
    assert [(e.note_obj, e.note) for e in notes] == [
        (second, "Tweede gesprek."),
        (first, "Eerste gesprek."),
    ]
    assert timeline[:2] == notes
    assert CaseEvent.Kind.NOTE_ADDED not in {e.kind for e in timeline}
    assert CaseEvent.Kind.NOTE_ADDED in set(
        confidant_case.events.values_list("kind", flat=True)
    )


def test_the_timeline_shows_a_team_lead_nothing_of_the_content(
    team_lead, confidant, confidant_case
):
    """A team lead sees the case exists, but its timeline is empty for them:
    events and notes are content (R2)."""
    add_note(confidant, confidant_case, "Vertrouwelijk.")
    assert SupportCase.objects.visible_to(team_lead).filter(pk=confidant_case.pk)

    assert case_timeline(team_lead, confidant_case) == []
    assert case_timeline(confidant, confidant_case)


def test_a_withdrawn_note_shows_no_text_and_its_event_links_to_the_versions(
    confidant, confidant_case
):
    """A withdrawn note stays in the timeline without its text; the withdrawal
    event links to the note's versions, where the text is kept."""
    note = add_note(confidant, confidant_case, "Per ongeluk in deze zaak.")
    services.note_withdraw(
        actor=confidant, note=note, reason="Verkeerde zaak", expected_version=1
    )

    timeline = case_timeline(confidant, confidant_case)

    (entry,) = [e for e in timeline if e.kind == "note"]
    assert entry.note == ""
    assert entry.title == "Notitie (ingetrokken)"
    (event,) = [e for e in timeline if e.kind == CaseEvent.Kind.NOTE_WITHDRAWN]
    assert event.url == reverse("web:note_history", args=[note.pk])


def test_the_timeline_costs_two_queries(
    confidant, confidant_case, django_assert_num_queries
):
    """The timeline reads its events and its notes in two queries, however
    many there are."""
    for text in ("Een.", "Twee.", "Drie."):
        add_note(confidant, confidant_case, text)
    with django_assert_num_queries(2):
        case_timeline(confidant, confidant_case)


# --- the versions of a note -------------------------------------------------------------


def test_note_versions_are_newest_first_and_only_for_who_sees_the_note(
    confidant, confidant2, confidant_case, django_assert_num_queries
):
    """A note's versions are listed newest first with what happened to each;
    a colleague who does not support the client gets none (R2)."""
    note = add_note(confidant, confidant_case, "Gesprek op dinsdag.")
    services.note_correct(
        actor=confidant,
        note=note,
        text="Gesprek op woensdag.",
        reason="Verkeerde dag",
        expected_version=1,
    )

    with django_assert_num_queries(1):
        versions = note_versions(confidant, note)

    assert [(v.what, v.text) for v in versions] == [
        ("Gecorrigeerd", "Gesprek op woensdag."),
        ("Geschreven", "Gesprek op dinsdag."),
    ]
    assert versions[0].reason == "Verkeerde dag"
    assert versions[0].by == confidant
    assert note_versions(confidant2, note) == []


# --- the case page ------------------------------------------------------------------


def test_the_case_file_shows_a_team_lead_the_professionals_only(
    team_lead, confidant, confidant_case
):
    """Without the content, the case file has the assignments of the
    professionals but not the client's informal supporters, and no timeline,
    complaint or meetings (R2, R11)."""
    informal = assign_informal(confidant, confidant_case)

    lead_file = case_file(team_lead, confidant_case)
    own_file = case_file(confidant, confidant_case)

    assert lead_file["content"] is False
    assert "timeline" not in lead_file and "meetings" not in lead_file
    assert [row["assignment"].user for row in lead_file["rows"]] == [confidant]
    assert own_file["content"] is True
    assert informal in [row["assignment"] for row in own_file["rows"]]
    assert "timeline" in own_file and own_file["can_change"] is True


def test_the_case_file_lets_the_supporter_end_an_informal_support_only(
    team_lead, confidant, confidant_case
):
    """The case's supporter may end an informal supporter's assignment, not a
    professional's; the team lead hands over and ends the professional's."""
    assign_informal(confidant, confidant_case)

    own = {
        row["assignment"].role: row
        for row in case_file(confidant, confidant_case)["rows"]
    }
    lead = case_file(team_lead, confidant_case)["rows"]

    assert own[SupportRole.INFORMAL_SUPPORTER]["can_end"] is True
    assert [r["can_end"] for r in own.values() if r["assignment"].user_id] == [False]
    assert [(r["can_hand_over"], r["can_end"]) for r in lead] == [(True, True)]


def test_the_case_file_of_a_closed_case_allows_no_change(
    team_lead, confidant, confidant_case
):
    """A closed case can no longer be changed or assigned, by anyone."""
    close_case(confidant, confidant_case)
    confidant_case.refresh_from_db()

    assert case_file(confidant, confidant_case)["can_change"] is False
    assert case_file(team_lead, confidant_case)["can_assign"] is False


def test_the_complaint_clock_runs_once_the_complaint_is_submitted(confidant):
    """A submitted complaint has a due date, days left and may be postponed
    once; without a complaint the page shows no clock (R3)."""
    case = open_case(confidant, kind=SupportCase.Kind.COMPLAINT)
    complaint = complaint_in_stage(confidant, case, "submitted")

    clock = complaint_clock(complaint)

    assert clock["complaint_postponable"] is True
    assert clock["complaint_suspendable"] is True
    assert clock["complaint_days_left"]["late"] == 0
    assert clock["complaint_days_left"]["left"] > 0
    assert clock["complaint_overdue"] is False
    assert not any(complaint_clock(None).values())


def test_the_case_file_under_emergency_access_names_the_running_access(world):
    """Under emergency access the team lead reads the case's content, and the
    case file names the running access; without it they may open one (R2)."""
    lead = world.users["tl"]
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    before = case_file(lead, case)
    assert before["emergency"]["can_open"] is True
    assert before["emergency"]["running"] is None

    access = role_services.emergency_access_open(actor=lead, case=case, reason=REASON)

    during = case_file(lead, case)
    assert during["content"] is True
    assert during["emergency"]["running"] == access
    assert during["emergency"]["can_open"] is False
    supporter = case_emergency(world.users["vp1"], case, True)
    assert supporter["emergency"]["notices"] == [access]


# --- the client's file --------------------------------------------------------------


def test_the_client_file_links_only_to_family_members_the_user_sees(world):
    """The client file names every member of the client's family, but marks
    as visible (a link) only the members the user supports; a colleague's
    client in the same family is a name only (R2, R4)."""
    vp1 = world.users["vp1"]
    youth = Client.objects.get(pk=world.objects["youth"])

    (family,) = client_file(vp1, youth)["families"]

    members = {
        m["membership"].client_id: (m["is_client"], m["visible"])
        for m in family["members"]
    }
    assert members == {
        world.objects["youth"]: (True, True),
        world.objects["mother"]: (False, False),
    }
    assert len(family["conflicts"]) == 1
    assert all(isinstance(m["age"], int) for m in family["members"])


def test_the_client_file_lists_only_the_cases_whose_content_the_user_reads(
    confidant, confidant2, confidant_case
):
    """The client file lists the user's own cases of the client, not a
    colleague's case of the same client (R2)."""
    colleague_case = take_up_client(confidant2, confidant_case.client)

    mine = client_file(confidant, confidant_case.client)
    theirs = client_file(confidant2, confidant_case.client)

    assert list(mine["cases"]) == [confidant_case]
    assert list(theirs["cases"]) == [colleague_case]


def test_the_client_file_groups_consents_per_informal_supporter(
    confidant, confidant_case
):
    """Consents are grouped per informal supporter, by name (R11)."""
    client = confidant_case.client
    bram = InformalSupporterFactory(client=client, name="Bram")
    ans = InformalSupporterFactory(client=client, name="Ans")
    meeting = plan_meeting(confidant, confidant_case)
    give_consent(confidant, bram, meeting)
    give_consent(confidant, ans, meeting)
    give_consent(confidant, ans, item="document")

    groups = consent_groups(confidant, client)

    assert [(g["supporter"], len(g["consents"])) for g in groups] == [
        (ans, 2),
        (bram, 1),
    ]
    file = client_file(confidant, client)
    assert file["consent_groups"] == groups
    assert set(file["informal_supporters"]) == {ans, bram}


def test_the_client_file_reads_without_writing_the_access_log(
    confidant, confidant_case
):
    """A selector reads only: the access-log row is the view's."""
    before = AccessLogEntry.objects.count()
    client_file(confidant, confidant_case.client)
    case_file(confidant, confidant_case)
    assert AccessLogEntry.objects.count() == before


# --- the dashboard ------------------------------------------------------------------


def test_the_caseworker_dashboard_counts_only_the_users_own_open_cases(
    confidant, confidant2, municipality
):
    """The caseworker's figures count their own open cases, not a colleague's
    and not their closed ones (R2)."""
    own = [open_case(confidant, municipality=municipality) for _ in range(2)]
    close_case(confidant, open_case(confidant, municipality=municipality))
    open_case(confidant2, municipality=municipality)

    figures = caseworker_dashboard(confidant)

    assert figures["open_count"] == 2
    assert set(figures["newest_cases"]) == set(own)
    assert figures["running_count"] == 0
    assert figures["deadlines"] == []


def test_the_team_lead_dashboard_counts_only_the_teams_cases(
    team_lead, confidant, confidant_case, supporter_case
):
    """The team lead's caseload counts the cases of the teams they lead, as
    counts only; another organisation's case is in no cell (R2, R13)."""
    figures = team_lead_dashboard(team_lead)

    counted = {
        row["label"]: sum(cell["count"] for cell in row["cells"])
        for row in figures["rows"]
    }
    unassigned = sum(cell["count"] for cell in figures["unassigned"]["cells"])
    assert counted == {str(confidant): 1}
    assert unassigned == 0
    assert "newest_cases" not in figures and "deadlines" not in figures


def test_the_decision_maker_dashboard_counts_only_the_own_municipality(
    decision_maker, confidant_case, other_municipality
):
    """The pending applications are those of the decision-maker's
    municipality; another municipality's are not counted (R9)."""
    own = ApplicationFactory(client=confidant_case.client)
    ApplicationFactory(client=ClientFactory(municipality=other_municipality))

    figures = decision_maker_dashboard(decision_maker)

    assert figures["pending_count"] == 1
    assert figures["unassigned_count"] == 1
    assert figures["mine_count"] == 0
    assert figures["pending"] == [own]


def test_the_emergency_notices_are_only_for_supporters_and_team_leads(world):
    """A supporter's dashboard tells of an emergency access to their case; a
    user who supports nobody and leads no team is told of none (R2)."""
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    access = role_services.emergency_access_open(
        actor=world.users["tl"], case=case, reason=REASON
    )

    assert dashboard_emergency(world.users["vp1"])["emergency_notices"] == [access]
    assert dashboard_emergency(world.users["tl"])["emergency_notices"] == [access]
    assert dashboard_emergency(world.users["vp2"])["emergency_notices"] == []
    assert dashboard_emergency(world.users["dm"]) == {"emergency_notices": []}


# --- the lists ----------------------------------------------------------------------


def test_the_case_list_rows_are_the_users_own_cases_as_values(
    confidant, confidant2, confidant_case, municipality
):
    """A caseworker's case list rows are plain values of their own cases,
    with the client's name and links (R2)."""
    open_case(confidant2, municipality=municipality)

    rows = [CaseRow.from_values(values) for values in case_list_rows(confidant)]

    assert [row.pk for row in rows] == [confidant_case.pk]
    (row,) = rows
    assert row.client_name == str(confidant_case.client)
    assert row.get_absolute_url() == confidant_case.get_absolute_url()
    assert row.client_url == confidant_case.client.get_absolute_url()
    assert row.is_closed is False


def test_the_team_leads_case_list_rows_name_the_holders(
    team_lead, confidant, confidant_case, supporter_case
):
    """A team lead's case list rows are the cases of their teams with who
    holds each; another organisation's case is not among them (R13)."""
    rows = list(case_list_rows(team_lead))

    assert rows == [confidant_case]
    assert [a.user for a in rows[0].holders] == [confidant]


def test_selectors_see_nothing_for_a_user_of_another_organisation(
    client_supporter, confidant, confidant_case
):
    """A caseworker of another organisation gets an empty timeline, no cases
    in the client file and no rows, though given the objects (R13)."""
    add_note(confidant, confidant_case)
    assert case_timeline(client_supporter, confidant_case) == []
    assert list(client_file(client_supporter, confidant_case.client)["cases"]) == []
    assert client_file(client_supporter, confidant_case.client)["families"] == []
    assert list(case_list_rows(client_supporter)) == []
    assert case_file(client_supporter, confidant_case)["rows"] == []
