"""The access log (NEN 7513 style): every page that shows a client's data writes
exactly one row through ``audit.log.log_access``; the log is append-only
and hash-chained, and ``verify_access_log`` finds the first altered row.

A read refused with 404 writes no row: the view stops before it knows the
object, and nothing was shown. Writes and refused actions (403) are logged
without the views doing anything (``call_service`` and the middleware).
"""

from __future__ import annotations

import contextlib
from io import StringIO

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from audit.log import log_access
from audit.models import AccessLogEntry
from audit.querysets import AppendOnlyError
from cases import services
from cases.models import Client, Meeting, Note, SupportCase
from tests.support.checks import access_log_queries

pytestmark = pytest.mark.django_db

#: The privacy pages' access matrix is in test_access_privacy.py; this module
#: adds no URL (``test_every_url_is_in_the_matrix`` reads every test_access_*).
MATRIX: list = []


def _get(http, world, role: str, url_name: str, key: str | None = None, /, **params):
    http.force_login(world.users[role])
    args = [world.objects[key]] if key else []
    return http.get(reverse(url_name, args=args), params)


@contextlib.contextmanager
def _without_guard():
    """Lets a test tamper with the log by raw SQL, as someone with full access
    to the database could: on PostgreSQL triggers are switched off for this
    transaction only (``session_replication_role``, superuser)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    else:
        yield


def _verify() -> str:
    out = StringIO()
    call_command("verify_access_log", stdout=out)
    return out.getvalue()


# --- every page that shows client data writes one row ---------------------------------


@pytest.mark.parametrize(
    ("role", "name", "key", "object_type", "purpose", "client_key"),
    [
        ("vp1", "web:client_detail", "youth", "client", "ondersteuning", "youth"),
        ("co1", "web:client_detail", "co_youth", "client", "ondersteuning", "co_youth"),
        (
            "vp1",
            "web:case_detail",
            "complaint_case",
            "supportcase",
            "ondersteuning",
            "youth",
        ),
        (
            "tl",
            "web:case_detail",
            "complaint_case",
            "supportcase",
            "teamleiding",
            "youth",
        ),
        (
            "vp1",
            "web:meeting_detail",
            "complaint_meeting",
            "meeting",
            "ondersteuning",
            "youth",
        ),
        (
            "dm",
            "web:application_detail",
            "application",
            "application",
            "beschikking",
            "applicant",
        ),
    ],
)
def test_a_page_with_client_data_writes_exactly_one_row(
    client, world, role, name, key, object_type, purpose, client_key
):
    """Opening a client's file, a case, a meeting or an application writes one
    read row: who (name and role copied), which client, what object, why, from
    where, and that it succeeded."""
    youth = world.objects[client_key]
    response = _get(client, world, role, name, key)
    assert response.status_code == 200
    [entry] = AccessLogEntry.objects.all()
    user = world.users[role]
    assert entry.action == AccessLogEntry.Action.READ
    assert entry.outcome == AccessLogEntry.Outcome.SUCCESS
    assert entry.user == user
    assert entry.user_name == (user.get_full_name() or user.username)
    assert entry.user_role == user.role
    assert entry.client_id == youth
    assert entry.object_type == object_type
    assert entry.object_id == str(world.objects[key])
    assert entry.purpose == purpose
    assert entry.address == "127.0.0.1"
    assert entry.previous_hash == AccessLogEntry.GENESIS
    assert entry.hash == entry.compute_hash()


def test_the_log_keeps_the_users_name_and_role_as_they_were(client, world):
    """Renaming a user or changing their role does not change what the log says."""
    _get(client, world, "vp1", "web:client_detail", "youth")
    vp1 = world.users["vp1"]
    vp1.first_name, vp1.role = "Anders", User.Role.TEAM_LEAD
    vp1.save()
    entry = AccessLogEntry.objects.get()
    assert entry.user_name == "vp1"
    assert entry.user_role == User.Role.AKJ_CONFIDANT
    assert "intact (1 entries)" in _verify()


def test_a_search_that_shows_clients_writes_one_row_with_the_query(client, world):
    """A client search writes one row for the request, with the query, not one
    row per client shown."""
    response = _get(client, world, "vp1", "web:client_list", name="bakker")
    assert len(response.context["page"]) == 1
    [entry] = AccessLogEntry.objects.all()
    assert entry.object_type == "search"
    assert entry.object_id == "name=bakker"
    assert entry.client_id is None


def test_a_search_that_shows_no_client_writes_no_row(client, world):
    """Nothing shown, nothing logged."""
    response = _get(client, world, "vp1", "web:client_list", name="jansen")
    assert len(response.context["page"]) == 0
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    ("role", "name", "key"),
    [
        ("vp2", "web:client_detail", "youth"),
        ("dm", "web:client_detail", "youth"),
        ("co1", "web:case_detail", "complaint_case"),
        ("tl", "web:meeting_detail", "complaint_meeting"),
        ("vp1", "web:application_detail", "application"),
    ],
)
def test_a_refused_read_writes_no_row(client, world, role, name, key):
    """A read refused with 404 writes no row: nothing of the client was shown."""
    assert _get(client, world, role, name, key).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_pages_without_client_data_write_no_row(client, world):
    """A dashboard without clients (an administrator's, a team lead's counts)
    writes nothing."""
    assert _get(client, world, "fa", "web:dashboard").status_code == 200
    assert _get(client, world, "tl", "web:dashboard").status_code == 200
    assert not AccessLogEntry.objects.exists()


def test_a_form_page_that_shows_the_case_writes_one_read_row(client, world):
    """A form shows the case it changes (the close form names the client and
    the case): opening it is a read, logged once."""
    assert (
        _get(client, world, "vp1", "web:case_close", "complaint_case").status_code
        == 200
    )
    [row] = AccessLogEntry.objects.all()
    assert (row.action, row.client_id) == ("read", world.objects["youth"])


# --- writes and refusals --------------------------------------------------------------


def _post(http, world, role: str, url_name: str, key: str, data: dict, **headers):
    http.force_login(world.users[role])
    return http.post(reverse(url_name, args=[world.objects[key]]), data, **headers)


def test_a_change_writes_one_update_row(client, world):
    """Saving a client's personal data writes one "update" row for that client;
    the page it redirects to writes its own read row."""
    youth = Client.objects.get(pk=world.objects["youth"])
    data = {
        "first_name": youth.first_name,
        "last_name": "Veranderd",
        "date_of_birth": youth.date_of_birth.isoformat(),
        "kind": youth.kind,
        "municipality": youth.municipality_id,
    }
    response = _post(client, world, "vp1", "web:client_edit", "youth", data)
    assert response.status_code == 302, response.context["form"].errors
    row = AccessLogEntry.objects.get()
    assert (row.action, row.outcome, row.client_id, row.object_type) == (
        "update",
        "success",
        youth.pk,
        "client",
    )
    assert row.user == world.users["vp1"]


def test_a_new_note_with_htmx_writes_one_create_row(client, world):
    """A note added with htmx changes the case and shows its timeline in one
    request: one "create" row, not a second "read" row."""
    response = _post(
        client,
        world,
        "vp1",
        "web:note_add",
        "complaint_case",
        {"text": "Gesprek gehad."},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    row = AccessLogEntry.objects.get()
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    assert (row.action, row.client_id, row.object_type) == (
        "create",
        case.client_id,
        "note",
    )


def test_a_refused_submission_writes_no_row(client, world):
    """A submission refused by a rule or by validation changed nothing, so
    nothing is logged as changed (the form shown again is a read)."""
    # By validation: a note without text never reaches the service.
    notes = Note.objects.count()
    response = _post(
        client, world, "vp1", "web:note_add", "complaint_case", {"text": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("text", "required")
    assert Note.objects.count() == notes
    [row] = AccessLogEntry.objects.all()
    assert (row.action, row.outcome) == ("read", "success")

    # By a rule: ``call_service`` runs the service, which refuses a save from a
    # form loaded before someone else's change; the refusal is shown, and
    # nothing is logged as changed for it.
    youth = Client.objects.get(pk=world.objects["youth"])
    loaded_at = youth.version
    # The other change, made outside a request: it writes no row of its own.
    services.client_update(
        actor=world.users["vp1"],
        client=youth,
        first_name=youth.first_name,
        last_name="Bakker-de Vries",
        date_of_birth=youth.date_of_birth,
        kind=youth.kind,
        municipality=youth.municipality,
    )
    data = {
        "first_name": youth.first_name,
        "last_name": "Veranderd",
        "date_of_birth": youth.date_of_birth.isoformat(),
        "kind": youth.kind,
        "municipality": youth.municipality_id,
        "version": loaded_at,
    }
    response = _post(client, world, "vp1", "web:client_edit", "youth", data)
    assert response.status_code == 200
    assert response.context["form"].has_error(NON_FIELD_ERRORS, "stale")
    youth.refresh_from_db()
    assert (youth.last_name, youth.version) == ("Bakker-de Vries", loaded_at + 1)
    assert AccessLogEntry.objects.count() == 2
    row = AccessLogEntry.objects.latest("pk")
    assert (row.action, row.outcome, row.client_id) == ("read", "success", youth.pk)


def test_a_forbidden_action_writes_one_denied_row(client, world):
    """A team lead who sees a case but may not change its status (R2) gets 403,
    and the attempt is logged against the client with outcome "denied"."""
    status = SupportCase.objects.get(pk=world.objects["complaint_case"]).status
    response = _post(
        client, world, "tl", "web:case_status", "complaint_case", {"status": "on_hold"}
    )
    assert response.status_code == 403
    row = AccessLogEntry.objects.get()
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    assert (row.action, row.outcome, row.client_id, row.object_type) == (
        "update",
        "denied",
        case.client_id,
        "supportcase",
    )
    assert case.status == status


def test_a_forbidden_page_writes_one_denied_read_row(client, world):
    """Opening a form one may not use is logged as a denied read."""
    assert (
        _get(client, world, "tl", "web:case_status", "complaint_case").status_code
        == 403
    )
    row = AccessLogEntry.objects.get()
    assert (row.action, row.outcome) == ("read", "denied")


def test_a_print_is_logged_as_an_export(client, world):
    """The print version of a case writes one "export" row (what leaves the
    system on paper), not a read."""
    response = _get(client, world, "vp1", "web:case_print", "complaint_case")
    assert response.status_code == 200
    row = AccessLogEntry.objects.get()
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    assert (row.action, row.object_type, row.client_id) == (
        "export",
        "case_print",
        case.client_id,
    )
    assert case.title in response.content.decode()


def test_services_outside_a_request_write_no_row(world):
    """Commands and the demo seed call services without a request: the case
    history records those writes, the access log records people's requests."""
    assert not AccessLogEntry.objects.exists()


