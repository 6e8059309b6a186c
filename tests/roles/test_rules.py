"""The rules R1–R12 of ``shared/DOMAIN.md``: each enforced rule has tests whose
docstrings name it. A refused action must leave the database unchanged (the
``refused`` fixture compares a snapshot of every row before and after) and say
why in Dutch; with the English catalogue compiled, in English under ``en``.

R2's logged handover and emergency access are tested in
``test_emergency_access.py``. Not tested because not (yet) implemented: R3's
complaint deadlines, R7's outreach visits.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts.models import User
from cases import services as case_services
from cases.models import (
    Application,
    CaseEvent,
    Client,
    Complaint,
    Meeting,
    Note,
    SupportCase,
)
from roles import services as role_services
from roles.models import (
    Assignment,
    Attendance,
    CaseUserObjectPermission,
    ClientUserObjectPermission,
    InformalSupporter,
)
from roles.permissions import Perm, has, verify
from roles.policy import (
    POLICY,
    RefusalGround,
    SupportRole,
    policy_for,
    professional_roles,
    support_role_for_user,
)
from tests.factories import (
    ApplicationFactory,
    FamilyFactory,
    InformalSupporterFactory,
    TeamFactory,
    UserFactory,
    active_assignment,
    add_note,
    advance_complaint,
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

EN_CATALOGUE = (
    Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.mo"
)
needs_english = pytest.mark.skipif(
    not EN_CATALOGUE.exists(),
    reason="No English catalogue yet (locale/en/LC_MESSAGES/django.mo); "
    "these tests run once the translations are compiled.",
)

DUTCH_WORDS = {
    "een",
    "niet",
    "geen",
    "kan",
    "alleen",
    "deze",
    "dit",
    "wordt",
    "worden",
    "de",
    "het",
    "van",
    "bij",
    "wie",
    "toe",
    "zijn",
    "op",
    "verzoek",
    "zaak",
    "klacht",
    "gesprek",
    "weigering",
    "ondersteuner",
    "vertrouwenspersoon",
    "kies",
    "vul",
}
ENGLISH_WORDS = {"a", "an", "the", "not", "cannot", "only", "is", "be", "can", "no"}


def _words(message: str, names: tuple[object, ...]) -> set[str]:
    for name in names:  # people's names are Dutch in any language
        message = message.replace(str(name), " ")
    return set(re.findall(r"[^\W\d_]+", message.lower()))


def assert_dutch(message: str, *names: object) -> None:
    assert _words(message, names) & DUTCH_WORDS, message


def assert_english(message: str, *names: object) -> None:
    words = _words(message, names)
    assert not words & DUTCH_WORDS, message
    assert words & ENGLISH_WORDS, message


def message_of(info: pytest.ExceptionInfo) -> str:
    return " ".join(info.value.messages)


def english_message(action) -> str:
    """The message of the ValidationError ``action`` raises under ``en``."""
    with translation.override("en"), pytest.raises(ValidationError) as info:
        action()
    return message_of(info)


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


# --- R3: complaints have their own stages ------------------------------------------------


@pytest.fixture
def complaint_case(confidant, municipality) -> SupportCase:
    """A complaint case opened by ``confidant``."""
    return open_case(
        confidant, kind=SupportCase.Kind.COMPLAINT, municipality=municipality
    )


def test_r3_a_complaint_case_starts_with_a_complaint_being_formulated(
    complaint_case, confidant_case
) -> None:
    """R3: A complaint case has its own complaint, which starts being formulated;
    other cases have none."""
    assert complaint_case.complaint.stage == Complaint.Stage.FORMULATING
    assert not Complaint.objects.filter(case=confidant_case).exists()


@pytest.mark.parametrize(
    ("start", "target"),
    [(start, target) for start in Complaint.Stage for target in Complaint.Stage],
)
def test_r3_complaint_stages_follow_the_transition_table(
    confidant, complaint_case, refused, start, target
) -> None:
    """R3: A complaint moves only along ``Complaint.TRANSITIONS``."""
    complaint_in_stage(confidant, complaint_case, start)
    if target in Complaint.TRANSITIONS[start]:
        advance_complaint(confidant, complaint_case, target)
        assert Complaint.objects.get(case=complaint_case).stage == target
    else:
        with refused("invalid_transition") as info:
            advance_complaint(confidant, complaint_case, target)
        assert_dutch(message_of(info))


def test_r3_submitting_records_to_whom_and_when(confidant, complaint_case) -> None:
    """R3: A submitted complaint records where it was submitted and on which day."""
    day = timezone.localdate() - datetime.timedelta(days=3)
    advance_complaint(
        confidant,
        complaint_case,
        Complaint.Stage.SUBMITTED,
        submitted_to="  Klachtencommissie Jeugdzorg Midden ",
        on=day,
    )
    complaint = Complaint.objects.get(case=complaint_case)
    assert complaint.submitted_to == "Klachtencommissie Jeugdzorg Midden"
    assert complaint.submitted_on == day


def test_r3_submission_date_defaults_to_today(confidant, complaint_case) -> None:
    """R3: Without a date, a complaint is submitted today."""
    advance_complaint(confidant, complaint_case, Complaint.Stage.SUBMITTED)
    complaint = Complaint.objects.get(case=complaint_case)
    assert complaint.submitted_on == timezone.localdate()


@pytest.mark.parametrize("submitted_to", ["", "   "])
def test_r3_submitting_needs_to_whom(
    confidant, complaint_case, refused, submitted_to
) -> None:
    """R3: A complaint cannot be submitted without saying to whom."""
    with refused(field="submitted_to") as info:
        advance_complaint(
            confidant,
            complaint_case,
            Complaint.Stage.SUBMITTED,
            submitted_to=submitted_to,
        )
    assert_dutch(message_of(info))


def test_r3_submission_cannot_be_dated_in_the_future(
    confidant, complaint_case, refused
) -> None:
    """R3: A complaint cannot be submitted on a day still to come."""
    with refused(field="on"):
        advance_complaint(
            confidant,
            complaint_case,
            Complaint.Stage.SUBMITTED,
            on=timezone.localdate() + datetime.timedelta(days=1),
        )


@pytest.mark.parametrize(
    "stage",
    [Complaint.Stage.FORMULATING, Complaint.Stage.SUBMITTED, Complaint.Stage.HANDLING],
)
def test_r3_a_case_with_an_open_complaint_cannot_be_closed(
    confidant, complaint_case, refused, stage
) -> None:
    """R3: A complaint case is not closed while its complaint is still running."""
    complaint_in_stage(confidant, complaint_case, stage)
    with refused("complaint_open") as info:
        close_case(confidant, complaint_case)
    assert_dutch(message_of(info))
    assert active_assignment(complaint_case, user=confidant)


@pytest.mark.parametrize("stage", [Complaint.Stage.DECIDED, Complaint.Stage.WITHDRAWN])
def test_r3_a_case_closes_once_its_complaint_is_decided_or_withdrawn(
    confidant, complaint_case, stage
) -> None:
    """R3: Once the complaint is decided or withdrawn, its case can be closed."""
    complaint_in_stage(confidant, complaint_case, stage)
    case = close_case(confidant, complaint_case)
    assert case.is_closed


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


# --- R6: closing ends the support ------------------------------------------------------------


def test_r6_closing_a_case_ends_all_its_assignments(confidant, confidant_case) -> None:
    """R6: Closing a case ends every assignment on it, informal ones included."""
    assign_informal(confidant, confidant_case)
    close_case(confidant, confidant_case)
    assignments = Assignment.objects.filter(case=confidant_case)
    assert assignments.count() == 2
    assert not assignments.filter(ended_at__isnull=True).exists()
    assert set(assignments.values_list("end_reason", flat=True)) == {
        Assignment.EndReason.CASE_CLOSED
    }


_AFTER_CLOSING = {
    "add a note": lambda u, case: add_note(u, case),
    "plan a meeting": lambda u, case: plan_meeting(u, case),
    "change the status": lambda u, case: case_services.case_set_status(
        actor=u, case=case, status=SupportCase.Status.IN_PROGRESS
    ),
    "open a new case for the client": lambda u, case: open_case(u, case.client),
    "add an informal supporter": lambda u, case: role_services.informal_supporter_add(
        actor=u, client=case.client, name="Oom Kees", relation="oom"
    ),
}


@pytest.mark.parametrize("action", _AFTER_CLOSING)
def test_r6_after_closing_the_supporter_changes_and_opens_nothing(
    confidant, confidant_case, refused, action
) -> None:
    """R6: After closing, the supporter cannot change the case or open anything new
    about the client."""
    case = close_case(confidant, confidant_case)
    with refused(exc=PermissionDenied):
        _AFTER_CLOSING[action](confidant, case)


def test_r6_nobody_is_assigned_to_a_closed_case(
    confidant, confidant2, confidant_case, team_lead, refused
) -> None:
    """R6: A closed case takes no new supporter."""
    case = close_case(confidant, confidant_case)
    with refused("case_closed"):
        assign(team_lead, case, confidant2)


def test_r6_the_closed_case_stays_readable_but_not_the_client(
    confidant, confidant_case
) -> None:
    """R6: The supporter keeps read-only access to the closed case and what they
    recorded in it, but no longer sees the client's record (anything new)."""
    note = add_note(confidant, confidant_case)
    meeting = plan_meeting(confidant, confidant_case)
    case = close_case(confidant, confidant_case)

    assert case in SupportCase.objects.visible_to(confidant)
    assert case in SupportCase.objects.with_content_visible_to(confidant)
    assert note in Note.objects.visible_to(confidant)
    assert meeting in Meeting.objects.visible_to(confidant)
    assert has(confidant, Perm.VIEW_CASE_CONTENT, case)
    assert not has(confidant, Perm.CHANGE_CASE, case)
    assert case.client not in Client.objects.visible_to(confidant)
    assert not has(confidant, Perm.VIEW_CLIENT, case.client)


