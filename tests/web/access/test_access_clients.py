"""The access matrix of the client, family and care pages (R2, R6).

Anonymous → login; a client or family the user does not see → 404 (a page never
reveals that a client exists); visible but not allowed → 403; allowed → 200.

A client is visible to those who support the client now; a family to whoever
sees at least one of its members. The organisation is the boundary: the
client-support organisation's file of the same youth (``co_youth``) is its own,
and the AKJ's file, family and care answer it 404. ``client_list`` answers every logged-in user
with 200: a team lead, a decision-maker or an administrator gets an empty list,
as every list filters on what the user may see (R2), and the navigation does
not offer it to them. ``client_register`` is for caseworkers only: 403 for
everyone else, for GET and POST alike.
"""

from __future__ import annotations

import pytest

from tests.support.world import WORLD_ROLES as ROLES
from tests.support.world import check_access

CASEWORKERS = {"vp1": 200, "vp2": 200, "co1": 200}
AKJ_CASEWORKERS = {"vp1": 200, "vp2": 200}
OTHERS_403 = {"tl": 403, "dm": 403, "fa": 403}

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    ("web:client_list", None, "get", dict.fromkeys(ROLES, 200)),
    ("web:client_register", None, "get", CASEWORKERS | OTHERS_403),
    ("web:client_register", None, "post", CASEWORKERS | OTHERS_403),
    ("web:client_detail", "youth", "get", {"vp1": 200}),
    # The client-support organisation's own file of the same youth (R13).
    ("web:client_detail", "co_youth", "get", {"co1": 200}),
    ("web:client_detail", "former_client", "get", {}),
    ("web:client_edit", "youth", "get", {"vp1": 200}),
    ("web:client_edit", "youth", "post", {"vp1": 200}),
    ("web:client_edit", "mother", "get", {"vp2": 200}),
    ("web:client_edit", "co_youth", "post", {"co1": 200}),
    ("web:client_edit", "former_client", "get", {}),
    ("web:client_contact_edit", "youth", "get", {"vp1": 200}),
    # Every field may be empty: the POST saves (and clears the details).
    ("web:client_contact_edit", "youth", "post", {"vp1": 302}),
    ("web:client_contact_edit", "co_youth", "get", {"co1": 200}),
    ("web:client_contact_edit", "former_client", "get", {}),
    ("web:case_open", "youth", "get", {"vp1": 200}),
    ("web:case_open", "mother", "post", {"vp2": 200}),
    ("web:case_open", "former_client", "get", {}),
    ("web:family_create", "youth", "get", {"vp1": 200}),
    ("web:family_create", "mother", "post", {"vp2": 200}),
    ("web:family_member_add", "family", "get", AKJ_CASEWORKERS),
    ("web:family_member_add", "family", "post", AKJ_CASEWORKERS),
    ("web:family_member_add", "unsupported_family", "get", {}),
    ("web:conflict_record", "family", "get", AKJ_CASEWORKERS),
    ("web:conflict_record", "family", "post", AKJ_CASEWORKERS),
    ("web:conflict_record", "unsupported_family", "get", {}),
    ("web:care_add", "youth", "get", {"vp1": 200}),
    ("web:care_add", "youth", "post", {"vp1": 200}),
    ("web:care_add", "mother", "get", {"vp2": 200}),
    ("web:care_add", "co_youth", "get", {"co1": 200}),
    ("web:care_end", "care", "get", {"vp1": 200}),
    ("web:care_end", "care", "post", {"vp1": 200}),
    ("web:care_end", "mother_care", "get", {"vp2": 200}),
    ("web:informal_supporter_add", "youth", "get", {"vp1": 200}),
    ("web:informal_supporter_add", "youth", "post", {"vp1": 200}),
    ("web:informal_supporter_add", "mother", "get", {"vp2": 200}),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_clients(client, clients_world, name, key, method, expected):
    """R2/R6: client, family and care pages answer 404 unless the user supports
    the client now (or a member of the family), login for anonymous users, and
    403 on registration for users who take no support role."""
    check_access(client, clients_world, name, key, method, expected)