# --- the chain ------------------------------------------------------------------------


def test_rows_are_chained(client, world):
    """Each row carries the previous row's hash; the first carries the genesis."""
    for name, key in [
        ("web:client_detail", "youth"),
        ("web:case_detail", "complaint_case"),
        ("web:meeting_detail", "complaint_meeting"),
    ]:
        _get(client, world, "vp1", name, key)
    first, second, third = AccessLogEntry.objects.order_by("pk")
    assert first.previous_hash == AccessLogEntry.GENESIS
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    assert _verify().strip() == "Access log intact (3 entries)"


def test_an_empty_log_is_intact(db):
    assert _verify().strip() == "Access log intact (0 entries)"


@pytest.fixture
def three_rows(client, world) -> list[AccessLogEntry]:
    for key in ["complaint_case", "closed_case", "complaint_case"]:
        _get(client, world, "vp1", "web:case_detail", key)
    return list(AccessLogEntry.objects.order_by("pk"))


def test_the_chain_check_finds_an_altered_row(three_rows):
    """A row changed behind the ORM's back (raw SQL) is reported by id and
    timestamp, and the command fails."""
    altered = three_rows[1]
    with _without_guard(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_accesslogentry SET user_name = %s WHERE id = %s",
            ["Iemand anders", altered.pk],
        )
    with pytest.raises(CommandError) as info:
        _verify()
    assert f"entry {altered.pk} " in str(info.value)
    assert altered.timestamp.isoformat() in str(info.value)
    assert "hash does not match its contents" in str(info.value)


