"""Shared fixtures: the actors of Naast in consistent organisations, and checks
that a refused action changed nothing.

The organisations hang together: the clients of ``confidant_case`` and
``supporter_case`` live in ``municipality``, whose own organisation employs
``decision_maker``; ``confidant``, ``confidant2`` and ``team_lead`` work for the
AKJ; ``client_supporter`` and ``client_support_team_lead`` for
``client_support_org``. Fixtures that touch the database ask for ``db``
themselves; there is no autouse database access.

The access-matrix ``world`` and the worlds built on it (one per
``test_access_*`` matrix) are here too: a fixture that more than one test
module uses lives in this file, never in a test module that others import.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Municipality, Organisation, User
from audit.models import AccessLogEntry
from cases import services
from cases.models import (
    Application,
    CaseEvent,
    Client,
    Complaint,
    ConflictingInterest,
    Family,
    FamilyMembership,
    LinkRequest,
    Meeting,
    Note,
    SupportCase,
)
from privacy.models import DataSubjectRequest
from roles import referrals as referral_services
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
    ClientFactory,
    FamilyFactory,
    FamilyMembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    account,
    open_case,
)
from tests.privacy_helpers import privacy_officer, register_breach, register_request


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


def error_codes(error: ValidationError) -> set[str | None]:
    """The codes of a ValidationError, field errors included."""
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


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


# --- the access log -----------------------------------------------------------------


def access_log_queries() -> int:
    """Queries that writing one access-log row adds to a page: the previous
    hash and the INSERT, plus the advisory lock on PostgreSQL
    (``audit.log``)."""
    from django.db import connection

    return 3 if connection.vendor == "postgresql" else 2


# --- the world of the access matrix ---------------------------------------------------

WORLD_ROLES = ["vp1", "vp2", "co1", "tl", "dm", "fa"]


@dataclass
class World:
    users: dict[str, User]
    objects: dict[str, int]


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


def check_access(
    client,
    world: World,
    name: str,
    key: str | None,
    method: str,
    expected: dict,
    roles: list[str] = WORLD_ROLES,
) -> None:
    """Request one URL as anonymous and as every role of the world; roles missing
    from ``expected`` must get 404. Anonymous users are sent to the login page.
    ``key`` names an object of ``world.objects`` (or ``None`` for no argument);
    ``roles`` are the keys of ``world.users`` to try."""
    from django.urls import reverse

    url = reverse(name, args=[world.objects[key]] if key else [])
    data = {"text": "Gesprek gevoerd."} if method == "post" else None
    response = getattr(client, method)(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    got = {}
    for role in roles:
        client.force_login(world.users[role])
        response = getattr(client, method)(url, data)
        got[role] = response.status_code
        if response.status_code == 200:
            # Every page a role may see carries the Content Security Policy.
            assert response["Content-Security-Policy"], url
            assert response["X-Frame-Options"] == "DENY", url
    assert got == {role: expected.get(role, 404) for role in roles}


def check_budget(
    client, world: World, role, name, key, budget, logged, assert_max_queries
) -> None:
    """GET the page as ``role`` within ``budget`` queries (plus the access-log
    row's when ``logged``), and check it writes exactly that row."""
    from django.urls import reverse

    client.force_login(world.users[role])
    url = reverse(name, args=[world.objects[key]] if key else [])
    before = AccessLogEntry.objects.count()
    with assert_max_queries(budget + (access_log_queries() if logged else 0)):
        response = client.get(url)
    assert response.status_code == 200
    assert AccessLogEntry.objects.count() - before == (1 if logged else 0)


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


# --- the worlds of the access matrices ----------------------------------------------
# Each ``tests/test_access_*.py`` matrix runs in one of these; the declarations
# check and the form fuzzing open every matrix's pages, so they need them all.


@pytest.fixture
def avg_world(privacy_world: World) -> World:
    """The access-matrix world with its privacy officers, three requests of
    the AKJ's clients (an inzage request with a checked identity, one just
    received, an erasure request), a breach, the consent for the informal
    supporter's invitation and a consent for a document."""
    world = privacy_world
    po = world.users["po"]
    world.users["po2"] = privacy_officer(
        Organisation.objects.get(name="Cliëntondersteuning Utrecht"), "po2"
    )
    youth = Client.objects.get(pk=world.objects["youth"])
    mother = Client.objects.get(pk=world.objects["mother"])
    world.objects["inzage_request"] = register_request(po, youth).pk
    world.objects["received_request"] = register_request(po, mother, checked=False).pk
    world.objects["erasure_request"] = register_request(
        po, mother, DataSubjectRequest.Kind.ERASURE
    ).pk
    world.objects["breach"] = register_breach(po).pk
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
    return world


@pytest.fixture
def boundary_world(world: World) -> World:
    """The access-matrix world plus: a team lead of the client-support
    organisation (``tlco``); vp2's registration of a person vp1 already
    supports, waiting for the team lead (``link``); and vp1's referral of the
    youth to the client-support organisation (``referral``)."""
    vp1, vp2, co1 = world.users["vp1"], world.users["vp2"], world.users["co1"]
    world.users["tlco"] = account(
        "tlco",
        User.Role.TEAM_LEAD,
        co1.organisation,
        leads=[co1.team],
        role_group=True,
    )
    youth = Client.objects.get(pk=world.objects["youth"])
    person = {
        "first_name": "Lotte",
        "last_name": "Visser",
        "date_of_birth": datetime.date(2010, 5, 5),
        "kind": "youth",
        "municipality": youth.municipality,
        "case_kind": "question",
    }
    services.client_register(actor=vp1, **person, case_title="Vraag")
    link = services.client_register(actor=vp2, **person, case_title="Tweede vraag")
    assert isinstance(link, LinkRequest)
    referral = referral_services.referral_send(
        actor=vp1,
        client=youth,
        to_organisation=co1.organisation,
        case=None,
        items=["identity"],
        consent_given_on=datetime.date.today(),
        message="Sem zoekt passende hulp.",
        address="127.0.0.1",
    )
    world.objects.update(link=link.pk, referral=referral.pk)
    assert Organisation.objects.filter(pk=referral.to_organisation_id).exists()
    return world


@pytest.fixture
def cases_world(world) -> World:
    """The access-matrix world with the assignments of its cases by name."""
    objects, users = world.objects, world.users

    def assignment(case: str, **holder) -> int:
        return Assignment.objects.get(case_id=objects[case], **holder).pk

    objects["vp1_assignment"] = assignment("complaint_case", user=users["vp1"])
    objects["vp2_assignment"] = assignment("mother_case", user=users["vp2"])
    objects["co1_assignment"] = assignment("care_case", user=users["co1"])
    objects["closed_assignment"] = assignment("closed_case", user=users["vp1"])
    objects["informal_assignment"] = assignment(
        "complaint_case", informal_supporter__isnull=False
    )
    return world


@pytest.fixture
def clients_world(world):
    """The access-matrix world plus: the family of the youth and the mother,
    a family whose only member nobody supports, care of the youth and of the
    mother, and a client whose only case vp1 closed (R6: no longer visible)."""
    vp1, vp2 = world.users["vp1"], world.users["vp2"]
    youth = Client.objects.get(pk=world.objects["youth"])
    mother = Client.objects.get(pk=world.objects["mother"])
    provider = Organisation.objects.get(kind=Organisation.Kind.CARE_PROVIDER)
    family = FamilyMembership.objects.get(client=youth).family
    lonely = FamilyFactory(name="Gezin Jansen", organisation=youth.organisation)
    FamilyMembershipFactory(
        family=lonely,
        relation="vader",
        client=ClientFactory(
            organisation=youth.organisation,
            first_name="Piet",
            last_name="Jansen",
            date_of_birth=datetime.date(1980, 1, 1),
            kind="parent",
            municipality=youth.municipality,
            # No person key, as before: nobody registered him through a
            # service, and nothing looks him up by it.
            person_key="",
        ),
    )
    start = datetime.date(2024, 1, 1)
    care = services.care_record(
        actor=vp1, client=youth, provider=provider, kind="jeugdhulp", started_on=start
    )
    mother_care = services.care_record(
        actor=vp2, client=mother, provider=provider, kind="jeugdhulp", started_on=start
    )
    former = services.client_register(
        actor=vp1,
        first_name="Lotte",
        last_name="Visser",
        date_of_birth=datetime.date(2010, 5, 5),
        kind="youth",
        municipality=youth.municipality,
        case_kind="question",
        case_title="Vraag",
    )
    services.case_close(actor=vp1, case=former, outcome="resolved")
    world.objects.update(
        family=family.pk,
        unsupported_family=lonely.pk,
        care=care.pk,
        mother_care=mother_care.pk,
        former_client=former.client_id,
    )
    return world


@pytest.fixture
def emergency_world(privacy_world: World) -> World:
    """The privacy world with the team lead's running emergency access to the
    youth's complaint case."""
    world = privacy_world
    world.objects["tl_emergency"] = role_services.emergency_access_open(
        actor=world.users["tl"],
        case=SupportCase.objects.get(pk=world.objects["complaint_case"]),
        reason="De vertrouwenspersoon is plotseling uitgevallen en de klacht loopt door.",
    ).pk
    return world


@pytest.fixture
def notes_world(world) -> World:
    """The access-matrix world with a note in the complaint case (vp1), the
    care case (co1) and the closed case (vp1, written before it closed)."""
    objects, users = world.objects, world.users
    objects["complaint_note"] = services.note_add(
        actor=users["vp1"],
        case=SupportCase.objects.get(pk=objects["complaint_case"]),
        text="Sem vertelde over de groep.",
    ).pk
    objects["care_note"] = services.note_add(
        actor=users["co1"],
        case=SupportCase.objects.get(pk=objects["care_case"]),
        text="Passende hulp gezocht.",
    ).pk
    # The closed case can take no new note through the service any more.
    objects["closed_note"] = Note.objects.create(
        case_id=objects["closed_case"], author=users["vp1"], text="Inzage geregeld."
    ).pk
    return world


@pytest.fixture
def outreach_world(world: World) -> World:
    """The access-matrix world with a visit of ``vp1``."""
    world.objects["visit"] = services.outreach_visit_record(
        actor=world.users["vp1"],
        institution=Organisation.objects.get(name="Jeugdzorg Midden"),
        municipality=world.users["dm"].organisation.municipality,
        visited_on=datetime.date(2026, 3, 2),
        group="Leefgroep De Linde",
        youths_spoken=4,
        themes=["rights"],
    ).pk
    return world
