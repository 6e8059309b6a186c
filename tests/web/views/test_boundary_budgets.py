"""Query budgets of the link-request and referral pages (R13): their queries
do not grow with the number of requests or referrals listed."""

from __future__ import annotations

import datetime

import pytest

from cases import services
from cases.models import Client
from roles import referrals as referral_services
from tests.support.world import World, check_budget


def _grow(world: World, size: int) -> None:
    """``size`` more registrations waiting for the team lead and ``size`` more
    referrals to the client-support organisation."""
    vp1, vp2, co1 = world.users["vp1"], world.users["vp2"], world.users["co1"]
    youth = Client.objects.get(pk=world.objects["youth"])
    for i in range(size):
        person = {
            "first_name": f"Kind{i}",
            "last_name": "Visser",
            "date_of_birth": datetime.date(2010, 1, 1 + i),
            "kind": "youth",
            "municipality": youth.municipality,
            "case_kind": "question",
        }
        case = services.client_register(actor=vp1, **person, case_title="Vraag")
        services.client_register(actor=vp2, **person, case_title="Tweede vraag")
        referral_services.referral_send(
            actor=vp1,
            client=case.client,
            to_organisation=co1.organisation,
            case=None,
            items=["identity"],
            consent_given_on=datetime.date.today(),
            message="Zoekt passende hulp.",
        )


# (role, url name, object key or None, max queries without the access-log row,
# writes an access-log row).
BUDGETS = [
    ("tl", "web:link_request_list", None, 9, False),
    ("tl", "web:link_request_detail", "link", 10, True),
    ("vp2", "web:link_request_detail", "link", 8, True),
    ("tlco", "web:referral_inbox", None, 8, False),
    ("tlco", "web:referral_detail", "referral", 8, False),
    ("vp1", "web:referral_detail", "referral", 10, True),
]


@pytest.mark.parametrize("size", [0, 10])
@pytest.mark.parametrize(("role", "name", "key", "budget", "logged"), BUDGETS)
def test_page_query_count_does_not_grow_with_rows(
    client,
    boundary_world,
    django_assert_max_num_queries,
    size,
    role,
    name,
    key,
    budget,
    logged,
):
    _grow(boundary_world, size)
    check_budget(
        client,
        boundary_world,
        role,
        name,
        key,
        budget,
        logged,
        django_assert_max_num_queries,
    )
