"""The rules of ``shared/DOMAIN.md`` on informal supporters: R11 (they are not
users, and act only at the client's request and with consent) and R12 (only
they can be refused). A refused action must leave the database unchanged
(the ``refused`` fixture) and say why in Dutch; with the English catalogue
compiled, in English under ``en``. The other rules are in
``tests/roles/test_rules.py`` and ``tests/cases/services/test_case_rules.py``.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import User
from cases.models import (
    CaseEvent,
    Meeting,
)
from roles import services as role_services
from roles.models import (
    Attendance,
    CaseUserObjectPermission,
    ClientUserObjectPermission,
    InformalSupporter,
)
from roles.permissions import verify
from roles.policy import (
    RefusalGround,
    SupportRole,
)
from tests.factories import (
    InformalSupporterFactory,
    active_assignment,
    assign_informal,
    give_consent,
    invite,
    plan_meeting,
)
from tests.support.messages import (
    assert_dutch,
    assert_english,
    english_message,
    message_of,
    needs_english,
)

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
