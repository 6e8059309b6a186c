"""Retention: the job that destroys (clients: anonymises) what is past its
term, in a dry run and a real run, the destruction register it writes, and
the privacy officer's page of that register.

The data is made through the services and then moved back in time, the way
it would look years later.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from audit.log import log_access
from audit.models import AccessLogEntry
from cases.models import (
    Application,
    Care,
    CaseEvent,
    Client,
    Complaint,
    ContactMoment,
    Family,
    FamilyMembership,
    Meeting,
    Note,
    SupportCase,
)
from retention import services
from retention.models import RULE_LABELS, AppendOnlyError, DestructionRecord
from retention.services import ANONYMISED, retention_run
from roles.models import (
    Assignment,
    Attendance,
    CaseUserObjectPermission,
    Consent,
    InformalSupporter,
)
from roles.permissions import verify
from tests.factories import (
    ApplicationFactory,
    CareFactory,
    FamilyFactory,
    InformalSupporterFactory,
    OrganisationFactory,
    add_note,
    assign_informal,
    close_case,
    complaint_in_stage,
    decide,
    give_consent,
    invite,
    open_case,
    plan_meeting,
    record_contact,
)

YEAR = datetime.timedelta(days=366)


def move_back(model, pks, years: int, *fields: str) -> None:
    """Move the date fields of rows back ``years`` years."""
    delta = years * YEAR
    model.objects.filter(pk__in=pks).update(**{f: F(f) - delta for f in fields})


def age_case(case: SupportCase, years: int) -> None:
    """Make a (closed) case and everything in it ``years`` years older."""
    move_back(SupportCase, [case.pk], years, "opened_at", "closed_at")
    move_back(Note, case.notes.values("pk"), years, "created_at")
    move_back(CaseEvent, case.events.values("pk"), years, "at")
    move_back(Meeting, case.meetings.values("pk"), years, "starts_at", "created_at")
    move_back(Assignment, case.assignments.values("pk"), years, "started_at")
    Assignment.objects.filter(case=case, ended_at__isnull=False).update(
        ended_at=F("ended_at") - years * YEAR
    )


@dataclass
class Scene:
    old_case: SupportCase  # closed 6 years ago: destroyed
    old_client: Client  # its client, nothing else: anonymised
    family: Family  # the old client's family, no one else in it: destroyed
    informal: InformalSupporter  # the old client's aunt: destroyed
    recent_case: SupportCase  # closed yesterday: stays
    open_client: Client  # registered 8 years ago, one case still open
    open_case: SupportCase  # stays
    open_clients_old_case: SupportCase  # closed 6 years ago: destroyed
    old_care: Care
    recent_care: Care
    running_care: Care
    old_application: Application
    pending_application: Application
    old_consent: Consent  # withdrawn 6 years ago: destroyed
    live_consent: Consent  # stays
    old_contact: ContactMoment  # anonymous, 6 years ago, two items: destroyed
    recent_contact: ContactMoment  # anonymous, last week: stays


@pytest.fixture
def scene(confidant, team_lead, decision_maker, municipality, rf) -> Scene:
    # A complaint, closed six years ago, with a note, a meeting with the
    # client's aunt invited (with consent), and the client's family.
    family = FamilyFactory()
    old_case = open_case(
        confidant,
        kind=SupportCase.Kind.COMPLAINT,
        municipality=municipality,
        family=family,
        relation="zoon",
    )
    old_client = old_case.client
    complaint_in_stage(confidant, old_case, Complaint.Stage.DECIDED)
    add_note(confidant, old_case)
    meeting = plan_meeting(confidant, old_case)
    aunt = assign_informal(confidant, old_case)
    give_consent(confidant, aunt.informal_supporter, meeting)
    invite(confidant, meeting, aunt)
    # A client's file is read: the access log names the client.
    request = rf.get("/")
    request.user = confidant
    log_access(request=request, action="read", obj=old_client)
    close_case(confidant, old_case)
    age_case(old_case, 6)
    move_back(Client, [old_client.pk], 7, "created_at")
    move_back(InformalSupporter, [aunt.informal_supporter_id], 6, "created_at")

    # Closed yesterday: within every term.
    recent_case = open_case(confidant, municipality=municipality)
    close_case(confidant, recent_case)
    move_back(Client, [recent_case.client_id], 7, "created_at")
    SupportCase.objects.filter(pk=recent_case.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=1)
    )

    # A client with a case open for 8 years, and one closed 6 years ago.
    open_case_ = open_case(confidant, municipality=municipality)
    open_client = open_case_.client
    move_back(Client, [open_client.pk], 8, "created_at")
    move_back(SupportCase, [open_case_.pk], 8, "opened_at")
    old_of_open = open_case(confidant, open_client)
    close_case(confidant, old_of_open)
    age_case(old_of_open, 6)

    today = timezone.localdate()
    old_care = CareFactory(
        client=open_client,
        started_on=today - 9 * YEAR,
        ended_on=today - 6 * YEAR,
    )
    recent_care = CareFactory(
        client=open_client, started_on=today - 3 * YEAR, ended_on=today - YEAR
    )
    running_care = CareFactory(client=open_client, started_on=today - 9 * YEAR)
    old_application = decide(decision_maker, ApplicationFactory(client=open_client))
    Application.objects.filter(pk=old_application.pk).update(
        submitted_on=today - 7 * YEAR, decided_on=today - 6 * YEAR
    )
    pending = ApplicationFactory(client=open_client, submitted_on=today - 7 * YEAR)

    neighbour = InformalSupporterFactory(client=open_client, relation="buurman")
    old_consent = give_consent(
        confidant, neighbour, item=Consent.Item.DOCUMENT, meeting=None
    )
    Consent.objects.filter(pk=old_consent.pk).update(
        given_on=today - 7 * YEAR, withdrawn_on=today - 6 * YEAR
    )
    live_consent = give_consent(
        confidant, neighbour, item=Consent.Item.DOCUMENT, meeting=None
    )

    old_contact = record_contact(confidant, items=2)
    move_back(ContactMoment, [old_contact.pk], 6, "started_at", "created_at")
    recent_contact = record_contact(
        confidant, started_at=timezone.now() - datetime.timedelta(days=7)
    )
    return Scene(
        old_case=old_case,
        old_client=old_client,
        family=family,
        informal=aunt.informal_supporter,
        recent_case=recent_case,
        open_client=open_client,
        open_case=open_case_,
        open_clients_old_case=old_of_open,
        old_care=old_care,
        recent_care=recent_care,
        running_care=running_care,
        old_application=old_application,
        pending_application=pending,
        old_consent=old_consent,
        live_consent=live_consent,
        old_contact=old_contact,
        recent_contact=recent_contact,
    )


def _exists(obj) -> bool:
    return type(obj).objects.filter(pk=obj.pk).exists()


def _counts(result) -> dict[str, dict[str, int]]:
    return {rule.key: rule.counts for rule in result.rules}


# What the scene has past its term, per rule and record type.
EXPECTED = {
    "case": {
        "cases.supportcase": 2,
        "cases.complaint": 1,
        "cases.note": 1,
        "cases.meeting": 1,
        "roles.attendance": 1,
        "roles.consent": 1,  # the aunt's consent for the meeting
        "roles.assignment": 3,  # the confidant twice, the aunt once
        # view, view content on each case for the confidant (R6: read only)
        "roles.caseuserobjectpermission": 4,
    },
    "contact": {"cases.contactmoment": 1, "cases.contactitem": 2},
    "care": {"cases.care": 1},
    "application": {"cases.application": 1},
    "consent": {"roles.consent": 1},
    "informal_supporter": {"roles.informalsupporter": 1},
    "client": {"cases.client": 1, "cases.familymembership": 1, "cases.family": 1},
}


def _expected_with_events(scene: Scene) -> dict[str, dict[str, int]]:
    expected = {key: dict(counts) for key, counts in EXPECTED.items()}
    expected["case"]["cases.caseevent"] = CaseEvent.objects.filter(
        case__in=[scene.old_case, scene.open_clients_old_case]
    ).count()
    return expected


def test_dry_run_changes_nothing_and_counts_what_would_go(scene, db_state):
    """A dry run writes nothing (not even the register) and counts, per rule
    and record type, exactly what is past its term."""
    before = db_state()
    clients_before = list(Client.objects.values())
    result = retention_run(dry_run=True)
    assert db_state() == before
    assert list(Client.objects.values()) == clients_before
    assert not DestructionRecord.objects.exists()
    assert _counts(result) == _expected_with_events(scene)
    assert result.records == 0


def test_real_run_destroys_exactly_what_is_past_its_term(scene):
    """The old cases go with their content; what closed yesterday, the open
    case, care that ended last year or still runs, the pending application
    and the consent in force stay."""
    expected = _expected_with_events(scene)
    result = retention_run(dry_run=False)
    assert result.failed_batches == 0
    assert _counts(result) == expected
    for gone in [
        scene.old_case,
        scene.open_clients_old_case,
        scene.old_care,
        scene.old_application,
        scene.old_consent,
        scene.informal,
        scene.family,
    ]:
        assert not _exists(gone), gone
    assert not Note.objects.filter(case_id=scene.old_case.pk).exists()
    assert not Meeting.objects.filter(case_id=scene.old_case.pk).exists()
    assert not Attendance.objects.exists()
    assert not CaseUserObjectPermission.objects.filter(
        content_object_id=scene.old_case.pk
    ).exists()
    for kept in [
        scene.recent_case,
        scene.open_case,
        scene.recent_care,
        scene.running_care,
        scene.pending_application,
        scene.live_consent,
    ]:
        assert _exists(kept), kept
    assert verify() == []


def test_a_destroyed_case_takes_its_access_records_and_leaves_its_visit(
    scene, team_lead, confidant, municipality
):
    """What hangs on a case past its term goes with it: a team lead's
    emergency access (R2), the reminders sent about it, what was shared
    from its meetings (R11). An outreach visit it was opened from (R7) holds
    no names and stays, without its link to the case."""
    from cases.models import OutreachVisit, ReminderSent
    from roles.models import EmergencyAccess, SharedItem

    case = SupportCase.objects.get(pk=scene.old_case.pk)
    access = EmergencyAccess.objects.create(
        case=case,
        granted_to=team_lead,
        reason="De vertrouwenspersoon was plotseling uitgevallen.",
        started_at=case.closed_at,
        expires_at=case.closed_at + datetime.timedelta(hours=24),
    )
    reminder = ReminderSent.objects.create(
        kind=ReminderSent.Kind.values[0],
        case=case,
        recipient=confidant,
        sent_on=case.closed_at.date(),
    )
    meeting = case.meetings.get()
    consent = Consent.objects.get(meeting=meeting)
    shared = SharedItem.objects.create(
        consent=consent,
        client=case.client,
        informal_supporter=consent.informal_supporter,
        item=Consent.Item.MEETING_SUMMARY,
        meeting=meeting,
        shared_by=confidant,
    )
    visit = OutreachVisit.objects.create(
        confidant=confidant,
        organisation=confidant.organisation,
        institution=OrganisationFactory(care_provider=True),
        municipality=municipality,
        visited_on=case.opened_at.date(),
        group="Leefgroep",
        youths_spoken=4,
        themes=["rights"],
        case=case,
    )
    result = retention_run(dry_run=False)
    assert not result.failed_batches
    for gone in (case, access, reminder, shared):
        assert not _exists(gone)
    visit.refresh_from_db()
    assert visit.case is None


def test_old_client_is_anonymised_and_the_others_are_not(scene):
    """A client whose last case closed past the term keeps a row without a
    name, with the year of birth only; a client with an open case or a case
    closed yesterday keeps everything."""
    born = scene.old_client.date_of_birth
    open_before = Client.objects.filter(pk=scene.open_client.pk).values().get()
    recent_before = Client.objects.filter(pk=scene.recent_case.client_id).values()
    recent_before = recent_before.get()
    retention_run(dry_run=False)
    client = Client.objects.get(pk=scene.old_client.pk)
    assert (client.first_name, client.last_name) == (ANONYMISED, "")
    assert client.date_of_birth == datetime.date(born.year, 1, 1)
    assert client.municipality_id == scene.old_client.municipality_id
    assert client.kind == scene.old_client.kind
    assert client.institution_id is None
    assert not FamilyMembership.objects.filter(client=client).exists()
    assert Client.objects.filter(pk=scene.open_client.pk).values().get() == (
        open_before
    )
    assert (
        Client.objects.filter(pk=scene.recent_case.client_id).values().get()
        == recent_before
    )


def test_access_log_keeps_its_rows_and_its_chain(scene):
    """The access log is left alone: its row about the anonymised client
    still points at the client's row, and the chain still verifies."""
    rows = AccessLogEntry.objects.count()
    retention_run(dry_run=False)
    assert AccessLogEntry.objects.count() == rows
    assert AccessLogEntry.objects.filter(client_id=scene.old_client.pk).exists()
    out = io.StringIO()
    call_command("verify_access_log", stdout=out)
    assert "intact" in out.getvalue()


