"""The access matrix of the outreach pages (R7): anyone gets the list (with
only their own rows); only a confidant records visits; a visit is seen by its
confidant and the organisation's team lead; only its confidant opens a case
from it."""

from __future__ import annotations

import pytest

from tests.support.world import WORLD_ROLES as ROLES
from tests.support.world import check_access

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    ("web:outreach_list", None, "get", dict.fromkeys(ROLES, 200)),
    (
        "web:outreach_create",
        None,
        "get",
        {**dict.fromkeys(ROLES, 403), "vp1": 200, "vp2": 200},
    ),
    ("web:outreach_detail", "visit", "get", {"vp1": 200, "tl": 200}),
    ("web:outreach_case_open", "visit", "get", {"vp1": 200, "tl": 403}),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_outreach(client, outreach_world, name, key, method, expected):
    """R2, R7: the outreach pages answer each role with 404 unless the visit
    is theirs to see, 403 when they see it but may not act, and login for
    anonymous users."""
    check_access(client, outreach_world, name, key, method, expected)
