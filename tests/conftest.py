"""Shared fixtures: the actors of Naast in consistent organisations, and checks
that a refused action changed nothing.

The organisations hang together: the clients of ``confidant_case`` and
``supporter_case`` live in ``municipality``, whose own organisation employs
``decision_maker``; ``confidant``, ``confidant2`` and ``team_lead`` work for the
AKJ; ``client_supporter`` and ``client_support_team_lead`` for
``client_support_org``. Fixtures that touch the database ask for ``db``
themselves; there is no autouse database access.

The access-matrix ``world`` (with its privacy officer and its report
readers) is here too; the worlds of the single matrices, used only under
``tests/web``, are in ``tests/web/conftest.py``. A fixture that more than one
test module uses lives in a conftest.py, never in a test module that others
import; plain helpers (``World``, ``check_access``, ``error_codes`` …) live in
``tests/support``.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Municipality, Organisation, User
from cases import services
from cases.models import (
    Application,
    CaseEvent,
    Client,
    Complaint,
    ConflictingInterest,
    Family,
    FamilyMembership,
    Meeting,
    Note,
    SupportCase,
)
from roles import services as role_services
from roles.models import (
    Assignment,
    Attendance,
    CaseUserObjectPermission,
    ClientUserObjectPermission,
    Consent,
    InformalSupporter,
)
from roles.policy import SupportRole
from tests.factories import (
    ApplicationFactory,
    FamilyFactory,
    MunicipalityFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    account,
    open_case,
)
from tests.support.checks import error_codes
from tests.support.privacy import privacy_officer
from tests.support.world import World

#: The modules whose tests take longest (``--durations``). They start first, so
#: that on two workers (pytest-xdist, worksteal) no long test is left for the
#: end while the other worker has nothing to do.
SLOW_FIRST = (
    "tests/web/views/test_fuzz_forms.py",
    "tests/cases/models/test_migration_boundary.py",
    "tests/cases/models/test_migration_apps.py",
    "tests/accounts/test_admin.py",
    "tests/accounts/test_oversized_ids.py",
    "tests/web/access/test_access_declarations.py",
    "tests/reports/test_reports.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow modules first (``SLOW_FIRST``), the rest in their order."""

    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return SLOW_FIRST.index(path) if path in SLOW_FIRST else len(SLOW_FIRST)

    items.sort(key=rank)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings) -> None:
    """Passwords are hashed with MD5 in tests (fast; matches ``DEMO_PASSWORD_HASH``)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- organisations ------------------------------------------------------------------


@pytest.fixture
def municipality(db) -> Municipality:
    """The municipality the fixture clients live in and ``decision_maker`` works for."""
    return MunicipalityFactory(name="Utrecht", cbs_code="GM0344")


@pytest.fixture
def other_municipality(db) -> Municipality:
    """A second municipality, for applications ``decision_maker`` may not see."""
    return MunicipalityFactory(name="Zwolle", cbs_code="GM0193")


@pytest.fixture
def akj(db) -> Organisation:
    """The AKJ, employer of the confidants and their team lead."""
    return OrganisationFactory(akj=True)


@pytest.fixture
def client_support_org(db) -> Organisation:
    """The client-support organisation of ``client_supporter``."""
    return OrganisationFactory(client_support=True, name="MEE Utrecht")


@pytest.fixture
def municipality_org(municipality) -> Organisation:
    """The municipality's own organisation, employer of ``decision_maker``."""
    return OrganisationFactory(municipal=True, municipality=municipality)


@pytest.fixture
def care_provider(db) -> Organisation:
    """A youth care provider (jeugdhulpaanbieder) that cases are about."""
    return OrganisationFactory(care_provider=True, name="Jeugdzorg Midden")


# --- actors -------------------------------------------------------------------------


@pytest.fixture
def confidant(akj) -> User:
    """An AKJ confidant (vertrouwenspersoon)."""
    return UserFactory(confidant=True, organisation=akj, username="vp1")


@pytest.fixture
def confidant2(akj) -> User:
    """A second AKJ confidant, colleague of ``confidant``."""
    return UserFactory(confidant=True, organisation=akj, username="vp2")


@pytest.fixture
def client_supporter(client_support_org) -> User:
    """A client supporter (cliëntondersteuner) of ``client_support_org``."""
    return UserFactory(
        client_supporter=True, organisation=client_support_org, username="co1"
    )


@pytest.fixture
def team_lead(akj) -> User:
    """The AKJ team lead: sees the AKJ's case metadata, never content, assigns."""
    return UserFactory(team_lead=True, organisation=akj, username="tl-akj")


@pytest.fixture
def client_support_team_lead(client_support_org) -> User:
    """The team lead of ``client_support_org``, who assigns client supporters."""
    return UserFactory(
        team_lead=True, organisation=client_support_org, username="tl-co"
    )