def test_register_rows_say_what_when_which_rule_and_no_personal_data(scene, confidant):
    """The register has one row per rule and record type of the run, with
    the term, the cutoff, the count and the numbers, and no name."""
    today = timezone.localdate()
    expected = _expected_with_events(scene)
    result = retention_run(dry_run=False, executed_by=confidant)
    records = list(DestructionRecord.objects.all())
    assert {r.run_id for r in records} == {result.run_id}
    assert {r.executed_by_id for r in records} == {confidant.pk}
    got = {(r.rule, r.record_type): r.count for r in records}
    assert got == {
        (rule, label): n
        for rule, counts in expected.items()
        for label, n in counts.items()
    }
    cases = DestructionRecord.objects.get(rule="case", record_type="cases.supportcase")
    assert cases.object_ids == sorted(
        [scene.old_case.pk, scene.open_clients_old_case.pk]
    )
    assert cases.term_years == 5
    assert cases.cutoff == services.years_before(today, 5)
    assert cases.action == DestructionRecord.Action.DESTROYED
    anonymised = DestructionRecord.objects.get(record_type="cases.client")
    assert anonymised.action == DestructionRecord.Action.ANONYMISED
    assert anonymised.object_ids == [scene.old_client.pk]
    text = repr(list(DestructionRecord.objects.values()))
    for name in [scene.old_client.first_name, scene.old_client.last_name]:
        assert name not in text


