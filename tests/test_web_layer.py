"""The web layer: pages read complaints only through ``visible_to``, the POST
skeleton (``web.submit``) and the one list-page template."""

import pytest
from django.urls import reverse

from cases.models import Care, Complaint
from cases.querysets import ComplaintQuerySet

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_complaint_visible(monkeypatch):
    """``Complaint.objects.visible_to`` answers nothing: a page that reads a
    complaint any other way would still show it."""
    monkeypatch.setattr(ComplaintQuerySet, "visible_to", lambda self, user: self.none())


def test_the_print_reads_the_complaint_through_visible_to(
    client, world, no_complaint_visible
):
    """The print version shows a complaint only when visible_to lets it
    through, so it can never show one the user may not see."""
    case_pk = world.objects["complaint_case"]
    assert Complaint.objects.filter(case_id=case_pk).exists()
    client.force_login(world.users["vp1"])
    response = client.get(reverse("web:case_print", args=[case_pk]))
    assert response.status_code == 200
    assert response.context["complaint"] is None


@pytest.mark.parametrize("name", ["web:complaint_advance", "web:complaint_postpone"])
def test_a_complaint_step_reads_the_complaint_through_visible_to(
    client, world, no_complaint_visible, name
):
    """The complaint steps find the complaint through visible_to: without it
    they answer 404, even for the case's own confidant."""
    client.force_login(world.users["vp1"])
    url = reverse(name, args=[world.objects["complaint_case"]])
    assert client.get(url).status_code == 404
    assert client.post(url, {"stage": "submitted"}).status_code == 404


@pytest.mark.parametrize(
    "name", ["web:case_print", "web:complaint_advance", "web:complaint_postpone"]
)
def test_someone_else_cannot_reach_a_complaint_by_its_case_number(client, world, name):
    """A confidant of another client who types the case's number gets 404 from
    every page that shows or changes its complaint (R2, R3)."""
    client.force_login(world.users["vp2"])
    url = reverse(name, args=[world.objects["complaint_case"]])
    response = client.get(url)
    assert response.status_code == 404
    complaint = Complaint.objects.get(case_id=world.objects["complaint_case"])
    assert complaint.get_stage_display() not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "list_id"),
    [
        ("web:client_list", "client"),
        ("web:case_list", "case"),
        ("web:complaint_list", "complaint"),
        ("web:meeting_list", "meeting"),
        ("web:application_list", "application"),
    ],
)
def test_the_five_lists_extend_one_list_page(client, world, name, list_id):
    """Every list is web/list_page.html with its own count and results."""
    client.force_login(world.users["vp1"])
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "web/list_page.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert f'<div id="{list_id}-count" role="status" aria-live="polite">' in html
    assert f'<div id="{list_id}-results">' in html


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(client, world):
    """A POST with bad input re-renders the form with the error at its field."""
    client.force_login(world.users["vp1"])
    before = Care.objects.count()
    response = client.post(reverse("web:care_add", args=[world.objects["youth"]]), {})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Care.objects.count() == before
