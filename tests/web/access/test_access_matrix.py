"""The access matrix: every URL, for every role, on own, other people's and other
family members' objects (R2). Anonymous → login; not visible → 404; visible but
not allowed → 403; allowed → 200 (or a redirect after a successful POST)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.world import WORLD_ROLES as ROLES
from tests.support.world import check_access

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    ("web:dashboard", None, "get", dict.fromkeys(ROLES, 200)),
    ("web:client_detail", "youth", "get", {"vp1": 200}),
    ("web:client_detail", "co_youth", "get", {"co1": 200}),
    ("web:client_detail", "mother", "get", {"vp2": 200}),
    ("web:case_detail", "complaint_case", "get", {"vp1": 200, "tl": 200}),
    ("web:case_detail", "mother_case", "get", {"vp2": 200, "tl": 200}),
    ("web:case_detail", "care_case", "get", {"co1": 200}),
    ("web:case_detail", "closed_case", "get", {"vp1": 200, "tl": 200}),
    ("web:note_add", "complaint_case", "post", {"vp1": 302, "tl": 403}),
    ("web:note_add", "closed_case", "post", {"vp1": 403, "tl": 403}),
    ("web:case_close", "complaint_case", "get", {"vp1": 200, "tl": 403}),
    ("web:case_close", "closed_case", "get", {"vp1": 403, "tl": 403}),
    ("web:meeting_plan", "complaint_case", "get", {"vp1": 200, "tl": 403}),
    ("web:meeting_plan", "care_case", "get", {"co1": 200}),
    ("web:complaint_advance", "complaint_case", "get", {"vp1": 200, "tl": 403}),
    ("web:assignment_add", "complaint_case", "get", {"tl": 200, "vp1": 403}),
    ("web:assignment_add", "care_case", "get", {"co1": 403}),
    ("web:meeting_detail", "complaint_meeting", "get", {"vp1": 200}),
    ("web:meeting_detail", "content_meeting", "get", {"co1": 200}),
    ("web:attendance_add", "complaint_meeting", "get", {"vp1": 200}),
    ("web:attendance_add", "content_meeting", "get", {"co1": 200}),
    ("web:attendance_refuse", "informal_attendance", "get", {"vp1": 200}),
    ("web:attendance_refuse", "confidant_attendance", "get", {"vp1": 200}),
    ("web:application_detail", "application", "get", {"dm": 200}),
    ("web:session_extend", None, "post", dict.fromkeys(ROLES, 302)),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_matrix(client, world, name, key, method, expected):
    """R2: every URL answers each role with 404 unless the object is theirs to
    see, 403 when they see it but may not act, and login for anonymous users."""
    check_access(client, world, name, key, method, expected)


def test_every_url_is_in_the_matrix():
    """Each page of ``web.urls`` has
    a row in an access matrix (this module's MATRIX or the MATRIX of another
    ``tests/web/access/test_access_*.py`` module)."""
    import importlib
    import pkgutil

    import tests.web.access
    from web.urls import app_name, urlpatterns

    covered = {"login", "logout"}
    for info in pkgutil.iter_modules(tests.web.access.__path__):
        if info.name.startswith("test_access"):
            module = importlib.import_module(f"tests.web.access.{info.name}")
            covered |= {row[0] for row in module.MATRIX}
    names = {f"{app_name}:{p.name}" for p in urlpatterns}
    assert names - covered == set()


def test_login_page_is_public(client, db):
    """The login page and the language switch need no login."""
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/inloggen/"}
    )
    assert response.status_code == 302