def test_second_run_changes_nothing_and_writes_nothing(scene, db_state):
    """The job is idempotent: a second real run finds nothing past its term,
    changes nothing and adds no register rows."""
    retention_run(dry_run=False)
    before = db_state()
    register = DestructionRecord.objects.count()
    again = retention_run(dry_run=False)
    assert again.total == 0
    assert db_state() == before
    assert DestructionRecord.objects.count() == register


def test_a_failing_batch_leaves_its_cases_whole(scene, monkeypatch):
    """When a batch fails it rolls back entirely: its cases keep all their
    content, no register row is written for it, the failure is reported and
    the other rules still run."""
    original = services._purge_history

    def fail_on_notes(model, ids):
        if model is Note:
            raise DatabaseError("simulated failure")
        original(model, ids)

    monkeypatch.setattr(services, "_purge_history", fail_on_notes)
    notes = Note.objects.filter(case=scene.old_case).count()
    result = retention_run(dry_run=False)
    assert result.failed_batches == 1
    assert _exists(scene.old_case)
    assert _exists(scene.open_clients_old_case)
    assert Note.objects.filter(case=scene.old_case).count() == notes
    assert Meeting.objects.filter(case=scene.old_case).exists()
    assert not DestructionRecord.objects.filter(rule="case").exists()
    # The other rules ran; the old client keeps an old case, so stays.
    assert not _exists(scene.old_care)
    assert Client.objects.get(pk=scene.old_client.pk).first_name != ANONYMISED
    assert verify() == []


