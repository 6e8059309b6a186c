"""The access matrix of emergency access (R2).

A team lead opens emergency access to their organisation's cases and ends
their own; the case's supporter knows of it but cannot open or end it (403);
the privacy officer lists and reviews every emergency access, and only they
open those pages (everyone else 404). Anonymous users go to the login page.
"""

from __future__ import annotations

import pytest

from tests.support.world import WORLD_ROLES, check_access

ROLES = [*WORLD_ROLES, "po"]

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    ("web:emergency_access_open", "complaint_case", "get", {"tl": 200, "vp1": 403}),
    # An empty reason comes back with the error.
    ("web:emergency_access_open", "complaint_case", "post", {"tl": 200, "vp1": 403}),
    ("web:emergency_access_open", "mother_case", "get", {"tl": 200, "vp2": 403}),
    ("web:emergency_access_open", "closed_case", "get", {"tl": 200, "vp1": 403}),
    # The client supporter's case belongs to another organisation.
    ("web:emergency_access_open", "care_case", "get", {"co1": 403}),
    # The supporter of the case knows of the access; the privacy officer too.
    (
        "web:emergency_access_end",
        "tl_emergency",
        "get",
        {"tl": 200, "vp1": 403, "po": 403},
    ),
    (
        "web:emergency_access_end",
        "tl_emergency",
        "post",
        {"tl": 302, "vp1": 403, "po": 403},
    ),
    ("web:privacy_emergency_list", None, "get", {"po": 200}),
    ("web:privacy_emergency_review", "tl_emergency", "get", {"po": 200}),
    # An empty review comes back with the error.
    ("web:privacy_emergency_review", "tl_emergency", "post", {"po": 200}),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_emergency(client, emergency_world, name, key, method, expected):
    """R2: emergency access pages answer each role with 404 unless they may
    know of the object, 403 when they may not act, and login for anonymous
    users."""
    check_access(client, emergency_world, name, key, method, expected, roles=ROLES)
