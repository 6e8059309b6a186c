"""The access matrix of the case, complaint, meeting and assignment pages (R2).

Anonymous → login; not visible → 404; visible but not allowed → 403; allowed →
200. The team lead hands out and moves their organisation's cases but does no
content work; the case's supporter does the content work but no handover.
"""

from __future__ import annotations

import pytest

from tests.support.world import check_access

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    ("web:case_status", "complaint_case", "get", {"vp1": 200, "tl": 403}),
    ("web:case_status", "complaint_case", "post", {"vp1": 200, "tl": 403}),
    ("web:case_status", "care_case", "get", {"co1": 200}),
    ("web:case_status", "closed_case", "get", {"vp1": 403, "tl": 403}),
    ("web:complaint_postpone", "complaint_case", "get", {"vp1": 200, "tl": 403}),
    ("web:complaint_postpone", "complaint_case", "post", {"vp1": 200, "tl": 403}),
    # A case without a complaint has no complaint page.
    ("web:complaint_postpone", "mother_case", "get", {"tl": 403}),
    ("web:informal_assign", "complaint_case", "get", {"vp1": 200, "tl": 403}),
    ("web:informal_assign", "care_case", "get", {"co1": 200}),
    ("web:informal_assign", "closed_case", "get", {"vp1": 403, "tl": 403}),
    ("web:assignment_hand_over", "vp1_assignment", "get", {"tl": 200, "vp1": 403}),
    ("web:assignment_hand_over", "vp1_assignment", "post", {"tl": 200, "vp1": 403}),
    ("web:assignment_hand_over", "vp2_assignment", "get", {"tl": 200, "vp2": 403}),
    ("web:assignment_hand_over", "co1_assignment", "get", {"co1": 403}),
    ("web:assignment_hand_over", "informal_assignment", "get", {"vp1": 403, "tl": 403}),
    ("web:assignment_hand_over", "closed_assignment", "get", {"tl": 200, "vp1": 403}),
    ("web:assignment_end", "vp1_assignment", "get", {"tl": 200, "vp1": 403}),
    ("web:assignment_end", "co1_assignment", "get", {"co1": 403}),
    ("web:assignment_end", "informal_assignment", "get", {"vp1": 200, "tl": 403}),
    ("web:assignment_end", "informal_assignment", "post", {"vp1": 302, "tl": 403}),
    ("web:meeting_status", "complaint_meeting", "get", {"vp1": 200}),
    ("web:meeting_status", "complaint_meeting", "post", {"vp1": 200}),
    ("web:meeting_status", "content_meeting", "get", {"co1": 200}),
    ("web:case_print", "complaint_case", "get", {"vp1": 200, "tl": 403}),
    ("web:case_print", "closed_case", "get", {"vp1": 200, "tl": 403}),
    ("web:case_print", "care_case", "get", {"co1": 200}),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_cases(client, cases_world, name, key, method, expected):
    """R2: the case, complaint, meeting and assignment pages answer each role
    with 404 unless the object is theirs to see, 403 when they see it but may
    not act, and login for anonymous users."""
    check_access(client, cases_world, name, key, method, expected)
