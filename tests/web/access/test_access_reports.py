"""The access matrix of the municipal report: a contract manager reads their own
municipality's report only, a team lead those where their organisation's
clients live; every other municipality and every other role is 404 (also for
the CSV and the PDF)."""

from __future__ import annotations

import pytest

from tests.support.world import WORLD_ROLES, check_access

ROLES = [*WORLD_ROLES, "cm"]
BOTH = {"tl": 200, "cm": 200}

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    # The team lead chooses between two municipalities; the contract manager
    # has one and is sent straight to it.
    ("web:report_municipal_index", None, "get", {"tl": 200, "cm": 302}),
    ("web:report_municipal", "municipality", "get", BOTH),
    ("web:report_municipal", "other_municipality", "get", {"tl": 200}),
    ("web:report_municipal", "unreported_municipality", "get", {}),
    ("web:report_municipal_csv", "municipality", "get", BOTH),
    ("web:report_municipal_csv", "other_municipality", "get", {"tl": 200}),
    ("web:report_municipal_csv", "unreported_municipality", "get", {}),
    ("web:report_municipal_pdf", "municipality", "get", BOTH),
    ("web:report_municipal_pdf", "other_municipality", "get", {"tl": 200}),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_matrix(client, report_world, name, key, method, expected):
    """Only the team lead and the municipality's own contract manager read a
    municipality's report; anyone else gets 404, as for something that does
    not exist."""
    check_access(client, report_world, name, key, method, expected, roles=ROLES)


PERIOD_MATRIX = [
    # An ended period: as without one.
    ("web:report_municipal", "municipality", "2025-Q4", BOTH),
    ("web:report_municipal_csv", "municipality", "2025-11", BOTH),
    ("web:report_municipal_pdf", "other_municipality", "2025", {"tl": 200}),
    # A period off the grid: the page says so (200) to those who may read it;
    # there is no CSV or PDF of it for anyone.
    ("web:report_municipal", "municipality", "2025-13", BOTH),
    ("web:report_municipal", "unreported_municipality", "2025-13", {}),
    ("web:report_municipal_csv", "municipality", "2025-13", {}),
    ("web:report_municipal_pdf", "municipality", "9999", {}),
]


@pytest.mark.parametrize(("name", "key", "period", "expected"), PERIOD_MATRIX)
def test_access_matrix_with_a_period(client, report_world, name, key, period, expected):
    """The same matrix with ``?period=``: a period never opens a municipality
    that the user does not read, and a bad period gives no file."""
    from django.urls import reverse

    url = reverse(name, args=[report_world.objects[key]])
    response = client.get(url, {"period": period})
    assert response.status_code == 302
    got = {}
    for role in ROLES:
        client.force_login(report_world.users[role])
        got[role] = client.get(url, {"period": period}).status_code
    assert got == {role: expected.get(role, 404) for role in ROLES}
