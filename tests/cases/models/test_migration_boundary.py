"""The data migrations of the organisation boundary (R13) on a client shared
by two organisations: accounts 0004_teams, cases 0012–0014 (``_Split``),
roles 0005_referrals.

One youth is known to the AKJ (a complaint, opened first) and to a
client-support organisation (a care question). Afterwards each organisation
has its own file with its own cases, care and informal supporters; the
family and conflicting interest stay with the AKJ that recorded them; the
application is on the municipality's file; the hash-chained access log keeps
the old number and ``ClientAlias`` leads the new file to it.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import Organisation, Team, User
from audit.models import AccessLogEntry
from cases.models import (
    Application,
    Care,
    Client,
    ClientAlias,
    ConflictingInterest,
    Family,
    FamilyMembership,
    SupportCase,
)
from cases.person_key import person_key
from roles.models import (
    Assignment,
    CaseUserObjectPermission,
    ClientUserObjectPermission,
    Consent,
    InformalSupporter,
    SharedItem,
)
from web.views.privacy import client_history

BEFORE = [
    ("accounts", "0003_contract_manager_role"),
    ("cases", "0011_report_figures"),
    ("roles", "0004_emergency_access"),
]


def _latest(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return executor.loader.graph.leaf_nodes()


def _log_row(apps, *, user, client_id: int | None, when: datetime.datetime) -> int:
    """An access-log row written as the code of the time wrote it: chained
    to the previous row, the hash over the canonical form."""
    Entry = apps.get_model("cases", "AccessLogEntry")
    previous = Entry.objects.order_by("-pk").values_list("hash", flat=True).first()
    fields = {
        "action": "read",
        "outcome": "allowed",
        "user_name": user.username,
        "user_role": user.role,
        "on_behalf_of": "",
        "purpose": "Ondersteuning",
        "object_type": "client",
        "object_id": str(client_id),
        "address": "127.0.0.1",
        "timestamp": when,
        "previous_hash": previous or AccessLogEntry.GENESIS,
    }
    current = AccessLogEntry(user_id=user.pk, client_id=client_id, **fields)
    fields["hash"] = current.compute_hash()
    return Entry.objects.create(
        user_id=user.pk, client_id=client_id, event_id=current.event_id, **fields
    ).pk


def _history(apps, model: str, row, user, when: datetime.datetime) -> None:
    """The first version of ``row``, written by ``user`` (simple-history)."""
    History = apps.get_model("cases", f"Historical{model}")
    values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    History.objects.create(
        **values,
        history_date=when,
        history_type="+",
        history_user_id=user.pk if user else None,
    )


def _build(apps) -> dict[str, int]:
    get = apps.get_model
    Municipality = get("accounts", "Municipality")
    Org = get("accounts", "Organisation")
    OldUser = get("accounts", "User")
    OldClient = get("cases", "Client")
    Case = get("cases", "SupportCase")
    OldCare = get("cases", "Care")
    OldFamily = get("cases", "Family")
    Membership = get("cases", "FamilyMembership")
    Conflict = get("cases", "ConflictingInterest")
    OldApplication = get("cases", "Application")
    Supporter = get("roles", "InformalSupporter")
    OldAssignment = get("roles", "Assignment")
    OldConsent = get("roles", "Consent")
    OldShared = get("roles", "SharedItem")
    ClientPerm = get("roles", "ClientUserObjectPermission")
    CasePerm = get("roles", "CaseUserObjectPermission")
    Permission = get("auth", "Permission")

    t0 = timezone.now().replace(microsecond=0) - datetime.timedelta(days=30)
    gemeente = Municipality.objects.create(name="Utrecht", cbs_code="GM0344")
    akj = Org.objects.create(name="AKJ", kind="akj")
    mee = Org.objects.create(name="MEE Utrecht", kind="client_support")
    Org.objects.create(
        name="Gemeente Utrecht", kind="municipality", municipality=gemeente
    )
    provider = Org.objects.create(name="Jeugdzorg Midden", kind="care_provider")

    def user(name: str, role: str, org) -> object:
        return OldUser.objects.create(
            username=name, password="!", role=role, organisation=org, expertise=""
        )

    vp = user("vp", "akj_confidant", akj)
    co = user("co", "client_supporter", mee)
    tl = user("tl", "team_lead", akj)

    youth = OldClient.objects.create(
        first_name="Sem",
        last_name="Bakker",
        date_of_birth=datetime.date(2011, 4, 2),
        kind="youth",
        municipality=gemeente,
        created_at=t0,
    )
    _history(apps, "Client", youth, vp, t0)
    mother = OldClient.objects.create(
        first_name="Anouk",
        last_name="Bakker",
        date_of_birth=datetime.date(1984, 9, 12),
        kind="parent",
        municipality=gemeente,
        created_at=t0,
    )
    _history(apps, "Client", mother, vp, t0)

    def case(reference, kind, org, by, when):
        return Case.objects.create(
            reference=reference,
            kind=kind,
            subject="",
            title=f"Zaak {reference}",
            outcome="",
            theme="",
            client=youth,
            opened_by=by,
            organisation=org,
            opened_at=when,
        )

    akj_case = case("AKJ-1", "complaint", akj, vp, t0)
    mee_case = case("MEE-1", "care_question", mee, co, t0 + datetime.timedelta(days=2))
    OldAssignment.objects.create(
        role="akj_confidant", case=akj_case, user=vp, started_by=vp, end_reason=""
    )
    OldAssignment.objects.create(
        role="client_supporter", case=mee_case, user=co, started_by=co, end_reason=""
    )

    family = OldFamily.objects.create(name="Gezin Bakker", created_at=t0)
    _history(apps, "Family", family, vp, t0)
    Membership.objects.create(family=family, client=youth, relation="zoon")
    Membership.objects.create(family=family, client=mother, relation="moeder")
    low, high = sorted([youth, mother], key=lambda c: c.pk)
    conflict = Conflict.objects.create(
        family=family,
        client_a=low,
        client_b=high,
        description="Gezag",
        recorded_by=vp,
    )

    def care(contact, by):
        row = OldCare.objects.create(
            client=youth,
            provider=provider,
            kind="youth_care",
            contact_person=contact,
            started_on=datetime.date(2026, 1, 1),
        )
        if by is not None:
            _history(apps, "Care", row, by, t0 + datetime.timedelta(days=3))
        return row

    care_akj = care("Door het AKJ", vp)
    care_mee = care("Door MEE", co)
    care_unknown = care("Herkomst onbekend", None)

    def informal(name, case_, by):
        supporter = Supporter.objects.create(
            client=youth, name=name, relation="tante", phone="", email=""
        )
        OldAssignment.objects.create(
            role="informal_supporter",
            case=case_,
            informal_supporter=supporter,
            started_by=by,
            end_reason="",
        )
        consent = OldConsent.objects.create(
            client=youth,
            informal_supporter=supporter,
            item="case_information",
            description="",
            given_on=datetime.date(2026, 1, 2),
            recorded_by=by,
        )
        shared = OldShared.objects.create(
            client=youth,
            consent=consent,
            informal_supporter=supporter,
            item="case_information",
            description="",
            shared_by=by,
        )
        return supporter, consent, shared

    ria, ria_consent, ria_shared = informal("Tante Ria", akj_case, vp)
    kees, kees_consent, kees_shared = informal("Oom Kees", mee_case, co)

    # One informal supporter at the side of the youth in both organisations:
    # a copy for the second, each consent with the organisation that took it.
    jan, jan_consent_akj, _ = informal("Opa Jan", akj_case, vp)
    OldAssignment.objects.create(
        role="informal_supporter",
        case=mee_case,
        informal_supporter=jan,
        started_by=co,
        end_reason="",
    )
    jan_consent_mee = OldConsent.objects.create(
        client=youth,
        informal_supporter=jan,
        item="case_information",
        description="",
        given_on=datetime.date(2026, 1, 3),
        recorded_by=co,
    )

    view_client = Permission.objects.get(
        content_type__app_label="cases", codename="view_client"
    )
    view_case = Permission.objects.get(
        content_type__app_label="cases", codename="view_supportcase"
    )
    vp_client_perm = ClientPerm.objects.create(
        user=vp, permission=view_client, content_object=youth
    )
    co_client_perm = ClientPerm.objects.create(
        user=co, permission=view_client, content_object=youth
    )
    CasePerm.objects.create(user=vp, permission=view_case, content_object=akj_case)
    CasePerm.objects.create(user=co, permission=view_case, content_object=mee_case)

    application = OldApplication.objects.create(
        client=youth,
        municipality=gemeente,
        care_kind="jeugdhulp",
        description="Ambulante hulp",
        submitted_on=datetime.date(2026, 1, 5),
        decision_reason="",
    )
    logs = [
        _log_row(apps, user=vp, client_id=youth.pk, when=t0),
        _log_row(apps, user=co, client_id=youth.pk, when=t0 + datetime.timedelta(1)),
        _log_row(apps, user=tl, client_id=None, when=t0 + datetime.timedelta(2)),
    ]
    return {
        "youth": youth.pk,
        "mother": mother.pk,
        "akj": akj.pk,
        "mee": mee.pk,
        "vp": vp.pk,
        "co": co.pk,
        "tl": tl.pk,
        "akj_case": akj_case.pk,
        "mee_case": mee_case.pk,
        "family": family.pk,
        "conflict": conflict.pk,
        "care_akj": care_akj.pk,
        "care_mee": care_mee.pk,
        "care_unknown": care_unknown.pk,
        "ria": ria.pk,
        "kees": kees.pk,
        "ria_consent": ria_consent.pk,
        "kees_consent": kees_consent.pk,
        "ria_shared": ria_shared.pk,
        "kees_shared": kees_shared.pk,
        "jan": jan.pk,
        "jan_consent_akj": jan_consent_akj.pk,
        "jan_consent_mee": jan_consent_mee.pk,
        "vp_client_perm": vp_client_perm.pk,
        "co_client_perm": co_client_perm.pk,
        "application": application.pk,
        "log_vp": logs[0],
        "log_co": logs[1],
        "log_tl": logs[2],
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_role_groups_back")  # the flush empties them (conftest)
def test_a_client_shared_by_two_organisations_becomes_one_file_each() -> None:
    executor = MigrationExecutor(connection)
    latest = _latest(executor)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    ids = _build(executor.loader.project_state(BEFORE).apps)
    log_before = list(
        AccessLogEntry.objects.order_by("pk").values_list(
            "pk", "client_id", "hash", "previous_hash"
        )
    )

    executor = MigrationExecutor(connection)
    try:
        executor.migrate(latest)
    finally:
        executor.loader.build_graph()
        executor.migrate(_latest(executor))

    # Two files of the youth, one per organisation (plus the municipality's).
    akj_file = Client.objects.get(pk=ids["youth"])
    assert akj_file.organisation_id == ids["akj"]
    mee_file = Client.objects.get(organisation_id=ids["mee"])
    assert mee_file.pk != akj_file.pk
    assert (mee_file.first_name, mee_file.last_name, mee_file.date_of_birth) == (
        "Sem",
        "Bakker",
        datetime.date(2011, 4, 2),
    )
    sems = Client.objects.filter(first_name="Sem")
    assert sorted(c.organisation.kind for c in sems) == [
        "akj",
        "client_support",
        "municipality",
    ]
    # The person key is filled and equal in every file of the person.
    expected_key = person_key(
        first_name="Sem", last_name="Bakker", date_of_birth=datetime.date(2011, 4, 2)
    )
    assert {c.person_key for c in sems} == {expected_key}
    assert Client.objects.filter(person_key="").count() == 0

    # Cases with the file of their organisation, each with a team.
    assert SupportCase.objects.get(pk=ids["akj_case"]).client_id == akj_file.pk
    assert SupportCase.objects.get(pk=ids["mee_case"]).client_id == mee_file.pk
    for case in SupportCase.objects.select_related("team"):
        assert case.team is not None
        assert case.team.organisation_id == case.organisation_id
    # Every caseworker got the first team of their organisation.
    for name, org in (("vp", "akj"), ("co", "mee")):
        worker = User.objects.get(pk=ids[name])
        assert worker.team is not None
        assert worker.team.organisation_id == ids[org]
        assert worker.team.name == f"Team {Organisation.objects.get(pk=ids[org]).name}"
    assert list(Team.objects.get(organisation_id=ids["akj"]).leads.all()) == [
        User.objects.get(pk=ids["tl"])
    ]

    # Care with the organisation that recorded it; unknown origin stays with
    # the organisation that registered the client first.
    assert Care.objects.get(pk=ids["care_akj"]).client_id == akj_file.pk
    assert Care.objects.get(pk=ids["care_mee"]).client_id == mee_file.pk
    assert Care.objects.get(pk=ids["care_unknown"]).client_id == akj_file.pk

    # Informal supporters, their consents and what was shared go along.
    assert InformalSupporter.objects.get(pk=ids["ria"]).client_id == akj_file.pk
    assert InformalSupporter.objects.get(pk=ids["kees"]).client_id == mee_file.pk
    assert Consent.objects.get(pk=ids["ria_consent"]).client_id == akj_file.pk
    kees_consent = Consent.objects.get(pk=ids["kees_consent"])
    assert (kees_consent.client_id, kees_consent.informal_supporter_id) == (
        mee_file.pk,
        ids["kees"],
    )
    assert SharedItem.objects.get(pk=ids["ria_shared"]).client_id == akj_file.pk
    assert SharedItem.objects.get(pk=ids["kees_shared"]).client_id == mee_file.pk
    kees_assignment = Assignment.objects.get(informal_supporter_id=ids["kees"])
    assert kees_assignment.case_id == ids["mee_case"]

    jan = InformalSupporter.objects.get(pk=ids["jan"])
    assert jan.client_id == akj_file.pk
    jan_copy = InformalSupporter.objects.get(name="Opa Jan", client=mee_file)
    assert {
        a.case_id: a.informal_supporter_id
        for a in Assignment.objects.filter(informal_supporter__name="Opa Jan")
    } == {ids["akj_case"]: jan.pk, ids["mee_case"]: jan_copy.pk}
    akj_consent = Consent.objects.get(pk=ids["jan_consent_akj"])
    mee_consent = Consent.objects.get(pk=ids["jan_consent_mee"])
    assert (akj_consent.client_id, akj_consent.informal_supporter_id) == (
        akj_file.pk,
        jan.pk,
    )
    assert (mee_consent.client_id, mee_consent.informal_supporter_id) == (
        mee_file.pk,
        jan_copy.pk,
    )

    # Family and conflicting interest stay with the AKJ.
    family = Family.objects.get(pk=ids["family"])
    assert family.organisation_id == ids["akj"]
    assert set(
        FamilyMembership.objects.filter(family=family).values_list(
            "client_id", flat=True
        )
    ) == {akj_file.pk, ids["mother"]}
    assert Client.objects.get(pk=ids["mother"]).organisation_id == ids["akj"]
    conflict = ConflictingInterest.objects.get(pk=ids["conflict"])
    assert {conflict.client_a_id, conflict.client_b_id} == {akj_file.pk, ids["mother"]}
    assert not FamilyMembership.objects.filter(client=mee_file).exists()

    # Object permissions follow the cases.
    assert (
        ClientUserObjectPermission.objects.get(
            pk=ids["vp_client_perm"]
        ).content_object_id
        == akj_file.pk
    )
    assert (
        ClientUserObjectPermission.objects.get(
            pk=ids["co_client_perm"]
        ).content_object_id
        == mee_file.pk
    )
    assert (
        CaseUserObjectPermission.objects.get(content_object_id=ids["mee_case"]).user_id
        == ids["co"]
    )

    # The application is on the municipality's file of the youth.
    application = Application.objects.select_related("client__organisation").get(
        pk=ids["application"]
    )
    assert application.client.organisation.kind == "municipality"
    assert (
        application.client.organisation.municipality_id == application.municipality_id
    )
    assert application.client.person_key == expected_key

    # Old → new for every copy; the access log is untouched and verifies.
    assert set(ClientAlias.objects.values_list("old_client_id", "client_id")) == {
        (akj_file.pk, mee_file.pk),
        (akj_file.pk, application.client_id),
    }
    assert (
        list(
            AccessLogEntry.objects.order_by("pk").values_list(
                "pk", "client_id", "hash", "previous_hash"
            )
        )
        == log_before
    )
    call_command("verify_access_log", stdout=_Sink())

    # "Who looked at my file": the new file finds its organisation's rows
    # under the old number, and not the other organisation's.
    assert set(client_history(mee_file).values_list("pk", flat=True)) == {ids["log_co"]}
    # The AKJ's file no longer shows that the client-support organisation
    # looked at the shared record: that row is the copy's (R13).
    assert set(client_history(akj_file).values_list("pk", flat=True)) == {ids["log_vp"]}


class _Sink:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass
