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

import pytest

from tests.support.world import WORLD_ROLES, check_access

#: The world's roles and the client-support organisation's team lead.
ROLES = [*WORLD_ROLES, "tlco"]

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    (
        "web:link_request_list",
        None,
        "get",
        {"tl": 200, "tlco": 200}
        | dict.fromkeys(["vp1", "vp2", "co1", "dm", "fa"], 403),
    ),
    ("web:link_request_detail", "link", "get", {"tl": 200, "vp2": 200}),
    ("web:link_request_detail", "link", "post", {"tl": 200, "vp2": 200}),
    ("web:referral_send", "youth", "get", {"vp1": 200}),
    ("web:referral_send", "youth", "post", {"vp1": 200}),
    ("web:referral_send", "co_youth", "get", {"co1": 200}),
    (
        "web:referral_inbox",
        None,
        "get",
        {"tl": 200, "tlco": 200}
        | dict.fromkeys(["vp1", "vp2", "co1", "dm", "fa"], 403),
    ),
    ("web:referral_detail", "referral", "get", {"vp1": 200, "tlco": 200}),
    ("web:referral_accept", "referral", "get", {"tlco": 200, "vp1": 403}),
    ("web:referral_accept", "referral", "post", {"tlco": 200, "vp1": 403}),
    ("web:referral_decline", "referral", "get", {"tlco": 200, "vp1": 403}),
    ("web:referral_decline", "referral", "post", {"tlco": 200, "vp1": 403}),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_boundary(client, boundary_world, name, key, method, expected):
    """R2, R13: the link-request and referral pages answer 404 unless the
    request or referral is the user's to see, 403 when seen but not theirs to
    decide, and login for anonymous users."""
    check_access(client, boundary_world, name, key, method, expected, roles=ROLES)
