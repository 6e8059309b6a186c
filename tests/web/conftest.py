"""The worlds of the access matrices (``tests/web/access/test_access_*.py``):
each builds on the ``world`` of ``tests/conftest.py``. The declarations check,
the form fuzzing and the query budgets of ``tests/web/views`` open the pages
of every matrix, so they need them all; nothing outside ``tests/web`` does.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import Organisation, User
from cases import services
from cases.models import (
    Client,
    FamilyMembership,
    LinkRequest,
    Note,
    SupportCase,
)
from privacy.models import DataSubjectRequest
from roles import referrals as referral_services
from roles import services as role_services
from roles.models import Assignment, Consent, InformalSupporter
from tests.factories import (
    ClientFactory,
    FamilyFactory,
    FamilyMembershipFactory,
    account,
    record_contact,
)
from tests.support.privacy import privacy_officer, register_breach, register_request
from tests.support.world import World

# --- the worlds of the access matrices ----------------------------------------------
# Each ``tests/web/access/test_access_*.py`` matrix runs in one of these; the declarations
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
def contacts_world(world: World) -> World:
    """The access-matrix world with a contact of ``vp1`` on the youth's
    complaint case and an anonymous contact of ``vp2``."""
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    world.objects["case_contact"] = record_contact(world.users["vp1"], case=case).pk
    world.objects["anonymous_contact"] = record_contact(world.users["vp2"]).pk
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
