"""The rules of ``shared/DOMAIN.md`` on roles and who supports whom: R1, R2, R4,
R5 and R8, R9 and R10. Each enforced rule has tests whose docstrings name it. A
refused action must leave the database unchanged (the ``refused`` fixture
compares a snapshot of every row before and after) and say why in Dutch; with
the English catalogue compiled, in English under ``en``.

R3 and R6 (complaints, closing) are in ``tests/cases/services/test_case_rules.py``,
R11 and R12 (informal supporters, refusals) in ``test_informal_rules.py``. R2's
logged handover and emergency access are tested in ``test_emergency_access.py``.
Not tested because not (yet) implemented: R3's complaint deadlines, R7's
outreach visits.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from cases import services as case_services
from cases.models import (
    Application,
    CaseEvent,
    Client,
    Meeting,
    Note,
    SupportCase,
)
from roles.models import (
    Assignment,
    Attendance,
    CaseUserObjectPermission,
    ClientUserObjectPermission,
)
from roles.permissions import Perm, has
from roles.policy import (
    POLICY,
    SupportRole,
    policy_for,
    professional_roles,
    support_role_for_user,
)
from tests.factories import (
    ApplicationFactory,
    FamilyFactory,
    TeamFactory,
    UserFactory,
    active_assignment,
    add_note,
    assign,
    close_case,
    decide,
    end_assignment,
    invite,
    open_case,
    plan_meeting,
    record_conflict,
    register_same_person,
)
from tests.support.messages import (
    assert_dutch,
    assert_english,
    english_message,
    message_of,
    needs_english,
)

# --- R1: three roles, one policy table ------------------------------------------------


def test_r1_there_are_exactly_three_support_roles() -> None:
    """R1: The support roles are the AKJ confidant, the client supporter and the
    informal supporter, and no others."""
    assert set(SupportRole.values) == {
        "akj_confidant",
        "client_supporter",
        "informal_supporter",
    }


def test_r1_policy_table_has_one_row_per_role() -> None:
    """R1: The policy table covers every support role, each row under its own role."""
    assert set(POLICY) == set(SupportRole)
    assert all(POLICY[role].role == role for role in SupportRole)
    assert professional_roles() == [
        SupportRole.AKJ_CONFIDANT,
        SupportRole.CLIENT_SUPPORTER,
    ]
    assert not policy_for(SupportRole.INFORMAL_SUPPORTER).is_user
    assert policy_for(SupportRole.INFORMAL_SUPPORTER).user_role is None


@pytest.mark.parametrize(
    ("user_role", "support_role"),
    [
        (User.Role.AKJ_CONFIDANT, SupportRole.AKJ_CONFIDANT),
        (User.Role.CLIENT_SUPPORTER, SupportRole.CLIENT_SUPPORTER),
        (User.Role.TEAM_LEAD, None),
        (User.Role.DECISION_MAKER, None),
        (User.Role.FUNCTIONAL_ADMIN, None),
        ("", None),
    ],
)
def test_r1_only_caseworkers_take_a_support_role(user_role, support_role) -> None:
    """R1: Only confidants and client supporters take a support role on a case."""
    assert support_role_for_user(User(role=user_role)) == support_role


def test_r1_confidant_cannot_take_a_care_question(
    client_support_team_lead, supporter_case, confidant, refused
) -> None:
    """R1: A confidant cannot be assigned to a care question (client support)."""
    with refused("r1_role_case_kind") as info:
        assign(client_support_team_lead, supporter_case, confidant)
    assert_dutch(message_of(info))


def test_r1_client_supporter_cannot_take_a_complaint(
    team_lead, confidant, client_supporter, refused
) -> None:
    """R1: A client supporter cannot be assigned to a complaint case."""
    case = open_case(confidant, kind=SupportCase.Kind.COMPLAINT)
    with refused("r1_role_case_kind"):
        assign(team_lead, case, client_supporter)


def test_r1_confidant_cannot_register_a_client_with_a_care_question(
    confidant, municipality, refused
) -> None:
    """R1: A confidant cannot open a care question, not even for a new client; the
    client is not registered either."""
    with refused("r1_role_case_kind"):
        open_case(
            confidant, kind=SupportCase.Kind.CARE_QUESTION, municipality=municipality
        )


@pytest.mark.parametrize(
    "who", ["client_supporter", "team_lead", "decision_maker", "inactive confidant"]
)
def test_r1_assignee_must_have_the_matching_user_role(
    request, team_lead, confidant_case, refused, who
) -> None:
    """R1: Only an active user whose role is AKJ confidant is assigned as one."""
    if who == "inactive confidant":
        user = UserFactory(
            confidant=True, organisation=team_lead.organisation, is_active=False
        )
    else:
        user = request.getfixturevalue(who)
    with refused("r1_user_role") as info:
        assign(team_lead, confidant_case, user, role=SupportRole.AKJ_CONFIDANT)
    assert_dutch(message_of(info), user)


@needs_english
def test_r1_refusal_is_english_under_en(
    client_support_team_lead, supporter_case, confidant
) -> None:
    """R1: The refusal of a role for a case kind is translated."""
    message = english_message(
        lambda: assign(client_support_team_lead, supporter_case, confidant)
    )
    assert_english(message)


# --- R2: confidentiality -----------------------------------------------------------------


@pytest.fixture
def shared_client(confidant, client_supporter, municipality) -> SimpleNamespace:
    """One youth, supported by ``confidant`` (a question) and by
    ``client_supporter`` (a care question), each with a note and a meeting;
    each organisation has its own file of the youth (R13)."""
    confidant_case = open_case(
        confidant, kind=SupportCase.Kind.QUESTION, municipality=municipality
    )
    client = confidant_case.client
    supporter_case = register_same_person(client_supporter, client)
    return SimpleNamespace(
        client=client,
        confidant_case=confidant_case,
        confidant_note=add_note(confidant, confidant_case, "Vertrouwelijk verhaal."),
        confidant_meeting=plan_meeting(confidant, confidant_case),
        supporter_case=supporter_case,
        supporter_note=add_note(client_supporter, supporter_case, "Zorg gezocht."),
        supporter_meeting=plan_meeting(
            client_supporter, supporter_case, Meeting.Kind.CONTENT
        ),
    )


def test_r2_client_supporter_does_not_see_the_confidants_case(
    shared_client, client_supporter
) -> None:
    """R2: The client supporter of the same client sees neither the confidant's
    case nor its notes, meetings or history."""
    s = shared_client
    assert list(SupportCase.objects.visible_to(client_supporter)) == [s.supporter_case]
    assert list(SupportCase.objects.with_content_visible_to(client_supporter)) == [
        s.supporter_case
    ]
    assert list(Note.objects.visible_to(client_supporter)) == [s.supporter_note]
    assert list(Meeting.objects.visible_to(client_supporter)) == [s.supporter_meeting]
    assert set(
        CaseEvent.objects.visible_to(client_supporter).values_list("case", flat=True)
    ) == {s.supporter_case.pk}
    # The same person has a file of the client-support organisation; that
    # does not open the AKJ's file (R13).
    own_file = s.supporter_case.client
    assert own_file != s.client and own_file.person_key == s.client.person_key
    assert list(Client.objects.visible_to(client_supporter)) == [own_file]
    assert not has(client_supporter, Perm.VIEW_CASE_CONTENT, s.confidant_case)


def test_r2_confidant_does_not_see_the_client_supporters_case(
    shared_client, confidant
) -> None:
    """R2: Confidentiality holds both ways: the confidant does not see the client
    supporter's case of the same client."""
    s = shared_client
    assert list(SupportCase.objects.visible_to(confidant)) == [s.confidant_case]
    assert list(Note.objects.visible_to(confidant)) == [s.confidant_note]
    assert list(Meeting.objects.visible_to(confidant)) == [s.confidant_meeting]


