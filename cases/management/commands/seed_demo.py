"""Load reproducible Dutch demo data: ``python manage.py seed_demo [--clients N]``.

Two parts, in one transaction:

* **The scenario**: a dozen hand-made clients written through the real services
  (``cases.services``, ``roles.services``), so every rule and every kind of case
  event is exercised once: conflicting interests in one family with two different
  confidants (R4), a confidant at a question/complaint meeting and a mediation
  (R5), a client supporter at a content meeting (R8), an informal supporter who is
  invited with consent and one who is refused (R11, R12), complaints in every stage
  (R3), closed cases (R6), a handover (R2), applications decided by a
  decision-maker who supports no one (R9), the same youth in the files of the
  AKJ and of the client-support organisation, never joined (R13), a referral
  accepted and one waiting, and a registration of a person already known that
  waits for the team lead (R13).
* **The bulk**: the rest of the ``N`` clients with their families, care, cases,
  assignments, history, notes, meetings and applications, written with
  ``bulk_create`` per chunk of clients. Case pks are reserved first (see
  ``_reserve_pks``) so each reference is ``case_reference(kind, year, pk)`` on
  insert. The permission rows come from ``roles.permissions.bulk_grant``, so
  ``verify_permissions`` agrees afterwards.

Caseworkers grow with ``N`` (about 100 clients each), in teams of about
``TEAM_SIZE`` with a team lead each (R13). Every client file belongs to one
organisation: a person supported by both the AKJ and the client-support
organisation has a file in each, and an applicant a file at the municipality.
Every account's password is ``demo``. Running it again changes nothing: ``make
run`` calls it every time.
"""

from __future__ import annotations

import datetime
import itertools
import math
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from faker import Faker
from simple_history.utils import bulk_create_with_history

from accounts.models import Municipality, Organisation, Team, User
from cases import services as cs
from cases.complaint_clock import due_date
from cases.models import (
    Application,
    Care,
    CareKind,
    CaseEvent,
    Client,
    Complaint,
    Family,
    FamilyMembership,
    LinkRequest,
    Meeting,
    Note,
    SupportCase,
)
from cases.person_key import person_key
from roles import referrals as referral_services
from roles import services as rs
from roles.models import (
    Assignment,
    Attendance,
    CaseUserObjectPermission,
    ClientUserObjectPermission,
    Referral,
)
from roles.permissions import bulk_grant
from roles.policy import RefusalGround, SupportRole

K, Kind = SupportCase.Kind, Client.Kind

SEED = 7513  # NEN 7513: any fixed number makes the demo reproducible
PASSWORD = "demo"  # noqa: S105 - the local demo's documented password
MARKER_USERNAME = "vertrouwenspersoon1"
PRIVACY_OFFICER_USERNAME = "privacyfunctionaris"
CLIENTS_PER_CASEWORKER = 100
AKJ_SHARE = 0.7  # clients whose first case is for a confidant; the rest: care questions
SECOND_CASE_SHARE = 0.1  # clients who also have a case of the other kind
CHUNK = 5000  # clients per bulk round: bounded memory, few round trips
BATCH = 2000
TEAM_SIZE = 10  # caseworkers per team (R13: teams bound what a team lead sees)
AKJ_REGIONS = ["Midden", "Noord", "Oost", "Zuid", "West", "Randstad"]

# Real CBS codes (CBS "Gemeentelijke indeling"), with a rough weight for how many
# clients live there (population in ten thousands).
MUNICIPALITIES: list[tuple[str, str, int]] = [
    ("Amsterdam", "GM0363", 93),
    ("Rotterdam", "GM0599", 66),
    ("'s-Gravenhage", "GM0518", 56),
    ("Utrecht", "GM0344", 37),
    ("Eindhoven", "GM0772", 24),
    ("Groningen", "GM0014", 24),
    ("Tilburg", "GM0855", 23),
    ("Almere", "GM0034", 22),
    ("Breda", "GM0758", 19),
    ("Nijmegen", "GM0268", 18),
    ("Arnhem", "GM0202", 17),
    ("Haarlem", "GM0392", 16),
    ("Enschede", "GM0153", 16),
    ("Apeldoorn", "GM0200", 16),
    ("Amersfoort", "GM0307", 16),
    ("Zwolle", "GM0193", 13),
    ("Leiden", "GM0546", 13),
    ("Maastricht", "GM0935", 12),
    ("Leeuwarden", "GM0080", 12),
    ("Dordrecht", "GM0505", 12),
]
DECIDER_MUNICIPALITY = "Utrecht"
CONTRACT_MANAGER_USERNAME = "contractmanager"  # reads Utrecht's anonymous report

AKJ_NAME = "AKJ – Advies- en Klachtenbureau Jeugdzorg"
CLIENT_SUPPORT_NAME = "MEE Middenland Cliëntondersteuning"
# Fictional care providers: (key, name, kinds of care they give)
PROVIDERS: list[tuple[str, str, tuple[str, ...]]] = [
    ("ambulant", "Stichting Jeugdhulp De Waterlelie", (CareKind.YOUTH_CARE,)),
    ("residential", "Jeugdzorginstelling De Eikenhof", (CareKind.YOUTH_CARE,)),
    (
        "gi",
        "Gecertificeerde Instelling Jeugdbescherming Middenland",
        (CareKind.CHILD_PROTECTION, CareKind.JUVENILE_PROBATION),
    ),
    ("ggz", "Jeugd-GGZ Polderlicht", (CareKind.YOUTH_CARE,)),
    ("foster", "Pleegzorg Vlietland", (CareKind.YOUTH_CARE,)),
]
_PK = Organisation.ProviderKind
PROVIDER_KINDS: dict[str, str] = {
    "ambulant": _PK.AMBULANT,
    "residential": _PK.RESIDENTIAL,
    "gi": _PK.CERTIFIED,
    "ggz": _PK.MENTAL_HEALTH,
    "foster": _PK.FOSTER_CARE,
}
# How often each theme of a confidant's case occurs (a rough guess, for the demo).
_T = SupportCase.Theme
THEME_WEIGHTS: dict[str, int] = {
    _T.TREATMENT: 20,
    _T.COMMUNICATION: 20,
    _T.INFORMATION: 15,
    _T.LEGAL_POSITION: 15,
    _T.CARE_PLAN: 12,
    _T.COERCION: 5,
    _T.RECORDS_PRIVACY: 5,
    _T.OTHER: 8,
}