def test_history_of_destroyed_rows_is_purged(scene):
    """Destroyed rows take their versions (django-simple-history) with them,
    the deletion's own version included, and an anonymised client keeps no
    version with the old name; the rows that stay keep theirs."""
    note = Note.objects.get(case=scene.old_case)
    assert Note.history.filter(id=note.pk).exists()
    assert SupportCase.history.filter(id=scene.old_case.pk).exists()
    kept = SupportCase.history.filter(id=scene.open_case.pk).count()
    retention_run(dry_run=False)
    assert not Note.history.filter(id=note.pk).exists()
    assert not SupportCase.history.filter(id=scene.old_case.pk).exists()
    assert not Client.history.filter(
        id=scene.old_client.pk, last_name=scene.old_client.last_name
    ).exists()
    assert SupportCase.history.filter(id=scene.open_case.pk).count() == kept


@pytest.mark.parametrize("years", [0, -1, None, "5"])
def test_a_term_below_one_year_is_refused(settings, db, years):
    """A term must be a whole number of years, at least one: a typo must not
    destroy what closed yesterday."""
    settings.NAAST_RETENTION = {**settings.NAAST_RETENTION, "case": years}
    with pytest.raises(ImproperlyConfigured):
        retention_run(dry_run=True)


def test_terms_come_from_the_settings(scene, settings):
    """With a term of 10 years nothing of six years ago is past it."""
    settings.NAAST_RETENTION = dict.fromkeys(settings.NAAST_RETENTION, 10)
    result = retention_run(dry_run=False)
    assert result.total == 0
    assert _exists(scene.old_case)


