"""The access matrix of the list pages, and what each role finds in them (R2).

Every logged-in user gets each list (200), but only with their own rows: a
list filters with the same ``visible_to`` rule as the detail pages, so a
confidant never finds another confidant's case, complaint or meeting, a team
lead finds no client names and no content, and a decision-maker finds no cases.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Meeting, SupportCase
from tests.support.world import WORLD_ROLES as ROLES
from tests.support.world import check_access

# url name, object key, method, {role: expected status}; roles not listed → 404.
MATRIX = [
    ("web:case_list", None, "get", dict.fromkeys(ROLES, 200)),
    ("web:complaint_list", None, "get", dict.fromkeys(ROLES, 200)),
    ("web:meeting_list", None, "get", dict.fromkeys(ROLES, 200)),
    ("web:application_list", None, "get", dict.fromkeys(ROLES, 200)),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX)
def test_access_matrix(client, world, name, key, method, expected):
    """R2: the lists need a login and are open to every role; what they show
    is limited per user (tested below)."""
    check_access(client, world, name, key, method, expected)


# --- what each role finds ---------------------------------------------------------

CLIENT_NAMES = ("Bakker", "Sem", "Anouk")


def _refs(world) -> dict[str, str]:
    return {
        key: SupportCase.objects.get(pk=world.objects[key]).reference
        for key in ("complaint_case", "mother_case", "care_case", "closed_case")
    }


def _page(client, world, role: str, name: str, query: str = "") -> str:
    client.force_login(world.users[role])
    response = client.get(reverse(name) + query)
    assert response.status_code == 200
    return response.content.decode()


# (role, case keys found in /zaken/); every other case of the world is absent.
CASES_FOUND = [
    ("vp1", {"complaint_case", "closed_case"}),
    ("vp2", {"mother_case"}),
    ("co1", {"care_case"}),
    ("tl", {"complaint_case", "mother_case", "closed_case"}),
    ("dm", set()),
    ("fa", set()),
]


@pytest.mark.parametrize(("role", "found"), CASES_FOUND)
def test_case_list_shows_only_the_users_cases(client, world, role, found):
    """R2: /zaken/ lists the cases the user may see and no other: a confidant
    not a colleague's, the AKJ team lead the AKJ's caseload and not the client
    support organisation's, a decision-maker none."""
    refs = _refs(world)
    page = _page(client, world, role, "web:case_list")
    for key, reference in refs.items():
        assert (reference in page) == (key in found), (role, key)
    count = len(found)
    assert f"{count} {'zaak' if count == 1 else 'zaken'} gevonden" in page


def test_team_lead_case_list_has_no_client_names_or_content(client, world):
    """R2: the team lead's case list shows who holds which case, never the
    client or the case's description."""
    page = _page(client, world, "tl", "web:case_list")
    for name in CLIENT_NAMES:
        assert name not in page
    assert "Klacht over de groepsleiding" not in page  # the case title
    assert "vp1" in page and "vp2" in page  # who holds the cases
    assert reverse("web:client_detail", args=[world.objects["youth"]]) not in page


def test_caseworker_case_list_shows_the_client(client, world):
    """A confidant sees the client and description of their own case."""
    page = _page(client, world, "vp1", "web:case_list")
    assert "Sem Bakker" in page
    assert "Klacht over de groepsleiding" in page
    assert "Anouk" not in page  # the mother is vp2's client (R4)


@pytest.mark.parametrize(
    ("language", "kind", "status"),
    [("nl", "Klacht", "Afgesloten"), ("en", "Complaint", "Closed")],
)
def test_caseworker_case_list_rows(client, world, language, kind, status):
    """Each row (read as values, ``CaseRow``) links to its case and an open
    case's client, knows whether the case is closed, and shows kind and status
    in the user's language."""
    open_case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    closed_case = SupportCase.objects.get(pk=world.objects["closed_case"])
    client.force_login(world.users["vp1"])
    response = client.get(reverse("web:case_list"), HTTP_ACCEPT_LANGUAGE=language)
    rows = {row.pk: row for row in response.context["page"]}
    page = response.content.decode()
    assert rows[open_case.pk].client_name == str(open_case.client)
    assert f'href="{open_case.get_absolute_url()}"' in page
    assert f'href="{closed_case.get_absolute_url()}"' in page
    assert f'href="{open_case.client.get_absolute_url()}"' in page
    assert rows[closed_case.pk].is_closed and not rows[open_case.pk].is_closed
    assert rows[open_case.pk].get_kind_display() == kind
    assert rows[closed_case.pk].get_status_display() == status


