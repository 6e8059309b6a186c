"""Object permissions follow assignments exactly (``roles.permissions``), are
checked with ``require`` (403), and cost one query in a list."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied

from accounts.models import User
from cases import services as case_services
from cases.models import Client, Complaint, Meeting, Note, SupportCase
from roles import services as role_services
from roles.models import (
    Attendance,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    ClientUserObjectPermission,
)
from roles.permissions import Perm, group_rows, has, require, verify
from tests.factories import (
    ApplicationFactory,
    FamilyFactory,
    UserFactory,
    active_assignment,
    add_note,
    assign,
    assign_informal,
    close_case,
    complaint_in_stage,
    decide,
    end_assignment,
    give_consent,
    invite,
    open_case,
    plan_meeting,
    record_conflict,
    register_same_person,
)

CASE_ACTIVE = {"view_supportcase", "view_case_content", "change_supportcase"}
CASE_READ_ONLY = {"view_supportcase", "view_case_content"}
CLIENT_ACTIVE = {"view_client", "change_client"}


def rows(user: User) -> set[tuple[str, int, str]]:
    """The user's permission rows as (object kind, object id, codename)."""
    cases = CaseUserObjectPermission.objects.filter(user=user).values_list(
        "content_object_id", "permission__codename"
    )
    clients = ClientUserObjectPermission.objects.filter(user=user).values_list(
        "content_object_id", "permission__codename"
    )
    return {("case", pk, codename) for pk, codename in cases} | {
        ("client", pk, codename) for pk, codename in clients
    }


def expected(case: SupportCase, case_perms: set[str], client_perms: set[str]) -> set:
    return {("case", case.pk, c) for c in case_perms} | {
        ("client", case.client_id, c) for c in client_perms
    }


# --- rows follow assignments ------------------------------------------------------------


def test_an_active_assignment_gives_view_content_and_change(
    confidant, confidant_case
) -> None:
    """An active assignment gives view, view content and change on the case, and
    view and change on its client."""
    assert rows(confidant) == expected(confidant_case, CASE_ACTIVE, CLIENT_ACTIVE)


def test_a_team_lead_assigning_gets_no_rows_the_assignee_does(
    team_lead, confidant, confidant2, confidant_case
) -> None:
    """Assigning gives rows to the assignee only, never to the team lead."""
    end_assignment(team_lead, active_assignment(confidant_case, user=confidant))
    assign(team_lead, confidant_case, confidant2)
    assert rows(team_lead) == set()
    assert rows(confidant2) == expected(confidant_case, CASE_ACTIVE, CLIENT_ACTIVE)


def test_closing_leaves_read_only_rows_on_the_case(confidant, confidant_case) -> None:
    """Closing the case leaves view and view content on the case, nothing on the
    client (R6)."""
    close_case(confidant, confidant_case)
    assert rows(confidant) == expected(confidant_case, CASE_READ_ONLY, set())


def test_ending_an_assignment_leaves_no_rows(
    team_lead, confidant, confidant_case
) -> None:
    """Ending an assignment without closing the case removes every row (R2, R6)."""
    end_assignment(team_lead, active_assignment(confidant_case, user=confidant))
    assert rows(confidant) == set()


def test_rows_per_case_are_independent(confidant, confidant_case) -> None:
    """Closing one of two cases of a client leaves the other case's rows, and the
    client's, as they were."""
    second = open_case(confidant, confidant_case.client, SupportCase.Kind.PROBLEM)
    close_case(confidant, confidant_case)
    assert rows(confidant) == expected(
        confidant_case, CASE_READ_ONLY, set()
    ) | expected(second, CASE_ACTIVE, CLIENT_ACTIVE)


def test_an_informal_supporter_gets_no_rows(confidant, confidant_case) -> None:
    """An informal supporter's assignment writes no permission rows (R11)."""
    before = (
        CaseUserObjectPermission.objects.count(),
        ClientUserObjectPermission.objects.count(),
    )
    assign_informal(confidant, confidant_case)
    assert (
        CaseUserObjectPermission.objects.count(),
        ClientUserObjectPermission.objects.count(),
    ) == before


# --- verify() ---------------------------------------------------------------------------


