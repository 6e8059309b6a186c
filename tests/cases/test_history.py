"""History, no data lost: every change keeps the previous version with who and
why, notes are corrected or withdrawn instead of deleted, and a concurrent
edit is refused with the user's text preserved (optimistic locking)."""

from __future__ import annotations

import datetime
import html
import pathlib

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AccessLogEntry
from audit.querysets import AppendOnlyError
from cases import services
from cases.models import (
    Application,
    Care,
    CaseEvent,
    Client,
    Complaint,
    Family,
    FamilyMembership,
    Meeting,
    Note,
    SupportCase,
)
from tests.factories import UserFactory, take_up_client
from tests.support.world import World

STALE = "Iemand anders heeft dit intussen gewijzigd"
ROOT = pathlib.Path(__file__).resolve().parents[2]


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _latest(obj):
    """The newest version of ``obj`` in its history."""
    return type(obj).history.filter(id=obj.pk).order_by("-history_id").first()


def _case(world: World, key: str) -> SupportCase:
    return SupportCase.objects.get(pk=world.objects[key])


def _colleague(world: World) -> User:
    """A confidant of vp1's team who supports the youth too (a second case)."""
    vp1 = world.users["vp1"]
    colleague = UserFactory(
        username="vp3", confidant=True, organisation=vp1.organisation, team=vp1.team
    )
    take_up_client(colleague, _youth(world), kind="question", title="Tweede vraag")
    world.users["vp3"] = colleague
    return colleague


def _youth(world: World) -> Client:
    return Client.objects.get(pk=world.objects["youth"])


def _client_data(client: Client, **changes) -> dict:
    data = {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "date_of_birth": client.date_of_birth,
        "kind": client.kind,
        "municipality": client.municipality,
        "lives_in_institution": client.lives_in_institution,
        "institution": client.institution,
    }
    return {**data, **changes}


def _session(user: User) -> HttpClient:
    """A browser of its own (a second tab or a colleague's computer)."""
    browser = HttpClient()
    browser.force_login(user)
    return browser


# --- every tracked write keeps a version, with who and why ---------------------------


