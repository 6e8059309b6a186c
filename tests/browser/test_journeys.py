"""A caseworker's day, end to end, in a real browser, in Dutch and in English.

Each journey logs in through the login form and only clicks links, fills
labelled fields and presses buttons, the way a keyboard or screen reader user
would (controls are found by role and accessible name). Every page reached is
checked with axe-core (WCAG 2.1 A and AA) in both languages; see ``tests.support.browser.UI``.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from playwright.sync_api import expect

from accounts.models import Municipality, Organisation, User
from cases.models import (
    CallerType,
    CaseEvent,
    Client,
    Complaint,
    ComplaintRegime,
    ContactChannel,
    ContactMoment,
    ContactTheme,
    ItemKind,
    Meeting,
    SupportCase,
)
from cases.selectors.conditions import week_bounds
from roles import services as role_services
from roles.models import Assignment, Attendance, Consent, InformalSupporter
from roles.policy import RefusalGround, SupportRole
from tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    active_assignment,
    open_case,
    plan_meeting,
)
from tests.support.browser import LANGUAGES, UI

pytestmark = pytest.mark.parametrize("language", LANGUAGES)

# A page a journey here starts to pass goes into ``tests.support.browser.JOURNEY_PAGES``: the
# accessibility tour leaves those pages to the journeys.


@pytest.fixture
def municipality(transactional_db) -> Municipality:
    return MunicipalityFactory(name="Utrecht", cbs_code="GM0344")


@pytest.fixture
def provider(transactional_db) -> Organisation:
    return OrganisationFactory(care_provider=True, name="Jeugdzorg Midden")


@pytest.fixture
def confidant(transactional_db) -> User:
    return UserFactory(
        confidant=True, username="vera", first_name="Vera", last_name="Pieters"
    )


@pytest.fixture
def client_supporter(transactional_db) -> User:
    return UserFactory(
        client_supporter=True, username="chris", first_name="Chris", last_name="Ooms"
    )


def _local(moment: datetime.datetime) -> str:
    """A datetime as a ``datetime-local`` input takes it, in the site's zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _day(days_ago: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days_ago)).isoformat()


def _meeting_link(ui: UI, kind: str) -> None:
    """Open the meeting of ``kind`` from the case page's meeting table."""
    ui.click(ui.page.get_by_role("row").filter(has_text=ui.t(kind)).get_by_role("link"))


