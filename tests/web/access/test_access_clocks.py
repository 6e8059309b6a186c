"""The access matrix of the complaint-clock pages (R3): suspending and
resuming a complaint's term is the case supporter's work, not the team lead's."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Complaint
from tests.factories import advance_complaint
from tests.support.world import check_access

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    ("web:complaint_suspend", "complaint_case", "get", {"vp1": 200, "tl": 403}),
    ("web:complaint_suspend", "complaint_case", "post", {"vp1": 200, "tl": 403}),
    ("web:complaint_suspend", "mother_case", "get", {"tl": 403}),
    ("web:complaint_resume", "complaint_case", "get", {"vp1": 200, "tl": 403}),
    ("web:complaint_resume", "closed_case", "get", {"vp1": 403, "tl": 403}),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_clocks(client, world, name, key, method, expected):
    """R2, R3: the clock pages answer 404 unless the case is visible, 403 when
    the user sees it but may not act on the complaint."""
    check_access(client, world, name, key, method, expected)


def test_the_case_page_shows_the_clock(client, world):
    """R3: the case page shows the due date, the days left, "verlengd" after a
    postponement and the suspension, and offers to suspend and resume."""
    vp1 = world.users["vp1"]
    case_pk = world.objects["complaint_case"]
    complaint = Complaint.objects.get(case_id=case_pk)
    today = timezone.localdate()
    advance_complaint(
        vp1,
        complaint.case,
        Complaint.Stage.SUBMITTED,
        on=today - datetime.timedelta(days=2),
    )
    complaint = services.complaint_postpone(
        actor=vp1, complaint=complaint, weeks=1, on=today
    )
    client.force_login(vp1)
    url = reverse("web:case_detail", args=[case_pk])
    page = client.get(url).content.decode()
    assert "nog 47 dagen" in page
    assert "verlengd" in page
    assert reverse("web:complaint_suspend", args=[case_pk]) in page
    response = client.post(
        reverse("web:complaint_suspend", args=[case_pk]), {"reason": "Stukken"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Opgeschort sinds" in page
    assert reverse("web:complaint_resume", args=[case_pk]) in page
    response = client.post(reverse("web:complaint_resume", args=[case_pk]), {})
    assert response.status_code == 302
    assert Complaint.objects.get(case_id=case_pk).due_on is not None
