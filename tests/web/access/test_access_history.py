"""The access matrix of a note's correction, withdrawal and versions (R2).

A note is content: only those who see the case's content see it (else 404),
and only who may change the case's content corrects or withdraws it (else
403); after closing (R6) the supporter reads the versions but changes nothing.
"""

from __future__ import annotations

import pytest

from tests.support.world import check_access

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    ("web:note_history", "complaint_note", "get", {"vp1": 200}),
    ("web:note_history", "care_note", "get", {"co1": 200}),
    ("web:note_history", "closed_note", "get", {"vp1": 200}),
    ("web:note_correct", "complaint_note", "get", {"vp1": 200}),
    # The matrix posts no reason and no version: the form comes back.
    ("web:note_correct", "complaint_note", "post", {"vp1": 200}),
    ("web:note_correct", "care_note", "get", {"co1": 200}),
    ("web:note_correct", "closed_note", "get", {"vp1": 403}),
    ("web:note_withdraw", "complaint_note", "get", {"vp1": 200}),
    ("web:note_withdraw", "complaint_note", "post", {"vp1": 200}),
    ("web:note_withdraw", "closed_note", "post", {"vp1": 403}),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_history(client, notes_world, name, key, method, expected):
    """R2: a note's pages answer each role with 404 unless they see the case's
    content, 403 when they see it but may not change it, and login for
    anonymous users."""
    check_access(client, notes_world, name, key, method, expected)