def test_confidant_handles_a_complaint(
    open_ui, language, confidant, municipality, provider
) -> None:
    """A confidant registers a youth with a complaint, plans the complaint
    conversation, adds the client's aunt at the client's request and invites
    her with the client's consent (R11), refuses her on a ground with an
    explanation (R12), adds a note, takes the complaint through its stages
    (R3) and closes the case with an outcome (R6)."""
    ui = open_ui(language)
    page = ui.page
    ui.login("vera")
    expect(ui.heading("Mijn cliënten en zaken", 1)).to_be_visible()

    # Register the client with a complaint case; an empty form first.
    ui.follow("Cliënten", within=ui.nav())
    expect(ui.heading("Mijn cliënten", 1)).to_be_visible()
    ui.follow("Cliënt inschrijven")
    ui.submit("Inschrijven en zaak openen")
    expect(ui.error_summary()).to_be_visible()
    expect(ui.field_error("Voornaam")).to_contain_text(ui.t("This field is required."))
    assert Client.objects.count() == 0
    ui.field("Voornaam").fill("Sem")
    ui.field("Achternaam").fill("Bakker")
    ui.field("Geboortedatum").fill("2011-04-02")
    ui.field("Soort cliënt").select_option(label=ui.t(Client.Kind.YOUTH.label))
    ui.field("Gemeente").select_option(label="Utrecht")
    ui.field("Soort zaak").select_option(label=ui.t(SupportCase.Kind.COMPLAINT.label))
    ui.field("Korte omschrijving van de zaak").fill("Klacht over de groepsleiding")
    ui.field("Jeugdhulpaanbieder").select_option(label="Jeugdzorg Midden")
    expect(ui.field("Op verzoek van de cliënt")).to_be_checked()
    ui.submit("Inschrijven en zaak openen")
    case = SupportCase.objects.get()
    assert page.url == ui.url("web:case_detail", case.pk)
    expect(ui.status()).to_contain_text(case.reference)
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    expect(page.locator("#complaint-heading")).to_be_visible()

    # Plan the complaint conversation with the care provider.
    ui.follow("Gesprek plannen")
    ui.field("Soort gesprek").select_option(
        label=ui.t(Meeting.Kind.QUESTION_COMPLAINT.label)
    )
    ui.field("Datum en tijd").fill(_local(timezone.now() + datetime.timedelta(days=3)))
    ui.field("Locatie").fill("Kantoor Jeugdzorg Midden")
    expect(ui.field("Jeugdhulpaanbieder")).to_have_value(str(provider.pk))
    ui.field("Deelnemer namens de aanbieder").fill("Mevrouw De Vries")
    ui.submit()
    meeting = Meeting.objects.get()
    assert page.url == ui.url("web:meeting_detail", meeting.pk)
    expect(ui.status()).to_contain_text(ui.t("Het gesprek is gepland."))
    expect(page.get_by_text(ui.t("Nog niemand aangemeld."))).to_be_visible()

    # Record the aunt in the client's network (client page) ...
    ui.follow(ui.t("Terug naar zaak %(reference)s", reference=case.reference))
    ui.follow("Sem Bakker")
    ui.follow("Informele ondersteuner vastleggen")
    ui.field("Naam").fill("Ria Bakker")
    ui.field("Relatie tot de cliënt").fill("tante")
    ui.submit()
    expect(ui.status()).to_contain_text(
        ui.t("De informele ondersteuner is vastgelegd.")
    )
    expect(page.get_by_role("cell", name="Ria Bakker", exact=True)).to_be_visible()
    aunt = InformalSupporter.objects.get()

    # ... and add her to the case, which needs the client's request (R11).
    ui.follow(case.reference)
    ui.follow("Informele ondersteuner toevoegen")
    ui.field("Informele ondersteuner").select_option(label=str(aunt))
    ui.field("Op verzoek van de cliënt").check()
    ui.submit()
    assert page.url == ui.url("web:case_detail", case.pk)
    expect(page.get_by_role("rowheader", name=str(aunt), exact=True)).to_be_visible()
    aunt_assignment = active_assignment(case, role=SupportRole.INFORMAL_SUPPORTER)

    # Invite her: without the client's consent the rule is shown and nothing
    # is recorded (R11); with the date of consent she is invited.
    _meeting_link(ui, Meeting.Kind.QUESTION_COMPLAINT.label)
    ui.follow("Ondersteuner aanmelden")
    aunt_option = f"{aunt} ({ui.t(SupportRole.INFORMAL_SUPPORTER.label)})"
    ui.field("Ondersteuner").select_option(label=aunt_option)
    ui.field("Op verzoek van de cliënt").check()
    ui.submit()
    expect(ui.error_summary()).to_contain_text("Ria Bakker")
    expect(
        ui.field_error("Toestemming van de cliënt voor deze uitnodiging gegeven op")
    ).to_contain_text("Ria Bakker")
    assert not Attendance.objects.exists() and not Consent.objects.exists()
    ui.field("Ondersteuner").select_option(label=aunt_option)
    ui.field("Op verzoek van de cliënt").check()
    ui.field("Toestemming van de cliënt voor deze uitnodiging gegeven op").fill(_day(0))
    ui.submit()
    assert page.url == ui.url("web:meeting_detail", meeting.pk)
    aunt_row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=str(aunt), exact=True)
    )
    expect(aunt_row).to_contain_text(ui.t(Attendance.Status.INVITED.label))
    assert Consent.objects.filter(informal_supporter=aunt, meeting=meeting).exists()

    # The confidant attends too: a complaint conversation, at the client's
    # request (R5).
    ui.follow("Ondersteuner aanmelden")
    ui.field("Ondersteuner").select_option(
        label=f"{confidant} ({ui.t(SupportRole.AKJ_CONFIDANT.label)})"
    )
    ui.field("Op verzoek van de cliënt").check()
    ui.submit()
    assert Attendance.objects.count() == 2

    # Refuse the aunt, on a ground, with an explanation (R12).
    ui.click(aunt_row.get_by_role("link", name=re.compile(ui.t("Weigeren"))))
    ui.radio("Grond", RefusalGround.CONFLICT_OF_INTEREST.label).check()
    ui.field("Toelichting").fill("Zij werkt zelf bij de groep waarover de klacht gaat.")
    ui.submit("Weigering vastleggen")
    assert page.url == ui.url("web:meeting_detail", meeting.pk)
    expect(ui.status()).to_contain_text(ui.t("De weigering is vastgelegd."))
    expect(aunt_row).to_contain_text(ui.t(Attendance.Status.REFUSED.label))
    expect(aunt_row).to_contain_text(ui.t(RefusalGround.CONFLICT_OF_INTEREST.label))
    expect(aunt_row).to_contain_text("Zij werkt zelf bij de groep")
    expect(aunt_row).to_contain_text(str(confidant))
    refusal = Attendance.objects.get(assignment=aunt_assignment)
    assert refusal.refused_by == confidant
    assert refusal.refusal_ground == RefusalGround.CONFLICT_OF_INTEREST

    # A note, added in place with htmx and announced in a status region.
    ui.follow(ui.t("Terug naar zaak %(reference)s", reference=case.reference))
    ui.field("Notitie").fill("Sem wil dat de klacht schriftelijk wordt ingediend.")
    ui.button("Notitie opslaan").click()
    expect(page.locator("#timeline-status")).to_have_text(ui.t("Notitie opgeslagen"))
    expect(page.locator(".naast-timeline")).to_contain_text("schriftelijk")
    expect(ui.field("Notitie")).to_have_value("")
    assert page.url == ui.url("web:case_detail", case.pk)
    ui.run_axe(f"{page.url} (after adding a note with htmx)")

    # The complaint: submitted to the committee on a date, handled, decided (R3).
    ui.follow("Volgende stap van de klacht")
    ui.radio("Naar fase", Complaint.Stage.SUBMITTED.label).check()
    ui.field("Datum van deze stap").fill(_day(14))
    ui.field("Ingediend bij").fill("Klachtencommissie Jeugdzorg Midden")
    ui.field("Klachtregeling").select_option(label=ui.t(ComplaintRegime.JEUGDWET.label))
    ui.submit()
    expect(ui.status()).to_contain_text(ui.t("De klacht is bijgewerkt."))
    complaint_section = page.locator("section").filter(
        has=page.locator("#complaint-heading")
    )
    expect(complaint_section).to_contain_text(ui.t(Complaint.Stage.SUBMITTED.label))
    expect(complaint_section).to_contain_text("Klachtencommissie Jeugdzorg Midden")
    expect(complaint_section).to_contain_text(ui.t("Uiterste beslisdatum"))

    ui.follow("Volgende stap van de klacht")
    ui.radio("Naar fase", Complaint.Stage.HANDLING.label).check()
    ui.field("Datum van deze stap").fill(_day(7))
    ui.submit()
    expect(complaint_section).to_contain_text(ui.t(Complaint.Stage.HANDLING.label))

    ui.follow("Volgende stap van de klacht")
    ui.radio("Naar fase", Complaint.Stage.DECIDED.label).check()
    ui.field("Datum van deze stap").fill(_day(0))
    ui.field("Uitspraak").fill("De klacht is gegrond verklaard.")
    ui.submit()
    expect(complaint_section).to_contain_text(ui.t(Complaint.Stage.DECIDED.label))
    expect(complaint_section).to_contain_text("De klacht is gegrond verklaard.")
    complaint = Complaint.objects.get(case=case)
    assert complaint.stage == Complaint.Stage.DECIDED
    assert complaint.submitted_on == timezone.localdate() - datetime.timedelta(14)

    # Close the case with its outcome: the support ends (R6).
    ui.follow("Zaak afsluiten", within=page.locator(".naast-actions").first)
    ui.field("Uitkomst").select_option(label=ui.t(SupportCase.Outcome.RESOLVED.label))
    ui.submit("Zaak afsluiten")
    assert page.url == ui.url("web:case_detail", case.pk)
    expect(ui.status()).to_contain_text(
        ui.t("De zaak is afgesloten. De ondersteuning is beëindigd.")
    )
    expect(page.locator(".naast-meta").first).to_contain_text(
        ui.t(SupportCase.Outcome.RESOLVED.label)
    )
    expect(ui.link("Gesprek plannen")).to_have_count(0)
    case.refresh_from_db()
    assert case.status == SupportCase.Status.CLOSED
    assert not Assignment.objects.filter(case=case, ended_at__isnull=True).exists()

    ui.assert_accessible()


