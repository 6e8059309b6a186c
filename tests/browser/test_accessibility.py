"""Accessibility in a real browser: axe-core (WCAG 2.1 A and AA) on every page
the journeys do not reach, in Dutch and in English, for every role; and what
axe cannot see: the stylesheets really load, the skip link works from the
keyboard, form errors are summarised on top with links to the fields, and
the client search updates in place with a live region.

The journeys (``test_journeys.py``) check the pages they pass with axe too;
``test_every_page_is_checked`` keeps the two lists complete as pages are added.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Organisation
from cases import services as case_services
from cases.models import Client, Family, SupportCase
from roles import referrals as referral_services
from roles import services as role_services
from roles.models import Assignment, Consent, InformalSupporter
from roles.policy import SupportRole
from tests.factories import CareFactory, OrganisationFactory, record_contact
from tests.support.browser import JOURNEY_PAGES, LANGUAGES, UI
from tests.support.privacy import register_breach, register_request
from tests.support.world import World

#: The world's users log in with this password (``tests/conftest.py``).
WORLD_PASSWORD = "x"

# Per role of the world (tests/conftest.py): (URL name, object key or None,
# query string, expected HTTP status) of each page to check.
TOUR: dict[str, list[tuple[str, str | None, str, int]]] = {
    "vp1": [
        ("web:client_list", None, "?name=bak", 200),
        ("web:client_edit", "youth", "", 200),
        ("web:client_contact_edit", "youth", "", 200),
        ("web:case_open", "youth", "", 200),
        ("web:family_create", "youth", "", 200),
        ("web:family_member_add", "family", "", 200),
        ("web:conflict_record", "family", "", 200),
        ("web:care_add", "youth", "", 200),
        ("web:care_end", "care", "", 200),
        ("web:case_status", "complaint_case", "", 200),
        ("web:complaint_postpone", "complaint_case", "", 200),
        # Without JavaScript an empty note comes back as a page with the error.
        ("web:note_add", "complaint_case", "", 200),
        ("web:note_correct", "note", "", 200),
        ("web:note_withdraw", "note", "", 200),
        ("web:note_history", "note", "", 200),
        ("web:assignment_end", "informal_assignment", "", 200),
        ("web:case_detail", "closed_case", "", 200),
        ("web:case_print", "complaint_case", "", 200),
        ("web:case_list", None, "", 200),
        ("web:complaint_list", None, "", 200),
        ("web:meeting_list", None, "", 200),
        ("web:case_detail", "mother_case", "", 404),
        ("web:assignment_add", "complaint_case", "", 403),
        ("web:client_detail", "youth", "", 200),
        ("web:consent_add", "youth", "", 200),
        ("web:consent_withdraw", "invitation_consent", "", 200),
        ("web:document_share", "document_consent", "", 200),
        ("web:meeting_summary_share", "complaint_meeting", "", 200),
        ("web:complaint_suspend", "complaint_case", "", 200),
        ("web:complaint_resume", "complaint_case", "", 200),
        ("web:outreach_list", None, "", 200),
        ("web:outreach_create", None, "", 200),
        ("web:outreach_detail", "visit", "", 200),
        ("web:outreach_case_open", "visit", "", 200),
        ("web:contact_record_case", "complaint_case", "", 200),
        ("web:contact_detail", "case_contact", "", 200),
        ("web:referral_send", "youth", "", 200),
    ],
    "co1": [
        ("web:dashboard", None, "", 200),
        ("two_factor_setup", None, "", 200),
        ("web:case_detail", "care_case", "", 200),
        ("web:meeting_detail", "content_meeting", "", 200),
        # The client-support organisation's own file of the youth (R13).
        ("web:client_detail", "co_youth", "", 200),
        ("web:referral_detail", "referral", "", 200),
    ],
    "tl": [
        ("web:dashboard", None, "", 200),
        ("web:case_list", None, "", 200),
        ("web:complaint_list", None, "", 200),
        ("web:case_detail", "complaint_case", "", 200),
        ("web:assignment_add", "complaint_case", "", 200),
        ("web:assignment_hand_over", "confidant_assignment", "", 200),
        ("web:outreach_list", None, "", 200),
        ("web:outreach_detail", "visit", "", 200),
        ("web:emergency_access_open", "complaint_case", "", 200),
        # Under emergency access (R2): the banner, the content, ending it.
        ("web:case_detail", "mother_case", "", 200),
        ("web:emergency_access_end", "tl_emergency", "", 200),
        ("web:report_municipal_index", None, "", 200),
        ("web:report_municipal", "other_municipality", "?period=2025", 200),
        ("web:link_request_list", None, "", 200),
        ("web:link_request_detail", "link", "", 200),
        ("web:referral_inbox", None, "", 200),
        ("web:referral_detail", "referral", "", 200),
        ("web:referral_accept", "referral", "", 200),
        ("web:referral_decline", "referral", "", 200),
    ],
    "vp2": [
        # The emergency access to vp2's case is told on the dashboard and the case.
        ("web:dashboard", None, "", 200),
        ("web:case_detail", "mother_case", "", 200),
        # The registration waiting for the team lead.
        ("web:link_request_detail", "link", "", 200),
    ],
    "dm": [
        ("web:dashboard", None, "", 200),
        ("web:application_list", None, "", 200),
        ("web:application_detail", "application", "", 200),
    ],
    "fa": [("web:dashboard", None, "", 200)],
    "po": [
        ("web:dashboard", None, "", 200),
        ("web:access_log", None, "", 200),
        ("web:access_log", None, "?action=read&date_from=2020-01-01", 200),
        ("web:client_access_history", "youth", "", 200),
        ("web:privacy_request_list", None, "", 200),
        ("web:privacy_request_register", None, "", 200),
        ("web:privacy_request_detail", "inzage_request", "", 200),
        ("web:privacy_request_identity", "inzage_request", "", 200),
        ("web:privacy_request_extend", "inzage_request", "", 200),
        ("web:privacy_request_start", "inzage_request", "", 200),
        ("web:privacy_request_answer", "inzage_request", "", 200),
        ("web:privacy_request_refuse", "inzage_request", "", 200),
        ("web:privacy_request_withdraw", "inzage_request", "", 200),
        ("web:privacy_breach_list", None, "", 200),
        ("web:privacy_breach_register", None, "", 200),
        ("web:privacy_breach_detail", "breach", "", 200),
        ("web:privacy_breach_assess", "breach", "", 200),
        ("web:privacy_breach_close", "breach", "", 200),
        ("web:privacy_emergency_list", None, "", 200),
        ("web:privacy_emergency_list", None, "?status=unreviewed", 200),
        ("web:privacy_emergency_review", "tl_emergency", "", 200),
        ("web:retention_register", None, "", 200),
        ("web:user_audit", None, "", 200),
    ],
    "cm": [
        ("web:dashboard", None, "", 200),
        ("web:report_municipal", "municipality", "", 200),
        # A period that is not on the grid: the message next to the selector.
        ("web:report_municipal", "municipality", "?period=2025-13", 200),
    ],
}

#: URL names that are no page of their own.
NOT_PAGES = {
    "logout",
    "web:session_extend",
    "web:privacy_request_export_pdf",
    "web:privacy_request_export_json",
    "web:report_municipal_csv",
    "web:report_municipal_pdf",
}


@pytest.fixture
def tour_world(privacy_world: World, report_world: World) -> World:
    """The access-matrix world (with its privacy officer) and the objects the
    tour needs besides."""
    world = privacy_world
    youth = world.objects["youth"]
    world.objects["family"] = Family.objects.get(memberships__client_id=youth).pk
    world.objects["care"] = CareFactory(
        client=Client.objects.get(pk=youth),
        provider=OrganisationFactory(care_provider=True, name="Jeugdzorg Midden"),
    ).pk
    case = world.objects["complaint_case"]
    world.objects["informal_assignment"] = Assignment.objects.get(
        case_id=case, role=SupportRole.INFORMAL_SUPPORTER
    ).pk
    world.objects["confidant_assignment"] = Assignment.objects.get(
        case_id=case, user=world.users["vp1"]
    ).pk
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
    world.objects["case_contact"] = record_contact(
        world.users["vp1"], case=SupportCase.objects.get(pk=case)
    ).pk
    world.objects["visit"] = case_services.outreach_visit_record(
        actor=world.users["vp1"],
        institution=Organisation.objects.get(name="Jeugdzorg Midden"),
        municipality=Client.objects.get(pk=youth).municipality,
        visited_on=datetime.date(2026, 3, 2),
        group="Leefgroep De Linde",
        youths_spoken=4,
        themes=["rights", "safety"],
    ).pk
    note = case_services.note_add(
        actor=world.users["vp1"],
        case=SupportCase.objects.get(pk=case),
        text="Sem vertelde over de groep op dinsdag.",
    )
    case_services.note_correct(
        actor=world.users["vp1"],
        note=note,
        text="Sem vertelde over de groep op woensdag.",
        reason="Verkeerde dag genoemd.",
        expected_version=note.version,
    )
    world.objects["note"] = note.pk
    world.objects["tl_emergency"] = role_services.emergency_access_open(
        actor=world.users["tl"],
        case=SupportCase.objects.get(pk=world.objects["mother_case"]),
        reason="De vertrouwenspersoon is plotseling uitgevallen en de moeder belt.",
    ).pk
    # R13: vp2 registers a person vp1 supports (waits for the team lead), and
    # the client supporter refers their file of the youth to the AKJ.
    lotte = {
        "first_name": "Lotte",
        "last_name": "Mulder",
        "date_of_birth": datetime.date(2011, 3, 14),
        "kind": "youth",
        "municipality": Client.objects.get(pk=youth).municipality,
        "case_kind": "question",
    }
    case_services.client_register(actor=world.users["vp1"], **lotte, case_title="Vraag")
    world.objects["link"] = case_services.client_register(
        actor=world.users["vp2"], **lotte, case_title="Tweede vraag"
    ).pk
    world.objects["referral"] = referral_services.referral_send(
        actor=world.users["co1"],
        client=Client.objects.get(pk=world.objects["co_youth"]),
        to_organisation=world.users["vp1"].organisation,
        items=["identity"],
        consent_given_on=timezone.localdate(),
        message="Sem wil een klacht indienen over de groep.",
    ).pk
    world.objects["inzage_request"] = register_request(
        world.users["po"], Client.objects.get(pk=youth)
    ).pk
    world.objects["breach"] = register_breach(world.users["po"]).pk
    return world


def _login(open_ui, language: str, username: str) -> UI:
    ui = open_ui(language)
    ui.login(username, WORLD_PASSWORD)
    return ui


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(TOUR))
def test_pages_pass_axe(open_ui, require_axe, tour_world, role, language) -> None:
    """Every page of every role, in both languages, has no axe-core violation
    of WCAG 2.1 A/AA, one h1, a title and the right document language."""
    ui = _login(open_ui, language, role)
    for name, key, query, status in TOUR[role]:
        args = [tour_world.objects[key]] if key else []
        ui.goto(name, *args, query=query, status=status)
    ui.assert_accessible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_errors_pass_axe(open_ui, require_axe, tour_world, language) -> None:
    """A failed login shows why on top of the form, in an accessible page."""
    ui = open_ui(language)
    ui.goto("login")
    ui.fill_login("vp1", "wrong")
    assert ui.page.url == ui.url("login")
    expect(ui.error_summary()).to_be_visible()
    expect(ui.error_summary()).to_have_attribute("role", "alert")
    ui.assert_accessible()


def test_stylesheets_scripts_and_skip_link(open_ui, tour_world) -> None:
    """The live server serves the CSS and JavaScript (the page is styled, htmx
    runs), and the skip link appears on keyboard focus and moves to the main
    content."""
    ui = _login(open_ui, "nl", "vp1")
    page = ui.page
    sheets = page.evaluate(
        "() => [...document.styleSheets].map((s) => [s.href, s.cssRules.length])"
    )
    assert len(sheets) >= 3 and all(rules > 0 for _, rules in sheets), sheets
    header = page.locator(".naast-header")
    assert header.evaluate("(e) => getComputedStyle(e).backgroundColor") not in {
        "rgba(0, 0, 0, 0)",
        "transparent",
    }
    hidden = page.locator(".naast-visually-hidden").first
    assert hidden.evaluate("(e) => e.getBoundingClientRect().width") <= 1
    assert page.evaluate("() => typeof window.htmx") == "object"

    skip = page.get_by_role("link", name=ui.t("Naar de inhoud"))
    assert skip.bounding_box()["x"] < 0
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["x"] >= 0
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    ui.assert_accessible()


def test_client_search_updates_in_place(open_ui, tour_world) -> None:
    """Typing in the client search updates the results without a page load
    (htmx) and announces the number found in a live region."""
    ui = _login(open_ui, "nl", "vp1")
    page = ui.page
    ui.goto("web:client_list")
    count = page.locator("#client-count")
    expect(count).to_have_attribute("aria-live", "polite")
    page.evaluate("() => { window.naastMarker = true; }")
    ui.field("Naam").press_sequentially("zzz")
    expect(count).to_have_text(ui.t("%(counter)s cliënten gevonden", counter=0))
    ui.field("Naam").fill("")
    ui.field("Naam").press_sequentially("bak")
    expect(count).to_have_text(ui.t("%(counter)s cliënt gevonden", counter=1))
    expect(page.get_by_role("link", name="Bakker, Sem")).to_be_visible()
    assert page.evaluate("() => window.naastMarker") is True, "the page reloaded"
    ui.run_axe(f"{page.url} (after a search with htmx)")
    ui.assert_accessible()


def test_field_errors_are_summarised_on_top(open_ui, tour_world) -> None:
    """A form with errors lists them on top (a link to each field) as well as
    next to each field."""
    ui = _login(open_ui, "nl", "vp1")
    ui.goto("web:client_register")
    ui.submit("Inschrijven en zaak openen")
    expect(ui.field_error("Voornaam")).to_be_visible()
    summary = ui.error_summary()
    expect(summary).to_have_attribute("role", "alert")
    link = summary.get_by_role("link", name=re.compile("^Voornaam"))
    expect(link).to_have_attribute("href", "#id_first_name")
    link.click()
    expect(ui.field("Voornaam")).to_be_focused()


def test_axe_reports_violations(open_ui, require_axe, tour_world) -> None:
    """The harness itself: axe runs and reports what it finds (so "no
    violations" elsewhere means something)."""
    ui = open_ui("nl")
    ui.goto("login")
    ui.page.evaluate(
        """() => {
            const img = document.createElement("img");
            img.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
            document.querySelector("main").append(img);
            document.querySelector("#id_username").removeAttribute("id");
        }"""
    )
    found = {violation["id"] for violation in ui.run_axe("broken login page")}
    assert {"image-alt", "label"} <= found, found
    assert "image-alt" in ui.violations[0]


def test_every_page_is_checked() -> None:
    """Each page of ``web.urls`` is
    in the journeys or in the tour, so axe checks it: a new page needs a row in
    ``TOUR`` (or a journey)."""
    from web.urls import app_name, urlpatterns

    toured = {name for pages in TOUR.values() for name, *_ in pages}
    names = {f"{app_name}:{pattern.name}" for pattern in urlpatterns}
    assert names - NOT_PAGES - toured - JOURNEY_PAGES == set()