def test_every_service_write_keeps_a_version_with_who_and_why(world):
    """Each service that writes a tracked model leaves a version naming the
    acting user and the service's reason, so nothing changes without a trace."""
    users = world.users
    vp1, vp2, dm = users["vp1"], users["vp2"], users["dm"]
    co1 = _colleague(world)
    youth = _youth(world)
    complaint_case = _case(world, "complaint_case")
    tracked: set[type] = set()

    def seen(obj, actor: User, reason: str) -> None:
        version = _latest(obj)
        assert (version.history_user, version.history_change_reason) == (
            actor,
            reason,
        ), type(obj).__name__
        tracked.add(type(obj))

    for obj, actor, reason in [
        (youth, vp1, "client_register"),
        (complaint_case, vp1, "case_open"),
        (Complaint.objects.get(case=complaint_case), vp1, "case_open"),
        (FamilyMembership.objects.get(client=youth), vp1, "client_register"),
        (
            Meeting.objects.get(pk=world.objects["complaint_meeting"]),
            vp1,
            "meeting_plan",
        ),
    ]:
        seen(obj, actor, reason)
    youth = services.client_update(
        actor=co1, client=youth, **_client_data(youth, first_name="Semmy")
    )
    seen(youth, co1, "client_update")
    family = services.family_create(
        actor=vp1, client=youth, name="Gezin Bakker-Smit", relation="kleinzoon"
    )
    seen(family, vp1, "family_create")
    seen(FamilyMembership.objects.get(family=family), vp1, "family_create")
    membership = services.family_member_add(
        actor=vp1,
        family=family,
        first_name="Wim",
        last_name="Smit",
        date_of_birth=datetime.date(1950, 3, 3),
        kind=Client.Kind.GUARDIAN,
        municipality=youth.municipality,
        relation="opa",
    )
    seen(membership, vp1, "family_member_add")
    seen(membership.client, vp1, "family_member_add")
    provider = Meeting.objects.get(pk=world.objects["complaint_meeting"]).provider
    care = services.care_record(
        actor=vp1,
        client=youth,
        provider=provider,
        kind="jeugdhulp",
        started_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    seen(care, vp1, "care_record")
    care = services.care_end(actor=co1, care=care, ended_on=timezone.localdate())
    seen(care, co1, "care_end")
    case = services.case_set_status(
        actor=vp1, case=complaint_case, status=SupportCase.Status.IN_PROGRESS
    )
    seen(case, vp1, "case_set_status")
    mother_case = services.case_close(
        actor=vp2, case=_case(world, "mother_case"), outcome="resolved"
    )
    seen(mother_case, vp2, "case_close")
    note = services.note_add(actor=vp1, case=case, text="Gesprek gevoerd.")
    seen(note, vp1, "note_add")
    meeting = services.meeting_set_status(
        actor=vp1,
        meeting=Meeting.objects.get(pk=world.objects["complaint_meeting"]),
        status=Meeting.Status.CANCELLED,
    )
    seen(meeting, vp1, "meeting_set_status")
    complaint = services.complaint_advance(
        actor=vp1,
        complaint=Complaint.objects.get(case=case),
        stage=Complaint.Stage.SUBMITTED,
        submitted_to="Klachtencommissie",
    )
    seen(complaint, vp1, "complaint_advance")
    complaint = services.complaint_postpone(actor=vp1, complaint=complaint, weeks=2)
    seen(complaint, vp1, "complaint_postpone")
    application = Application.objects.get(pk=world.objects["application"])
    application = services.application_assign_decider(
        actor=dm, application=application, decider=dm
    )
    seen(application, dm, "application_assign_decider")
    application = services.application_decide(
        actor=dm, application=application, decision="granted", reason="Passend."
    )
    seen(application, dm, "application_decide")

    assert {
        Client,
        Family,
        FamilyMembership,
        Care,
        SupportCase,
        Complaint,
        Meeting,
        Note,
        Application,
    } <= tracked


def test_a_change_keeps_the_previous_version(world):
    """Correcting a client's data keeps what it was before, with who and why."""
    youth = _youth(world)
    services.client_update(
        actor=_colleague(world), client=youth, **_client_data(youth, last_name="Smit")
    )
    names = list(
        Client.history.filter(id=youth.pk)
        .order_by("history_id")
        .values_list("last_name", "history_user__username", "history_change_reason")
    )
    assert names == [
        ("Bakker", "vp1", "client_register"),
        ("Smit", "vp3", "client_update"),
    ]


def test_versions_cannot_be_changed_or_removed(world):
    """A version in the history is never changed or removed."""
    version = _latest(_youth(world))
    version.last_name = "Anders"
    with pytest.raises(AppendOnlyError):
        version.save()
    with pytest.raises(AppendOnlyError):
        version.delete()
    assert _latest(_youth(world)).last_name == "Bakker"


# --- no hard delete ----------------------------------------------------------------------


def test_no_caseworker_path_deletes_anything():
    """Caseworkers never hard-delete: no service or view deletes a row, and no
    URL offers to delete; notes are withdrawn, cases closed, meetings
    cancelled instead."""
    sources = sorted((ROOT / "cases" / "services").glob("*.py"))
    sources += sorted((ROOT / "roles" / "services").glob("*.py"))
    sources += sorted((ROOT / "web" / "views").glob("*.py"))
    for path in sources:
        source = path.read_text()
        assert ".delete(" not in source, path
        assert "_raw_delete" not in source, path
    from web.urls import urlpatterns

    names = [p.name for p in urlpatterns]
    assert not [n for n in names if "delete" in n or "verwijder" in n]
    assert {"note_withdraw", "case_close", "meeting_status"} <= set(names)


# --- correcting and withdrawing a note ---------------------------------------------------


@pytest.fixture
def note(world) -> Note:
    return services.note_add(
        actor=world.users["vp1"],
        case=_case(world, "complaint_case"),
        text="Sem vertelde over de groep op dinsdag.",
    )


def test_a_corrected_note_keeps_its_previous_text(world, note):
    """A correction keeps the previous text in the note's history, with who,
    when and why, and the timeline shows the correction."""
    vp1 = world.users["vp1"]
    note = services.note_correct(
        actor=vp1,
        note=note,
        text="Sem vertelde over de groep op woensdag.",
        reason="Verkeerde dag genoemd.",
        expected_version=1,
    )
    assert note.version == 2
    assert (note.corrected_by, note.correction_reason) == (
        vp1,
        "Verkeerde dag genoemd.",
    )
    versions = list(
        Note.history.filter(id=note.pk)
        .order_by("history_id")
        .values_list("text", "history_user", "history_change_reason")
    )
    assert versions == [
        ("Sem vertelde over de groep op dinsdag.", vp1.pk, "note_add"),
        ("Sem vertelde over de groep op woensdag.", vp1.pk, "Verkeerde dag genoemd."),
    ]
    event = CaseEvent.objects.filter(case=note.case).latest("pk")
    assert (event.kind, event.actor, event.detail) == (
        CaseEvent.Kind.NOTE_CORRECTED,
        vp1,
        "Verkeerde dag genoemd.",
    )

    browser = _session(vp1)
    page = _text(browser.get(note.case.get_absolute_url()))
    assert "Sem vertelde over de groep op woensdag." in page
    assert "op dinsdag" not in page
    assert "Gecorrigeerd op" in page and "Verkeerde dag genoemd." in page
    assert reverse("web:note_history", args=[note.pk]) in page


def test_a_withdrawn_note_is_shown_as_withdrawn_and_kept(world, note):
    """A withdrawn note stays in the timeline as withdrawn, without its text;
    the text stays in its versions for who sees the case's content (R2)."""
    vp1 = world.users["vp1"]
    note = services.note_withdraw(
        actor=vp1, note=note, reason="Bij de verkeerde zaak.", expected_version=1
    )
    assert Note.objects.filter(pk=note.pk).exists()
    assert note.is_withdrawn and note.text == "Sem vertelde over de groep op dinsdag."
    assert (
        CaseEvent.objects.filter(case=note.case).latest("pk").kind
        == CaseEvent.Kind.NOTE_WITHDRAWN
    )

    browser = _session(vp1)
    page = _text(browser.get(note.case.get_absolute_url()))
    assert "Notitie (ingetrokken)" in page
    assert "Bij de verkeerde zaak." in page
    assert "Sem vertelde over de groep" not in page

    logged = AccessLogEntry.objects.count()
    response = browser.get(reverse("web:note_history", args=[note.pk]))
    assert response.status_code == 200
    page = _text(response)
    assert "Sem vertelde over de groep op dinsdag." in page
    assert "Ingetrokken" in page and "Bij de verkeerde zaak." in page
    assert AccessLogEntry.objects.count() == logged + 1
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.object_type, entry.object_id, entry.client_id) == (
        "note",
        str(note.pk),
        note.case.client_id,
    )