TITLES: dict[str, list[str]] = {
    SupportCase.Kind.QUESTION: [
        "Vraag over rechten bij een uithuisplaatsing",
        "Vraag over inzage in het dossier",
        "Vraag over de ondertoezichtstelling",
        "Vraag over de omgangsregeling",
        "Vraag over het perspectiefplan",
        "Vraag over verlenging van de machtiging",
        "Vraag over het delen van gegevens met school",
        "Vraag over een andere jeugdbeschermer",
    ],
    SupportCase.Kind.PROBLEM: [
        "Onvrede over de communicatie met de hulpverlener",
        "Problemen met de bezoekregeling op de groep",
        "Wachttijd voor behandeling loopt op",
        "Geen contact met de gezinsvoogd",
        "Onduidelijke afspraken in het hulpverleningsplan",
        "Zakgeld en kleding op de leefgroep",
    ],
    SupportCase.Kind.COMPLAINT: [
        "Klacht over bejegening door de groepsleiding",
        "Klacht over het besluit tot overplaatsing",
        "Klacht over de rapportage van de jeugdbeschermer",
        "Klacht over het niet nakomen van afspraken",
        "Klacht over afzondering op de groep",
        "Klacht over gebrekkige informatie aan ouders",
    ],
    SupportCase.Kind.MEDIATION: [
        "Bemiddeling tussen ouder en gezinsvoogd",
        "Bemiddeling over terugplaatsing naar huis",
        "Bemiddeling over contact met broers en zussen",
        "Bemiddeling over het behandelplan",
    ],
    SupportCase.Kind.CARE_QUESTION: [
        "Op zoek naar passende jeugdhulp",
        "Ondersteuning bij een aanvraag voor logeeropvang",
        "Hulp bij het kiezen tussen zorgaanbieders",
        "Afstemming tussen school, jeugdhulp en GGZ",
        "Zorgvraag rond begeleiding na het 18e jaar",
        "De zorgvraag helder krijgen",
        "Begeleiding thuis na ontslag uit de kliniek",
    ],
}
CONFIDANT_NOTES = [
    "Telefonisch contact met de cliënt; de vraag is verhelderd.",
    "Cliënt geïnformeerd over de klachtenregeling van de aanbieder.",
    "Uitgelegd dat de vertrouwenspersoon onafhankelijk is en geheimhouding heeft.",
    "Cliënt wil eerst zelf met de mentor praten; over twee weken weer contact.",
    "Samen de brief aan de klachtencommissie doorgenomen.",
    "Navraag gedaan bij de aanbieder over de wachttijd, met toestemming van de cliënt.",
    "Afspraak gemaakt voor een gesprek op de groep.",
    "Cliënt is tevreden over de afspraken uit het gesprek.",
]
SUPPORTER_NOTES = [
    "Zorgvraag samen met de cliënt op papier gezet.",
    "Twee aanbieders vergeleken; de cliënt kiest voor ambulante begeleiding.",
    "Overleg met school over de afstemming van de ondersteuning.",
    "Informatie gegeven over de aanvraagprocedure bij de gemeente.",
    "Huisbezoek: de thuissituatie en de wensen van het gezin besproken.",
]
LOCATIONS = [
    "Op de groep",
    "Kantoor van de aanbieder",
    "Online (beeldbellen)",
    "Bij de cliënt thuis",
    "Wijkcentrum",
]
DECISIONS = [
    "De klachtencommissie verklaart de klacht gegrond.",
    "De klacht is deels gegrond; de aanbieder past de werkwijze aan.",
    "De klacht is ongegrond verklaard.",
]
APPLICATIONS = [
    "Aanvraag ambulante gezinsbegeleiding",
    "Aanvraag logeeropvang",
    "Aanvraag dagbehandeling",
    "Aanvraag begeleid wonen",
    "Aanvraag jeugd-GGZ behandeling",
]
EXPERTISE = [
    "Licht verstandelijke beperking",
    "Schulden en bestaanszekerheid",
    "Jeugd-GGZ en onderwijs",
    "Meertalige gezinnen",
    "Overgang 18-/18+",
]


@dataclass
class _Households:
    """One bulk chunk before it is written: plain model instances, no pks yet."""

    families: list[Family] = field(default_factory=list)
    clients: list[Client] = field(default_factory=list)
    # (client index, family index, relation)
    members: list[tuple[int, int, str]] = field(default_factory=list)


class Command(BaseCommand):
    help = "Laad Nederlandse demodata (wachtwoord 'demo'); doet niets als die er al is."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--clients",
            type=int,
            default=60,
            help=(
                "Aantal cliënten in totaal (standaard 60, minstens de 14 van het "
                "scenario); ongeveer 100 per medewerker."
            ),
        )

    def handle(self, *args, clients: int, **options) -> None:
        if clients < 0:
            raise CommandError("--clients must be 0 or more")
        if User.objects.filter(username=MARKER_USERNAME).exists():
            # Demo databases from before the access log get the privacy officer.
            if not User.objects.filter(username=PRIVACY_OFFICER_USERNAME).exists():
                User.objects.create_user(
                    PRIVACY_OFFICER_USERNAME,
                    password=PASSWORD,
                    first_name="Priya",
                    last_name="de Wit",
                    email=f"{PRIVACY_OFFICER_USERNAME}@naast.example",
                    role=User.Role.PRIVACY_OFFICER,
                    organisation=Organisation.objects.filter(
                        kind=Organisation.Kind.AKJ
                    ).first(),
                    is_staff=True,
                )
            # ... and the municipality's contract manager, from before the reports.
            if not User.objects.filter(username=CONTRACT_MANAGER_USERNAME).exists():
                User.objects.create_user(
                    CONTRACT_MANAGER_USERNAME,
                    password=PASSWORD,
                    first_name="Carla",
                    last_name="Mulder",
                    email=f"{CONTRACT_MANAGER_USERNAME}@naast.example",
                    role=User.Role.CONTRACT_MANAGER,
                    organisation=Organisation.objects.filter(
                        kind=Organisation.Kind.MUNICIPALITY,
                        municipality__name=DECIDER_MUNICIPALITY,
                    ).first(),
                )
            self.stdout.write("Demo data already present")
            return
        started = time.perf_counter()
        with transaction.atomic():
            seeder = _Seeder(total_clients=clients)
            seeder.run()
        seconds = time.perf_counter() - started
        self.stdout.write(seeder.summary())
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {seconds:.1f} s"))