def test_client_supporter_attends_a_content_meeting(
    open_ui, language, client_supporter, municipality, provider
) -> None:
    """A client supporter plans a conversation about the content of the care,
    puts themself on it without the client's request (R8) and records that it
    was held."""
    case = open_case(
        client_supporter,
        title="Passende dagbesteding",
        municipality=municipality,
        first_name="Lotte",
        last_name="Jansen",
    )
    ui = open_ui(language)
    page = ui.page
    ui.login("chris")
    ui.follow(case.reference)
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)

    ui.follow("Gesprek plannen")
    ui.field("Soort gesprek").select_option(label=ui.t(Meeting.Kind.CONTENT.label))
    # Recorded just after it took place, this week (on the dashboard): an hour
    # ago, or the start of the week when the week began less than an hour ago.
    week_start, _ = week_bounds(timezone.localdate())
    took_place = max(timezone.now() - datetime.timedelta(hours=1), week_start)
    ui.field("Datum en tijd").fill(_local(took_place))
    ui.field("Jeugdhulpaanbieder").select_option(label="Jeugdzorg Midden")
    ui.submit()
    meeting = Meeting.objects.get()
    assert meeting.kind == Meeting.Kind.CONTENT

    ui.follow("Ondersteuner aanmelden")
    ui.field("Ondersteuner").select_option(
        label=f"{client_supporter} ({ui.t(SupportRole.CLIENT_SUPPORTER.label)})"
    )
    ui.submit()
    assert page.url == ui.url("web:meeting_detail", meeting.pk)
    expect(ui.status()).to_contain_text(ui.t("De aanwezigheid is vastgelegd."))
    row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=str(client_supporter), exact=True)
    )
    expect(row).to_contain_text(ui.t(Attendance.Status.INVITED.label))

    ui.follow("Gehouden of geannuleerd")
    ui.radio("Nieuwe status", Meeting.Status.HELD.label).check()
    ui.submit()
    assert page.url == ui.url("web:meeting_detail", meeting.pk)
    expect(ui.status()).to_contain_text(ui.t("De status van het gesprek is gewijzigd."))
    expect(page.locator(".naast-meta")).to_contain_text(ui.t(Meeting.Status.HELD.label))
    expect(ui.link("Ondersteuner aanmelden")).to_have_count(0)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert meeting.attendances.get().assignment.user == client_supporter

    # The meeting is on the dashboard ("this week").
    ui.follow("Overzicht", within=ui.nav())
    expect(
        page.get_by_role("row")
        .filter(has_text=case.reference)
        .filter(has_text=ui.t(Meeting.Kind.CONTENT.label))
    ).to_contain_text(ui.t(Meeting.Status.HELD.label))

    ui.assert_accessible()


