"""The access matrix of the AVG pages: the register of requests of data
subjects with the inzage export (art. 15 AVG), the data-breach register
(art. 33 AVG), and the client's consents to share with an informal supporter
(R11).

Only a privacy officer opens the registers, and only their own
organisation's: a privacy officer of another organisation gets 404 for every
request and breach, everyone else 404 for every page (they are not told the
pages exist). The export exists only for an inzage request whose asker's
identity is checked: for an unchecked one it is refused (403, logged as
refused), for a request of another kind it does not exist (404). Consent is
recorded, withdrawn and used by those who support the client now; a consent
about a meeting only by those who may read that meeting (R2).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from cases import services
from cases.models import SupportCase
from tests.support.world import WORLD_ROLES, check_access

#: ``po``: the AKJ's privacy officer; ``po2``: the client-support organisation's.
ROLES = [*WORLD_ROLES, "po", "po2"]
OFFICERS = {"po": 200, "po2": 200}

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    ("web:privacy_request_list", None, "get", OFFICERS),
    ("web:privacy_request_register", None, "get", OFFICERS),
    ("web:privacy_request_detail", "inzage_request", "get", {"po": 200}),
    ("web:privacy_request_detail", "received_request", "get", {"po": 200}),
    ("web:privacy_request_identity", "received_request", "get", {"po": 200}),
    ("web:privacy_request_extend", "inzage_request", "get", {"po": 200}),
    ("web:privacy_request_start", "inzage_request", "get", {"po": 200}),
    ("web:privacy_request_answer", "inzage_request", "get", {"po": 200}),
    ("web:privacy_request_refuse", "inzage_request", "get", {"po": 200}),
    ("web:privacy_request_withdraw", "inzage_request", "get", {"po": 200}),
    ("web:privacy_request_export_json", "inzage_request", "get", {"po": 200}),
    ("web:privacy_request_export_pdf", "inzage_request", "get", {"po": 200}),
    # Identity not checked: refused, not revealed to anyone else.
    ("web:privacy_request_export_json", "received_request", "get", {"po": 403}),
    ("web:privacy_request_export_pdf", "received_request", "get", {"po": 403}),
    # An erasure request has no export at all.
    ("web:privacy_request_export_json", "erasure_request", "get", {}),
    ("web:privacy_request_export_pdf", "erasure_request", "get", {}),
    ("web:privacy_breach_list", None, "get", OFFICERS),
    ("web:privacy_breach_register", None, "get", OFFICERS),
    ("web:privacy_breach_detail", "breach", "get", {"po": 200}),
    ("web:privacy_breach_assess", "breach", "get", {"po": 200}),
    ("web:privacy_breach_close", "breach", "get", {"po": 200}),
    # The AKJ's youth: since R13 the client supporter has a file of their own.
    ("web:consent_add", "youth", "get", {"vp1": 200}),
    ("web:consent_add", "mother", "get", {"vp2": 200}),
    # The invitation consent names vp1's meeting, which co1 may not read (R2).
    ("web:consent_withdraw", "invitation_consent", "get", {"vp1": 200}),
    ("web:consent_withdraw", "document_consent", "get", {"vp1": 200}),
    ("web:document_share", "document_consent", "get", {"vp1": 200}),
    ("web:meeting_summary_share", "complaint_meeting", "get", {"vp1": 200}),
    ("web:meeting_summary_share", "content_meeting", "get", {"co1": 200}),
]

#: The pages of the matrix that name a client (one access-log row each).
CLIENT_PAGES = {
    "web:privacy_request_detail",
    "web:privacy_request_identity",
    "web:privacy_request_extend",
    "web:privacy_request_start",
    "web:privacy_request_answer",
    "web:privacy_request_refuse",
    "web:privacy_request_withdraw",
    "web:privacy_request_export_json",
    "web:privacy_request_export_pdf",
}


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_matrix(client, avg_world, name, key, method, expected):
    """The registers answer their own organisation's privacy officer; the
    export only an identity-checked inzage request; consent pages those who
    support the client now; everyone else gets 404 and anonymous users the
    login page."""
    check_access(client, avg_world, name, key, method, expected, roles=ROLES)


@pytest.mark.parametrize(
    ("name", "key"),
    sorted({(n, k) for n, k, _m, e in MATRIX if e.get("po") == 200 and "privacy" in n}),
)
def test_each_page_logs_one_row_when_it_names_a_client(client, avg_world, name, key):
    """A request page names the client and writes exactly one access-log row;
    the lists and the breach pages name no client of the matrix and the
    breach pages write none."""
    client.force_login(avg_world.users["po"])
    url = reverse(name, args=[avg_world.objects[key]] if key else [])
    before = AccessLogEntry.objects.count()
    response = client.get(url)
    assert response.status_code == 200
    written = AccessLogEntry.objects.count() - before
    if name in CLIENT_PAGES:
        assert written == 1, url
        row = AccessLogEntry.objects.order_by("-pk").first()
        assert row.client_id is not None
    elif "breach" in name:
        assert written == 0, url


def test_a_closed_case_refuses_sharing_its_meetings_summary(client, avg_world):
    """A supporter who keeps read-only access to a closed case (R6) sees its
    meeting but may not share its summary (403)."""
    co1 = avg_world.users["co1"]
    case = SupportCase.objects.get(pk=avg_world.objects["care_case"])
    services.case_close(actor=co1, case=case, outcome="resolved")
    client.force_login(co1)
    url = reverse(
        "web:meeting_summary_share", args=[avg_world.objects["content_meeting"]]
    )
    assert client.get(url).status_code == 403