def test_every_rule_has_a_term_and_a_label(settings):
    """Each rule has its term in the settings and its name in words."""
    keys = [rule.key for rule in services.RULES]
    assert set(keys) == set(settings.NAAST_RETENTION) == set(RULE_LABELS)


def test_register_is_append_only(scene):
    """Register rows cannot be changed or removed through the ORM."""
    retention_run(dry_run=False)
    record = DestructionRecord.objects.first()
    with pytest.raises(AppendOnlyError):
        DestructionRecord.objects.update(count=1)
    with pytest.raises(AppendOnlyError):
        DestructionRecord.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_refuses_raw_update_and_delete_of_the_register(scene):
    """On PostgreSQL a trigger refuses UPDATE and DELETE, even by raw SQL."""
    retention_run(dry_run=False)
    for sql in [
        "UPDATE retention_destructionrecord SET count = 1",
        "DELETE FROM retention_destructionrecord",
    ]:
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert DestructionRecord.objects.exists()


# --- the command ----------------------------------------------------------------------


def test_command_dry_run_then_real_run_then_nothing(scene, db_state):
    """``apply_retention --dry-run`` prints the counts and writes nothing; the
    real run prints what it did; a second run says nothing is past its term."""
    before = db_state()
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert db_state() == before
    assert "Dry run" in out.getvalue()
    assert "cases.supportcase: 2 would be destroyed" in out.getvalue()
    assert "cases.client: 1 would be anonymised" in out.getvalue()
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "cases.supportcase: 2 were destroyed" in out.getvalue()
    assert DestructionRecord.objects.filter(executed_by=None).exists()
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "Nothing is past its term." in out.getvalue()


def test_command_records_the_user_and_refuses_an_unknown_one(scene, confidant):
    """``--user`` names who ran it; an unknown user name stops before anything."""
    with pytest.raises(CommandError):
        call_command("apply_retention", "--user", "nobody", stdout=io.StringIO())
    assert not DestructionRecord.objects.exists()
    call_command("apply_retention", "--user", confidant.username, stdout=io.StringIO())
    assert set(DestructionRecord.objects.values_list("executed_by", flat=True)) == {
        confidant.pk
    }


