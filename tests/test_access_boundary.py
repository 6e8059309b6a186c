"""The access matrix of the pages of the organisation boundary (R13): link
requests (a registration of a person already known in the organisation, which
waits for the team lead) and referrals (warme overdracht between
organisations).

A link request is seen by the caseworker who registered and by the team lead
of their team; a referral by whoever sees the file it came from or became, and
by the team leads of the receiving organisation, who alone accept or decline
it. Anonymous → login; not visible → 404; visible but not allowed → 403.
"""

from __future__ import annotations

import datetime

import pytest

from accounts.models import Organisation, User
from cases import services
from cases.models import Client, LinkRequest
from roles import referrals as referral_services
from tests.conftest import WORLD_ROLES, World, check_access

#: The world's roles and the client-support organisation's team lead.
ROLES = [*WORLD_ROLES, "tlco"]

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    (
        "link_request_list",
        None,
        "get",
        {"tl": 200, "tlco": 200}
        | dict.fromkeys(["vp1", "vp2", "co1", "dm", "fa"], 403),
    ),
    ("link_request_detail", "link", "get", {"tl": 200, "vp2": 200}),
    ("link_request_detail", "link", "post", {"tl": 200, "vp2": 200}),
    ("referral_send", "youth", "get", {"vp1": 200}),
    ("referral_send", "youth", "post", {"vp1": 200}),
    ("referral_send", "co_youth", "get", {"co1": 200}),
    (
        "referral_inbox",
        None,
        "get",
        {"tl": 200, "tlco": 200}
        | dict.fromkeys(["vp1", "vp2", "co1", "dm", "fa"], 403),
    ),
    ("referral_detail", "referral", "get", {"vp1": 200, "tlco": 200}),
    ("referral_accept", "referral", "get", {"tlco": 200, "vp1": 403}),
    ("referral_accept", "referral", "post", {"tlco": 200, "vp1": 403}),
    ("referral_decline", "referral", "get", {"tlco": 200, "vp1": 403}),
    ("referral_decline", "referral", "post", {"tlco": 200, "vp1": 403}),
]


@pytest.fixture
def boundary_world(world: World) -> World:
    """The access-matrix world plus: a team lead of the client-support
    organisation (``tlco``); vp2's registration of a person vp1 already
    supports, waiting for the team lead (``link``); and vp1's referral of the
    youth to the client-support organisation (``referral``)."""
    vp1, vp2, co1 = world.users["vp1"], world.users["vp2"], world.users["co1"]
    tlco = User.objects.create_user(
        "tlco", password="x", role=User.Role.TEAM_LEAD, organisation=co1.organisation
    )
    co1.team.leads.add(tlco)
    world.users["tlco"] = tlco
    youth = Client.objects.get(pk=world.objects["youth"])
    person = {
        "first_name": "Lotte",
        "last_name": "Visser",
        "date_of_birth": datetime.date(2010, 5, 5),
        "kind": "youth",
        "municipality": youth.municipality,
        "case_kind": "question",
    }
    services.client_register(actor=vp1, **person, case_title="Vraag")
    link = services.client_register(actor=vp2, **person, case_title="Tweede vraag")
    assert isinstance(link, LinkRequest)
    referral = referral_services.referral_send(
        actor=vp1,
        client=youth,
        to_organisation=co1.organisation,
        case=None,
        items=["identity"],
        consent_given_on=datetime.date.today(),
        message="Sem zoekt passende hulp.",
        address="127.0.0.1",
    )
    world.objects.update(link=link.pk, referral=referral.pk)
    assert Organisation.objects.filter(pk=referral.to_organisation_id).exists()
    return world


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_boundary(client, boundary_world, name, key, method, expected):
    """R2, R13: the link-request and referral pages answer 404 unless the
    request or referral is the user's to see, 403 when seen but not theirs to
    decide, and login for anonymous users."""
    check_access(client, boundary_world, name, key, method, expected, roles=ROLES)