def test_r2_confidant_of_one_family_member_does_not_see_another_members_case(
    confidant, confidant2, municipality
) -> None:
    """R2: The confidant of one family member sees nothing of the case, notes or
    meetings of another member that a colleague supports."""
    family = FamilyFactory()
    mother_case = open_case(
        confidant,
        family=family,
        relation="moeder",
        parent=True,
        municipality=municipality,
    )
    son_case = open_case(
        confidant2, family=family, relation="zoon", municipality=municipality
    )
    son_note = add_note(confidant2, son_case, "Wil niet naar huis.")
    son_meeting = plan_meeting(confidant2, son_case)

    assert list(SupportCase.objects.visible_to(confidant)) == [mother_case]
    assert list(Client.objects.visible_to(confidant)) == [mother_case.client]
    assert son_note not in Note.objects.visible_to(confidant)
    assert son_meeting not in Meeting.objects.visible_to(confidant)
    assert list(SupportCase.objects.visible_to(confidant2)) == [son_case]


def test_r2_team_lead_sees_own_organisations_cases_without_content(
    team_lead, confidant, confidant2, confidant_case, supporter_case
) -> None:
    """R2: A team lead sees the metadata of their own organisation's cases, but no
    content, no clients, and nothing of another organisation."""
    second = open_case(confidant2)
    add_note(confidant, confidant_case)
    plan_meeting(confidant, confidant_case)

    assert set(SupportCase.objects.visible_to(team_lead)) == {confidant_case, second}
    assert not SupportCase.objects.with_content_visible_to(team_lead).exists()
    assert not Note.objects.visible_to(team_lead).exists()
    assert not Meeting.objects.visible_to(team_lead).exists()
    assert not CaseEvent.objects.visible_to(team_lead).exists()
    assert not Client.objects.visible_to(team_lead).exists()
    assert not has(team_lead, Perm.VIEW_CASE_CONTENT, confidant_case)


