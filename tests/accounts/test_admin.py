"""The Django admin: every page answers, nothing is deleted, statuses and
derived rows are read-only, a note's text never shows, and a functional
administrator manages users without seeing who is a client (R2)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as AxesAccessLog
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group, Permission
from django.db.models import Model
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.two_factor import new_recovery_codes
from audit.log import log_read
from audit.models import AccessLogEntry
from cases import services
from cases.models import (
    Application,
    CareKind,
    Client,
    Complaint,
    Meeting,
    Note,
    SupportCase,
)
from retention.models import DestructionRecord
from roles import services as role_services
from roles.models import (
    Assignment,
    CaseGroupObjectPermission,
    ClientGroupObjectPermission,
    ClientUserObjectPermission,
    Consent,
    Referral,
)
from roles.permissions import verify
from roles.policy import RefusalGround, SupportRole
from roles.referrals import referral_send
from tests.factories import (
    CareFactory,
    FamilyFactory,
    MunicipalityFactory,
    OrganisationFactory,
    TeamFactory,
    TOTPDeviceFactory,
    account,
)
from tests.support.checks import access_log_queries

NOTE_TEXT = "Vertrouwelijk-7731: de cliënt vertelde over thuis"
CLIENT_LAST_NAME = "Oosterhuis-Tack"
SUPPORTER_NAME = "Riekje Vlasblom"
PRIVATE_WORDS = ("Oosterhuis", "Vlasblom")


def changelist_url(model: type[Model]) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change_url(obj: Model, view: str = "change") -> str:
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[quote(obj.pk)]
    )


@pytest.fixture
def admin_data(db) -> SimpleNamespace:
    """At least one row of every model in the admin, written through the
    services where a service exists: a complaint case with a note, a meeting
    with a refused informal supporter, a second family member with a
    conflicting interest, care, an application and group permission rows."""
    gemeente = MunicipalityFactory(name="Utrecht", cbs_code="GM0344")
    akj = OrganisationFactory(akj=True)
    provider = OrganisationFactory(care_provider=True, name="Jeugdzorg Midden")
    team = TeamFactory(organisation=akj, name="Regio Midden")
    confidant = account(
        "vp-admin", User.Role.AKJ_CONFIDANT, akj, team=team, password_text=None
    )
    # R4: the mother of the client has a confidant of her own.
    colleague = account(
        "vp-admin-2", User.Role.AKJ_CONFIDANT, akj, team=team, password_text=None
    )
    family = FamilyFactory(name="Gezin 17", organisation=akj)
    case = services.client_register(
        actor=confidant,
        first_name="Fenna",
        last_name=CLIENT_LAST_NAME,
        date_of_birth=datetime.date(2011, 4, 2),
        kind=Client.Kind.YOUTH,
        municipality=gemeente,
        case_kind=SupportCase.Kind.COMPLAINT,
        case_title="Klacht over de groepsleiding",
        family=family,
        relation="dochter",
    )
    parent_case = services.client_register(
        actor=colleague,
        first_name="Mirthe",
        last_name=CLIENT_LAST_NAME,
        date_of_birth=datetime.date(1984, 9, 12),
        kind=Client.Kind.PARENT,
        municipality=gemeente,
        case_kind=SupportCase.Kind.QUESTION,
        case_title="Vraag over de omgangsregeling",
        family=family,
        relation="moeder",
    )
    # The same person registered by a colleague who does not support her
    # waits for the team lead's decision (R13): a link request.
    services.client_register(
        actor=colleague,
        first_name="Fenna",
        last_name=CLIENT_LAST_NAME,
        date_of_birth=datetime.date(2011, 4, 2),
        kind=Client.Kind.YOUTH,
        municipality=gemeente,
        case_kind=SupportCase.Kind.QUESTION,
        case_title="Vraag over school",
    )
    services.conflict_record(
        actor=confidant,
        client_a=case.client,
        client_b=parent_case.client,
        description="Moeder en dochter willen elk iets anders.",
    )
    note = services.note_add(actor=confidant, case=case, text=NOTE_TEXT)
    meeting = services.meeting_plan(
        actor=confidant,
        case=case,
        kind=Meeting.Kind.QUESTION_COMPLAINT,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        provider=provider,
    )
    supporter = role_services.informal_supporter_add(
        actor=confidant, client=case.client, name=SUPPORTER_NAME, relation="tante"
    )
    role_services.consent_record(
        actor=confidant,
        informal_supporter=supporter,
        item=Consent.Item.MEETING_INVITATION,
        given_on=timezone.localdate(),
        meeting=meeting,
    )
    informal = role_services.assignment_start(
        actor=confidant,
        case=case,
        role=SupportRole.INFORMAL_SUPPORTER,
        informal_supporter=supporter,
        at_clients_request=True,
    )
    attendance = role_services.attendance_add(
        actor=confidant, meeting=meeting, assignment=informal, requested_by_client=True
    )
    role_services.attendance_refuse(
        actor=confidant,
        attendance=attendance,
        ground=RefusalGround.OBSTRUCTING,
        explanation="Stuurde het gesprek steeds een andere kant op.",
    )
    # A referral of the client to a client-support organisation (R13).
    client_support = OrganisationFactory(client_support=True, name="MEE Utrecht")
    referral_send(
        actor=confidant,
        client=case.client,
        to_organisation=client_support,
        items=[Referral.Item.IDENTITY],
        consent_given_on=timezone.localdate(),
        message="Graag verder met de aanvraag.",
    )
    CareFactory(
        client=case.client,
        provider=provider,
        kind=CareKind.YOUTH_CARE,
        contact_person="",
        started_on=datetime.date(2024, 1, 8),
    )
    # On the AKJ's own file of the client, by hand: ApplicationFactory would
    # make it on the municipality's file (R13), and this only needs a row for
    # the admin to show.
    Application.objects.create(
        client=case.client,
        municipality=gemeente,
        care_kind=CareKind.YOUTH_CARE,
        description="Ambulante begeleiding",
        submitted_on=datetime.date(2024, 2, 1),
    )
    # Nothing in Naast grants group permissions yet; rows made here only so
    # that their admin pages have something to show.
    lead_group = Group.objects.get(name="Teamleider")
    CaseGroupObjectPermission.objects.create(
        group=lead_group,
        permission=Permission.objects.get(codename="view_supportcase"),
        content_object=case,
    )
    ClientGroupObjectPermission.objects.create(
        group=lead_group,
        permission=Permission.objects.get(codename="view_client"),
        content_object=case.client,
    )
    functional_admin = account(
        "fb-admin",
        User.Role.FUNCTIONAL_ADMIN,
        akj,
        is_staff=True,
        password_text=None,
        role_group=True,
    )
    # A second factor and recovery codes, and a failed and a successful login.
    TOTPDeviceFactory(user=functional_admin)
    new_recovery_codes(user=functional_admin)
    # django-axes' own records of logins, by hand: only a login through the
    # login page would write them, and the admin only needs rows to show.
    login_row = {"ip_address": "192.0.2.1", "username": "vp-admin", "user_agent": "x"}
    AccessAttempt.objects.create(**login_row, failures_since_start=1)
    AccessFailureLog.objects.create(**login_row)
    AxesAccessLog.objects.create(**login_row)
    # One access-log row: the confidant read the case.
    log_request = RequestFactory().get("/")
    log_request.user = confidant
    log_read(log_request, case)
    # One destruction-register row (retention), by hand: the nightly
    # retention run (``retention_run``) writes these; the admin only needs a row.
    DestructionRecord.objects.create(
        rule="case",
        term_years=5,
        cutoff=datetime.date(2020, 1, 1),
        record_type="cases.note",
        action=DestructionRecord.Action.DESTROYED,
        count=1,
        object_ids=[1],
    )
    return SimpleNamespace(
        case=case,
        note=note,
        confidant=confidant,
        functional_admin=functional_admin,
        superuser=account("root-admin", superuser=True),
    )


@pytest.fixture
def as_superuser(admin_data) -> HttpClient:
    client = HttpClient()
    client.force_login(admin_data.superuser)
    return client


@pytest.fixture
def as_functional_admin(admin_data) -> HttpClient:
    client = HttpClient()
    client.force_login(admin_data.functional_admin)
    return client


def test_every_admin_page_answers(as_superuser):
    """Every changelist and change page in the admin answers 200 for a
    superuser, and every model has a row to show."""
    failures = []
    for model in admin.site._registry:
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {model._meta.label} row in the fixture"
        for url in (changelist_url(model), change_url(obj)):
            status = as_superuser.get(url).status_code
            if status != 200:
                failures.append(f"{url}: {status}")
    assert failures == []


def test_add_pages_only_where_no_service_writes(admin_data, as_superuser):
    """Rows that a service writes (cases, clients, notes, meetings, complaints,
    events, assignments, attendance, consent, permission rows) cannot be added
    in the admin; the others can."""
    addable = set()
    for model in admin.site._registry:
        opts = model._meta
        response = as_superuser.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        )
        assert response.status_code in (200, 403), opts.label
        if response.status_code == 200:
            addable.add(opts.label)
    assert addable == {
        "auth.Group",
        "accounts.User",
        "accounts.Organisation",
        "accounts.Municipality",
        "accounts.Team",
        "cases.Family",
        "cases.FamilyMembership",
        "cases.Care",
        "cases.Application",
        "otp_totp.TOTPDevice",
        "otp_static.StaticDevice",
    }
    assert verify() == [], "the fixture's permission rows match the assignments"


def test_note_text_never_appears(admin_data, as_superuser, as_functional_admin):
    """A note's text never appears in the admin, not even to a superuser: not
    on the note pages, not on the case page, not through search or filters."""
    note, case = admin_data.note, admin_data.case
    pages = [
        changelist_url(Note),
        change_url(note),
        changelist_url(Note) + "?q=Vertrouwelijk-7731",
        change_url(case),
        changelist_url(SupportCase) + "?q=" + case.reference,
    ]
    for url in pages:
        response = as_superuser.get(url)
        assert response.status_code == 200, url
        assert "vertelde over thuis" not in response.content.decode(), url
    # A functional administrator has no access to notes at all (R2).
    for url in pages[:3]:
        assert as_functional_admin.get(url).status_code == 403, url
    for url in pages[3:]:
        response = as_functional_admin.get(url)
        assert response.status_code == 200, url
        assert "vertelde over thuis" not in response.content.decode(), url
    # The search goes by case reference only, so the note's words find nothing.
    response = as_superuser.get(changelist_url(Note) + "?q=Vertrouwelijk-7731")
    assert list(response.context["cl"].result_list) == []
    # Filtering on the text would tell by the count what a note says.
    response = as_superuser.get(changelist_url(Note) + "?text__contains=thuis")
    assert response.status_code == 400


def test_notes_cannot_be_added_or_changed(admin_data, as_superuser):
    """Notes are written by caseworkers through the service, never in the admin."""
    assert as_superuser.get(reverse("admin:cases_note_add")).status_code == 403
    response = as_superuser.post(change_url(admin_data.note), {"text": "overschreven"})
    assert response.status_code == 403
    admin_data.note.refresh_from_db()
    assert admin_data.note.text == NOTE_TEXT


def test_nothing_is_deleted_from_cases_and_roles(admin_data, as_superuser):
    """Nothing in cases or roles (or the access log, now in audit) is deleted
    from the admin: the delete view is 403 and there is no "delete selected"
    action."""
    request = RequestFactory().get("/")
    request.user = admin_data.superuser
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("audit", "cases", "roles"):
            continue
        obj = model._default_manager.order_by("pk").first()
        url = change_url(obj, "delete")
        assert as_superuser.get(url).status_code == 403, url
        assert as_superuser.post(url, {"post": "yes"}).status_code == 403, url
        assert model._default_manager.filter(pk=obj.pk).exists()
        assert "delete_selected" not in model_admin.get_actions(request), model
        checked += 1
    assert checked == 22


@pytest.mark.parametrize(
    "model", [Assignment, ClientUserObjectPermission, CaseGroupObjectPermission]
)
def test_derived_rows_are_not_made_by_hand(admin_data, as_superuser, model):
    """Assignments and object permissions are derived by the services, never
    added or changed in the admin."""
    opts = model._meta
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert as_superuser.get(add).status_code == 403
    obj = model._default_manager.order_by("pk").first()
    response = as_superuser.get(change_url(obj))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert as_superuser.post(change_url(obj), {}).status_code == 403


def test_status_is_read_only(admin_data, as_superuser):
    """A case's status and a complaint's stage are not fields in the admin; a
    posted status is ignored (state changes go through the services)."""
    case = admin_data.case
    html = as_superuser.get(change_url(case)).content.decode()
    for field in ("status", "outcome", "closed_at", "client", "kind"):
        assert f'name="{field}"' not in html
    assert 'name="title"' in html
    response = as_superuser.post(
        change_url(case),
        {
            "title": "Nieuwe omschrijving",
            "subject": "",
            "provider": "",
            "status": SupportCase.Status.CLOSED,
            "outcome": SupportCase.Outcome.RESOLVED,
            # The inlines' management forms (read-only, no rows posted).
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
            "user_perms-TOTAL_FORMS": "0",
            "user_perms-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.title == "Nieuwe omschrijving"
    assert case.status == SupportCase.Status.OPEN
    complaint = Complaint.objects.get(case=case)
    html = as_superuser.get(change_url(complaint)).content.decode()
    assert 'name="stage"' not in html


def test_functional_admin_manages_users_not_clients(admin_data, as_functional_admin):
    """A functional administrator opens the user list, not the client list."""
    assert as_functional_admin.get(changelist_url(User)).status_code == 200
    assert (
        as_functional_admin.get(reverse("admin:accounts_user_add")).status_code == 200
    )
    assert as_functional_admin.get(changelist_url(Client)).status_code == 403
    assert (
        as_functional_admin.get(change_url(admin_data.case.client)).status_code == 403
    )


def test_functional_admin_never_sees_who_is_a_client(admin_data, as_functional_admin):
    """On every admin page a functional administrator may open, clients and
    their informal supporters appear by number, never by name (R2)."""
    request = RequestFactory().get("/")
    request.user = admin_data.functional_admin
    seen = set()
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        obj = model._default_manager.order_by("pk").first()
        for url in (changelist_url(model), change_url(obj)):
            response = as_functional_admin.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            for word in PRIVATE_WORDS:
                assert word not in html, url
        seen.add(model._meta.label)
    assert {
        "cases.SupportCase",
        "roles.Assignment",
        "roles.ClientUserObjectPermission",
    } <= seen
    # The superuser, who may view clients, does see the name.
    client = HttpClient()
    client.force_login(admin_data.superuser)
    assert CLIENT_LAST_NAME in client.get(changelist_url(SupportCase)).content.decode()


def test_functional_admin_cannot_grant_superuser(admin_data, as_functional_admin):
    """A functional administrator changes users, but cannot make anyone a
    superuser or hand out single permissions, nor change a superuser."""
    html = as_functional_admin.get(change_url(admin_data.confidant)).content.decode()
    assert 'name="role"' in html
    assert 'name="is_superuser"' not in html
    assert 'name="user_permissions"' not in html
    superuser = admin_data.superuser
    html = as_functional_admin.get(change_url(superuser)).content.decode()
    assert 'name="username"' not in html
    password_url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert as_functional_admin.get(password_url).status_code == 403


def test_client_search_by_date_of_birth(admin_data, as_superuser):
    """Clients are found by a (Dutch or ISO) date of birth as well as by name."""
    for term in ("02-04-2011", "2011-04-02", "Fenna"):
        response = as_superuser.get(changelist_url(Client) + "?q=" + term)
        found = list(response.context["cl"].result_list)
        assert found == [admin_data.case.client], term


def test_changelists_need_a_fixed_number_of_queries(
    admin_data, as_superuser, django_assert_max_num_queries
):
    """Every changelist needs a fixed number of queries, however many rows it
    shows (related rows are joined, not fetched per row)."""
    for n in range(5):
        case = services.client_register(
            actor=admin_data.confidant,
            first_name=f"Extra {n}",
            last_name="Janssen",
            date_of_birth=datetime.date(2010, 1, 1 + n),
            kind=Client.Kind.YOUTH,
            municipality=admin_data.case.client.municipality,
            case_kind=SupportCase.Kind.COMPLAINT,
            case_title=f"Klacht {n}",
        )
        services.note_add(actor=admin_data.confidant, case=case, text=f"notitie {n}")
    for model in admin.site._registry:
        # Opening the access log writes one access-log row.
        extra = access_log_queries() if model is AccessLogEntry else 0
        # django-axes' lockout lists add a date hierarchy and a filter (fixed).
        extra += 2 if model._meta.app_label == "axes" else 0
        with django_assert_max_num_queries(10 + extra):
            assert as_superuser.get(changelist_url(model)).status_code == 200