@pytest.fixture
def decision_maker(municipality_org) -> User:
    """A decision-maker (beslisser) of ``municipality``."""
    return UserFactory(
        decision_maker=True, organisation=municipality_org, username="beslisser"
    )


@pytest.fixture
def functional_admin(akj) -> User:
    """A functional administrator (functioneel beheerder): staff, no client data."""
    return UserFactory(functional_admin=True, organisation=akj, username="fb")


# --- cases --------------------------------------------------------------------------


@pytest.fixture
def confidant_case(confidant, municipality) -> SupportCase:
    """A question case of a new youth in ``municipality``, opened by ``confidant``."""
    return open_case(
        confidant, kind=SupportCase.Kind.QUESTION, municipality=municipality
    )


@pytest.fixture
def supporter_case(client_supporter, municipality) -> SupportCase:
    """A care-question case of a new client, opened by ``client_supporter``."""
    return open_case(
        client_supporter,
        kind=SupportCase.Kind.CARE_QUESTION,
        municipality=municipality,
    )


# --- "nothing changed" ----------------------------------------------------------------

_COUNTED = [
    Client,
    Family,
    FamilyMembership,
    ConflictingInterest,
    SupportCase,
    Complaint,
    CaseEvent,
    Note,
    Meeting,
    Application,
    InformalSupporter,
    Assignment,
    Attendance,
    Consent,
    CaseUserObjectPermission,
    ClientUserObjectPermission,
]


@pytest.fixture
def db_state(db) -> Callable[[], dict[str, object]]:
    """A snapshot of every row a service writes: counts, and the state columns
    services change. Two equal snapshots mean nothing changed."""

    def snapshot() -> dict[str, object]:
        state: dict[str, object] = {
            model._meta.label: model.objects.count() for model in _COUNTED
        }
        state["case status"] = sorted(
            SupportCase.objects.values_list("pk", "status", "outcome")
        )
        state["assignment ends"] = sorted(
            Assignment.objects.values_list("pk", "end_reason")
        )
        state["complaint stages"] = sorted(
            Complaint.objects.values_list("pk", "stage", "submitted_to")
        )
        state["attendance status"] = sorted(
            Attendance.objects.values_list("pk", "status")
        )
        state["application decisions"] = sorted(
            Application.objects.values_list("pk", "decision", "decider_id")
        )
        return state

    return snapshot


@pytest.fixture
def refused(db_state):
    """``with refused("r5_content_meeting"):`` — the block must raise a
    ValidationError (``field=`` the key it is on; ``exc=PermissionDenied`` for a
    403) and leave the database exactly as it was."""

    @contextlib.contextmanager
    def check(
        code: str | None = None,
        *,
        field: str | None = None,
        exc: type[Exception] = ValidationError,
    ) -> Iterator[pytest.ExceptionInfo]:
        before = db_state()
        with pytest.raises(exc) as info:
            yield info
        assert db_state() == before, "a refused action changed the database"
        if code is not None:
            assert code in error_codes(info.value), error_codes(info.value)
        if field is not None:
            assert field in info.value.message_dict, info.value

    return check


# --- the world of the access matrix ---------------------------------------------------


@pytest.fixture
def world(db) -> World:
    """Two confidants supporting two members of one family (with conflicting
    interests), a client supporter of the same youth, a team lead, a
    decision-maker and a functional administrator."""
    gemeente = MunicipalityFactory(name="Utrecht", cbs_code="GM0344")
    akj = OrganisationFactory(akj=True)
    mee = OrganisationFactory(client_support=True, name="Cliëntondersteuning Utrecht")
    muni = OrganisationFactory(
        municipal=True, municipality=gemeente, name="Gemeente Utrecht"
    )
    provider = OrganisationFactory(care_provider=True, name="Jeugdzorg Midden")

    akj_team = TeamFactory(organisation=akj, name="Regio Utrecht")
    mee_team = TeamFactory(organisation=mee, name="Team Utrecht-West")

    # Accounts with a username only. ``tl`` and ``fa`` are in their role's
    # group (``ROLE_TRAITS``), as the accounts a superuser makes for those
    # roles are: the matrices hold for the accounts as they really are.
    users = {
        "vp1": account("vp1", User.Role.AKJ_CONFIDANT, akj, team=akj_team),
        "vp2": account("vp2", User.Role.AKJ_CONFIDANT, akj, team=akj_team),
        "co1": account("co1", User.Role.CLIENT_SUPPORTER, mee, team=mee_team),
        "tl": account(
            "tl", User.Role.TEAM_LEAD, akj, leads=[akj_team], role_group=True
        ),
        "dm": account("dm", User.Role.DECISION_MAKER, muni),
        "fa": account(
            "fa", User.Role.FUNCTIONAL_ADMIN, akj, is_staff=True, role_group=True
        ),
    }
    family = FamilyFactory(name="Gezin Bakker", organisation=akj)
    youth = {
        "first_name": "Sem",
        "last_name": "Bakker",
        "date_of_birth": datetime.date(2011, 4, 2),
        "kind": "youth",
        "municipality": gemeente,
    }
    c1 = services.client_register(
        actor=users["vp1"],
        **youth,
        case_kind="complaint",
        case_title="Klacht over de groepsleiding",
        family=family,
        relation="zoon",
    )
    c2 = services.client_register(
        actor=users["vp2"],
        first_name="Anouk",
        last_name="Bakker",
        date_of_birth=datetime.date(1984, 9, 12),
        kind="parent",
        municipality=gemeente,
        case_kind="question",
        case_title="Vraag over de omgangsregeling",
        family=family,
        relation="moeder",
    )
    services.conflict_record(
        actor=users["vp1"], client_a=c1.client, client_b=c2.client, description="Gezag"
    )
    # The client-support organisation registers the same youth: a file of its
    # own, never joined with the AKJ's (R13).
    c3 = services.client_register(
        actor=users["co1"],
        **youth,
        case_kind="care_question",
        case_title="Passende hulp",
    )
    assert c3.client_id != c1.client_id
    c4 = services.case_open(
        actor=users["vp1"], client=c1.client, kind="question", title="Vraag over inzage"
    )
    services.case_close(actor=users["vp1"], case=c4, outcome="resolved")
    when = timezone.now() + datetime.timedelta(days=3)
    m1 = services.meeting_plan(
        actor=users["vp1"],
        case=c1,
        kind="question_complaint",
        starts_at=when,
        provider=provider,
    )
    m3 = services.meeting_plan(
        actor=users["co1"], case=c3, kind="content", starts_at=when, provider=provider
    )
    informal = role_services.informal_supporter_add(
        actor=users["vp1"], client=c1.client, name="Tante Ria", relation="tante"
    )
    informal_assignment = role_services.assignment_start(
        actor=users["vp1"],
        case=c1,
        role=SupportRole.INFORMAL_SUPPORTER,
        informal_supporter=informal,
        at_clients_request=True,
    )
    role_services.consent_record(
        actor=users["vp1"],
        informal_supporter=informal,
        item="meeting_invitation",
        meeting=m1,
        given_on=timezone.localdate(),
    )
    attendance = role_services.attendance_add(
        actor=users["vp1"],
        meeting=m1,
        assignment=informal_assignment,
        requested_by_client=True,
    )
    vp_attendance = role_services.attendance_add(
        actor=users["vp1"],
        meeting=m1,
        assignment=Assignment.objects.get(case=c1, user=users["vp1"]),
        requested_by_client=True,
    )
    # Made on the municipality's own file of the youth (R13).
    application = ApplicationFactory(
        client=c1.client,
        municipality=gemeente,
        care_kind="jeugdhulp",
        description="Ambulante hulp",
        submitted_on=timezone.localdate(),
    )
    applicant = application.client
    assert applicant.organisation == muni
    return World(
        users=users,
        objects={
            "youth": c1.client_id,
            "co_youth": c3.client_id,
            "applicant": applicant.pk,
            "mother": c2.client_id,
            "complaint_case": c1.pk,
            "mother_case": c2.pk,
            "care_case": c3.pk,
            "closed_case": c4.pk,
            "complaint_meeting": m1.pk,
            "content_meeting": m3.pk,
            "informal_attendance": attendance.pk,
            "confidant_attendance": vp_attendance.pk,
            "application": application.pk,
        },
    )


@pytest.fixture
def privacy_world(world: World) -> World:
    """The access-matrix world with a privacy officer (``po``) of the AKJ, staff."""
    world.users["po"] = privacy_officer(world.users["vp1"].organisation)
    return world


@pytest.fixture(autouse=True)
def _immediate_tasks(settings) -> None:
    """Background tasks (``django.tasks``) run at once, in the test's process."""
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    }


@pytest.fixture
def report_world(world: World) -> World:
    """The access-matrix world with a contract manager (``cm``) of its
    municipality (Utrecht); a second municipality (Zwolle) where a client of
    the AKJ lives, so the AKJ team lead reads its report and ``cm`` does not;
    and a third (Amersfoort) where no client of the AKJ lives."""
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    world.users["cm"] = account(
        "cm", User.Role.CONTRACT_MANAGER, world.users["dm"].organisation
    )
    zwolle = MunicipalityFactory(name="Zwolle", cbs_code="GM0193")
    services.client_register(
        actor=world.users["vp1"],
        first_name="Daan",
        last_name="Visser",
        date_of_birth=datetime.date(2010, 6, 1),
        kind="youth",
        municipality=zwolle,
        case_kind="question",
        case_title="Vraag over verlof",
    )
    amersfoort = MunicipalityFactory(name="Amersfoort", cbs_code="GM0307")
    world.objects["municipality"] = utrecht.pk
    world.objects["other_municipality"] = zwolle.pk
    world.objects["unreported_municipality"] = amersfoort.pk
    return world