def test_a_withdrawn_note_is_not_changed_again(world, note, refused):
    """A withdrawn note cannot be corrected or withdrawn again."""
    vp1 = world.users["vp1"]
    services.note_withdraw(actor=vp1, note=note, reason="Dubbel.", expected_version=1)
    with refused("note_withdrawn"):
        services.note_correct(
            actor=vp1, note=note, text="Nieuw", reason="x", expected_version=2
        )
    with refused("note_withdrawn"):
        services.note_withdraw(actor=vp1, note=note, reason="x", expected_version=2)


@pytest.mark.parametrize(
    ("text", "reason", "code", "field"),
    [
        ("Nieuwe tekst", "  ", "required", "reason"),
        ("Nieuwe tekst", "x" * 301, "max_length", "reason"),
        ("  ", "Reden", "empty", "text"),
        ("Sem vertelde over de groep op dinsdag.", "Reden", "same", "text"),
    ],
)
def test_a_correction_needs_a_reason_and_a_change(
    world, note, refused, text, reason, code, field
):
    """A correction says why, and changes the text."""
    with refused(code, field=field):
        services.note_correct(
            actor=world.users["vp1"],
            note=note,
            text=text,
            reason=reason,
            expected_version=1,
        )


def test_only_who_may_change_the_content_corrects(world, note, refused):
    """R2: a team lead, or a colleague who does not support the case, cannot
    correct or withdraw a note."""
    for role in ("tl", "vp2", "co1"):
        with refused(exc=PermissionDenied):
            services.note_correct(
                actor=world.users[role],
                note=note,
                text="Anders",
                reason="Reden",
                expected_version=1,
            )
        with refused(exc=PermissionDenied):
            services.note_withdraw(
                actor=world.users[role], note=note, reason="Reden", expected_version=1
            )


# --- optimistic locking: the services ------------------------------------------------------


