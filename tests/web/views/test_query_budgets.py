"""Query budgets of the list and detail pages that have no budget elsewhere.

The dashboards, the case, complaint, meeting, application, client, outreach,
emergency-access and retention lists, the client and case pages and the
municipal report are guarded in their own test modules. This module guards the
rest: each page costs at most its budget, with a few rows and with many more
(no query per row), and a page that names a client writes exactly one
access-log row (R2 reads are logged).
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from cases import services
from cases.models import Application, SupportCase
from roles import services as role_services
from tests.support.privacy import privacy_officer
from tests.support.world import World, check_budget


@pytest.fixture
def budget_world(report_world: World) -> World:
    """The report world with a privacy officer, a note, an outreach visit and
    the team lead's emergency access to the youth's complaint case."""
    world = report_world
    users, objects = world.users, world.objects
    users["po"] = privacy_officer(users["vp1"].organisation)
    case = SupportCase.objects.get(pk=objects["complaint_case"])
    objects["note"] = services.note_add(
        actor=users["vp1"], case=case, text="Gesprek met de groepsleiding."
    ).pk
    objects["visit"] = services.outreach_visit_record(
        actor=users["vp1"],
        institution=Organisation.objects.get(name="Jeugdzorg Midden"),
        municipality=users["dm"].organisation.municipality,
        visited_on=datetime.date(2026, 3, 2),
        group="Leefgroep De Linde",
        youths_spoken=4,
        themes=["rights"],
    ).pk
    objects["emergency"] = role_services.emergency_access_open(
        actor=users["tl"],
        case=case,
        reason="De vertrouwenspersoon is plotseling uitgevallen en de klacht loopt door.",
    ).pk
    return world


def _grow(world: World, size: int) -> None:
    """``size`` more notes (with corrections), meetings and applications on the
    youth's case, and ``size`` more reads in the access log."""
    users, objects = world.users, world.objects
    case = SupportCase.objects.get(pk=objects["complaint_case"])
    note = case.notes.get(pk=objects["note"])
    for i in range(size):
        note = services.note_correct(
            actor=users["vp1"],
            note=note,
            text=f"Gesprek met de groepsleiding ({i}).",
            reason="Aangevuld.",
            expected_version=note.version,
        )
        services.note_add(actor=users["vp1"], case=case, text=f"Notitie {i}.")
        services.meeting_plan(
            actor=users["vp1"],
            case=case,
            kind="question_complaint",
            starts_at=timezone.now() + datetime.timedelta(days=10 + i),
        )
        Application.objects.create(
            client=case.client,
            municipality=case.client.municipality,
            care_kind="jeugdhulp",
            description=f"Aanvraag {i}",
            submitted_on=timezone.localdate(),
        )
    objects["note"] = note.pk
    from django.test import Client

    reader = Client()
    reader.force_login(users["vp1"])
    for _ in range(size):
        reader.get(reverse("web:case_detail", args=[case.pk]))


# (role, url name, object key or None, max queries without the access-log row,
# writes an access-log row). Every page costs 2 queries for the session and the
# user (the session is written at login and then at most once a minute,
# accounts.session_clock).
BUDGETS = [
    ("vp1", "web:meeting_detail", "complaint_meeting", 6, True),
    ("vp1", "web:note_history", "note", 4, True),
    ("dm", "web:application_detail", "application", 5, True),
    ("vp1", "web:outreach_detail", "visit", 3, False),
    ("tl", "web:report_municipal_index", None, 6, False),
    ("po", "web:access_log", None, 5, True),
    ("po", "web:client_access_history", "youth", 5, True),
    ("po", "web:privacy_emergency_review", "emergency", 3, True),
]


@pytest.mark.parametrize("size", [0, 12])
@pytest.mark.parametrize(("role", "name", "key", "budget", "logged"), BUDGETS)
def test_page_query_count_does_not_grow_with_rows(
    client,
    budget_world,
    django_assert_max_num_queries,
    size,
    role,
    name,
    key,
    budget,
    logged,
):
    world = budget_world
    _grow(world, size)
    check_budget(
        client, world, role, name, key, budget, logged, django_assert_max_num_queries
    )
