"""The demo data (``seed_demo``) and the permission check (``verify_permissions``).

The default seed is loaded once for ``TestDefaultSeed`` inside a transaction that
is rolled back when the class is done, so other tests never see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings

from accounts.models import Municipality, Organisation, User
from cases.models import (
    Application,
    Care,
    CareKind,
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
from cases.services import case_reference
from roles.models import (
    Assignment,
    Attendance,
    CaseUserObjectPermission,
    ClientUserObjectPermission,
    Consent,
    EmergencyAccess,
)
from roles.permissions import verify
from roles.policy import RefusalGround, SupportRole

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ACCOUNTS = {
    "vertrouwenspersoon1": (User.Role.AKJ_CONFIDANT, Organisation.Kind.AKJ),
    "vertrouwenspersoon2": (User.Role.AKJ_CONFIDANT, Organisation.Kind.AKJ),
    "clientondersteuner1": (
        User.Role.CLIENT_SUPPORTER,
        Organisation.Kind.CLIENT_SUPPORT,
    ),
    "clientondersteuner2": (
        User.Role.CLIENT_SUPPORTER,
        Organisation.Kind.CLIENT_SUPPORT,
    ),
    "teamleider1": (User.Role.TEAM_LEAD, Organisation.Kind.AKJ),
    "teamleider-co1": (User.Role.TEAM_LEAD, Organisation.Kind.CLIENT_SUPPORT),
    "beslisser1": (User.Role.DECISION_MAKER, Organisation.Kind.MUNICIPALITY),
    "beheerder": (User.Role.FUNCTIONAL_ADMIN, Organisation.Kind.AKJ),
    "privacyfunctionaris": (User.Role.PRIVACY_OFFICER, Organisation.Kind.AKJ),
    "contractmanager": (
        User.Role.CONTRACT_MANAGER,
        Organisation.Kind.MUNICIPALITY,
    ),
}
COUNTED = [
    User,
    Municipality,
    Organisation,
    Family,
    FamilyMembership,
    Client,
    Care,
    SupportCase,
    Complaint,
    Assignment,
    CaseEvent,
    Note,
    Meeting,
    Attendance,
    Consent,
    ConflictingInterest,
    Application,
    CaseUserObjectPermission,
    ClientUserObjectPermission,
]


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The default demo data, rolled back after the class."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        yield seed()
        transaction.set_rollback(True)


@pytest.mark.usefixtures("seeded", "db")
class TestDefaultSeed:
    def test_summary_is_printed(self, seeded: str) -> None:
        """The command ends with counts and the time it took."""
        assert "cliënten: 60" in seeded
        assert "Demo data loaded in" in seeded

    def test_accounts_log_in_with_demo(self) -> None:
        """Every listed account exists with its role and organisation, has a Dutch
        name, and logs in with the password ``demo``."""
        for username, (role, org_kind) in ACCOUNTS.items():
            user = User.objects.select_related("organisation").get(username=username)
            assert user.role == role
            assert user.organisation.kind == org_kind
            assert user.first_name and user.last_name
            assert authenticate(username=username, password="demo") == user
        admin = User.objects.get(username="admin")
        assert admin.is_superuser and admin.is_staff
        assert authenticate(username="admin", password="demo") == admin

    def test_password_is_hashed_once(self) -> None:
        """All demo accounts share one password hash: seeding hashes ``demo`` once."""
        assert User.objects.values("password").distinct().count() == 1

    def test_groups_and_staff(self) -> None:
        """The team lead is in group Teamleider; the functional administrator is
        staff and in group Functioneel beheerder."""
        lead = User.objects.get(username="teamleider1")
        assert lead.groups.filter(name="Teamleider").exists()
        admin = User.objects.get(username="beheerder")
        assert admin.is_staff and not admin.is_superuser
        assert admin.groups.filter(name="Functioneel beheerder").exists()

    def test_places_and_organisations(self) -> None:
        """Municipalities carry their real CBS codes; there is one AKJ, a
        client-support organisation, municipal organisations and care providers,
        among them a residential institution and a gecertificeerde instelling."""
        codes = dict(Municipality.objects.values_list("name", "cbs_code"))
        assert codes["Amsterdam"] == "GM0363"
        assert codes["Rotterdam"] == "GM0599"
        assert codes["'s-Gravenhage"] == "GM0518"
        assert codes["Utrecht"] == "GM0344"
        kinds = Organisation.objects.values_list("kind", flat=True)
        assert list(kinds).count(Organisation.Kind.AKJ) == 1
        assert Organisation.Kind.CLIENT_SUPPORT in kinds
        assert Organisation.Kind.MUNICIPALITY in kinds
        assert list(kinds).count(Organisation.Kind.CARE_PROVIDER) >= 3
        assert Client.objects.filter(lives_in_institution=True).exists()
        assert Care.objects.filter(kind=CareKind.CHILD_PROTECTION).exists()
        assert Care.objects.filter(residential=True).exists()
        decider = User.objects.get(username="beslisser1")
        municipality = decider.organisation.municipality
        assert Client.objects.filter(municipality=municipality).exists()

    def test_every_role_is_covered(self) -> None:
        """Every professional role has a user and every support role (R1) an
        assignment."""
        assert set(User.Role.values) <= set(User.objects.values_list("role", flat=True))
        assert set(SupportRole.values) == set(
            Assignment.objects.values_list("role", flat=True)
        )

    def test_every_meeting_kind(self) -> None:
        """There are question/complaint, mediation and content meetings; a client
        supporter attends a content meeting (R8), a confidant never does (R5)."""
        assert set(Meeting.objects.values_list("kind", flat=True)) == set(
            Meeting.Kind.values
        )
        assert Attendance.objects.filter(
            meeting__kind=Meeting.Kind.CONTENT,
            assignment__role=SupportRole.CLIENT_SUPPORTER,
        ).exists()
        assert not Attendance.objects.filter(
            meeting__kind=Meeting.Kind.CONTENT,
            assignment__role=SupportRole.AKJ_CONFIDANT,
        ).exists()

    def test_every_complaint_stage(self) -> None:
        """Complaints exist in every stage (R3)."""
        assert set(Complaint.objects.values_list("stage", flat=True)) == set(
            Complaint.Stage.values
        )

    def test_refused_informal_supporter(self) -> None:
        """An informal supporter invited with the client's consent was refused on
        one of the three grounds, with an explanation, by whom and when (R11, R12)."""
        refusal = Attendance.objects.select_related("assignment", "meeting").get(
            status=Attendance.Status.REFUSED
        )
        assert refusal.assignment.role == SupportRole.INFORMAL_SUPPORTER
        assert refusal.refusal_ground in RefusalGround.values
        assert refusal.refusal_explanation
        assert refusal.refused_by and refusal.refused_at
        assert Consent.objects.filter(
            informal_supporter=refusal.assignment.informal_supporter,
            meeting=refusal.meeting,
            item=Consent.Item.MEETING_INVITATION,
        ).exists()

    def test_conflicting_interests_have_two_confidants(self) -> None:
        """Two family members with conflicting interests are supported by two
        different confidants, vertrouwenspersoon1 and vertrouwenspersoon2 (R4)."""
        conflict = ConflictingInterest.objects.get()
        confidants = {
            client: set(
                Assignment.objects.filter(
                    case__client=client,
                    role=SupportRole.AKJ_CONFIDANT,
                    ended_at__isnull=True,
                ).values_list("user__username", flat=True)
            )
            for client in (conflict.client_a, conflict.client_b)
        }
        assert set.union(*confidants.values()) == {
            "vertrouwenspersoon1",
            "vertrouwenspersoon2",
        }
        assert set.intersection(*confidants.values()) == set()

    def test_every_case_event_kind(self) -> None:
        """The history has every kind of case event."""
        # A case changes team only by a handover to another team; the default
        # demo has one AKJ team (tests/test_teams.py hands over across teams).
        assert set(CaseEvent.objects.values_list("kind", flat=True)) == set(
            CaseEvent.Kind.values
        ) - {CaseEvent.Kind.TEAM_CHANGED}

    def test_closed_cases(self) -> None:
        """Closed cases have an outcome and no active assignment (R6)."""
        closed = SupportCase.objects.filter(status=SupportCase.Status.CLOSED)
        assert closed.exists()
        assert not closed.filter(outcome="").exists()
        assert not Assignment.objects.filter(
            case__in=closed, ended_at__isnull=True
        ).exists()

    def test_applications_decided_by_someone_who_does_not_support(self) -> None:
        """beslisser1 decides applications and supports no client (R9)."""
        decider = User.objects.get(username="beslisser1")
        assert Application.objects.filter(decider=decider).exists()
        assert Application.objects.exclude(
            decision=Application.Decision.PENDING
        ).exists()
        assert not Assignment.objects.filter(user=decider).exists()

    def test_references_follow_case_reference(self) -> None:
        """Every case reference is ``case_reference(kind, year, pk)``."""
        for case in SupportCase.objects.all():
            assert case.reference == case_reference(
                case.kind, case.opened_at.year, case.pk
            )

    def test_caseworkers_have_open_cases(self) -> None:
        """Every demo caseworker has open cases and notes to show on the dashboard."""
        for user in User.objects.filter(
            role__in=[User.Role.AKJ_CONFIDANT, User.Role.CLIENT_SUPPORTER]
        ):
            assert SupportCase.objects.visible_to(user).open().count() >= 3
        vp1 = User.objects.get(username="vertrouwenspersoon1")
        assert Note.objects.visible_to(vp1).exists()
        assert Meeting.objects.visible_to(vp1).exists()

    def test_permissions_agree_with_assignments(self) -> None:
        """After seeding, the permission rows are exactly what assignments imply."""
        assert verify() == []
        out = StringIO()
        call_command("verify_permissions", stdout=out)
        assert "Permissions agree with assignments (" in out.getvalue()

    def test_verify_permissions_reports_a_difference(self) -> None:
        """A missing permission row is listed and the command fails."""
        CaseUserObjectPermission.objects.order_by("pk").first().delete()
        out = StringIO()
        with pytest.raises(CommandError):
            call_command("verify_permissions", stdout=out)
        assert "missing case permission" in out.getvalue()

    def test_second_run_changes_nothing(self) -> None:
        """Seeding again only reports that the demo data is already there."""
        before = counts()
        assert seed().strip() == "Demo data already present"
        assert counts() == before


@pytest.mark.django_db
def test_caseworkers_grow_with_clients() -> None:
    """With more clients there are more caseworkers (about 100 clients each),
    all with the password ``demo`` and with cases, and permissions still agree."""
    seed(clients=300)
    # 300 persons; some have a file in a second organisation (R13).
    assert Client.objects.values("person_key").distinct().count() == 300
    confidants = User.objects.filter(role=User.Role.AKJ_CONFIDANT)
    assert confidants.count() > 2
    extra = User.objects.get(username="vertrouwenspersoon3")
    assert authenticate(username="vertrouwenspersoon3", password="demo") == extra
    for user in confidants:
        assert Assignment.objects.filter(user=user, ended_at__isnull=True).exists()
    assert verify() == []


@pytest.mark.django_db
def test_an_older_demo_database_gets_the_privacy_officer() -> None:
    """Seeding a demo database made before the access log adds only the privacy
    officer (staff, password ``demo``) and reports the data as present."""
    seed(clients=0)
    # A database that old has no emergency access, which the officer reviews.
    EmergencyAccess.objects.all().delete()
    CaseEvent.objects.filter(kind__startswith="emergency_").delete()
    User.objects.filter(username="privacyfunctionaris").delete()
    before = counts()
    assert seed().strip() == "Demo data already present"
    officer = User.objects.get(username="privacyfunctionaris")
    assert officer.role == User.Role.PRIVACY_OFFICER and officer.is_staff
    assert authenticate(username="privacyfunctionaris", password="demo") == officer
    assert counts() == {**before, "User": before["User"] + 1}
    assert seed().strip() == "Demo data already present"
    assert User.objects.filter(username="privacyfunctionaris").count() == 1