def test_a_stale_client_update_is_refused(world, refused):
    """A client edit from a form loaded before someone else's save is refused;
    the other save stays."""
    youth = _youth(world)
    services.client_update(
        actor=world.users["vp1"],
        client=youth,
        **_client_data(youth, first_name="Semmy"),
        expected_version=1,
    )
    colleague = _colleague(world)
    with refused("stale"):
        services.client_update(
            actor=colleague,
            client=youth,
            **_client_data(youth, first_name="Samuel"),
            expected_version=1,
        )
    youth.refresh_from_db()
    assert (youth.first_name, youth.version) == ("Semmy", 2)


def test_a_stale_case_change_is_refused(world, refused):
    """A status change or closing from a form loaded before someone else's
    change of the case is refused."""
    case = _case(world, "mother_case")
    vp2 = world.users["vp2"]
    services.case_set_status(
        actor=vp2, case=case, status="in_progress", expected_version=1
    )
    with refused("stale"):
        services.case_set_status(
            actor=vp2, case=case, status="in_progress", expected_version=1
        )
    with refused("stale"):
        services.case_close(
            actor=vp2, case=case, outcome="resolved", expected_version=1
        )
    services.case_close(actor=vp2, case=case, outcome="resolved", expected_version=2)
    case.refresh_from_db()
    assert (case.status, case.version) == ("closed", 3)


def test_a_stale_note_change_is_refused(world, note, refused):
    """A correction or withdrawal from a form loaded before someone else's
    correction is refused; the first correction stays."""
    vp1 = world.users["vp1"]
    services.note_correct(
        actor=vp1, note=note, text="Eerste correctie", reason="a", expected_version=1
    )
    with refused("stale"):
        services.note_correct(
            actor=vp1,
            note=note,
            text="Tweede correctie",
            reason="b",
            expected_version=1,
        )
    with refused("stale"):
        services.note_withdraw(actor=vp1, note=note, reason="c", expected_version=1)
    note.refresh_from_db()
    assert (note.text, note.version, note.is_withdrawn) == (
        "Eerste correctie",
        2,
        False,
    )


# --- optimistic locking: two people, one form ------------------------------------------------


def _client_form(client: Client, **changes) -> dict:
    data = {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "date_of_birth": client.date_of_birth.isoformat(),
        "kind": client.kind,
        "municipality": client.municipality_id,
        "institution": "",
        "version": client.version,
    }
    return {**data, **changes}


def test_a_concurrent_client_edit_is_refused_with_the_text_preserved(world):
    """Two supporters open the same client's edit form; the first saves. The
    second save is refused with a message, the second user's input is still in
    the form, the database has the first save, and a deliberate second save
    (at the new version) then goes through."""
    youth = _youth(world)
    url = reverse("web:client_edit", args=[youth.pk])
    first, second = _session(world.users["vp1"]), _session(_colleague(world))
    for browser in (first, second):
        form = browser.get(url).context["form"]
        assert form["version"].value() == 1
    loaded = _client_form(youth)

    assert first.post(url, {**loaded, "first_name": "Semmy"}).status_code == 302
    response = second.post(url, {**loaded, "last_name": "Bakker-Jansen"})

    assert response.status_code == 200
    page = _text(response)
    assert STALE in page
    assert 'value="Bakker-Jansen"' in page  # the second user's input, kept
    assert "Zoals het nu is opgeslagen" in page and "Semmy" in page
    youth.refresh_from_db()
    assert (youth.first_name, youth.last_name, youth.version) == ("Semmy", "Bakker", 2)
    assert response.context["form"]["version"].value() == "2"

    # The second user looks at the new version, keeps its first name, saves.
    again = {**dict(response.context["form"].data.items()), "first_name": "Semmy"}
    assert second.post(url, again).status_code == 302
    youth.refresh_from_db()
    assert (youth.first_name, youth.last_name, youth.version) == (
        "Semmy",
        "Bakker-Jansen",
        3,
    )


def test_a_concurrent_note_correction_is_refused_with_the_text_preserved(world, note):
    """The same note corrected in two tabs: the second save is refused with a
    message, its text stays in the form beside the new version, and the note
    has the first correction."""
    url = reverse("web:note_correct", args=[note.pk])
    vp1 = world.users["vp1"]
    first, second = _session(vp1), _session(vp1)
    for browser in (first, second):
        assert browser.get(url).context["form"]["version"].value() == 1

    response = first.post(
        url, {"text": "Correctie uit tab één.", "reason": "Dag", "version": 1}
    )
    assert response.status_code == 302
    response = second.post(
        url,
        {"text": "Mijn lange correctie uit tab twee.", "reason": "Tijd", "version": 1},
    )

    assert response.status_code == 200
    page = _text(response)
    assert STALE in page
    assert "Mijn lange correctie uit tab twee." in page  # kept in the textarea
    assert "De nieuwe versie" in page and "Correctie uit tab één." in page
    note.refresh_from_db()
    assert (note.text, note.version) == ("Correctie uit tab één.", 2)
    assert Note.history.filter(id=note.pk).count() == 2
    assert response.context["form"]["version"].value() == "2"