def test_confidant_is_refused_in_a_content_meeting(
    open_ui, language, confidant, municipality, provider
) -> None:
    """A confidant cannot be put on a conversation about the content of the
    care (R5): the form shows the rule's explanation and nothing is recorded."""
    case = open_case(
        confidant,
        title="Vraag over de hulp",
        municipality=municipality,
        first_name="Noah",
        last_name="Visser",
    )
    meeting = plan_meeting(confidant, case, Meeting.Kind.CONTENT, provider=provider)
    assignment = active_assignment(case, user=confidant)
    # The explanation the rule gives, in the page's language.
    with (
        translation.override(language),
        pytest.raises(ValidationError) as refusal,
    ):
        role_services.attendance_add(
            actor=confidant,
            meeting=meeting,
            assignment=assignment,
            requested_by_client=True,
        )
    (explanation,) = refusal.value.messages
    events = CaseEvent.objects.count()

    ui = open_ui(language)
    page = ui.page
    ui.login("vera")
    ui.follow(case.reference)
    _meeting_link(ui, Meeting.Kind.CONTENT.label)
    ui.follow("Ondersteuner aanmelden")
    ui.field("Ondersteuner").select_option(
        label=f"{confidant} ({ui.t(SupportRole.AKJ_CONFIDANT.label)})"
    )
    ui.field("Op verzoek van de cliënt").check()
    ui.submit()

    assert page.url == ui.url("web:attendance_add", meeting.pk)
    expect(ui.error_summary()).to_be_visible()
    expect(ui.error_summary()).to_contain_text(explanation)
    # The form is still there, next to the explanation, with the choice kept.
    expect(ui.field("Ondersteuner")).to_have_value(str(assignment.pk))
    assert not Attendance.objects.exists()
    assert CaseEvent.objects.count() == events

    ui.follow(ui.t("Terug naar het gesprek"))
    expect(page.get_by_text(ui.t("Nog niemand aangemeld."))).to_be_visible()

    ui.assert_accessible()