def test_r6_closing_one_case_takes_away_nothing_else(confidant, confidant_case) -> None:
    """R6: Closing one case leaves the supporter's other cases, of the same client
    and of others, as they were."""
    same_client = open_case(confidant, confidant_case.client, SupportCase.Kind.PROBLEM)
    other_client = open_case(confidant)
    close_case(confidant, confidant_case)

    add_note(confidant, same_client)
    add_note(confidant, other_client)
    assert has(confidant, Perm.CHANGE_CLIENT, confidant_case.client)
    assert open_case(confidant, confidant_case.client).client == confidant_case.client
    assert verify() == []


def test_r6_ending_an_assignment_removes_all_access(
    confidant, confidant_case, team_lead
) -> None:
    """R6: Support ended without closing the case (e.g. a handover) leaves the
    former supporter nothing of the case or the client."""
    note = add_note(confidant, confidant_case)
    plan_meeting(confidant, confidant_case)
    end_assignment(team_lead, active_assignment(confidant_case, user=confidant))

    assert not SupportCase.objects.visible_to(confidant).exists()
    assert not SupportCase.objects.with_content_visible_to(confidant).exists()
    assert not Note.objects.visible_to(confidant).exists()
    assert not Meeting.objects.visible_to(confidant).exists()
    assert not Client.objects.visible_to(confidant).exists()
    assert note.author == confidant  # the note itself stays


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


