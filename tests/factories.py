"""Test data for Naast.

Two kinds of helpers:

* **factories** (factory-boy, Dutch fake data) for rows no rule is attached to:
  municipalities, organisations, teams, users, families, clients, care,
  applications, informal supporters, authenticator apps;
* **service helpers** (``open_case``, ``assign``, ``plan_meeting``, …) for
  everything a service writes. Cases, assignments, meetings, attendance and
  consent are never made by a factory: the services keep the permission rows in
  step with the assignments, and ``roles.permissions.verify()`` must stay ``[]``.
"""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.hashers import MD5PasswordHasher, make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ROLE_TRAITS, Municipality, Organisation, Team, User
from cases import services as case_services
from cases.models import (
    Application,
    CallerType,
    Care,
    CareKind,
    Client,
    Complaint,
    ConflictingInterest,
    ContactChannel,
    ContactMoment,
    ContactTheme,
    Family,
    FamilyMembership,
    ItemKind,
    Meeting,
    Note,
    SupportCase,
)
from cases.person_key import person_key
from roles import services as role_services
from roles.models import Assignment, Attendance, Consent, InformalSupporter
from roles.policy import SupportRole, support_role_for_user

DEMO_PASSWORD = "demo"
# Hashed once, with the hasher ``tests/conftest.py`` configures: a real hasher
# per user would dominate the run time of the suite.
DEMO_PASSWORD_HASH = MD5PasswordHasher().encode(DEMO_PASSWORD, "naast")

# The roles that are not per object are groups (``roles/migrations/0002_groups``),
# named in ``accounts.models.ROLE_TRAITS``.
ROLE_GROUPS = {
    role: traits.group for role, traits in ROLE_TRAITS.items() if traits.group
}


def nl(provider: str, **kwargs: object) -> factory.Faker:
    """Dutch fake data."""
    return factory.Faker(provider, locale="nl_NL", **kwargs)