def test_command_on_demo_data_with_old_dates(db, db_state):
    """On the demo data moved eight years back, the dry run changes nothing
    and the real run destroys every closed case, anonymises every client
    without an open case, keeps every open case and its client, and leaves
    permissions and the access log consistent."""
    call_command("seed_demo", stdout=io.StringIO())
    shift = 8 * YEAR
    SupportCase.objects.update(
        opened_at=F("opened_at") - shift, closed_at=F("closed_at") - shift
    )
    Client.objects.update(created_at=F("created_at") - shift)
    open_cases = set(SupportCase.objects.open().values_list("pk", flat=True))
    closed = SupportCase.objects.filter(status=SupportCase.Status.CLOSED).count()
    assert open_cases and closed
    with_open = set(
        SupportCase.objects.open().values_list("client_id", flat=True).distinct()
    )
    without_open = set(Client.objects.values_list("pk", flat=True)) - with_open

    before = db_state()
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert db_state() == before
    assert f"cases.supportcase: {closed} would be destroyed" in out.getvalue()

    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert f"cases.supportcase: {closed} were destroyed" in out.getvalue()
    assert set(SupportCase.objects.values_list("pk", flat=True)) == open_cases
    anonymised = set(
        Client.objects.filter(first_name=ANONYMISED).values_list("pk", flat=True)
    )
    assert anonymised == without_open
    assert verify() == []
    call_command("verify_access_log", stdout=io.StringIO())

    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "Nothing is past its term." in out.getvalue()


# --- the register page ------------------------------------------------------------------


@pytest.fixture
def old_world(privacy_world):
    """The access-matrix world whose closed case closed six years ago."""
    case = SupportCase.objects.get(pk=privacy_world.objects["closed_case"])
    age_case(case, 6)
    return privacy_world


def _register(client, user):
    client.force_login(user)
    return client.get(reverse("web:retention_register"))


def test_register_page_lists_the_register(client, old_world):
    """The privacy officer sees each register row: rule, record type, count,
    numbers and who ran it; nothing that names a client."""
    retention_run(dry_run=False)
    assert DestructionRecord.objects.filter(record_type="cases.supportcase").exists()
    page = _register(client, old_world.users["po"]).content.decode()
    assert "Vernietigingsregister" in page
    assert "zaken" in page  # SupportCase's plural name
    assert "Afgesloten zaken" in page  # the rule
    assert f">{old_world.objects['closed_case']}</td>" in page
    assert "systeem" in page
    assert "Bakker" not in page


def test_register_page_is_404_for_everyone_else(client, privacy_world):
    """Other roles are not told that the register exists (see the access
    matrix, tests/web/access/test_access_retention.py)."""
    assert _register(client, privacy_world.users["vp1"]).status_code == 404


def test_register_page_costs_a_fixed_number_of_queries(
    client, old_world, django_assert_max_num_queries
):
    """The page's queries do not grow with the register."""
    po = old_world.users["po"]
    client.force_login(po)
    retention_run(dry_run=False, executed_by=po)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("web:retention_register")).status_code == 200
    case = open_case(
        old_world.users["vp1"], municipality=Client.objects.first().municipality
    )
    close_case(old_world.users["vp1"], case)
    age_case(case, 6)
    retention_run(dry_run=False)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("web:retention_register")).status_code == 200


def test_register_in_the_admin_is_read_only_for_the_privacy_officer(client, old_world):
    """The admin shows the register to the privacy officer, read only, and
    not to the functional administrator."""
    retention_run(dry_run=False)
    record = DestructionRecord.objects.first()
    changelist = reverse("admin:retention_destructionrecord_changelist")
    change = reverse("admin:retention_destructionrecord_change", args=[record.pk])
    client.force_login(old_world.users["po"])
    assert client.get(changelist).status_code == 200
    page = client.get(change)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    delete = reverse("admin:retention_destructionrecord_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert DestructionRecord.objects.filter(pk=record.pk).exists()
    client.force_login(old_world.users["fa"])
    assert client.get(changelist).status_code == 403


def test_the_scheduled_task_runs_the_real_run(scene):
    """``apply_retention --enqueue`` hands the run to the task worker; the
    tests' immediate backend runs it at once, as the system."""
    out = io.StringIO()
    call_command("apply_retention", "--enqueue", stdout=out)
    assert "Enqueued task" in out.getvalue()
    assert not _exists(scene.old_case)
    assert DestructionRecord.objects.filter(executed_by=None).exists()
