"""The access matrix of the privacy officer's pages (NEN 7513).

Only a privacy officer opens the access log and a client's access history;
every other role gets 404, as for an object they cannot see: they are not told
that these pages exist. Anonymous users go to the login page.
"""

from __future__ import annotations

import pytest

from tests.support.world import WORLD_ROLES, check_access

ROLES = [*WORLD_ROLES, "po"]

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    ("web:access_log", None, "get", {"po": 200}),
    ("web:client_access_history", "youth", "get", {"po": 200}),
    ("web:client_access_history", "mother", "get", {"po": 200}),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_matrix(client, privacy_world, name, key, method, expected):
    """Only the privacy officer reads the access log; everyone else gets 404
    and anonymous users the login page."""
    check_access(client, privacy_world, name, key, method, expected, roles=ROLES)


def test_unknown_client_is_404_for_the_privacy_officer(client, privacy_world):
    """The access history of a client that does not exist is 404."""
    client.force_login(privacy_world.users["po"])
    assert client.get("/privacy/clienten/999999/inzage/").status_code == 404