# --- factories ------------------------------------------------------------------------


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Gemeente {n:04d}")
    # GM5000-GM9999: clear of the real CBS codes (all below GM2000) that
    # fixtures and tests use, so the sequence never collides with them
    # however many municipalities a test session makes.
    cbs_code = factory.Sequence(lambda n: f"GM{5000 + n % 5000:04d}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A care provider unless a trait says otherwise.

    The trait for a municipality's own organisation is ``municipal`` (the name
    ``municipality`` is the model field). There is one AKJ in the Netherlands, so
    ``akj=True`` always gives the same organisation.
    """

    class Meta:
        model = Organisation
        django_get_or_create = ("name", "kind")

    name = factory.Sequence(lambda n: f"Jeugdhulp {n:04d}")
    kind = Organisation.Kind.CARE_PROVIDER
    municipality = None

    class Params:
        akj = factory.Trait(name="AKJ", kind=Organisation.Kind.AKJ)
        client_support = factory.Trait(
            name=factory.Sequence(lambda n: f"Cliëntondersteuning {n:04d}"),
            kind=Organisation.Kind.CLIENT_SUPPORT,
        )
        municipal = factory.Trait(
            name=factory.LazyAttribute(lambda o: f"{o.municipality.name} (gemeente)"),
            kind=Organisation.Kind.MUNICIPALITY,
            municipality=factory.SubFactory(MunicipalityFactory),
        )
        care_provider = factory.Trait(kind=Organisation.Kind.CARE_PROVIDER)


class TeamFactory(factory.django.DjangoModelFactory):
    """A team of an organisation; by default the one team every caseworker of
    the organisation joins and every team lead of it leads, so that a test
    that does not speak of teams sees the organisation as one team."""

    class Meta:
        model = Team
        django_get_or_create = ("organisation", "name")

    organisation = factory.SubFactory(OrganisationFactory, akj=True)
    name = factory.LazyAttribute(lambda o: f"Team {o.organisation.name}"[:100])


def _default_team(o) -> Team:
    return TeamFactory(organisation=o.organisation)


def _password_hash(o) -> str:
    """``DEMO_PASSWORD``'s hash, made once; any other ``password_text`` hashed as
    ``set_password`` does (``None``: an unusable password)."""
    if o.password_text == DEMO_PASSWORD:
        return DEMO_PASSWORD_HASH
    return make_password(o.password_text)


class UserFactory(factory.django.DjangoModelFactory):
    """A user without a role; use a trait for one. Password: ``DEMO_PASSWORD``
    unless ``password_text`` says otherwise."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    first_name = nl("first_name")
    last_name = nl("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.nl")
    password = factory.LazyAttribute(_password_hash)
    role = ""
    organisation = None

    class Params:
        password_text = DEMO_PASSWORD
        #: Only a username: no name, no e-mail address (as ``create_user`` makes
        #: an account from a username alone).
        nameless = factory.Trait(first_name="", last_name="", email="")
        superuser = factory.Trait(is_staff=True, is_superuser=True)
        confidant = factory.Trait(
            role=User.Role.AKJ_CONFIDANT,
            organisation=factory.SubFactory(OrganisationFactory, akj=True),
            team=factory.LazyAttribute(_default_team),
        )
        client_supporter = factory.Trait(
            role=User.Role.CLIENT_SUPPORTER,
            organisation=factory.SubFactory(OrganisationFactory, client_support=True),
            team=factory.LazyAttribute(_default_team),
            expertise="Cliëntondersteuning Jeugdwet en Wmo",
        )
        team_lead = factory.Trait(
            role=User.Role.TEAM_LEAD,
            organisation=factory.SubFactory(OrganisationFactory, akj=True),
        )
        decision_maker = factory.Trait(
            role=User.Role.DECISION_MAKER,
            organisation=factory.SubFactory(OrganisationFactory, municipal=True),
        )
        functional_admin = factory.Trait(
            role=User.Role.FUNCTIONAL_ADMIN,
            is_staff=True,
            organisation=factory.SubFactory(OrganisationFactory, akj=True),
        )
        privacy_officer = factory.Trait(
            role=User.Role.PRIVACY_OFFICER,
            is_staff=True,
            organisation=factory.SubFactory(OrganisationFactory, akj=True),
        )
        contract_manager = factory.Trait(
            role=User.Role.CONTRACT_MANAGER,
            organisation=factory.SubFactory(OrganisationFactory, municipal=True),
        )

    @factory.post_generation
    def role_group(self, create: bool, extracted: object, **kwargs: object) -> None:
        """Team leads and functional administrators are in their group, unless
        ``role_group=False`` (an account whose group nobody set, see
        ``account``)."""
        if create and extracted is not False and self.role in ROLE_GROUPS:
            group, _ = Group.objects.get_or_create(name=ROLE_GROUPS[self.role])
            self.groups.add(group)

    @factory.post_generation
    def leads(self, create: bool, extracted: object, **kwargs: object) -> None:
        """A team lead leads the teams given (``leads=[team]``), by default the
        default team of their organisation."""
        if not create or self.role != User.Role.TEAM_LEAD:
            return
        teams = (
            extracted
            if extracted is not None
            else [TeamFactory(organisation=self.organisation)]
        )
        self.led_teams.add(*teams)


def account(
    username: str,
    role: str = "",
    organisation: Organisation | None = None,
    **kw: object,
) -> User:
    """A user as ``User.objects.create_user(username, password="x", role=…,
    organisation=…)`` makes one: no name, no e-mail address, in no role group
    (``role_group=True`` puts them in it). ``kw`` as for ``UserFactory``:
    ``team=…``, ``leads=[…]`` for a team lead (else the organisation's default
    team), ``is_staff=True``, ``superuser=True``, ``password_text=None`` for
    an account without a usable password."""
    kw.setdefault("password_text", "x")
    kw.setdefault("role_group", False)
    return UserFactory(
        username=username, role=role, organisation=organisation, nameless=True, **kw
    )


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator app (its secret random, as django-otp makes it)."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "app"
    confirmed = True


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    class Params:
        surname = nl("last_name")

    organisation = factory.SubFactory(OrganisationFactory, akj=True)
    name = factory.LazyAttribute(lambda o: f"Gezin {o.surname}")


