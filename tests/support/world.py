"""The world of the access matrix: its users and objects by name, and the
checks every matrix and query budget runs against it.

The ``world`` fixture that builds it is in ``tests/conftest.py``; the worlds
of the single matrices are in ``tests/web/conftest.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from audit.models import AccessLogEntry
from tests.support.checks import access_log_queries

WORLD_ROLES = ["vp1", "vp2", "co1", "tl", "dm", "fa"]


@dataclass
class World:
    users: dict[str, User]
    objects: dict[str, int]


def check_access(
    client,
    world: World,
    name: str,
    key: str | None,
    method: str,
    expected: dict,
    roles: list[str] = WORLD_ROLES,
) -> None:
    """Request one URL as anonymous and as every role of the world; roles missing
    from ``expected`` must get 404. Anonymous users are sent to the login page.
    ``key`` names an object of ``world.objects`` (or ``None`` for no argument);
    ``roles`` are the keys of ``world.users`` to try."""
    from django.urls import reverse

    url = reverse(name, args=[world.objects[key]] if key else [])
    data = {"text": "Gesprek gevoerd."} if method == "post" else None
    response = getattr(client, method)(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    got = {}
    for role in roles:
        client.force_login(world.users[role])
        response = getattr(client, method)(url, data)
        got[role] = response.status_code
        if response.status_code == 200:
            # Every page a role may see carries the Content Security Policy.
            assert response["Content-Security-Policy"], url
            assert response["X-Frame-Options"] == "DENY", url
    assert got == {role: expected.get(role, 404) for role in roles}


def check_budget(
    client, world: World, role, name, key, budget, logged, assert_max_queries
) -> None:
    """GET the page as ``role`` within ``budget`` queries (plus the access-log
    row's when ``logged``), and check it writes exactly that row."""
    from django.urls import reverse

    client.force_login(world.users[role])
    url = reverse(name, args=[world.objects[key]] if key else [])
    before = AccessLogEntry.objects.count()
    with assert_max_queries(budget + (access_log_queries() if logged else 0)):
        response = client.get(url)
    assert response.status_code == 200
    assert AccessLogEntry.objects.count() - before == (1 if logged else 0)
