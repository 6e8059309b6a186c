"""The access matrix of the AVG pages: the inzage export (art. 15 AVG) and the
client's consents to share with an informal supporter (R11).

Only the privacy officer exports, for every client (as they read every
client's access history); the client's own caseworkers get 404 like everyone
else. Consent is recorded, withdrawn and used by those who support the client
now; a consent about a meeting only by those who may read that meeting (R2).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import SupportCase
from roles import services as role_services
from roles.models import Consent, InformalSupporter
from tests.conftest import WORLD_ROLES, World, check_access

ROLES = [*WORLD_ROLES, "po"]

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    ("privacy_client_export", "youth", "get", {"po": 200}),
    ("privacy_client_export", "mother", "get", {"po": 200}),
    ("privacy_client_export_pdf", "youth", "get", {"po": 200}),
    ("privacy_client_export_json", "youth", "get", {"po": 200}),
    ("privacy_client_export_json", "mother", "get", {"po": 200}),
    ("consent_add", "youth", "get", {"vp1": 200, "co1": 200}),
    ("consent_add", "mother", "get", {"vp2": 200}),
    # The invitation consent names vp1's meeting, which co1 may not read (R2).
    ("consent_withdraw", "invitation_consent", "get", {"vp1": 200}),
    ("consent_withdraw", "document_consent", "get", {"vp1": 200, "co1": 200}),
    ("document_share", "document_consent", "get", {"vp1": 200, "co1": 200}),
    ("meeting_summary_share", "complaint_meeting", "get", {"vp1": 200}),
    ("meeting_summary_share", "content_meeting", "get", {"co1": 200}),
]


@pytest.fixture
def avg_world(privacy_world: World) -> World:
    """The access-matrix world with its privacy officer, the consent for the
    informal supporter's invitation and a consent for a document."""
    world = privacy_world
    world.objects["invitation_consent"] = Consent.objects.get(
        item=Consent.Item.MEETING_INVITATION
    ).pk
    world.objects["document_consent"] = role_services.consent_record(
        actor=world.users["vp1"],
        informal_supporter=InformalSupporter.objects.get(name="Tante Ria"),
        item=Consent.Item.DOCUMENT,
        description="Brief aan de klachtencommissie",
        given_on=timezone.localdate(),
    ).pk
    return world


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_matrix(client, avg_world, name, key, method, expected):
    """Only the privacy officer exports; consent pages answer those who support
    the client now; everyone else gets 404 and anonymous users the login page."""
    check_access(client, avg_world, name, key, method, expected, roles=ROLES)


def test_a_closed_case_refuses_sharing_its_meetings_summary(client, avg_world):
    """A supporter who keeps read-only access to a closed case (R6) sees its
    meeting but may not share its summary (403)."""
    co1 = avg_world.users["co1"]
    case = SupportCase.objects.get(pk=avg_world.objects["care_case"])
    services.case_close(actor=co1, case=case, outcome="resolved")
    client.force_login(co1)
    url = reverse("meeting_summary_share", args=[avg_world.objects["content_meeting"]])
    assert client.get(url).status_code == 403