class ClientFactory(factory.django.DjangoModelFactory):
    """A youth of 12–17; trait ``parent`` for a parent."""

    class Meta:
        model = Client

    organisation = factory.SubFactory(OrganisationFactory, akj=True)
    first_name = nl("first_name")
    last_name = nl("last_name")
    date_of_birth = nl("date_of_birth", minimum_age=12, maximum_age=17)
    person_key = factory.LazyAttribute(
        lambda o: person_key(
            first_name=o.first_name,
            last_name=o.last_name,
            date_of_birth=o.date_of_birth,
        )
    )
    kind = Client.Kind.YOUTH
    municipality = factory.SubFactory(MunicipalityFactory)

    class Params:
        parent = factory.Trait(
            kind=Client.Kind.PARENT,
            date_of_birth=nl("date_of_birth", minimum_age=30, maximum_age=55),
        )


class FamilyMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMembership

    family = factory.SubFactory(FamilyFactory)
    client = factory.SubFactory(
        ClientFactory, organisation=factory.SelfAttribute("..family.organisation")
    )
    relation = "zoon"


class CareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Care

    client = factory.SubFactory(ClientFactory)
    provider = factory.SubFactory(OrganisationFactory, care_provider=True)
    kind = CareKind.YOUTH_CARE
    contact_person = nl("name")
    started_on = nl("date_between", start_date="-2y", end_date="-30d")


def municipal_file(client: Client, municipality: Municipality) -> Client:
    """The municipality's own file of the person of ``client`` (R13: an
    application belongs to the municipality's organisation; R9 recognises the
    person across the files by the person key alone)."""
    organisation = Organisation.objects.filter(
        kind=Organisation.Kind.MUNICIPALITY, municipality=municipality
    ).first() or OrganisationFactory(municipal=True, municipality=municipality)
    if client.organisation_id == organisation.pk:
        return client
    return Client.objects.filter(
        organisation=organisation, person_key=client.person_key
    ).first() or ClientFactory(
        organisation=organisation,
        first_name=client.first_name,
        last_name=client.last_name,
        date_of_birth=client.date_of_birth,
        person_key=client.person_key,
        kind=client.kind,
        municipality=client.municipality,
    )


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A pending application; decisions go through ``decide`` (R9). The
    client given may be any organisation's file of the applicant: the
    application is made on the municipality's own file of that person."""

    class Meta:
        model = Application

    client = factory.SubFactory(ClientFactory)
    municipality = factory.LazyAttribute(lambda o: o.client.municipality)
    care_kind = CareKind.YOUTH_CARE
    description = "Ambulante gezinsbegeleiding"
    submitted_on = nl("date_between", start_date="-90d", end_date="-7d")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs["client"] = municipal_file(kwargs["client"], kwargs["municipality"])
        return super()._create(model_class, *args, **kwargs)


class InformalSupporterFactory(factory.django.DjangoModelFactory):
    """Someone from the client's network; never a user (R11)."""

    class Meta:
        model = InformalSupporter

    client = factory.SubFactory(ClientFactory)
    name = nl("name")
    relation = "tante"


# --- service helpers ----------------------------------------------------------------


def _default_kind(user: User) -> str:
    if support_role_for_user(user) == SupportRole.CLIENT_SUPPORTER:
        return SupportCase.Kind.CARE_QUESTION
    return SupportCase.Kind.QUESTION


def open_case(
    user: User,
    client: Client | None = None,
    kind: str | None = None,
    *,
    title: str = "Vraag over de hulp",
    family: Family | None = None,
    relation: str = "",
    at_clients_request: bool = True,
    **kw: object,
) -> SupportCase:
    """Open a case as ``user``, who is then assigned to it.

    Without ``client`` a new client is registered (``client_register``); ``kw``
    are then ``ClientFactory`` fields or traits (``municipality=…``,
    ``parent=True``, …). With ``client`` — one ``user`` already supports — a case is
    opened for them (``case_open``); ``kw`` are then case fields (``subject``,
    ``provider``). ``kind`` defaults to what the user's role supports.
    """
    kind = kind or _default_kind(user)
    if client is not None:
        return case_services.case_open(
            actor=user,
            client=client,
            kind=kind,
            title=title,
            at_clients_request=at_clients_request,
            **kw,
        )
    kw.setdefault("municipality", MunicipalityFactory())
    data = ClientFactory.build(**kw)
    return case_services.client_register(
        actor=user,
        first_name=data.first_name,
        last_name=data.last_name,
        date_of_birth=data.date_of_birth,
        kind=data.kind,
        municipality=data.municipality,
        lives_in_institution=data.lives_in_institution,
        institution=data.institution,
        case_kind=kind,
        case_title=title,
        family=family,
        relation=relation,
        at_clients_request=at_clients_request,
    )