COMPLAINTS_FOUND = [
    ("vp1", True),
    ("vp2", False),
    ("co1", False),
    ("tl", True),
    ("dm", False),
    ("fa", False),
]


@pytest.mark.parametrize(("role", "found"), COMPLAINTS_FOUND)
def test_complaint_list_shows_only_complaints_of_visible_cases(
    client, world, role, found
):
    """R2: vp2 does not find vp1's complaint in /klachten/; the team lead finds
    it (metadata), the client supporter and the decision-maker do not."""
    reference = _refs(world)["complaint_case"]
    page = _page(client, world, role, "web:complaint_list")
    assert (reference in page) is found
    assert ("1 klacht gevonden" if found else "0 klachten gevonden") in page


def test_team_lead_complaint_list_shows_metadata_only(client, world):
    """R2: for a team lead the complaint list has reference, stage and due date,
    no client name."""
    page = _page(client, world, "tl", "web:complaint_list")
    assert _refs(world)["complaint_case"] in page
    assert "Wordt geformuleerd" in page  # the stage
    for name in CLIENT_NAMES:
        assert name not in page
    vp1_page = _page(client, world, "vp1", "web:complaint_list")
    assert "Sem Bakker" in vp1_page


MEETINGS_FOUND = [
    ("vp1", {"complaint_meeting"}),
    ("vp2", set()),
    ("co1", {"content_meeting"}),
    ("tl", set()),
    ("dm", set()),
    ("fa", set()),
]


@pytest.mark.parametrize(("role", "found"), MEETINGS_FOUND)
def test_meeting_list_shows_only_meetings_whose_content_the_user_sees(
    client, world, role, found
):
    """R2: meetings are content: only the supporter of the case finds them; a
    team lead finds none, not even of the own organisation."""
    page = _page(client, world, role, "web:meeting_list")
    for key in ("complaint_meeting", "content_meeting"):
        url = Meeting.objects.get(pk=world.objects[key]).get_absolute_url()
        assert (url in page) == (key in found), (role, key)


@pytest.mark.parametrize("role", ROLES)
def test_application_list_is_for_the_municipalitys_decision_maker(client, world, role):
    """R9: only the decision-maker of the municipality finds its applications;
    caseworkers and team leads find none."""
    url = reverse("web:application_detail", args=[world.objects["application"]])
    page = _page(client, world, role, "web:application_list")
    assert (url in page) is (role == "dm")


def test_a_decision_maker_finds_no_cases_complaints_or_meetings(client, world):
    """R2/R9: a decision-maker's case, complaint and meeting lists are empty."""
    assert "0 zaken gevonden" in _page(client, world, "dm", "web:case_list")
    assert "0 klachten gevonden" in _page(client, world, "dm", "web:complaint_list")
    assert "0 gesprekken gevonden" in _page(client, world, "dm", "web:meeting_list")


def test_a_team_lead_cannot_filter_on_another_organisations_caseworker(client, world):
    """R2: the caseworker filter offers only the team lead's own organisation;
    a hand-made id of another organisation's supporter is refused with a
    message and reveals nothing."""
    co1 = world.users["co1"]
    page = _page(client, world, "tl", "web:case_list", f"?caseworker={co1.pk}")
    assert "Niet alles kon worden toegepast" in page
    assert _refs(world)["care_case"] not in page
    assert f'<option value="{co1.pk}"' not in page


def test_the_caseworker_filter_is_ignored_for_caseworkers(client, world):
    """Only a team lead filters on caseworker; for a confidant the parameter
    changes nothing and widens nothing."""
    vp2 = world.users["vp2"]
    page = _page(client, world, "vp1", "web:case_list", f"?caseworker={vp2.pk}")
    refs = _refs(world)
    assert refs["complaint_case"] in page
    assert refs["mother_case"] not in page
    assert 'name="caseworker"' not in page
