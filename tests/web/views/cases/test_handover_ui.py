"""Handover and ending support through HTTP (R2): access moves exactly, only to
someone of the same role and organisation who may take it, and ending ended
support is explained. A refused rule is shown in the form with its Dutch
explanation and changes nothing.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from cases.models import (
    Application,
    CaseEvent,
    SupportCase,
)
from roles import permissions
from roles import services as role_services
from roles.models import Assignment
from tests.factories import TeamFactory, account

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


@pytest.fixture
def vp3(world) -> User:
    """A third AKJ confidant, colleague of vp1, with no family conflicts."""
    akj = world.users["vp1"].organisation
    user = account("vp3", User.Role.AKJ_CONFIDANT, akj, team=world.users["vp1"].team)
    world.users["vp3"] = user
    return user


# --- handover and ending (R2) -------------------------------------------------------


def test_handover_moves_access_exactly(client, world, vp3):
    """R2: after a handover the old holder gets 404 on the case and the client, the
    new holder 200; the permission rows agree with the assignments."""
    old = _vp1_assignment(world)
    case_url = reverse("case_detail", args=[world.objects["complaint_case"]])
    client_url = reverse("client_detail", args=[world.objects["youth"]])
    _login(client, world, "tl")
    page = client.get(reverse("assignment_hand_over", args=[old.pk])).content.decode()
    assert f'value="{vp3.pk}"' in page
    assert f'value="{world.users["vp1"].pk}"' not in page
    response = _post(
        client,
        "assignment_hand_over",
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
        "assignment_hand_over",
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
        "assignment_hand_over",
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
    response = _post(client, "assignment_hand_over", _vp1_assignment(world).pk, post)
    assert response.status_code == 200
    assert ERROR in response.content.decode()
    assert db_state() == before


def test_handover_offers_no_one_outside_the_role_or_organisation(client, world, vp3):
    """Only active colleagues in the same role and organisation are offered; a
    forged team lead or client supporter is refused."""
    _login(client, world, "tl")
    url = reverse("assignment_hand_over", args=[_vp1_assignment(world).pk])
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
    page = client.get(reverse("assignment_end", args=[assignment.pk]))
    assert "geen toegang meer" in page.content.decode()
    response = _post(client, "assignment_end", assignment.pk, {})
    assert response.status_code == 302
    assert permissions.verify() == []
    _login(client, world, "vp1")
    url = reverse("case_detail", args=[world.objects["complaint_case"]])
    assert client.get(url).status_code == 404


def test_ending_ended_support_is_explained(client, world, db_state):
    """Support that already ended cannot be ended again; the page says so."""
    _login(client, world, "tl")
    closed = Assignment.objects.get(
        case_id=world.objects["closed_case"], user=world.users["vp1"]
    )
    before = db_state()
    response = _post(client, "assignment_end", closed.pk, {})
    assert response.status_code == 200
    assert "al beëindigd" in response.content.decode()
    assert db_state() == before