def register_same_person(
    user: User, client: Client, kind: str | None = None, *, title: str = "Zorgvraag"
) -> SupportCase:
    """``user`` of another organisation registers the person of ``client``:
    their organisation gets a file of its own, never joined with ``client``'s
    (R13); the two share only the person key (R9)."""
    assert user.organisation_id != client.organisation_id
    return case_services.client_register(
        actor=user,
        first_name=client.first_name,
        last_name=client.last_name,
        date_of_birth=client.date_of_birth,
        kind=client.kind,
        municipality=client.municipality,
        case_kind=kind or _default_kind(user),
        case_title=title,
        at_clients_request=True,
    )


def take_up_client(
    user: User, client: Client, kind: str | None = None, *, title: str = "Zorgvraag"
) -> SupportCase:
    """Open a case for a client someone *else* of the same organisation
    supports, e.g. a colleague of the confidant (R2 tests).

    Naast has no public service for this yet (``case_open`` needs the client's
    change permission, ``client_register`` makes a new client), so this uses the
    internal ``_case_open`` that ``client_register`` calls: it still assigns the
    user and writes the permission rows.
    """
    with transaction.atomic():
        return case_services._case_open(
            actor=user, client=client, kind=kind or _default_kind(user), title=title
        )


def assign(
    team_lead: User,
    case: SupportCase,
    user: User,
    role: str | None = None,
    **kw: object,
) -> Assignment:
    """A team lead assigns a professional (role from the user's own role)."""
    return role_services.assignment_start(
        actor=team_lead,
        case=case,
        role=role or support_role_for_user(user),
        user=user,
        **kw,
    )


def assign_informal(
    actor: User,
    case: SupportCase,
    informal_supporter: InformalSupporter | None = None,
    *,
    at_clients_request: bool = True,
) -> Assignment:
    """The case's supporter adds someone from the client's network (R11)."""
    return role_services.assignment_start(
        actor=actor,
        case=case,
        role=SupportRole.INFORMAL_SUPPORTER,
        informal_supporter=informal_supporter
        or InformalSupporterFactory(client=case.client),
        at_clients_request=at_clients_request,
    )


def active_assignment(
    case: SupportCase, *, user: User | None = None, role: str | None = None
) -> Assignment:
    """The one active assignment on ``case`` of ``user`` or in ``role``."""
    qs = Assignment.objects.filter(case=case, ended_at__isnull=True)
    if user is not None:
        qs = qs.filter(user=user)
    if role is not None:
        qs = qs.filter(role=role)
    return qs.get()


def end_assignment(team_lead: User, assignment: Assignment) -> Assignment:
    return role_services.assignment_end(actor=team_lead, assignment=assignment)


def close_case(
    actor: User, case: SupportCase, outcome: str = SupportCase.Outcome.RESOLVED
) -> SupportCase:
    return case_services.case_close(actor=actor, case=case, outcome=outcome)


def add_note(actor: User, case: SupportCase, text: str = "Gesprek gevoerd.") -> Note:
    return case_services.note_add(actor=actor, case=case, text=text)


