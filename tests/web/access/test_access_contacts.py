"""The access matrix of the contact pages: every role gets the list (with
only the contacts it sees); only caseworkers record contacts; a contact is
seen by its recorder and the reader of its case's content; only the case's
supporter records a contact on it."""

from __future__ import annotations

import pytest

from tests.support.world import WORLD_ROLES as ROLES
from tests.support.world import check_access

CASEWORKERS = {"vp1": 200, "vp2": 200, "co1": 200}

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    ("web:contact_list", None, "get", dict.fromkeys(ROLES, 200)),
    ("web:contact_record", None, "get", {**dict.fromkeys(ROLES, 403), **CASEWORKERS}),
    ("web:contact_record", None, "post", {**dict.fromkeys(ROLES, 403), **CASEWORKERS}),
    ("web:contact_detail", "case_contact", "get", {"vp1": 200}),
    ("web:contact_detail", "anonymous_contact", "get", {"vp2": 200}),
    ("web:contact_record_case", "complaint_case", "get", {"vp1": 200, "tl": 403}),
    ("web:contact_record_case", "complaint_case", "post", {"vp1": 200, "tl": 403}),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_contacts(client, contacts_world, name, key, method, expected):
    """R2, R13: the contact pages answer each role with 404 unless the contact
    or case is theirs to see, 403 when they see it but may not act, and login
    for anonymous users."""
    check_access(client, contacts_world, name, key, method, expected)
