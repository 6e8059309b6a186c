"""The access matrix of the municipal report: a contract manager reads their own
municipality's report only, a team lead those where their organisation's
clients live; every other municipality and every other role is 404 (also for
the CSV and the PDF)."""

from __future__ import annotations

import pytest

from tests.conftest import WORLD_ROLES, check_access

ROLES = [*WORLD_ROLES, "cm"]
BOTH = {"tl": 200, "cm": 200}

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    # The team lead chooses between two municipalities; the contract manager
    # has one and is sent straight to it.
    ("report_municipal_index", None, "get", {"tl": 200, "cm": 302}),
    ("report_municipal", "municipality", "get", BOTH),
    ("report_municipal", "other_municipality", "get", {"tl": 200}),
    ("report_municipal", "unreported_municipality", "get", {}),
    ("report_municipal_csv", "municipality", "get", BOTH),
    ("report_municipal_csv", "other_municipality", "get", {"tl": 200}),
    ("report_municipal_csv", "unreported_municipality", "get", {}),
    ("report_municipal_pdf", "municipality", "get", BOTH),
    ("report_municipal_pdf", "other_municipality", "get", {"tl": 200}),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_matrix(client, report_world, name, key, method, expected):
    """Only the team lead and the municipality's own contract manager read a
    municipality's report; anyone else gets 404, as for something that does
    not exist."""
    check_access(client, report_world, name, key, method, expected, roles=ROLES)