# --- R11: informal supporters are not users ---------------------------------------------------


def test_r11_an_informal_supporter_is_no_user_and_gets_no_permissions(
    confidant, confidant_case
) -> None:
    """R11: An informal supporter's assignment has no user and writes no permission
    rows."""
    case_perms = CaseUserObjectPermission.objects.count()
    client_perms = ClientUserObjectPermission.objects.count()
    assignment = assign_informal(confidant, confidant_case)
    assert assignment.user is None
    assert assignment.informal_supporter is not None
    assert CaseUserObjectPermission.objects.count() == case_perms
    assert ClientUserObjectPermission.objects.count() == client_perms
    assert verify() == []
    assert not any(
        field.related_model is User for field in InformalSupporter._meta.fields
    )


def test_r11_a_user_cannot_be_assigned_as_informal_supporter(
    confidant, confidant2, confidant_case, refused
) -> None:
    """R11: A user of Naast is never assigned as an informal supporter."""
    with refused("r11_informal_not_user"):
        role_services.assignment_start(
            actor=confidant,
            case=confidant_case,
            role=SupportRole.INFORMAL_SUPPORTER,
            user=confidant2,
            at_clients_request=True,
        )


def test_r11_an_informal_supporter_acts_only_at_the_clients_request(
    confidant, confidant_case, refused
) -> None:
    """R11: An informal supporter is assigned only at the client's request."""
    supporter = InformalSupporterFactory(client=confidant_case.client)
    with refused("r11_client_request") as info:
        assign_informal(confidant, confidant_case, supporter, at_clients_request=False)
    assert_dutch(message_of(info))