def test_the_chain_check_finds_a_removed_row(three_rows):
    """A row deleted by raw SQL breaks the link of the row after it."""
    with _without_guard(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM cases_accesslogentry WHERE id = %s", [three_rows[1].pk]
        )
    with pytest.raises(CommandError) as info:
        _verify()
    assert f"entry {three_rows[2].pk} " in str(info.value)
    assert "previous hash" in str(info.value)


def test_the_chain_check_finds_a_rehashed_row(three_rows):
    """Recomputing an altered row's own hash does not hide it: the next row
    still points at the old hash."""
    altered = three_rows[0]
    altered.purpose = "nieuwsgierigheid"
    with _without_guard(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_accesslogentry SET purpose = %s, hash = %s WHERE id = %s",
            [altered.purpose, altered.compute_hash(), altered.pk],
        )
    with pytest.raises(CommandError) as info:
        _verify()
    assert f"entry {three_rows[1].pk} " in str(info.value)


# --- append-only ----------------------------------------------------------------------


def test_the_orm_cannot_change_or_delete_rows(three_rows):
    """The queryset refuses update() and delete(); an existing row cannot be
    saved or deleted; nothing changes."""
    entry = three_rows[0]
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.update(purpose="x")
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.bulk_update([entry], ["purpose"])
    entry.purpose = "x"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AccessLogEntry.objects.count() == 3
    assert "intact (3 entries)" in _verify()


