"""The access log and the stored report figures moved from ``cases`` into the
apps ``audit`` and ``reports`` (``audit`` 0001, ``reports`` 0001, ``cases``
0018) without touching their tables.

A database is brought back to the state of the code before the move; rows are
written through the historical models of that state, as the old code wrote
them: a hash-chained access log about a client, stored report figures, and
what points at the models' content types (a user's permission, an admin log
entry, a generic object permission of guardian). After migrating forward the
same rows are read through the new models, the hash chain still verifies and a
new row chains onto the old ones, everything that pointed at the old content
types points at the moved models, and the table keeps its indexes, its
constraints and (on PostgreSQL) the trigger that refuses changes.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from guardian.models import UserObjectPermission

from accounts.models import User
from audit.chain import verify_chain
from audit.log import log_event
from audit.models import AccessLogEntry
from cases.models import Client
from reports.models import ReportFigures

#: The last migrations before the move: ``cases`` up to 0017, no ``audit``
#: and no ``reports``.
BEFORE_THE_MOVE = [
    ("cases", "0017_access_log_newest_index"),
    ("audit", None),
    ("reports", None),
]

#: What the table of the access log carries besides its columns.
ACCESS_LOG_INDEXES = {
    "accesslog_client_idx",
    "accesslog_user_idx",
    "accesslog_newest_idx",
    "accesslog_one_successor",
}


def _old_apps(executor: MigrationExecutor):
    """The models as the applied migrations (the old code) define them."""
    executor.loader.build_graph()
    return executor.loader.project_state(
        sorted(executor.loader.applied_migrations)
    ).apps


def _log_row(apps, *, user, client_id: int | None, when: datetime.datetime):
    """An access-log row written as the old code wrote it: chained to the
    previous row, the hash over the canonical form."""
    Entry = apps.get_model("cases", "AccessLogEntry")
    previous = Entry.objects.order_by("-pk").values_list("hash", flat=True).first()
    fields = {
        "action": "read",
        "outcome": "success",
        "user_name": user.username,
        "user_role": user.role,
        "on_behalf_of": "",
        "purpose": "ondersteuning",
        "object_type": "client",
        "object_id": str(client_id or ""),
        "address": "127.0.0.1",
        "timestamp": when,
        "previous_hash": previous or AccessLogEntry.GENESIS,
    }
    current = AccessLogEntry(user_id=user.pk, client_id=client_id, **fields)
    fields["hash"] = current.compute_hash()
    return Entry.objects.create(
        user_id=user.pk, client_id=client_id, event_id=current.event_id, **fields
    )


def _build(apps) -> dict[str, object]:
    """The rows of the old code, through its historical models."""
    get = apps.get_model
    ContentType_ = get("contenttypes", "ContentType")
    Permission = get("auth", "Permission")
    t0 = timezone.now().replace(microsecond=0) - datetime.timedelta(days=3)

    municipality = get("accounts", "Municipality").objects.create(
        name="Utrecht", cbs_code="GM0344"
    )
    akj = get("accounts", "Organisation").objects.create(name="AKJ", kind="akj")
    team = get("accounts", "Team").objects.create(name="Team AKJ", organisation=akj)
    OldUser = get("accounts", "User")
    confidant = OldUser.objects.create(
        username="vp", password="!", role="akj_confidant", organisation=akj, team=team
    )
    officer = OldUser.objects.create(
        username="po",
        password="!",
        role="privacy_officer",
        organisation=akj,
        is_staff=True,
    )
    youth = get("cases", "Client").objects.create(
        organisation=akj,
        first_name="Sem",
        last_name="Bakker",
        date_of_birth=datetime.date(2011, 4, 2),
        kind="youth",
        municipality=municipality,
        created_at=t0,
    )
    rows = [
        _log_row(apps, user=confidant, client_id=youth.pk, when=t0),
        _log_row(
            apps,
            user=officer,
            client_id=youth.pk,
            when=t0 + datetime.timedelta(hours=1),
        ),
        _log_row(
            apps, user=officer, client_id=None, when=t0 + datetime.timedelta(hours=2)
        ),
    ]

    # The old code's content types: the test database was made by the new
    # code, and migrating back gave them their old app label.
    log_type = ContentType_.objects.get(app_label="cases", model="accesslogentry")
    figures_type = ContentType_.objects.get(app_label="cases", model="reportfigures")
    view_log = Permission.objects.get(
        content_type=log_type, codename="view_accesslogentry"
    )
    officer.user_permissions.add(view_log)
    admin_entry = get("admin", "LogEntry").objects.create(
        action_time=t0,
        user_id=officer.pk,
        content_type_id=log_type.pk,
        object_id=str(rows[0].pk),
        object_repr="toegangslogregel",
        action_flag=2,
        change_message="",
    )
    object_permission = get("guardian", "UserObjectPermission").objects.create(
        content_type=log_type,
        object_pk=str(rows[0].pk),
        user=officer,
        permission=view_log,
    )
    figures = get("cases", "ReportFigures").objects.create(
        municipality=municipality,
        scope="all",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
        computed_at=t0,
        counts={"months": {}, "clients": 7, "closed": 3, "median_days": None},
    )
    return {
        "confidant": confidant.pk,
        "officer": officer.pk,
        "youth": youth.pk,
        "log_type": log_type.pk,
        "figures_type": figures_type.pk,
        "admin_entry": admin_entry.pk,
        "object_permission": object_permission.pk,
        "figures": figures.pk,
        "first_row": rows[0].pk,
    }


#: An access-log row's columns, compared before and after the move.
COLUMNS = (
    "pk",
    "event_id",
    "user_id",
    "client_id",
    "timestamp",
    "hash",
    "previous_hash",
)


def _raw_log_rows() -> list[tuple]:
    """The table's rows as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cases_accesslogentry ORDER BY id")
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_role_groups_back")  # the flush empties them (conftest)
def test_the_moved_models_read_the_rows_the_old_code_wrote() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE_THE_MOVE)
    old = _old_apps(executor)
    assert old.get_model("cases", "AccessLogEntry")._meta.db_table == (
        "cases_accesslogentry"
    )
    with pytest.raises(LookupError):
        old.get_app_config("audit")
    ids = _build(old)
    raw_before = _raw_log_rows()
    rows_before = list(
        old.get_model("cases", "AccessLogEntry")
        .objects.order_by("pk")
        .values_list(*COLUMNS)
    )
    assert len(rows_before) == 3

    executor = MigrationExecutor(connection)
    try:
        executor.migrate(latest)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    # The same table, the same rows, read through the new model.
    assert AccessLogEntry._meta.db_table == "cases_accesslogentry"
    assert ReportFigures._meta.db_table == "cases_reportfigures"
    assert _raw_log_rows() == raw_before
    assert (
        list(AccessLogEntry.objects.order_by("pk").values_list(*COLUMNS)) == rows_before
    )
    first = AccessLogEntry.objects.get(pk=ids["first_row"])
    assert first.client == Client.objects.get(pk=ids["youth"])
    assert first.compute_hash() == first.hash

    # The chain still verifies, and a new row chains onto the old ones.
    assert verify_chain() == 3
    out = io.StringIO()
    call_command("verify_access_log", stdout=out)
    assert "Access log intact (3 entries)" in out.getvalue()
    last_hash = AccessLogEntry.objects.order_by("-pk").values_list("hash", flat=True)[0]
    new = log_event(
        user=User.objects.get(pk=ids["officer"]),
        action=AccessLogEntry.Action.READ,
        object_type="access_log",
    )
    assert new.previous_hash == last_hash
    assert verify_chain() == 4

    # The content types kept their ids under the new app labels, so what
    # pointed at them points at the moved models.
    log_type = ContentType.objects.get_for_model(AccessLogEntry)
    assert (log_type.pk, log_type.app_label) == (ids["log_type"], "audit")
    figures_type = ContentType.objects.get_for_model(ReportFigures)
    assert (figures_type.pk, figures_type.app_label) == (ids["figures_type"], "reports")
    assert not ContentType.objects.filter(
        app_label="cases", model__in=["accesslogentry", "reportfigures"]
    ).exists()
    assert User.objects.get(pk=ids["officer"]).has_perm("audit.view_accesslogentry")
    assert not User.objects.get(pk=ids["confidant"]).has_perm(
        "audit.view_accesslogentry"
    )
    assert LogEntry.objects.get(pk=ids["admin_entry"]).get_edited_object() == first
    assert (
        UserObjectPermission.objects.get(pk=ids["object_permission"]).content_object
        == first
    )

    # The stored figures, read through the new model.
    figures = ReportFigures.objects.get(pk=ids["figures"])
    assert (figures.scope, figures.start, figures.end) == (
        "all",
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
    )
    assert figures.counts["clients"] == 7

    # The table keeps its indexes and constraints: a fork of the chain is
    # refused.
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, "cases_accesslogentry"
        )
    assert set(constraints) >= ACCESS_LOG_INDEXES
    fork = AccessLogEntry(
        action=AccessLogEntry.Action.READ,
        user_id=ids["officer"],
        user_name="po",
        object_type="access_log",
        previous_hash=new.previous_hash,
        hash="f" * 64,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save(force_insert=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_role_groups_back")  # the flush empties them (conftest)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_the_database_still_refuses_changes_to_the_moved_log() -> None:
    """The trigger of ``cases`` 0004 stays on the table after the move."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE_THE_MOVE)
    old = _old_apps(executor)
    _build(old)
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(latest)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    for statement in (
        "UPDATE cases_accesslogentry SET purpose = 'x'",
        "DELETE FROM cases_accesslogentry",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert verify_chain() == 3