def test_r11_an_informal_supporter_belongs_to_their_own_client(
    confidant, confidant_case, refused
) -> None:
    """R11: Someone from one client's network is not assigned to another's case."""
    stranger = InformalSupporterFactory()
    with refused("r11_other_client"):
        assign_informal(confidant, confidant_case, stranger)


@pytest.fixture
def informal(confidant, confidant_case) -> SimpleNamespace:
    """An informal supporter assigned at the client's request, and a meeting."""
    assignment = assign_informal(confidant, confidant_case)
    return SimpleNamespace(
        assignment=assignment,
        supporter=assignment.informal_supporter,
        meeting=plan_meeting(confidant, confidant_case),
    )


def test_r11_an_invitation_needs_the_clients_consent(
    confidant, informal, refused
) -> None:
    """R11: An informal supporter is not invited without the client's recorded
    consent for that invitation."""
    with refused("r11_no_consent") as info:
        invite(confidant, informal.meeting, informal.assignment)
    assert_dutch(message_of(info), informal.supporter.name)


def test_r11_withdrawn_consent_does_not_count(confidant, informal, refused) -> None:
    """R11: Consent the client withdrew no longer allows the invitation."""
    consent = give_consent(confidant, informal.supporter, informal.meeting)
    role_services.consent_withdraw(actor=confidant, consent=consent)
    with refused("r11_no_consent"):
        invite(confidant, informal.meeting, informal.assignment)


def test_r11_consent_for_another_meeting_does_not_count(
    confidant, confidant_case, informal, refused
) -> None:
    """R11: Consent is per item: consent for one meeting is not consent for another."""
    give_consent(confidant, informal.supporter, plan_meeting(confidant, confidant_case))
    with refused("r11_no_consent"):
        invite(confidant, informal.meeting, informal.assignment)


def test_r11_an_invitation_needs_the_clients_request(
    confidant, informal, refused
) -> None:
    """R11: Even with consent, an informal supporter attends only at the client's
    request."""
    give_consent(confidant, informal.supporter, informal.meeting)
    with refused(field="requested_by_client"):
        invite(
            confidant,
            informal.meeting,
            informal.assignment,
            requested_by_client=False,
        )


def test_r11_with_consent_and_request_the_informal_supporter_is_invited(
    confidant, informal
) -> None:
    """R11: With recorded consent and at the client's request, the informal
    supporter is invited."""
    give_consent(confidant, informal.supporter, informal.meeting)
    attendance = invite(confidant, informal.meeting, informal.assignment)
    assert attendance.status == Attendance.Status.INVITED


# --- R12: only informal supporters can be refused ------------------------------------------