def record_contact(
    actor: User,
    *,
    items: int = 1,
    started_at: datetime.datetime | None = None,
    **fields: object,
) -> ContactMoment:
    """A contact moment through ``contact_record``: an anonymous phone
    question of a youth, a quarter of an hour ago, unless ``fields`` say
    otherwise; ``items`` questions about a theme each."""
    themes = ContactTheme.values
    arguments: dict[str, object] = {
        "channel": ContactChannel.PHONE,
        "duration_minutes": 10,
        "caller_type": CallerType.YOUTH,
        "anonymous": "client" not in fields and "case" not in fields,
        **fields,
    }
    return case_services.contact_record(
        actor=actor,
        started_at=started_at or timezone.now() - datetime.timedelta(minutes=15),
        items=[
            case_services.ContactItemInput(kind=ItemKind.QUESTION, theme=themes[i])
            for i in range(items)
        ],
        **arguments,
    )


def plan_meeting(
    actor: User,
    case: SupportCase,
    kind: str = Meeting.Kind.QUESTION_COMPLAINT,
    *,
    starts_at: datetime.datetime | None = None,
    **kw: object,
) -> Meeting:
    """A meeting a week from now (kind: question/complaint conversation)."""
    return case_services.meeting_plan(
        actor=actor,
        case=case,
        kind=kind,
        starts_at=starts_at or timezone.now() + datetime.timedelta(days=7),
        **kw,
    )


def invite(
    actor: User,
    meeting: Meeting,
    assignment: Assignment,
    *,
    requested_by_client: bool = True,
) -> Attendance:
    """Plan a supporter into a meeting (R5, R11)."""
    return role_services.attendance_add(
        actor=actor,
        meeting=meeting,
        assignment=assignment,
        requested_by_client=requested_by_client,
    )


def give_consent(
    actor: User,
    informal_supporter: InformalSupporter,
    meeting: Meeting | None = None,
    item: str = Consent.Item.MEETING_INVITATION,
) -> Consent:
    """Record the client's consent, given today (R11); a document's consent
    names the document."""
    return role_services.consent_record(
        actor=actor,
        informal_supporter=informal_supporter,
        item=item,
        meeting=meeting,
        description="Brief aan de klachtencommissie"
        if item == Consent.Item.DOCUMENT
        else "",
        given_on=timezone.localdate(),
    )


def record_conflict(
    actor: User, client_a: Client, client_b: Client
) -> ConflictingInterest:
    """Record that two family members have conflicting interests (R4)."""
    return case_services.conflict_record(
        actor=actor,
        client_a=client_a,
        client_b=client_b,
        description="Ouder en jeugdige willen elk iets anders.",
    )


def advance_complaint(
    actor: User, case: SupportCase, stage: str, **kw: object
) -> Complaint:
    """Move the case's complaint to ``stage`` with sensible defaults (R3)."""
    if stage == Complaint.Stage.SUBMITTED:
        kw.setdefault("submitted_to", "Klachtencommissie Jeugdhulp")
    if stage == Complaint.Stage.DECIDED:
        kw.setdefault("decision_summary", "De klacht is gegrond verklaard.")
    return case_services.complaint_advance(
        actor=actor, complaint=Complaint.objects.get(case=case), stage=stage, **kw
    )


# The way from ``formulating`` to each stage.
COMPLAINT_PATH = {
    Complaint.Stage.FORMULATING: [],
    Complaint.Stage.SUBMITTED: [Complaint.Stage.SUBMITTED],
    Complaint.Stage.HANDLING: [Complaint.Stage.SUBMITTED, Complaint.Stage.HANDLING],
    Complaint.Stage.DECIDED: [
        Complaint.Stage.SUBMITTED,
        Complaint.Stage.HANDLING,
        Complaint.Stage.DECIDED,
    ],
    Complaint.Stage.WITHDRAWN: [Complaint.Stage.WITHDRAWN],
}


def complaint_in_stage(actor: User, case: SupportCase, stage: str) -> Complaint:
    """Bring a complaint case's complaint to ``stage`` through the service."""
    complaint = Complaint.objects.get(case=case)
    for step in COMPLAINT_PATH[stage]:
        complaint = advance_complaint(actor, case, step)
    return complaint


def decide(
    decision_maker: User,
    application: Application,
    decision: str = Application.Decision.GRANTED,
    reason: str = "Voldoet aan de criteria.",
) -> Application:
    return case_services.application_decide(
        actor=decision_maker, application=application, decision=decision, reason=reason
    )