def _tab_to(page, target, most: int = 12) -> None:
    """Press Tab until ``target`` has the focus (at most ``most`` times)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab did not reach {target}")


def test_confidant_records_an_anonymous_phone_question_by_keyboard(
    open_ui, language, confidant
) -> None:
    """An anonymous phone call, recorded with the keyboard alone: the fields
    are reached with Tab and filled by typing (a select takes the first
    letters of its option), the form is sent with Enter. No client is made;
    the contact is in "Mijn contacten"."""
    ui = open_ui(language)
    page = ui.page
    ui.login("vera")
    ui.follow("Contacten", within=ui.nav())
    expect(ui.heading("Mijn contacten", 1)).to_be_visible()
    ui.follow("Contact vastleggen")
    expect(ui.heading("Contact vastleggen", 1)).to_be_visible()

    ui.field("Kanaal").focus()
    page.keyboard.type(ui.t(ContactChannel.PHONE.label))
    # The direction (incoming) and the moment (now) stay as they are; the
    # date-and-time control takes a Tab per part.
    _tab_to(page, ui.field("Duur in minuten"))
    page.keyboard.type("12")
    _tab_to(page, ui.field("Wie nam contact"))
    page.keyboard.type(ui.t(CallerType.YOUTH.label))
    _tab_to(page, ui.field("Anoniem"))
    page.keyboard.press("Space")
    # The municipality (unknown) and a note (none) stay empty.
    kind = ui.field("Soort").first
    _tab_to(page, kind)
    page.keyboard.type(ui.t(ItemKind.QUESTION.label))
    _tab_to(page, ui.field("Thema").first)
    page.keyboard.type(ui.t(ContactTheme.LEGAL_POSITION.label))
    expect(ui.field("Anoniem")).to_be_checked()
    expect(kind).to_have_value(ItemKind.QUESTION)
    ui.field("Duur in minuten").focus()
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    ui.check()

    contact = ContactMoment.objects.get()
    assert page.url == ui.url("web:contact_record")
    with translation.override(language):
        moment = str(contact)
    expect(ui.status()).to_contain_text(
        ui.t("Het contact van %(moment)s is vastgelegd.", moment=moment)
    )
    assert (contact.channel, contact.caller_type, contact.duration_minutes) == (
        "phone",
        "youth",
        12,
    )
    assert contact.anonymous and contact.client is None
    assert [(i.kind, i.theme) for i in contact.items.all()] == [
        ("question", "legal_position")
    ]
    assert not Client.objects.exists()
    ui.follow("Naar mijn contacten")
    expect(page.locator(f'a[href="{contact.get_absolute_url()}"]')).to_have_count(1)
    ui.assert_accessible()