@pytest.fixture
def attendances(confidant, confidant_case) -> SimpleNamespace:
    """A question/complaint meeting attended by ``confidant`` and, with consent,
    by an informal supporter."""
    meeting = plan_meeting(confidant, confidant_case)
    informal_assignment = assign_informal(confidant, confidant_case)
    give_consent(confidant, informal_assignment.informal_supporter, meeting)
    return SimpleNamespace(
        meeting=meeting,
        confidant=invite(
            confidant, meeting, active_assignment(confidant_case, user=confidant)
        ),
        informal=invite(confidant, meeting, informal_assignment),
    )


def _refuse(
    actor: User,
    attendance: Attendance,
    ground: str = RefusalGround.OBSTRUCTING,
    explanation: str = "",
) -> Attendance:
    return role_services.attendance_refuse(
        actor=actor, attendance=attendance, ground=ground, explanation=explanation
    )


def test_r12_a_confidant_cannot_be_refused(confidant, attendances, refused) -> None:
    """R12: Refusing an AKJ confidant's attendance is impossible."""
    with refused("r12_professional") as info:
        _refuse(confidant, attendances.confidant, explanation="Liever niet.")
    assert_dutch(message_of(info))


def test_r12_a_client_supporter_cannot_be_refused(
    client_supporter, supporter_case, refused
) -> None:
    """R12: Refusing a client supporter's attendance is impossible."""
    meeting = plan_meeting(client_supporter, supporter_case, Meeting.Kind.CONTENT)
    attendance = invite(
        client_supporter,
        meeting,
        active_assignment(supporter_case, user=client_supporter),
    )
    with refused("r12_professional"):
        _refuse(client_supporter, attendance, explanation="Liever niet.")


@pytest.mark.parametrize("ground", RefusalGround)
def test_r12_refusing_an_informal_supporter_records_ground_who_and_when(
    confidant, confidant_case, attendances, ground
) -> None:
    """R12: An informal supporter is refused on one of the three grounds; the
    refusal records the ground, the explanation, who refused and when."""
    before = timezone.now()
    _refuse(
        confidant,
        attendances.informal,
        ground=ground,
        explanation=" Stuurt het gesprek steeds een andere kant op. ",
    )
    attendance = Attendance.objects.get(pk=attendances.informal.pk)
    assert attendance.status == Attendance.Status.REFUSED
    assert attendance.refusal_ground == ground
    assert (
        attendance.refusal_explanation
        == "Stuurt het gesprek steeds een andere kant op."
    )
    assert attendance.refused_by == confidant
    assert before <= attendance.refused_at <= timezone.now()
    assert confidant_case.events.filter(
        kind=CaseEvent.Kind.ATTENDANCE_REFUSED, to_value=ground, actor=confidant
    ).exists()


@pytest.mark.parametrize(
    ("ground", "explanation", "fields"),
    [
        ("bogus", "Toelichting.", {"ground"}),
        (RefusalGround.NOT_INDEPENDENT, "  ", {"explanation"}),
        ("bogus", "", {"ground", "explanation"}),
    ],
)
def test_r12_a_refusal_needs_one_of_the_three_grounds_and_an_explanation(
    confidant, attendances, refused, ground, explanation, fields
) -> None:
    """R12: A refusal without one of the three grounds or without an explanation is
    refused itself."""
    with refused() as info:
        _refuse(confidant, attendances.informal, ground, explanation)
    assert set(info.value.message_dict) == fields
    for field in fields:
        assert_dutch(" ".join(info.value.message_dict[field]))


def test_r12_a_refusal_is_recorded_once(confidant, attendances, refused) -> None:
    """R12: An informal supporter who is refused cannot be refused again."""
    _refuse(confidant, attendances.informal, explanation="Belemmert de voortgang.")
    with refused("r12_refused"):
        _refuse(confidant, attendances.informal, explanation="Nog een keer.")


@needs_english
def test_r12_refusal_is_english_under_en(confidant, attendances) -> None:
    """R12: The refusal to refuse a professional is translated."""
    message = english_message(
        lambda: _refuse(confidant, attendances.confidant, explanation="Liever niet.")
    )
    assert_english(message)