class _Seeder:
    def __init__(self, *, total_clients: int) -> None:
        self.total_clients = total_clients
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
        self.theme_rng = random.Random(SEED + 1)  # noqa: S311 - demo data
        self.fake = Faker("nl_NL")
        self.fake.seed_instance(SEED)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.password = make_password(PASSWORD)  # hashed once, shared by all demo users
        self.timings: dict[str, float] = {}
        self._name_pools()

    # --- helpers -------------------------------------------------------------------

    def _name_pools(self) -> None:
        fake = self.fake
        self.female = [fake.first_name_female() for _ in range(300)]
        self.male = [fake.first_name_male() for _ in range(300)]
        self.last = [fake.last_name() for _ in range(1500)]

    def _first(self, gender: str) -> str:
        return self.rng.choice(self.female if gender == "f" else self.male)

    def _born(self, age_from: int, age_to: int) -> datetime.date:
        days = self.rng.randint(age_from * 365, age_to * 365 + 364)
        return self.today - datetime.timedelta(days=days)

    def _ago(self, days_from: float, days_to: float) -> datetime.datetime:
        return self.now - datetime.timedelta(days=self.rng.uniform(days_from, days_to))

    @staticmethod
    def _family_name(last_name: str) -> str:
        return f"Gezin {last_name[:1].upper()}{last_name[1:]}"

    def _tick(self, label: str, since: float) -> float:
        now = time.perf_counter()
        self.timings[label] = self.timings.get(label, 0.0) + now - since
        return now

    # --- run -------------------------------------------------------------------------

    def run(self) -> None:
        t = time.perf_counter()
        self._places()
        self._accounts()
        t = self._tick("accounts", t)
        scenario_clients = self._scenario()
        t = self._tick("scenario", t)
        remaining = max(self.total_clients - scenario_clients, 0)
        for start in range(0, remaining, CHUNK):
            self._bulk_chunk(min(CHUNK, remaining - start))
        self._tick("bulk totaal", t)

    def summary(self) -> str:
        counts = {
            "gebruikers": User.objects.count(),
            # A person has a file in each organisation that knows them (R13).
            "cliënten": Client.objects.values("person_key").distinct().count(),
            "dossiers": Client.objects.count(),
            "gezinnen": Family.objects.count(),
            "zaken": SupportCase.objects.count(),
            "  waarvan open": SupportCase.objects.open().count(),
            "toewijzingen": Assignment.objects.count(),
            "gebeurtenissen": CaseEvent.objects.count(),
            "notities": Note.objects.count(),
            "gesprekken": Meeting.objects.count(),
            "klachten": Complaint.objects.count(),
            "hulp": Care.objects.count(),
            "aanvragen": Application.objects.count(),
            "objectrechten": CaseUserObjectPermission.objects.count()
            + ClientUserObjectPermission.objects.count(),
        }
        lines = [f"{label:>16}: {value}" for label, value in counts.items()]
        lines.append(
            "        seconden: "
            + ", ".join(f"{k} {v:.1f}" for k, v in self.timings.items())
        )
        return "\n".join(lines)

    # --- municipalities, organisations, accounts --------------------------------------

    def _places(self) -> None:
        self.municipalities: dict[str, Municipality] = {}
        for name, code, _weight in MUNICIPALITIES:
            self.municipalities[name], _ = Municipality.objects.get_or_create(
                cbs_code=code, defaults={"name": name}
            )
        self.muni_ids = [self.municipalities[n].pk for n, _c, _w in MUNICIPALITIES]
        self.muni_weights = [w for _n, _c, w in MUNICIPALITIES]

        def org(
            name: str, kind: str, municipality=None, provider_kind: str = ""
        ) -> Organisation:
            return Organisation.objects.get_or_create(
                name=name,
                kind=kind,
                defaults={"municipality": municipality, "provider_kind": provider_kind},
            )[0]

        self.akj = org(AKJ_NAME, Organisation.Kind.AKJ)
        self.client_support = org(CLIENT_SUPPORT_NAME, Organisation.Kind.CLIENT_SUPPORT)
        self.municipal_orgs = {
            name: org(f"Gemeente {name}", Organisation.Kind.MUNICIPALITY, muni)
            for name, muni in self.municipalities.items()
        }
        self.municipal_orgs_by_pk = {
            self.municipalities[name].pk: organisation
            for name, organisation in self.municipal_orgs.items()
        }
        self.providers = {
            key: org(name, Organisation.Kind.CARE_PROVIDER, None, PROVIDER_KINDS[key])
            for key, name, _kinds in PROVIDERS
        }
        self.provider_kinds = {key: kinds for key, _n, kinds in PROVIDERS}
        self.provider_names = {org.pk: org.name for org in self.providers.values()}

    def _user(self, username: str, role: str, organisation, gender: str, **extra):
        return User(
            username=username,
            password=self.password,
            first_name=self._first(gender),
            last_name=self.rng.choice(self.last),
            email=f"{username}@naast.example",
            role=role,
            organisation=organisation,
            **extra,
        )

    @staticmethod
    def _teams(organisation: Organisation, names: list[str]) -> list[Team]:
        return Team.objects.bulk_create(
            [Team(organisation=organisation, name=name) for name in names]
        )

    @staticmethod
    def _akj_region(k: int) -> str:
        base = AKJ_REGIONS[k % len(AKJ_REGIONS)]
        return f"Regio {base}" if k < len(AKJ_REGIONS) else f"Regio {base} {k // 6 + 1}"

    def _accounts(self) -> None:
        n = self.total_clients
        n_confidants = max(2, math.ceil(n * AKJ_SHARE / CLIENTS_PER_CASEWORKER))
        n_supporters = max(2, math.ceil(n * (1 - AKJ_SHARE) / CLIENTS_PER_CASEWORKER))
        akj_teams = self._teams(
            self.akj,
            [self._akj_region(k) for k in range(math.ceil(n_confidants / TEAM_SIZE))],
        )
        support_teams = self._teams(
            self.client_support,
            [f"Wijkteam {k + 1}" for k in range(math.ceil(n_supporters / TEAM_SIZE))],
        )
        genders = itertools.cycle("fmffm")
        users = [
            self._user(
                f"vertrouwenspersoon{i}",
                User.Role.AKJ_CONFIDANT,
                self.akj,
                next(genders),
                team=akj_teams[(i - 1) // TEAM_SIZE],
            )
            for i in range(1, n_confidants + 1)
        ]
        users += [
            self._user(
                f"clientondersteuner{i}",
                User.Role.CLIENT_SUPPORTER,
                self.client_support,
                next(genders),
                expertise=self.rng.choice(EXPERTISE),
                team=support_teams[(i - 1) // TEAM_SIZE],
            )
            for i in range(1, n_supporters + 1)
        ]
        # One team lead per team: teamleider1 leads the AKJ's first team.
        leads = {f"teamleider{k + 1}": team for k, team in enumerate(akj_teams)} | {
            f"teamleider-co{k + 1}": team for k, team in enumerate(support_teams)
        }
        users += [
            self._user(name, User.Role.TEAM_LEAD, team.organisation, "f")
            for name, team in leads.items()
        ]
        users += [
            self._user(
                "beslisser1",
                User.Role.DECISION_MAKER,
                self.municipal_orgs[DECIDER_MUNICIPALITY],
                "m",
            ),
            # Reads the anonymous report of the decision-maker's municipality.
            self._user(
                CONTRACT_MANAGER_USERNAME,
                User.Role.CONTRACT_MANAGER,
                self.municipal_orgs[DECIDER_MUNICIPALITY],
                "f",
            ),
            self._user(
                "beheerder",
                User.Role.FUNCTIONAL_ADMIN,
                self.akj,
                "f",
                is_staff=True,
            ),
            # Reads the access log, in the app and in the admin (staff).
            self._user(
                PRIVACY_OFFICER_USERNAME,
                User.Role.PRIVACY_OFFICER,
                self.akj,
                "f",
                is_staff=True,
            ),
        ]
        # A superuser made by hand (createsuperuser) before the first seed is kept.
        if not User.objects.filter(username="admin").exists():
            users.append(
                self._user("admin", "", None, "m", is_staff=True, is_superuser=True)
            )
        User.objects.bulk_create(users, batch_size=BATCH)
        by_name = {
            u.username: u
            for u in User.objects.filter(username__in=[u.username for u in users])
        }
        self.confidants = [
            by_name[f"vertrouwenspersoon{i}"] for i in range(1, n_confidants + 1)
        ]
        self.supporters = [
            by_name[f"clientondersteuner{i}"] for i in range(1, n_supporters + 1)
        ]
        self.names = {user.pk: str(user) for user in by_name.values()}
        self.team_of = {user.pk: user.team_id for user in by_name.values()}
        Team.leads.through.objects.bulk_create(
            [
                Team.leads.through(team_id=team.pk, user_id=by_name[name].pk)
                for name, team in leads.items()
            ]
        )
        self.team_lead = by_name["teamleider1"]
        self.support_team_lead = by_name["teamleider-co1"]
        self.decider = by_name["beslisser1"]
        Group.objects.get_or_create(name="Teamleider")[0].user_set.add(
            *(by_name[name] for name in leads)
        )
        Group.objects.get_or_create(name="Functioneel beheerder")[0].user_set.add(
            by_name["beheerder"]
        )

    # --- the scenario: real services, every rule once ------------------------------------

    def _register(
        self,
        actor: User,
        first: str,
        last: str,
        age: int,
        kind: str,
        municipality: str,
        case_kind: str,
        title: str,
        **extra,
    ) -> SupportCase:
        return cs.client_register(
            actor=actor,
            first_name=first,
            last_name=last,
            date_of_birth=self._born(age, age),
            kind=kind,
            municipality=self.municipalities[municipality],
            case_kind=case_kind,
            case_title=title,
            **extra,
        )

    def _at(self, days: int, hour: int) -> datetime.datetime:
        day = self.today + datetime.timedelta(days=days)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    @staticmethod
    def _assignment(case: SupportCase, user: User) -> Assignment:
        return Assignment.objects.get(case=case, user=user, ended_at__isnull=True)

    def _care(self, client: Client, provider: str, kind: str, days: int, **extra):
        # No service writes care records (yet): validated and saved directly.
        care = Care(
            client=client,
            provider=self.providers[provider],
            kind=kind,
            contact_person=self.fake.name(),
            started_on=self.today - datetime.timedelta(days=days),
            **extra,
        )
        care.full_clean()
        care.save()
        return care

    def _scenario(self) -> int:
        """Hand-made clients through the services; returns how many persons
        (a person may have a file in more than one organisation, R13)."""

        def persons() -> int:
            return Client.objects.values("person_key").distinct().count()

        before = persons()
        self._scenario_family()
        self._scenario_complaints()
        self._scenario_question_closed()
        self._scenario_informal_supporter()
        self._scenario_contacts()
        self._scenario_care_questions()
        self._scenario_handover()
        self._scenario_outreach()
        self._scenario_emergency_access()
        self._scenario_referrals()
        self._scenario_link_request()
        return persons() - before

    def _scenario_family(self) -> None:
        """R4: parents in a divorce, each with their own confidant; their son has
        a client supporter. R5: the father's confidant joins a mediation."""
        vp1, vp2 = self.confidants[:2]
        co1 = self.supporters[0]
        gi = self.providers["gi"]
        family = Family(name="Gezin Bakker", organisation=self.akj)
        family.full_clean()
        family.save()
        mother_case = self._register(
            vp1, "Sandra", "Bakker", 41, Kind.PARENT, "Amsterdam", K.QUESTION,
            "Vraag over de omgangsregeling tijdens de ondertoezichtstelling",
            family=family, relation="moeder",
        )  # fmt: skip
        father_case = self._register(
            vp2, "Mark", "Bakker", 44, Kind.PARENT, "Amsterdam", K.MEDIATION,
            "Bemiddeling over het contact met de kinderen",
            family=family, relation="vader",
        )  # fmt: skip
        # R13: the client-support organisation keeps its own file of Daan; the
        # AKJ's family records him as a member in a file of the AKJ's own.
        son_case = self._register(
            co1, "Daan", "Bakker", 13, Kind.YOUTH, "Amsterdam", K.CARE_QUESTION,
            "Passende ondersteuning op school en thuis",
        )  # fmt: skip
        cs.family_member_add(
            actor=vp1,
            family=family,
            first_name="Daan",
            last_name="Bakker",
            date_of_birth=son_case.client.date_of_birth,
            kind=Kind.YOUTH,
            municipality=self.municipalities["Amsterdam"],
            relation="zoon",
        )
        cs.conflict_record(
            actor=vp1,
            client_a=mother_case.client,
            client_b=father_case.client,
            description=(
                "De ouders zijn in scheiding en willen elk iets anders voor de "
                "omgang met Daan; ieder heeft een eigen vertrouwenspersoon."
            ),
        )
        self._care(son_case.client, "gi", CareKind.CHILD_PROTECTION, 420)
        note = cs.note_add(
            actor=vp1,
            case=mother_case,
            text="Moeder wil weten wat de ondertoezichtstelling betekent voor de "
            "omgang; uitleg gegeven over haar positie.",
        )
        cs.note_correct(
            actor=vp1,
            note=note,
            text=f"{note.text} Folder over de OTS meegegeven.",
            reason="Aangevuld: de folder was niet genoemd.",
            expected_version=note.version,
        )
        cs.case_set_status(
            actor=vp2, case=father_case, status=SupportCase.Status.IN_PROGRESS
        )
        mediation = cs.meeting_plan(
            actor=vp2,
            case=father_case,
            kind=Meeting.Kind.MEDIATION,
            starts_at=self._at(6, 10),
            location="Kantoor van de gecertificeerde instelling",
            provider=gi,
            provider_participant=f"{self.fake.name()} (jeugdbeschermer)",
        )
        rs.attendance_add(
            actor=vp2,
            meeting=mediation,
            assignment=self._assignment(father_case, vp2),
            requested_by_client=True,
        )
        # The first date did not suit the father: that meeting was cancelled.
        cancelled = cs.meeting_plan(
            actor=vp2,
            case=father_case,
            kind=Meeting.Kind.MEDIATION,
            starts_at=self._at(3, 14),
            location="Kantoor van de gecertificeerde instelling",
            provider=gi,
        )
        cs.meeting_set_status(
            actor=vp2, meeting=cancelled, status=Meeting.Status.CANCELLED
        )

    def _scenario_complaints(self) -> None:
        """R3: complaints in every stage. R5/R7: a youth in a residential
        institution whose confidant comes to the complaint conversation on request."""
        vp1, vp2 = self.confidants[:2]
        home, gi = self.providers["residential"], self.providers["gi"]
        noor_case = self._register(
            vp1, "Noor", "Visser", 16, Kind.YOUTH, "Utrecht", K.COMPLAINT,
            "Klacht over afzondering op de groep",
            lives_in_institution=True, institution=home,
        )  # fmt: skip
        self.noor = noor_case.client
        self._care(
            noor_case.client, "residential", CareKind.YOUTH_CARE, 300, residential=True
        )
        cs.case_set_status(
            actor=vp1, case=noor_case, status=SupportCase.Status.IN_PROGRESS
        )
        talk = cs.meeting_plan(
            actor=vp1,
            case=noor_case,
            kind=Meeting.Kind.QUESTION_COMPLAINT,
            starts_at=self._at(3, 14),
            location="Op de groep",
            provider=home,
            provider_participant=f"{self.fake.name()} (teamleider groep)",
        )
        rs.attendance_add(
            actor=vp1,
            meeting=talk,
            assignment=self._assignment(noor_case, vp1),
            requested_by_client=True,
        )
        cs.note_add(
            actor=vp1,
            case=noor_case,
            text="Noor wil de klacht eerst met de groepsleiding bespreken. "
            "Gesprek op de groep afgesproken.",
        )

        def complaint(case: SupportCase, actor: User, about, *stages: str) -> None:
            item = Complaint.objects.get(case=case)
            for stage in stages:
                item = cs.complaint_advance(
                    actor=actor,
                    complaint=item,
                    stage=stage,
                    submitted_to=f"Klachtencommissie {about.name}",
                    decision_summary=DECISIONS[1],
                )

        S = Complaint.Stage
        sem_case = self._register(
            vp1, "Sem", "de Jong", 15, Kind.YOUTH, "Rotterdam", K.COMPLAINT,
            "Klacht over het niet nakomen van afspraken",
        )  # fmt: skip
        self.sem_case = sem_case
        self._care(sem_case.client, "ambulant", CareKind.YOUTH_CARE, 200)
        complaint(sem_case, vp1, self.providers["ambulant"], S.SUBMITTED)
        fatima_case = self._register(
            vp2, "Fatima", "El Amrani", 38, Kind.PARENT, "'s-Gravenhage", K.COMPLAINT,
            "Klacht over de rapportage van de jeugdbeschermer",
        )  # fmt: skip
        complaint(fatima_case, vp2, gi, S.SUBMITTED, S.HANDLING)
        ingrid_case = self._register(
            vp1, "Ingrid", "de Wit", 52, Kind.FOSTER_PARENT, "Eindhoven", K.COMPLAINT,
            "Klacht over gebrekkige informatie aan pleegouders",
        )  # fmt: skip
        complaint(
            ingrid_case,
            vp1,
            self.providers["foster"],
            S.SUBMITTED,
            S.HANDLING,
            S.DECIDED,
        )
        cs.case_close(
            actor=vp1, case=ingrid_case, outcome=SupportCase.Outcome.PARTIALLY_RESOLVED
        )
        jesse_case = self._register(
            vp2, "Jesse", "Smit", 17, Kind.YOUTH, "Groningen", K.COMPLAINT,
            "Klacht over het besluit tot overplaatsing",
        )  # fmt: skip
        complaint(jesse_case, vp2, home, S.WITHDRAWN)
        cs.case_close(actor=vp2, case=jesse_case, outcome=SupportCase.Outcome.WITHDRAWN)

    def _scenario_outreach(self) -> None:
        """R7: a confidant's visits to the groups of a residential institution,
        without names; from one of them a youth's case was opened."""
        vp1 = self.confidants[0]
        home = self.providers["residential"]
        utrecht = self.municipalities["Utrecht"]
        visits = [
            (70, "Leefgroep De Linde", 6, ["rights", "restrictions"]),
            (40, "Leefgroep De Beuk", 4, ["contact", "school"]),
            (10, "Leefgroep De Linde", 5, ["safety", "complaints"]),
        ]
        for days, group, youths, themes in visits:
            visit = cs.outreach_visit_record(
                actor=vp1,
                institution=home,
                municipality=utrecht,
                visited_on=timezone.localdate() - datetime.timedelta(days=days),
                group=group,
                youths_spoken=youths,
                themes=themes,
            )
        cs.outreach_case_open(
            actor=vp1,
            visit=visit,
            first_name="Daan",
            last_name="Mulder",
            date_of_birth=self._born(14, 16),
            kind=Kind.YOUTH,
            municipality=utrecht,
            case_kind=K.QUESTION,
            case_title="Vraag over verlof en bezoekregeling",
        )

    def _scenario_question_closed(self) -> None:
        """R6: a question answered and closed while a new problem stays open."""
        vp1 = self.confidants[0]
        gi = self.providers["gi"]
        priya_case = self._register(
            vp1, "Priya", "Ramdin", 35, Kind.PARENT, "Zwolle", K.QUESTION,
            "Vraag over inzage in het dossier",
        )  # fmt: skip
        cs.case_set_status(
            actor=vp1, case=priya_case, status=SupportCase.Status.IN_PROGRESS
        )
        problem = cs.case_open(
            actor=vp1,
            client=priya_case.client,
            kind=K.PROBLEM,
            title="Geen contact met de gezinsvoogd",
            subject=CareKind.CHILD_PROTECTION,
            provider=gi,
        )
        cs.case_set_status(
            actor=vp1, case=problem, status=SupportCase.Status.IN_PROGRESS
        )
        cs.case_set_status(actor=vp1, case=problem, status=SupportCase.Status.ON_HOLD)
        cs.case_close(actor=vp1, case=priya_case, outcome=SupportCase.Outcome.REFERRED)

    def _scenario_informal_supporter(self) -> None:
        """R11/R12: an informal supporter, invited with consent, then refused."""
        vp1 = self.confidants[0]
        lotte_case = self._register(
            vp1, "Lotte", "Mulder", 15, Kind.YOUTH, "Nijmegen", K.PROBLEM,
            "Problemen met de bezoekregeling op de groep",
        )  # fmt: skip
        lotte = lotte_case.client
        self.lotte_case = lotte_case
        self._care(lotte, "foster", CareKind.YOUTH_CARE, 600, residential=True)
        aunt = rs.informal_supporter_add(
            actor=vp1, client=lotte, name="Marieke Mulder", relation="tante"
        )
        aunt_assignment = rs.assignment_start(
            actor=vp1,
            case=lotte_case,
            role=SupportRole.INFORMAL_SUPPORTER,
            informal_supporter=aunt,
            at_clients_request=True,
        )
        visit = cs.meeting_plan(
            actor=vp1,
            case=lotte_case,
            kind=Meeting.Kind.QUESTION_COMPLAINT,
            starts_at=self._at(9, 15),
            location="Kantoor van de aanbieder",
            provider=self.providers["foster"],
            provider_participant=f"{self.fake.name()} (pleegzorgbegeleider)",
        )
        rs.attendance_add(
            actor=vp1,
            meeting=visit,
            assignment=self._assignment(lotte_case, vp1),
            requested_by_client=True,
        )
        attendance = rs.attendance_invite(
            actor=vp1,
            meeting=visit,
            assignment=aunt_assignment,
            requested_by_client=True,
            consent_given_on=self.today,
        )
        rs.attendance_refuse(
            actor=vp1,
            attendance=attendance,
            ground=RefusalGround.NOT_INDEPENDENT,
            explanation="De tante spreekt namens de pleegouders en niet namens Lotte; "
            "Lotte voert dit gesprek liever alleen met de vertrouwenspersoon.",
        )

    def _scenario_contacts(self) -> None:
        """Contact moments, most without a case: anonymous questions by phone,
        WhatsApp and chat, a professional asking advice, and a call on a case."""
        vp1, vp2 = self.confidants[0], self.confidants[1]
        utrecht = self.municipalities["Utrecht"]
        item = cs.ContactItemInput
        contacts = [
            (vp1, 2, 9, "phone", "youth", [item("question", "legal_position")], {}),
            (
                vp1,
                1,
                14,
                "whatsapp",
                "youth",
                [
                    item("problem", "treatment", "care_provider"),
                    item("question", "procedures", "care_provider"),
                ],
                {"municipality": utrecht},
            ),
            (
                vp2,
                3,
                16,
                "email",
                "professional",
                [item("information", "procedures", "certified_institution")],
                {},
            ),
            (
                vp2,
                5,
                11,
                "chat",
                "parent",
                [item("complaint", "communication", "municipality")],
                {"municipality": utrecht},
            ),
        ]
        for actor, days, hour, channel, caller, items, extra in contacts:
            cs.contact_record(
                actor=actor,
                channel=channel,
                started_at=self._at(-days, hour),
                duration_minutes=8 + 3 * days,
                caller_type=caller,
                anonymous=True,
                items=items,
                **extra,
            )
        cs.contact_record(
            actor=vp1,
            case=self.lotte_case,
            channel="phone",
            direction="outgoing",
            started_at=self._at(-1, 10),
            duration_minutes=15,
            caller_type="youth",
            items=[item("question", "legal_position", "care_provider")],
            notes="Teruggebeld over de bezoekregeling; volgende week een gesprek.",
        )

    def _scenario_care_questions(self) -> None:
        """R8/R9: care questions; the client supporter at a content meeting with the
        client's father invited on consent; applications decided by beslisser1."""
        co1, co2 = self.supporters[:2]
        kees_case = self._register(
            co1, "Kees", "Jansen", 46, Kind.PARENT, "Utrecht", K.CARE_QUESTION,
            "Hulp bij het kiezen tussen zorgaanbieders",
        )  # fmt: skip
        kees = kees_case.client
        cs.case_set_status(
            actor=co1, case=kees_case, status=SupportCase.Status.IN_PROGRESS
        )
        grandpa = rs.informal_supporter_add(
            actor=co1, client=kees, name="Henk Jansen", relation="vader"
        )
        grandpa_assignment = rs.assignment_start(
            actor=co1,
            case=kees_case,
            role=SupportRole.INFORMAL_SUPPORTER,
            informal_supporter=grandpa,
            at_clients_request=True,
        )
        content = cs.meeting_plan(
            actor=co1,
            case=kees_case,
            kind=Meeting.Kind.CONTENT,
            starts_at=self._at(4, 11),
            location="Online (beeldbellen)",
            provider=self.providers["ggz"],
            provider_participant=f"{self.fake.name()} (regiebehandelaar)",
        )
        rs.attendance_add(
            actor=co1,
            meeting=content,
            assignment=self._assignment(kees_case, co1),
            requested_by_client=False,
        )
        rs.attendance_invite(
            actor=co1,
            meeting=content,
            assignment=grandpa_assignment,
            requested_by_client=True,
            consent_given_on=self.today,
        )
        cs.note_add(actor=co1, case=kees_case, text=SUPPORTER_NOTES[1])
        wrong = cs.note_add(
            actor=co1, case=kees_case, text="Teruggebeld over de logeeropvang."
        )
        cs.note_withdraw(
            actor=co1,
            note=wrong,
            reason="Bij de verkeerde zaak vastgelegd.",
            expected_version=wrong.version,
        )
        self._application(kees, APPLICATIONS[4], Application.Decision.GRANTED)

        young_adult = self._register(
            co2, "Yara", "Bos", 19, Kind.YOUTH, "Utrecht", K.CARE_QUESTION,
            "Zorgvraag rond begeleiding na het 18e jaar",
        )  # fmt: skip
        cs.note_add(actor=co2, case=young_adult, text=SUPPORTER_NOTES[3])
        self._application(young_adult.client, APPLICATIONS[3], None)

        done = self._register(
            co2, "Anouk", "Peters", 33, Kind.PARENT, "Nijmegen", K.CARE_QUESTION,
            "Ondersteuning bij een aanvraag voor logeeropvang",
        )  # fmt: skip
        cs.note_add(actor=co2, case=done, text=SUPPORTER_NOTES[0])
        cs.case_close(actor=co2, case=done, outcome=SupportCase.Outcome.RESOLVED)

    def _scenario_handover(self) -> None:
        """R2: the team lead hands a case over (the first confidant is ill)."""
        vp1, vp2 = self.confidants[:2]
        lead = self.team_lead
        handover = self._register(
            vp2, "Mila", "Hendriks", 14, Kind.YOUTH, "Amsterdam", K.QUESTION,
            "Vraag over rechten bij een uithuisplaatsing",
        )  # fmt: skip
        rs.assignment_end(actor=lead, assignment=self._assignment(handover, vp2))
        rs.assignment_start(
            actor=lead,
            case=handover,
            role=SupportRole.AKJ_CONFIDANT,
            user=vp1,
            at_clients_request=True,
        )
        cs.note_add(
            actor=vp1,
            case=handover,
            text="Zaak overgenomen van een collega; kennismaking met Mila gepland.",
        )

    def _scenario_emergency_access(self) -> None:
        """R2: the team lead opened a case's content with a reason while its
        confidant was unreachable, ended it, and the privacy officer reviewed it."""
        vp1 = self.confidants[0]
        case = (
            SupportCase.objects.filter(
                assignments__user=vp1, assignments__ended_at=None
            )
            .order_by("pk")
            .first()
        )
        access = rs.emergency_access_open(
            actor=self.team_lead,
            case=case,
            reason="De cliënt belde in paniek en de vertrouwenspersoon is op vakantie.",
        )
        rs.emergency_access_end(actor=self.team_lead, access=access)
        rs.emergency_access_review(
            actor=User.objects.get(username=PRIVACY_OFFICER_USERNAME),
            access=access,
            note="Gerechtvaardigd; besproken met de teamleider.",
        )

    def _scenario_referrals(self) -> None:
        """R13: support moves between organisations only by a referral with the
        client's consent per item. Lotte's confidant refers her to the
        client-support organisation for help in choosing care (personal data
        and care); its team lead accepts and assigns a client supporter. A
        second referral waits in the inbox."""
        vp1 = self.confidants[0]
        accepted = referral_services.referral_send(
            actor=vp1,
            client=self.lotte_case.client,
            case=self.lotte_case,
            to_organisation=self.client_support,
            items=[Referral.Item.IDENTITY, Referral.Item.CARE],
            consent_given_on=self.today,
            message="Lotte wil hulp bij het kiezen van een andere pleegzorgaanbieder "
            "en heeft gevraagd of een cliëntondersteuner met haar mee kan kijken.",
        )
        referral_services.referral_accept(
            actor=self.support_team_lead,
            referral=accepted,
            supporter=self.supporters[0],
            kind=K.CARE_QUESTION,
            title="Keuze van een pleegzorgaanbieder (doorverwezen door het AKJ)",
        )
        referral_services.referral_send(
            actor=vp1,
            client=self.sem_case.client,
            case=self.sem_case,
            to_organisation=self.client_support,
            items=[Referral.Item.IDENTITY],
            consent_given_on=self.today,
            message="Sem zoekt naast de klacht ook een passende vorm van "
            "begeleiding op school.",
        )

    def _scenario_link_request(self) -> None:
        """R13: a colleague registers Noor again (same name and date of birth):
        the registration waits for the team lead, who sees Noor's file only as
        its case references."""
        vp2 = self.confidants[1]
        # Decided: another Priya Ramdin, born the same day, is another mother.
        priya = Client.objects.get(
            organisation=self.akj, first_name="Priya", last_name="Ramdin"
        )
        other_priya = cs.client_register(
            actor=vp2,
            first_name="Priya",
            last_name="Ramdin",
            date_of_birth=priya.date_of_birth,
            kind=Kind.PARENT,
            municipality=self.municipalities["Amersfoort"],
            case_kind=K.QUESTION,
            case_title="Vraag over de bezoekregeling",
        )
        cs.link_request_decide(
            actor=self.team_lead,
            request=other_priya,
            decision=LinkRequest.Status.SEPARATE,
            reason="Andere gemeente en ander adres; volgens de vertrouwenspersoon "
            "een andere moeder.",
        )
        cs.client_register(
            actor=vp2,
            first_name="Noor",
            last_name="Visser",
            date_of_birth=self.noor.date_of_birth,
            kind=Kind.YOUTH,
            municipality=self.municipalities["Utrecht"],
            case_kind=K.QUESTION,
            case_title="Vraag over schoolbezoek vanuit de groep",
        )

    def _municipal_file(self, client: Client) -> Client:
        """The municipality's own file of an applicant (R13): an application
        belongs to the municipality's organisation; R9 recognises the person
        by the person key alone."""
        organisation = self.municipal_orgs_by_pk[client.municipality_id]
        file = Client(
            organisation=organisation,
            first_name=client.first_name,
            last_name=client.last_name,
            date_of_birth=client.date_of_birth,
            person_key=client.person_key,
            kind=client.kind,
            municipality_id=client.municipality_id,
        )
        file.full_clean()
        file.save()
        return file

    def _application(
        self, client: Client, description: str, decision: str | None
    ) -> Application:
        # No service creates applications (the municipality does): saved directly
        # on the municipality's file of the applicant, then given to beslisser1
        # and decided through the services (R9).
        client = self._municipal_file(client)
        application = Application(
            client=client,
            municipality=client.municipality,
            care_kind=CareKind.YOUTH_CARE,
            description=description,
            submitted_on=self.today - datetime.timedelta(days=10),
        )
        application.full_clean()
        application.save()
        application = cs.application_assign_decider(
            actor=self.decider, application=application, decider=self.decider
        )
        if decision:
            application = cs.application_decide(
                actor=self.decider,
                application=application,
                decision=decision,
                reason="Passend bij de zorgvraag; de aanbieder kan binnen vier weken starten.",
            )
        return application

    # --- the bulk ----------------------------------------------------------------------
    # Plain rows with ``*_id`` foreign keys (cheaper to build than related objects),
    # written with bulk_create per chunk. What a service would log is logged too.

    def _household(self, out: _Households, left: int) -> None:
        """One household: a youth alone, a parent alone, or a youth with (foster)
        parents or a guardian in one family."""
        rng = self.rng
        muni_id = rng.choices(self.muni_ids, self.muni_weights)[0]
        last = rng.choice(self.last)
        # R13: a household is in the files of the organisation that supports it.
        organisation_id = (
            self.akj.pk if rng.random() < AKJ_SHARE else self.client_support.pk
        )
        roll = rng.random()
        child = rng.choice("fm")
        child_relation = {"f": "dochter", "m": "zoon"}[child]
        parent = {"f": "moeder", "m": "vader"}
        if roll < 0.35:
            members = [("youth", child, "")]
        elif roll < 0.45:
            members = [("parent", rng.choice("fm"), "")]
        elif roll < 0.70:
            gender = rng.choice("ffm")
            members = [
                ("youth", child, child_relation),
                ("parent", gender, parent[gender]),
            ]
        elif roll < 0.82:
            members = [
                ("youth", child, child_relation),
                ("parent", "f", "moeder"),
                ("parent", "m", "vader"),
            ]
        elif roll < 0.94:
            gender = rng.choice("fm")
            members = [
                ("youth", child, "pleeg" + child_relation),
                ("foster_parent", gender, "pleeg" + parent[gender]),
            ]
        else:
            members = [
                ("youth", child, "pupil"),
                ("guardian", rng.choice("fm"), "voogd"),
            ]
        members = members[:left]
        family_index = None
        if len(members) > 1:
            out.families.append(
                Family(
                    name=self._family_name(last),
                    organisation_id=organisation_id,
                    created_at=self._ago(30, 900),
                )
            )
            family_index = len(out.families) - 1
        ages = {"youth": (4, 17), "parent": (26, 55), "foster_parent": (30, 62)}
        for kind, gender, relation in members:
            resident = kind == "youth" and len(members) == 1 and rng.random() < 0.15
            age_from, age_to = ages.get(kind, (30, 60))
            if kind == "youth" and rng.random() < 0.08:
                age_from, age_to = 18, 22  # youth care can last until 23
            first_name = self._first(gender)
            last_name = last if kind != "guardian" else rng.choice(self.last)
            born = self._born(age_from, age_to)
            out.clients.append(
                Client(
                    organisation_id=organisation_id,
                    first_name=first_name,
                    last_name=last_name,
                    date_of_birth=born,
                    person_key=person_key(
                        first_name=first_name, last_name=last_name, date_of_birth=born
                    ),
                    kind=kind,
                    municipality_id=muni_id,
                    lives_in_institution=resident,
                    institution_id=self.providers["residential"].pk
                    if resident
                    else None,
                    created_at=self._ago(1, 720),
                )
            )
            if family_index is not None:
                out.members.append((len(out.clients) - 1, family_index, relation))

    def _bulk_chunk(self, size: int) -> None:
        t = time.perf_counter()
        out = _Households()
        while len(out.clients) < size:
            self._household(out, size - len(out.clients))
        # Some are supported by the other organisation too: a file of its own
        # there, never joined with the first (R13).
        copies = [
            self._other_file(client)
            for client in out.clients
            if self.rng.random() < SECOND_CASE_SHARE
        ]
        _with_history(Family, out.families)
        _with_history(Client, out.clients + copies)
        _with_history(
            FamilyMembership,
            (
                FamilyMembership(
                    family_id=out.families[f].pk,
                    client_id=out.clients[c].pk,
                    relation=relation,
                )
                for c, f, relation in out.members
            ),
        )
        provider_of = self._bulk_care(out.clients)
        t = self._tick("bulk clients", t)
        cases = self._bulk_cases(out.clients + copies, provider_of)
        t = self._tick("bulk cases", t)
        assignments = self._bulk_history(cases)
        self._bulk_applications(out.clients + copies, cases)
        t = self._tick("bulk history", t)
        bulk_grant(assignments)
        self._tick("bulk permissions", t)

    def _other_file(self, client: Client) -> Client:
        """The other organisation's own file of the person of ``client``."""
        other = (
            self.client_support if client.organisation_id == self.akj.pk else self.akj
        )
        return Client(
            organisation_id=other.pk,
            first_name=client.first_name,
            last_name=client.last_name,
            date_of_birth=client.date_of_birth,
            person_key=client.person_key,
            kind=client.kind,
            municipality_id=client.municipality_id,
            lives_in_institution=client.lives_in_institution,
            institution_id=client.institution_id,
            created_at=self._ago(1, 360),
        )

    def _bulk_care(self, clients: list[Client]) -> dict[int, int]:
        """Care for most youths; returns each youth's provider (client pk → org pk)."""
        rng = self.rng
        care: list[Care] = []
        provider_of: dict[int, int] = {}
        for client in clients:
            if client.kind != Client.Kind.YOUTH or rng.random() > 0.8:
                continue
            key = "residential"
            if not client.lives_in_institution:
                key = rng.choices(
                    ["ambulant", "gi", "ggz", "foster"], [40, 25, 20, 15]
                )[0]
            started = self.today - datetime.timedelta(days=rng.randint(30, 1500))
            ended = None
            if rng.random() < 0.2:
                ended = min(
                    started + datetime.timedelta(days=rng.randint(30, 400)), self.today
                )
            provider_of[client.pk] = self.providers[key].pk
            care.append(
                Care(
                    client_id=client.pk,
                    provider_id=provider_of[client.pk],
                    kind=rng.choice(self.provider_kinds[key]),
                    residential=key in ("residential", "foster"),
                    contact_person=f"{self._first(rng.choice('fm'))} {rng.choice(self.last)}",
                    started_on=started,
                    ended_on=ended,
                )
            )
        _with_history(Care, care)
        return provider_of

    def _bulk_cases(
        self, clients: list[Client], provider_of: dict[int, int]
    ) -> list[SupportCase]:
        """One case per client file, of the file's organisation; each is held
        by a randomly chosen caseworker of that organisation (``opened_by``),
        and is in that caseworker's team (R13)."""
        rng = self.rng
        K, S = SupportCase.Kind, SupportCase.Status
        cases: list[SupportCase] = []
        for client in clients:
            for akj in [client.organisation_id == self.akj.pk]:
                if akj:
                    kind = rng.choices(
                        [K.QUESTION, K.PROBLEM, K.COMPLAINT, K.MEDIATION],
                        [40, 25, 25, 10],
                    )[0]
                    holder, org = rng.choice(self.confidants), self.akj
                else:
                    kind = K.CARE_QUESTION
                    holder, org = rng.choice(self.supporters), self.client_support
                provider_id = provider_of.get(client.pk)
                closed = rng.random() < 0.25
                opened = self._ago(35, 720) if closed else self._ago(0, 150)
                status = (
                    S.CLOSED
                    if closed
                    else rng.choices([S.OPEN, S.IN_PROGRESS, S.ON_HOLD], [35, 50, 15])[
                        0
                    ]
                )
                cases.append(
                    SupportCase(
                        client_id=client.pk,
                        organisation_id=org.pk,
                        team_id=self.team_of[holder.pk],
                        kind=kind,
                        subject=rng.choice(CareKind.values) if provider_id else "",
                        theme=self._theme(kind),
                        provider_id=provider_id,
                        title=rng.choice(TITLES[kind]),
                        status=status,
                        opened_at=opened,
                        opened_by_id=holder.pk,
                        closed_at=opened + datetime.timedelta(days=rng.uniform(7, 30))
                        if closed
                        else None,
                        outcome=rng.choices(
                            SupportCase.Outcome.values, [50, 20, 10, 10, 10]
                        )[0]
                        if closed
                        else "",
                    )
                )
        # The reference contains the pk, so the pks are taken before the insert.
        for case, pk in zip(cases, _reserve_pks(SupportCase, len(cases)), strict=True):
            case.pk = pk
            case.reference = cs.case_reference(
                case.kind, timezone.localtime(case.opened_at).year, pk
            )
        _with_history(SupportCase, cases)
        return cases

    def _theme(self, kind: str) -> str:
        """Most confidants' cases get a theme; care questions none. A random
        stream of its own, so the rest of the demo stays as it was."""
        if kind == SupportCase.Kind.CARE_QUESTION or self.theme_rng.random() < 0.1:
            return ""
        return self.theme_rng.choices(
            list(THEME_WEIGHTS), list(THEME_WEIGHTS.values())
        )[0]

    def _bulk_history(self, cases: list[SupportCase]) -> list[Assignment]:
        """Assignments, complaints, notes, meetings with attendance, and the case
        events the services would have written; returns the assignments."""
        rng = self.rng
        E, S = CaseEvent.Kind, SupportCase.Status
        events: list[CaseEvent] = []

        def event(case, kind, at, actor_id, from_value="", to_value="", detail=""):
            events.append(
                CaseEvent(
                    case_id=case.pk,
                    kind=kind,
                    at=at,
                    actor_id=actor_id,
                    from_value=from_value,
                    to_value=to_value,
                    detail=detail[:300],
                )
            )

        assignments: list[Assignment] = []
        complaints: list[Complaint] = []
        notes: list[Note] = []
        meetings: list[tuple[Meeting, Assignment]] = []
        for case in cases:
            holder = case.opened_by_id
            name = self.names[holder]
            role = (
                SupportRole.CLIENT_SUPPORTER
                if case.kind == SupportCase.Kind.CARE_QUESTION
                else SupportRole.AKJ_CONFIDANT
            )
            closed = case.status == S.CLOSED
            span = ((case.closed_at or self.now) - case.opened_at).total_seconds()

            def at(fraction: float, case=case, span=span) -> datetime.datetime:
                return case.opened_at + datetime.timedelta(seconds=span * fraction)

            event(case, E.OPENED, case.opened_at, holder, to_value=S.OPEN)
            assignment = Assignment(
                case=case,  # derive() reads assignment.case.client_id
                role=role,
                user_id=holder,
                at_clients_request=True,
                started_at=case.opened_at,
                started_by_id=holder,
                ended_at=case.closed_at,
                end_reason=Assignment.EndReason.CASE_CLOSED if closed else "",
            )
            assignments.append(assignment)
            event(case, E.ASSIGNMENT_STARTED, case.opened_at, holder, "", role, name)
            status = S.OPEN
            if case.status in (S.IN_PROGRESS, S.ON_HOLD) or (
                closed and rng.random() < 0.7
            ):
                event(case, E.STATUS, at(0.1), holder, status, S.IN_PROGRESS)
                status = S.IN_PROGRESS
                if case.status == S.ON_HOLD:
                    event(case, E.STATUS, at(0.6), holder, status, S.ON_HOLD)
            if case.kind == SupportCase.Kind.COMPLAINT:
                complaints.append(self._bulk_complaint(case, holder, at, event))
            texts = (
                CONFIDANT_NOTES
                if role == SupportRole.AKJ_CONFIDANT
                else SUPPORTER_NOTES
            )
            for n in range(rng.choice((0, 0, 1, 1, 2, 3))):
                written = at(0.2 + 0.25 * n)
                notes.append(
                    Note(
                        case_id=case.pk,
                        author_id=holder,
                        created_at=written,
                        text=rng.choice(texts),
                    )
                )
                event(case, E.NOTE_ADDED, written, holder)
            if rng.random() < 0.15:
                meetings.append((self._bulk_meeting(case, role, at), assignment))
            if closed:
                outcome = str(SupportCase.Outcome(case.outcome).label)
                event(case, E.CLOSED, case.closed_at, holder, status, S.CLOSED, outcome)
                event(
                    case, E.ASSIGNMENT_ENDED, case.closed_at, holder,
                    role, Assignment.EndReason.CASE_CLOSED, name,
                )  # fmt: skip
        Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        _with_history(Complaint, complaints)
        _with_history(Note, notes)
        _with_history(Meeting, [m for m, _a in meetings])
        attendances = []
        for meeting, assignment in meetings:
            # R5: a confidant attends only at the client's request.
            attendances.append(
                Attendance(
                    meeting_id=meeting.pk,
                    assignment_id=assignment.pk,
                    requested_by_client=assignment.role == SupportRole.AKJ_CONFIDANT,
                    added_by_id=meeting.planned_by_id,
                    added_at=meeting.created_at,
                )
            )
            label = str(meeting)
            for kind, value, detail in (
                (E.MEETING_PLANNED, meeting.kind, label),
                (
                    E.ATTENDANCE_ADDED,
                    assignment.role,
                    f"{self.names[assignment.user_id]} – {label}",
                ),
            ):
                event(
                    assignment.case, kind, meeting.created_at, meeting.planned_by_id,
                    to_value=value, detail=detail,
                )  # fmt: skip
        Attendance.objects.bulk_create(attendances, batch_size=BATCH)
        CaseEvent.objects.bulk_create(events, batch_size=BATCH)
        return assignments

    def _bulk_complaint(self, case, holder: int, at, event) -> Complaint:
        """R3: open complaints are being formulated, submitted or handled; those of
        closed cases were decided or withdrawn. Dates follow the case's span."""
        rng = self.rng
        S = Complaint.Stage
        if case.status == SupportCase.Status.CLOSED:
            stage = rng.choice([S.DECIDED, S.WITHDRAWN])
        else:
            stage = rng.choice([S.FORMULATING, S.SUBMITTED, S.HANDLING])
        path = {
            S.FORMULATING: [],
            S.SUBMITTED: [S.SUBMITTED],
            S.HANDLING: [S.SUBMITTED, S.HANDLING],
            S.DECIDED: [S.SUBMITTED, S.HANDLING, S.DECIDED],
            S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN]
            if rng.random() < 0.5
            else [S.WITHDRAWN],
        }[stage]
        item = Complaint(case_id=case.pk, stage=stage)
        previous = S.FORMULATING
        for step, fraction in zip(path, (0.3, 0.5, 0.9), strict=False):
            moment = at(fraction)
            day = timezone.localdate(moment)
            detail = ""
            if step == S.SUBMITTED:
                item.submitted_to = "Klachtencommissie " + self.provider_names.get(
                    case.provider_id, "van de aanbieder"
                )
                item.submitted_on = day
                detail = item.submitted_to
            elif step == S.HANDLING:
                item.handling_started_on = day
            elif step == S.DECIDED:
                item.decided_on = day
                item.decision_summary = rng.choice(DECISIONS)
            else:
                item.withdrawn_on = day
            event(
                case,
                CaseEvent.Kind.COMPLAINT_STAGE,
                moment,
                holder,
                previous,
                step,
                detail,
            )
            previous = step
        item.due_on = due_date(item)
        return item

    def _bulk_meeting(self, case, role: str, at) -> Meeting:
        """R5/R8: confidants meet about questions, complaints and mediations; client
        supporters mostly about the content of the care."""
        rng = self.rng
        if role == SupportRole.CLIENT_SUPPORTER:
            kind = rng.choice(
                [Meeting.Kind.CONTENT] * 2 + [Meeting.Kind.QUESTION_COMPLAINT]
            )
        elif case.kind == SupportCase.Kind.MEDIATION:
            kind = Meeting.Kind.MEDIATION
        else:
            kind = Meeting.Kind.QUESTION_COMPLAINT
        if case.status == SupportCase.Status.CLOSED:
            starts, status = at(0.7), Meeting.Status.HELD
        else:
            starts = self.now + datetime.timedelta(
                days=rng.randint(1, 30), hours=rng.randint(0, 6)
            )
            status = Meeting.Status.PLANNED
        starts = starts.replace(minute=rng.choice((0, 30)), second=0, microsecond=0)
        return Meeting(
            case_id=case.pk,
            kind=kind,
            starts_at=starts,
            location=rng.choice(LOCATIONS),
            provider_id=case.provider_id,
            provider_participant=(
                f"{self._first(rng.choice('fm'))} {rng.choice(self.last)}"
                if case.provider_id
                else ""
            ),
            status=status,
            planned_by_id=case.opened_by_id,
            created_at=min(at(0.3), starts),
        )

    def _bulk_applications(
        self, clients: list[Client], cases: list[SupportCase]
    ) -> None:
        """Applications of clients with a care question. In the decision-maker's
        municipality beslisser1 decides; beslisser1 supports no one (R9)."""
        rng = self.rng
        by_pk = {client.pk: client for client in clients}
        decider_muni = self.municipalities[DECIDER_MUNICIPALITY].pk
        D = Application.Decision
        seen: set[int] = set()
        wanted: list[tuple[Client, datetime.date]] = []
        for case in cases:
            if (
                case.kind != SupportCase.Kind.CARE_QUESTION
                or case.client_id in seen
                or rng.random() > 0.5
            ):
                continue
            seen.add(case.client_id)
            submitted = min(
                timezone.localdate(case.opened_at)
                + datetime.timedelta(days=rng.randint(3, 20)),
                self.today,
            )
            wanted.append((by_pk[case.client_id], submitted))
        # R13: an application is on the municipality's own file of the person.
        files = [
            Client(
                organisation_id=self.municipal_orgs_by_pk[client.municipality_id].pk,
                first_name=client.first_name,
                last_name=client.last_name,
                date_of_birth=client.date_of_birth,
                person_key=client.person_key,
                kind=client.kind,
                municipality_id=client.municipality_id,
                created_at=self.now,
            )
            for client, _submitted in wanted
        ]
        _with_history(Client, files)
        applications = []
        for file, (client, submitted) in zip(files, wanted, strict=True):
            ours = client.municipality_id == decider_muni
            decision = D.PENDING
            if ours and rng.random() < 0.6:
                decision = rng.choices(
                    [D.GRANTED, D.PARTIALLY_GRANTED, D.REFUSED], [60, 25, 15]
                )[0]
            decided = decision != D.PENDING
            applications.append(
                Application(
                    client_id=file.pk,
                    municipality_id=client.municipality_id,
                    care_kind=rng.choice(CareKind.values),
                    description=rng.choice(APPLICATIONS),
                    submitted_on=submitted,
                    decider_id=self.decider.pk if ours else None,
                    decision=decision,
                    decided_on=min(submitted + datetime.timedelta(days=28), self.today)
                    if decided
                    else None,
                    decision_reason="Beoordeeld aan de hand van het ondersteuningsplan."
                    if decided
                    else "",
                )
            )
        _with_history(Application, applications)


def _with_history(model: type[Model], objs) -> None:
    """``bulk_create`` and the first version of each row in its history, so
    that a later change keeps the version before it."""
    bulk_create_with_history(
        list(objs), model, batch_size=BATCH, default_change_reason="seed_demo"
    )


def _reserve_pks(model: type[Model], count: int) -> list[int]:
    """``count`` primary keys nobody else will use, so rows can be built complete
    (a case's reference contains its pk) and inserted in one go.

    PostgreSQL hands them out from the table's own sequence. SQLite has a single
    writer: this transaction has already written, so the lock is ours and nothing
    can insert between reading the highest pk and our insert.
    """
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                "FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            quote = connection.ops.quote_name
            cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")  # noqa: S608
            high = cursor.fetchone()[0] or 0
            # AUTOINCREMENT never reuses a pk, not even one of a deleted row.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            high = max(high, row[0] if row else 0)
            return list(range(high + 1, high + 1 + count))
    raise NotImplementedError(
        f"seed_demo supports PostgreSQL and SQLite, not {connection.vendor}"
    )
