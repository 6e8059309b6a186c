"""The access matrix of the audit trail of changes to users.

Only a privacy officer opens it; every other role gets 404 (the page is not
revealed), anonymous users the login page.
"""

from __future__ import annotations

import pytest

from tests.support.world import WORLD_ROLES, check_access

ROLES = [*WORLD_ROLES, "po"]

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    ("web:user_audit", None, "get", {"po": 200}),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_matrix(client, privacy_world, name, key, method, expected):
    """Only the privacy officer reads the trail; everyone else gets 404 and
    anonymous users the login page."""
    check_access(client, privacy_world, name, key, method, expected, roles=ROLES)