def test_r2_team_lead_does_not_see_other_organisations_cases(
    client_support_team_lead, confidant_case, supporter_case
) -> None:
    """R2: A team lead of another organisation does not see the AKJ's cases."""
    assert list(SupportCase.objects.visible_to(client_support_team_lead)) == [
        supporter_case
    ]
    assert not has(client_support_team_lead, Perm.VIEW_CASE, confidant_case)


@pytest.mark.parametrize("who", ["decision_maker", "functional_admin"])
def test_r2_non_caseworkers_see_no_cases_or_clients(
    request, shared_client, who
) -> None:
    """R2: Decision-makers and functional administrators see no cases, clients or
    content."""
    user = request.getfixturevalue(who)
    assert not SupportCase.objects.visible_to(user).exists()
    assert not Client.objects.visible_to(user).exists()
    assert not Note.objects.visible_to(user).exists()
    assert not Meeting.objects.visible_to(user).exists()


def test_r2_functional_admin_has_no_model_permission_on_notes(
    functional_admin,
) -> None:
    """R2: A functional administrator cannot read notes, not even in the admin."""
    assert not functional_admin.has_perm("cases.view_note")


# --- R4: conflicting interests in a family ------------------------------------------------


@pytest.fixture
def family(confidant, confidant2, team_lead, municipality) -> SimpleNamespace:
    """A mother supported by ``confidant`` and a son whose case ``confidant2``
    opened and the team lead then freed (no active confidant)."""
    family = FamilyFactory()
    mother_case = open_case(
        confidant,
        kind=SupportCase.Kind.PROBLEM,
        family=family,
        relation="moeder",
        parent=True,
        municipality=municipality,
    )
    son_case = open_case(
        confidant2, family=family, relation="zoon", municipality=municipality
    )
    end_assignment(team_lead, active_assignment(son_case, user=confidant2))
    return SimpleNamespace(
        mother=mother_case.client,
        mother_case=mother_case,
        son=son_case.client,
        son_case=son_case,
    )


def test_r4_one_confidant_cannot_support_two_members_with_conflicting_interests(
    family, confidant, team_lead, refused
) -> None:
    """R4: A confidant who supports one family member is not assigned to another
    member with recorded conflicting interests; the refusal says so in Dutch and
    nothing is written."""
    record_conflict(confidant, family.mother, family.son)
    assignments = Assignment.objects.count()
    case_perms = CaseUserObjectPermission.objects.count()
    client_perms = ClientUserObjectPermission.objects.count()

    with refused("r4_conflicting_interests") as info:
        assign(team_lead, family.son_case, confidant)

    assert Assignment.objects.count() == assignments
    assert CaseUserObjectPermission.objects.count() == case_perms
    assert ClientUserObjectPermission.objects.count() == client_perms
    message = message_of(info)
    assert_dutch(message, confidant, family.mother)
    assert "tegenstrijdig belang" in message
    assert (
        not SupportCase.objects.visible_to(confidant)
        .filter(pk=family.son_case.pk)
        .exists()
    )


def test_r4_another_confidant_can_support_the_other_member(
    family, confidant, team_lead
) -> None:
    """R4: With conflicting interests, a second confidant supports the other member."""
    record_conflict(confidant, family.mother, family.son)
    colleague = UserFactory(confidant=True, organisation=team_lead.organisation)
    assignment = assign(team_lead, family.son_case, colleague)
    assert assignment.is_active
    assert has(colleague, Perm.CHANGE_CASE, family.son_case)


