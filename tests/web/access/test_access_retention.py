"""The access matrix of the destruction register (retention).

Only a privacy officer opens the register; every other role gets 404, as for
the access log. Anonymous users go to the login page.
"""

from __future__ import annotations

import pytest

from tests.support.world import WORLD_ROLES, check_access

ROLES = [*WORLD_ROLES, "po"]

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    ("web:retention_register", None, "get", {"po": 200}),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_matrix(client, privacy_world, name, key, method, expected):
    """Only the privacy officer reads the destruction register; everyone else
    gets 404 and anonymous users the login page."""
    check_access(client, privacy_world, name, key, method, expected, roles=ROLES)