def test_a_concurrent_status_change_is_refused(world):
    """Two tabs change the same case's status: the second is refused with a
    message and one status event is written."""
    case = _case(world, "complaint_case")
    url = reverse("web:case_status", args=[case.pk])
    vp1 = world.users["vp1"]
    first, second = _session(vp1), _session(vp1)
    for browser in (first, second):
        assert browser.get(url).context["form"]["version"].value() == 1
    data = {"status": "in_progress", "version": 1}
    assert first.post(url, data).status_code == 302
    response = second.post(url, data)
    assert response.status_code == 200
    assert STALE in _text(response)
    case.refresh_from_db()
    assert (case.status, case.version) == ("in_progress", 2)
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.STATUS).count() == 1


def test_a_withdrawal_through_the_page(world, note):
    """The withdraw page withdraws the note with the reason and goes back to
    the case."""
    browser = _session(world.users["vp1"])
    url = reverse("web:note_withdraw", args=[note.pk])
    page = _text(browser.get(url))
    assert "Sem vertelde over de groep op dinsdag." in page
    response = browser.post(url, {"reason": "Verkeerde cliënt.", "version": 1})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.is_withdrawn and note.withdrawal_reason == "Verkeerde cliënt."
    # Both pages now say it is withdrawn and offer no form.
    for name in ("web:note_correct", "web:note_withdraw"):
        response = browser.get(reverse(name, args=[note.pk]))
        assert response.status_code == 200
        assert "Deze notitie is ingetrokken" in _text(response)
        assert response.context["form"] is None


# --- reads do not grow --------------------------------------------------------------------


def test_the_timeline_reads_corrections_without_extra_queries(world, note):
    """Corrected and withdrawn notes cost the case page no extra query."""
    vp1 = world.users["vp1"]
    browser = _session(vp1)
    url = _case(world, "complaint_case").get_absolute_url()
    browser.get(url)
    with CaptureQueriesContext(connection) as before:
        browser.get(url)
    services.note_correct(
        actor=vp1, note=note, text="Gecorrigeerd.", reason="a", expected_version=1
    )
    other = services.note_add(actor=vp1, case=note.case, text="Nog een.")
    services.note_withdraw(actor=vp1, note=other, reason="b", expected_version=1)
    with CaptureQueriesContext(connection) as after:
        browser.get(url)
    assert len(after) == len(before)


# --- the admin: history read only, a note's text nowhere ------------------------------------


def test_admin_history_is_read_only_and_hides_note_text(world, note):
    """The admin shows a note's versions (who, when, why) without its text,
    and a version cannot be saved back."""
    services.note_correct(
        actor=world.users["vp1"],
        note=note,
        text="Geheime nieuwe tekst.",
        reason="Dag",
        expected_version=1,
    )
    root = User.objects.create_superuser("root-history", password="x")
    browser = _session(root)
    history_url = reverse("admin:cases_note_history", args=[note.pk])
    response = browser.get(history_url)
    assert response.status_code == 200
    page = _text(response)
    assert "vp1" in page
    assert "dinsdag" not in page and "Geheime nieuwe tekst" not in page
    version = Note.history.filter(id=note.pk).order_by("history_id").first()
    version_url = reverse(
        "admin:cases_note_simple_history", args=[note.pk, version.history_id]
    )
    response = browser.get(version_url)
    assert response.status_code == 200
    assert "dinsdag" not in _text(response)
    assert browser.post(version_url, {}).status_code == 403
    note.refresh_from_db()
    assert note.text == "Geheime nieuwe tekst."
    # A tracked model's history page answers too.
    youth = _youth(world)
    response = browser.get(reverse("admin:cases_client_history", args=[youth.pk]))
    assert response.status_code == 200
    assert Family.objects.exists() and Care.objects.count() == 0