def test_verify_agrees_after_every_service(
    confidant,
    confidant2,
    client_supporter,
    team_lead,
    client_support_team_lead,
    decision_maker,
    municipality,
) -> None:
    """After any sequence of services, the rows are what the assignments imply."""
    steps = []
    family = FamilyFactory()
    mother = open_case(
        confidant,
        family=family,
        relation="moeder",
        parent=True,
        municipality=municipality,
    )
    steps.append("register mother")
    son = open_case(confidant2, family=family, relation="zoon", kind="complaint")
    steps.append("register son")
    record_conflict(confidant2, son.client, mother.client)
    steps.append("record conflict")
    second = open_case(confidant, mother.client, SupportCase.Kind.MEDIATION)
    steps.append("second case of the mother")
    co_case = register_same_person(client_supporter, son.client)
    steps.append("client supporter registers the son in their own organisation")
    informal = assign_informal(confidant2, son)
    meeting = plan_meeting(confidant2, son)
    give_consent(confidant2, informal.informal_supporter, meeting)
    invite(confidant2, meeting, informal)
    invite(confidant2, meeting, active_assignment(son, user=confidant2))
    steps.append("informal supporter invited")
    decide(decision_maker, ApplicationFactory(client=mother.client))
    steps.append("application decided")
    end_assignment(team_lead, active_assignment(second, user=confidant))
    assign(
        team_lead,
        second,
        UserFactory(confidant=True, organisation=team_lead.organisation),
    )
    steps.append("second case handed to a colleague")
    close_case(confidant, mother)
    steps.append("mother's first case closed")
    complaint_in_stage(confidant2, son, Complaint.Stage.WITHDRAWN)
    close_case(confidant2, son)
    steps.append("son's complaint withdrawn and closed")
    end_assignment(
        client_support_team_lead, active_assignment(co_case, user=client_supporter)
    )
    steps.append("client support ended")
    problems = verify()
    assert problems == [], (steps, problems)


def test_verify_agrees_step_by_step(confidant, team_lead, confidant2) -> None:
    """``verify()`` is empty after each single service call."""
    case = open_case(confidant)
    assert verify() == []
    add_note(confidant, case)
    assert verify() == []
    end_assignment(team_lead, active_assignment(case, user=confidant))
    assert verify() == []
    assign(team_lead, case, confidant2)
    assert verify() == []
    close_case(confidant2, case)
    assert verify() == []


def test_verify_reports_a_row_added_by_hand(confidant, confidant2, confidant_case):
    """A permission row that no assignment implies is reported."""
    permission = Permission.objects.get(
        content_type__app_label="cases", codename="view_case_content"
    )
    CaseUserObjectPermission.objects.create(
        user=confidant2, content_object=confidant_case, permission=permission
    )
    problems = verify()
    assert len(problems) == 1
    assert problems[0].startswith("extra case permission")
    assert f"user {confidant2.pk} " in problems[0]


def test_a_group_row_gives_nothing_and_is_reported(confidant2, confidant_case):
    """Object permissions belong to users, from their assignments: a row given
    to a group (by hand, in the database) opens nothing for its members, and
    ``verify_permissions`` reports it."""
    group = Group.objects.create(name="Handmatig")
    confidant2.groups.add(group)
    CaseGroupObjectPermission.objects.create(
        group=group,
        content_object=confidant_case,
        permission=Permission.objects.get(
            content_type__app_label="cases", codename="view_case_content"
        ),
    )
    assert not has(confidant2, Perm.VIEW_CASE_CONTENT, confidant_case)
    problems = group_rows()
    assert len(problems) == 1
    assert problems[0].startswith("group case permission")


def test_verify_reports_a_row_removed_by_hand(confidant, confidant_case) -> None:
    """A permission row an assignment implies but that is missing is reported."""
    ClientUserObjectPermission.objects.filter(
        user=confidant, permission__codename="change_client"
    ).delete()
    problems = verify()
    assert len(problems) == 1
    assert problems[0].startswith("missing client permission")
    assert "change_client" in problems[0]


# --- require(): 403 -----------------------------------------------------------------------


def test_a_team_lead_cannot_add_a_note(team_lead, confidant_case, db_state) -> None:
    """A team lead who sees a case's metadata may not add a note to it (403)."""
    assert has(team_lead, Perm.VIEW_CASE, confidant_case)
    before = db_state()
    with pytest.raises(PermissionDenied):
        add_note(team_lead, confidant_case)
    assert db_state() == before
    with pytest.raises(PermissionDenied):
        require(team_lead, Perm.CHANGE_CASE, confidant_case)


def test_a_confidant_cannot_add_a_note_to_a_case_they_only_read(
    confidant, confidant_case, db_state
) -> None:
    """A confidant who can read a closed case may not add a note to it (403)."""
    case = close_case(confidant, confidant_case)
    require(confidant, Perm.VIEW_CASE_CONTENT, case)
    before = db_state()
    with pytest.raises(PermissionDenied):
        add_note(confidant, case)
    assert db_state() == before


def test_another_supporter_cannot_change_the_case(
    client_supporter, confidant_case
) -> None:
    """A caseworker not assigned to a case may do nothing to it (403)."""
    for perm in (Perm.VIEW_CASE_CONTENT, Perm.CHANGE_CASE):
        with pytest.raises(PermissionDenied):
            require(client_supporter, perm, confidant_case)
    with pytest.raises(PermissionDenied):
        require(client_supporter, Perm.CHANGE_CLIENT, confidant_case.client)


@pytest.mark.parametrize(
    "perm", [Perm.VIEW_CASE, Perm.VIEW_CASE_CONTENT, Perm.CHANGE_CASE]
)
def test_anonymous_may_do_nothing(confidant_case, perm) -> None:
    """An anonymous user is denied everything."""
    with pytest.raises(PermissionDenied):
        require(AnonymousUser(), perm, confidant_case)