def test_r4_without_a_recorded_conflict_one_confidant_supports_both(
    family, confidant, team_lead
) -> None:
    """R4: Without recorded conflicting interests, one confidant may support both."""
    assign(team_lead, family.son_case, confidant)
    assert set(Client.objects.visible_to(confidant)) == {family.mother, family.son}


@needs_english
def test_r4_refusal_is_english_under_en(family, confidant, team_lead) -> None:
    """R4: The conflicting-interests refusal is translated."""
    record_conflict(confidant, family.mother, family.son)
    message = english_message(lambda: assign(team_lead, family.son_case, confidant))
    assert_english(message, confidant, family.mother)


# --- R5 and R8: who attends which meeting ----------------------------------------------------


def test_r5_confidant_cannot_attend_a_content_meeting(
    confidant, confidant_case, refused
) -> None:
    """R5: A confidant cannot attend a content meeting, even at the client's request."""
    meeting = plan_meeting(confidant, confidant_case, Meeting.Kind.CONTENT)
    with refused("r5_content_meeting") as info:
        invite(
            confidant,
            meeting,
            active_assignment(confidant_case, user=confidant),
            requested_by_client=True,
        )
    assert_dutch(message_of(info))
    assert "inhoud" in message_of(info)


def test_r5_confidant_attends_only_at_the_clients_request(
    confidant, confidant_case, refused
) -> None:
    """R5: A confidant is not planned into a meeting the client did not ask them to."""
    meeting = plan_meeting(confidant, confidant_case, Meeting.Kind.QUESTION_COMPLAINT)
    with refused(field="requested_by_client") as info:
        invite(
            confidant,
            meeting,
            active_assignment(confidant_case, user=confidant),
            requested_by_client=False,
        )
    assert_dutch(message_of(info))


def test_r5_missing_client_request_has_its_rule_code(
    confidant, confidant_case, refused
) -> None:
    """R5: The refusal without the client's request carries code r5_client_request."""
    meeting = plan_meeting(confidant, confidant_case)
    with refused("r5_client_request"):
        invite(
            confidant,
            meeting,
            active_assignment(confidant_case, user=confidant),
            requested_by_client=False,
        )


@pytest.mark.parametrize(
    "kind", [Meeting.Kind.QUESTION_COMPLAINT, Meeting.Kind.MEDIATION]
)
def test_r5_confidant_attends_complaint_conversation_or_mediation_on_request(
    confidant, confidant_case, kind
) -> None:
    """R5: At the client's request a confidant attends a question/complaint
    conversation or a mediation."""
    meeting = plan_meeting(confidant, confidant_case, kind)
    attendance = invite(
        confidant,
        meeting,
        active_assignment(confidant_case, user=confidant),
        requested_by_client=True,
    )
    assert attendance.status == Attendance.Status.INVITED
    assert attendance.requested_by_client


def test_r8_client_supporter_may_attend_a_content_meeting(
    client_supporter, supporter_case
) -> None:
    """R8: A client supporter attends a conversation about the content of the care,
    also without a request recorded."""
    meeting = plan_meeting(client_supporter, supporter_case, Meeting.Kind.CONTENT)
    attendance = invite(
        client_supporter,
        meeting,
        active_assignment(supporter_case, user=client_supporter),
        requested_by_client=False,
    )
    assert attendance.status == Attendance.Status.INVITED


def test_r8_client_support_starts_before_any_care_exists(supporter_case) -> None:
    """R8: A care question is opened for a client who has no care yet."""
    assert not supporter_case.client.care.exists()
    assert supporter_case.provider is None


def test_r5_refusal_names_the_role_as_users_know_it(confidant, confidant_case) -> None:
    """R5: The refusal names the role as a word in the sentence, 'vertrouwenspersoon',
    not a mangled label such as 'vertrouwenspersoon (akj)'."""
    meeting = plan_meeting(confidant, confidant_case, Meeting.Kind.CONTENT)
    with pytest.raises(ValidationError) as info:
        invite(confidant, meeting, active_assignment(confidant_case, user=confidant))
    assert "Een vertrouwenspersoon is niet aanwezig" in message_of(info)
    assert "(akj)" not in message_of(info)


