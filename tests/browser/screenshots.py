"""Screenshots of the main pages for the README: ``make screenshots``.

Not part of the test suite (the file name does not match ``test_*.py``); it
uses the browser tests' fixtures: the demo data of ``seed_demo`` on the live
server, Debian's Chromium at 1280 px wide, full-page PNGs written to
``docs/screenshots/``.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from cases.models import Client, ConflictingInterest, Meeting, SupportCase
from roles.models import Assignment, Attendance
from tests.factories import plan_meeting
from tests.support.browser import REPO, UI

OUT = REPO / "docs" / "screenshots"


def _shoot(ui: UI, name: str) -> None:
    ui.page.mouse.move(0, 0)  # no hover effect on the last control clicked
    ui.page.screenshot(path=OUT / f"{name}.png", full_page=True)


@pytest.fixture
def demo(transactional_db) -> None:
    call_command("seed_demo", verbosity=0)


def test_screenshots(open_ui, demo) -> None:
    """Log in as the demo accounts and photograph the main pages."""
    OUT.mkdir(parents=True, exist_ok=True)
    confidant = User.objects.get(username="vertrouwenspersoon1")

    ui = open_ui("nl", axe=False)
    ui.goto("login")
    _shoot(ui, "login")
    ui.login(confidant.username)
    _shoot(ui, "dashboard-confidant")

    # The client of the confidant with the most recorded around them.
    conflict = (
        ConflictingInterest.objects.filter(
            client_a__in=Client.objects.visible_to(confidant)
        )
        .order_by("pk")
        .first()
    )
    client = (
        conflict.client_a
        if conflict
        else Client.objects.visible_to(confidant).order_by("pk").first()
    )
    ui.goto("web:client_detail", client.pk)
    _shoot(ui, "client")

    # The open complaint case with the longest timeline.
    case = (
        SupportCase.objects.visible_to(confidant)
        .filter(kind=SupportCase.Kind.COMPLAINT, closed_at__isnull=True)
        .annotate(n=Count("events"))
        .order_by("-n", "pk")
        .first()
    )
    ui.goto("web:case_detail", case.pk)
    _shoot(ui, "case")

    refused = Attendance.objects.filter(
        status=Attendance.Status.REFUSED, meeting__case__assignments__user=confidant
    ).first()
    ui.goto("web:meeting_detail", refused.meeting_id)
    _shoot(ui, "meeting-refused-informal-supporter")

    # A form with errors: registering a client without filling anything in.
    ui.goto("web:client_register")
    ui.submit("Inschrijven en zaak openen")
    _shoot(ui, "form-errors")

    # A rule refusal (R5): the confidant on a conversation about the care itself.
    content = plan_meeting(
        confidant,
        case,
        Meeting.Kind.CONTENT,
        starts_at=timezone.now() + datetime.timedelta(days=2),
    )
    ui.goto("web:attendance_add", content.pk)
    own = Assignment.objects.get(case=case, user=confidant, ended_at__isnull=True)
    ui.field("Ondersteuner").select_option(str(own.pk))
    ui.field("Op verzoek van de cliënt").check()
    ui.submit()
    _shoot(ui, "rule-refusal-r5")

    lead = open_ui("nl", axe=False)
    lead.login("teamleider1")
    _shoot(lead, "dashboard-team-lead")