def test_only_the_own_organisations_team_lead_assigns(
    client_support_team_lead, confidant, confidant2, confidant_case, db_state
) -> None:
    """Only a team lead of the case's organisation assigns professionals (403)."""
    before = db_state()
    for actor in (client_support_team_lead, confidant):
        with pytest.raises(PermissionDenied):
            assign(actor, confidant_case, confidant2)
    assert db_state() == before


def test_only_a_decision_maker_of_the_municipality_decides(
    decision_maker, confidant, other_municipality, db_state
) -> None:
    """Applications of another municipality, or by a caseworker, are not decided
    (403)."""
    application = ApplicationFactory(client__municipality=other_municipality)
    before = db_state()
    for actor in (decision_maker, confidant):
        with pytest.raises(PermissionDenied):
            decide(actor, application)
    assert db_state() == before


def test_has_refuses_a_permission_on_the_wrong_kind_of_object(
    confidant, confidant_case
) -> None:
    """Asking for a case permission on a client is a programming error."""
    with pytest.raises(TypeError):
        has(confidant, Perm.CHANGE_CASE, confidant_case.client)


# --- one query per list ----------------------------------------------------------------------


@pytest.mark.parametrize("n_cases", [1, 12])
@pytest.mark.parametrize("who", ["confidant", "team_lead"])
def test_visible_cases_cost_one_query(
    request, confidant, django_assert_num_queries, n_cases, who
) -> None:
    """Listing the visible cases is one query, however many cases there are."""
    for _ in range(n_cases):
        open_case(confidant)
    user = request.getfixturevalue(who)
    user = User.objects.get(pk=user.pk)  # nothing cached on the instance
    with django_assert_num_queries(1):
        cases = list(SupportCase.objects.visible_to(user))
    assert len(cases) == n_cases


@pytest.mark.parametrize("n_cases", [1, 12])
def test_visible_notes_meetings_and_clients_cost_one_query(
    confidant, django_assert_num_queries, n_cases
) -> None:
    """Listing visible notes, meetings or clients is one query each."""
    for _ in range(n_cases):
        case = open_case(confidant)
        add_note(confidant, case)
        plan_meeting(confidant, case)
    for model in (Note, Meeting, Client):
        with django_assert_num_queries(1):
            found = list(model.objects.visible_to(confidant))
        assert len(found) == n_cases


def test_visible_cases_of_an_unassigned_caseworker_is_empty_in_one_query(
    confidant, client_supporter, django_assert_num_queries
) -> None:
    """A caseworker without assignments sees no case (and it takes one query)."""
    open_case(confidant)
    with django_assert_num_queries(1):
        assert list(SupportCase.objects.visible_to(client_supporter)) == []


def test_consent_and_attendance_write_no_rows(confidant, confidant_case) -> None:
    """Meetings, attendance and consent change no permission rows."""
    before = rows(confidant)
    informal = assign_informal(confidant, confidant_case)
    meeting = plan_meeting(confidant, confidant_case)
    give_consent(confidant, informal.informal_supporter, meeting)
    invite(confidant, meeting, informal)
    role_services.consent_withdraw(
        actor=confidant, consent=informal.informal_supporter.consents.get()
    )
    case_services.case_set_status(
        actor=confidant, case=confidant_case, status=SupportCase.Status.IN_PROGRESS
    )
    assert rows(confidant) == before
    assert verify() == []


def test_anonymous_sees_nothing_of_any_model(world) -> None:
    """``visible_to`` of an anonymous user is empty for every model that has
    it (the world holds rows of most of them); a permission check says no."""
    anonymous = AnonymousUser()
    checked = []
    for model in apps.get_models():
        visible_to = getattr(model._default_manager, "visible_to", None)
        if callable(visible_to):
            assert not visible_to(anonymous).exists(), model._meta.label
            checked.append(model._meta.label)
    assert "cases.Client" in checked and "roles.Referral" in checked
    assert not has(anonymous, Perm.VIEW_CASE, SupportCase.objects.first())


def test_every_visible_to_answers_for_every_role(world) -> None:
    """``visible_to`` of every model runs for every role of the world (a
    lookup through a field the model lacks would fail here), and the support
    rows follow the case: vp1 sees the attendance of their meeting, the
    client supporter of the same youth (another organisation) does not."""
    for model in apps.get_models():
        visible_to = getattr(model._default_manager, "visible_to", None)
        if callable(visible_to):
            for user in world.users.values():
                list(visible_to(user)[:1])
    meeting = world.objects["complaint_meeting"]
    assert (
        Attendance.objects.visible_to(world.users["vp1"])
        .filter(meeting_id=meeting)
        .count()
        == 2
    )
    assert (
        not Attendance.objects.visible_to(world.users["co1"])
        .filter(meeting_id=meeting)
        .exists()
    )