@needs_english
def test_r5_refusal_is_english_under_en(confidant, confidant_case) -> None:
    """R5: The content-meeting refusal is translated."""
    meeting = plan_meeting(confidant, confidant_case, Meeting.Kind.CONTENT)
    assignment = active_assignment(confidant_case, user=confidant)
    assert_english(english_message(lambda: invite(confidant, meeting, assignment)))


# --- R9: support and deciding never in one hand ------------------------------------------------


def _move_to(user: User, role: str, organisation) -> None:
    """The person changes jobs: same user, new role (in the organisation's
    team, as every caseworker is in one)."""
    user.role = role
    user.organisation = organisation
    user.team = TeamFactory(organisation=organisation)
    user.save(update_fields=["role", "organisation", "team"])


@pytest.mark.parametrize("decided", [True, False], ids=["decided", "deciding"])
def test_r9_a_decider_cannot_be_assigned_as_supporter(
    decision_maker,
    client_supporter,
    client_support_org,
    client_support_team_lead,
    supporter_case,
    refused,
    decided,
) -> None:
    """R9: Who decides (or decided) on a client's application cannot become that
    client's supporter."""
    application = ApplicationFactory(client=supporter_case.client)
    if decided:
        decide(decision_maker, application)
    else:
        case_services.application_assign_decider(
            actor=decision_maker, application=application, decider=decision_maker
        )
    _move_to(decision_maker, User.Role.CLIENT_SUPPORTER, client_support_org)
    end_assignment(
        client_support_team_lead,
        active_assignment(supporter_case, user=client_supporter),
    )

    with refused("r9_decider_supports") as info:
        assign(client_support_team_lead, supporter_case, decision_maker)
    assert_dutch(message_of(info), decision_maker)


def test_r9_a_supporter_cannot_decide_on_the_clients_application(
    client_supporter, municipality_org, supporter_case, refused
) -> None:
    """R9: A client's supporter cannot decide on that client's application."""
    application = ApplicationFactory(client=supporter_case.client)
    _move_to(client_supporter, User.Role.DECISION_MAKER, municipality_org)
    with refused("r9_supporter_decides") as info:
        decide(client_supporter, application)
    assert_dutch(message_of(info), client_supporter)


def test_r9_a_former_supporter_cannot_be_made_the_decider(
    client_supporter, decision_maker, municipality_org, supporter_case, refused
) -> None:
    """R9: A former supporter of the client cannot be given the client's application
    to decide, nor decide it."""
    application = ApplicationFactory(client=supporter_case.client)
    close_case(client_supporter, supporter_case)
    _move_to(client_supporter, User.Role.DECISION_MAKER, municipality_org)
    with refused("r9_supporter_decides"):
        case_services.application_assign_decider(
            actor=decision_maker, application=application, decider=client_supporter
        )
    with refused("r9_supporter_decides"):
        decide(client_supporter, application)


def test_r9_an_independent_decision_maker_decides(
    decision_maker, supporter_case
) -> None:
    """R9: A decision-maker who never supported the client decides."""
    application = decide(
        decision_maker, ApplicationFactory(client=supporter_case.client)
    )
    assert application.decision == Application.Decision.GRANTED
    assert application.decider == decision_maker


@needs_english
def test_r9_refusal_is_english_under_en(
    client_supporter, municipality_org, supporter_case
) -> None:
    """R9: The support-and-decide refusal is translated."""
    application = ApplicationFactory(client=supporter_case.client)
    _move_to(client_supporter, User.Role.DECISION_MAKER, municipality_org)
    message = english_message(lambda: decide(client_supporter, application))
    assert_english(message, client_supporter)


# --- R10: expertise is recorded, not required ------------------------------------------------


def test_r10_a_client_supporter_without_recorded_expertise_can_be_assigned(
    client_support_team_lead, client_support_org, client_supporter, supporter_case
) -> None:
    """R10: A client supporter without any recorded expertise can be assigned."""
    end_assignment(
        client_support_team_lead,
        active_assignment(supporter_case, user=client_supporter),
    )
    newcomer = UserFactory(
        client_supporter=True, organisation=client_support_org, expertise=""
    )
    assignment = assign(client_support_team_lead, supporter_case, newcomer)
    assert assignment.is_active
    assert has(newcomer, Perm.CHANGE_CASE, supporter_case)