def test_a_logged_client_cannot_be_deleted(three_rows):
    """Log rows protect the client and the user they name."""
    from django.db.models import ProtectedError

    case = SupportCase.objects.get(pk=three_rows[0].object_id)
    with pytest.raises(ProtectedError):
        three_rows[0].user.delete()
    assert Client.objects.filter(pk=case.client_id).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_refuses_raw_update_and_delete(three_rows):
    """On PostgreSQL a trigger refuses UPDATE and DELETE, even by raw SQL."""
    from django.db import DatabaseError, transaction

    for sql in [
        "UPDATE cases_accesslogentry SET purpose = 'x'",
        "DELETE FROM cases_accesslogentry",
    ]:
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AccessLogEntry.objects.count() == 3


# --- the admin ------------------------------------------------------------------------


def _admin_url(name: str, *args) -> str:
    return reverse(f"admin:audit_accesslogentry_{name}", args=args)


def test_the_admin_shows_the_log_read_only(client, privacy_world, three_rows):
    """The privacy officer reads the log in the admin: no add, change or delete,
    and each look is logged."""
    client.force_login(privacy_world.users["po"])
    entry = three_rows[0]
    changelist = client.get(_admin_url("changelist"))
    assert changelist.status_code == 200
    page = client.get(_admin_url("change", entry.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="_save"' not in text
    assert _admin_url("delete", entry.pk) not in text
    assert client.get(_admin_url("add")).status_code == 403
    assert client.get(_admin_url("delete", entry.pk)).status_code == 403
    assert client.post(_admin_url("delete", entry.pk), {"post": "yes"}).status_code == (
        403
    )
    response = client.post(
        _admin_url("change", entry.pk), {"purpose": "x", "_save": "1"}
    )
    assert response.status_code == 403
    assert client.post(
        _admin_url("changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk]},
    ).status_code in (200, 302)
    assert AccessLogEntry.objects.filter(pk=entry.pk, purpose="ondersteuning").exists()
    # The changelist, the change page, and the changelist re-shown after the
    # refused action.
    reads = AccessLogEntry.objects.filter(user=privacy_world.users["po"])
    assert reads.count() == 4
    assert set(reads.values_list("object_type", flat=True)) == {"access_log"}
    assert "intact" in _verify()


@pytest.mark.parametrize("role", ["fa", "vp1"])
def test_other_staff_do_not_see_the_log_in_the_admin(client, privacy_world, role):
    """A functional administrator (staff) gets 403; a caseworker is sent to
    the admin login."""
    client.force_login(privacy_world.users[role])
    response = client.get(_admin_url("changelist"))
    assert response.status_code == (403 if role == "fa" else 302)
    assert not AccessLogEntry.objects.exists()


def test_a_superuser_reads_the_log_in_the_admin(client, world, three_rows):
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    assert client.get(_admin_url("changelist")).status_code == 200
    assert client.get(_admin_url("add")).status_code == 403


# --- the privacy officer's pages ------------------------------------------------------


def test_reading_the_log_is_logged(client, privacy_world, three_rows):
    """Opening the log viewer and a client's access history each write a row."""
    world = privacy_world
    po = world.users["po"]
    _get(client, world, "po", "web:access_log", action="read")
    _get(client, world, "po", "web:client_access_history", "youth")
    own = AccessLogEntry.objects.filter(user=po).order_by("pk")
    assert [(e.object_type, e.object_id, e.client_id) for e in own] == [
        ("access_log", "action=read", None),
        ("access_history", str(world.objects["youth"]), world.objects["youth"]),
    ]
    assert {e.purpose for e in own} == {"privacytoezicht"}


def test_the_log_viewer_filters(client, privacy_world):
    """The viewer filters on user, client number, action and dates."""
    world = privacy_world
    _get(client, world, "vp1", "web:client_detail", "youth")
    _get(client, world, "vp2", "web:client_detail", "mother")
    _get(client, world, "tl", "web:case_detail", "complaint_case")
    page = _get(client, world, "po", "web:access_log", user=world.users["vp2"].pk)
    assert [e.user_id for e in page.context["page"]] == [world.users["vp2"].pk]
    page = _get(
        client, world, "po", "web:access_log", username=world.users["vp2"].username
    )
    assert [e.user_id for e in page.context["page"]] == [world.users["vp2"].pk]
    page = _get(client, world, "po", "web:access_log", client=world.objects["youth"])
    assert {e.user_id for e in page.context["page"]} == {
        world.users["vp1"].pk,
        world.users["tl"].pk,
    }
    page = _get(client, world, "po", "web:access_log", action="export")
    assert len(page.context["page"]) == 0
    entry = AccessLogEntry.objects.order_by("pk").first()
    day = entry.timestamp.astimezone().date().isoformat()
    page = _get(client, world, "po", "web:access_log", date_from=day, date_to=day)
    assert page.context["page"].paginator.count >= 3
    text = page.content.decode()
    assert "utrecht-heading-1" in text
    assert reverse("web:client_access_history", args=[world.objects["youth"]]) in text


def test_wie_heeft_mijn_dossier_ingezien(client, privacy_world):
    """The client's access history lists who looked at this client's file, when
    and what — and nothing about other clients, nor about the client-support
    organisation's own file of the same youth (R13)."""
    world = privacy_world
    _get(client, world, "vp1", "web:client_detail", "youth")
    _get(client, world, "vp1", "web:case_detail", "complaint_case")
    _get(client, world, "co1", "web:case_detail", "care_case")
    _get(client, world, "vp2", "web:client_detail", "mother")
    page = _get(client, world, "po", "web:client_access_history", "youth")
    rows = list(page.context["page"])
    assert [(e.user_id, e.object_type) for e in rows] == [
        (world.users["po"].pk, "access_history"),
        (world.users["vp1"].pk, "supportcase"),
        (world.users["vp1"].pk, "client"),
    ]
    text = page.content.decode()
    assert "Sem Bakker" in text
    assert "Anouk" not in text


def test_a_page_of_the_log_counts_a_bounded_number_of_rows(
    client, privacy_world, monkeypatch
):
    """The log only grows, so its pages count at most the newest N rows (the
    cost of a page does not grow with the log) and say that there are more;
    the filters still reach every row."""
    from web.views import privacy as privacy_views

    world = privacy_world
    monkeypatch.setattr(privacy_views, "ACCESS_LOG_COUNT_LIMIT", 3)
    monkeypatch.setattr(privacy_views, "CLIENT_HISTORY_COUNT_LIMIT", 2)
    for _ in range(3):
        _get(client, world, "vp1", "web:client_detail", "youth")
    page = _get(client, world, "po", "web:access_log")
    paginator = page.context["page"].paginator
    assert (paginator.count, paginator.more, paginator.num_pages) == (3, True, 1)
    text = " ".join(page.content.decode().split())
    assert "Meer dan 3 logregels gevonden" in text
    page = _get(client, world, "po", "web:access_log", user=world.users["po"].pk)
    assert page.context["page"].paginator.more is False
    assert "logregels gevonden" in page.content.decode()
    page = _get(client, world, "po", "web:client_access_history", "youth")
    paginator = page.context["page"].paginator
    assert (paginator.count, paginator.more) == (2, True)
    assert [e.object_type for e in page.context["page"]] == [
        "access_history",
        "client",
    ]
    assert "Meer dan 2 logregels" in " ".join(page.content.decode().split())


def test_the_privacy_officer_sees_the_log_in_the_navigation(client, privacy_world):
    """Only the privacy officer has "Toegangslog" in the menu."""
    url = reverse("web:access_log")
    assert url in _get(client, privacy_world, "po", "web:dashboard").content.decode()
    for role in ["vp1", "tl", "fa"]:
        page = _get(client, privacy_world, role, "web:dashboard").content.decode()
        assert url not in page


# --- cost -----------------------------------------------------------------------------


def test_writing_a_row_costs_the_previous_hash_and_one_insert(rf, world):
    """log_access reads the previous hash (after the advisory lock on
    PostgreSQL) and inserts one row; nothing else."""
    meeting = Meeting.objects.select_related("case").get(
        pk=world.objects["complaint_meeting"]
    )
    for _ in range(2):
        request = rf.get("/")
        request.user = world.users["vp1"]
        with CaptureQueriesContext(connection) as queries:
            log_access(request=request, action="read", obj=meeting)
        assert len(queries) == access_log_queries()
        assert sum(q["sql"].startswith("INSERT") for q in queries) == 1


def test_a_request_writes_at_most_one_row(rf, world):
    """A second log call in the same request (a change that also shows the
    page) writes nothing more: the first row stands for the request."""
    request = rf.get("/")
    request.user = world.users["vp1"]
    meeting = Meeting.objects.select_related("case").get(
        pk=world.objects["complaint_meeting"]
    )
    first = log_access(request=request, action="update", obj=meeting)
    with CaptureQueriesContext(connection) as queries:
        second = log_access(request=request, action="read", obj=meeting)
    assert second == first
    assert len(queries) == 0


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("web:client_detail", "youth"),
        ("web:case_detail", "complaint_case"),
        ("web:meeting_detail", "complaint_meeting"),
    ],
)
def test_a_page_costs_the_same_with_a_long_log(client, world, name, key):
    """A page's query count does not grow with the size of the log."""

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert _get(client, world, "vp1", name, key).status_code == 200
        return len(queries)

    count()  # the first request after logging in also saves the session
    first = count()
    for _ in range(20):
        _get(client, world, "vp1", name, key)
    assert count() == first
