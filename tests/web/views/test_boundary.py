"""The organisation is the boundary of every client file (R13), written as the
attacks that worked before it was: by HTTP, as a user would.

- A client supporter of another organisation registers a name and date of
  birth the AKJ knows: they get a file of their own and read nothing of the
  AKJ's (family, care, consents), and the answer does not tell that the
  person is known elsewhere.
- Inside one organisation the same person is recognised, but a caseworker is
  attached to the existing file only by a logged decision of a team lead, who
  sees the possible duplicate as case references, never as a name.
- R4 holds in every order; a team lead's refusal texts name no client.
- Emergency access shows exactly the one case.
- Teams bound what a team lead sees; a handover to another team moves the case.
"""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Organisation, Team, User
from audit.models import AccessLogEntry
from cases import services
from cases.models import (
    Care,
    CaseEvent,
    Client,
    ConflictingInterest,
    FamilyMembership,
    LinkRequest,
    SupportCase,
)
from roles import services as role_services
from roles.models import Assignment
from tests.support.world import World

YOUTH = {
    "first_name": "Sem",
    "last_name": "Bakker",
    "date_of_birth": "2011-04-02",
}


def _registration(world: World, **overrides: object) -> dict[str, object]:
    youth = Client.objects.get(pk=world.objects["youth"])
    return {
        **YOUTH,
        "date_of_birth": youth.date_of_birth.isoformat(),
        "kind": "youth",
        "municipality": youth.municipality_id,
        "case_kind": "care_question",
        "case_title": "Passende hulp",
        "subject": "",
        "provider": "",
        "at_clients_request": "on",
        **overrides,
    }


def _text(response) -> str:
    return response.content.decode()


# --- across organisations: never joined --------------------------------------------


def test_another_organisation_registering_a_known_person_gets_its_own_file(
    client, world
):
    """The attack of the issue: "lotte MULDER" typed by a client supporter of
    another organisation attached them to the AKJ's file. Now their
    organisation gets a file of its own; the AKJ's file, family and care answer
    404; nothing of the AKJ's file is copied."""
    youth = Client.objects.get(pk=world.objects["youth"])
    provider = Organisation.objects.get(kind=Organisation.Kind.CARE_PROVIDER)
    care = services.care_record(
        actor=world.users["vp1"],
        client=youth,
        provider=provider,
        kind="jeugdhulp",
        started_on=datetime.date(2024, 1, 1),
        contact_person="Mw. Jansen, 06-12345678",
    )
    family = FamilyMembership.objects.get(client=youth).family
    other = Organisation.objects.create(
        name="Cliëntondersteuning Zeist", kind=Organisation.Kind.CLIENT_SUPPORT
    )
    supporter = User.objects.create_user(
        "co-zeist",
        password="x",
        role=User.Role.CLIENT_SUPPORTER,
        organisation=other,
        team=Team.objects.create(organisation=other, name="Team Zeist"),
    )
    client.force_login(supporter)
    data = _registration(world, first_name="sem", last_name="  BAKKER ")
    response = client.post(reverse("web:client_register"), data)
    assert response.status_code == 302
    own = Client.objects.get(organisation=other)
    assert own.pk != youth.pk and own.person_key == youth.person_key
    assert response["Location"].startswith(
        SupportCase.objects.get(client=own).get_absolute_url()
    )
    assert not LinkRequest.objects.exists()  # never a request across organisations
    assert not own.family_memberships.exists() and not own.care.exists()
    for url in (
        reverse("web:client_detail", args=[youth.pk]),
        reverse("web:client_edit", args=[youth.pk]),
        reverse("web:family_member_add", args=[family.pk]),
        reverse("web:conflict_record", args=[family.pk]),
        reverse("web:care_end", args=[care.pk]),
    ):
        assert client.get(url).status_code == 404, url
    page = _text(client.get(own.get_absolute_url()))
    assert "Anouk" not in page and "06-12345678" not in page and "Gezag" not in page


def test_registering_does_not_tell_that_a_person_is_known_elsewhere(client, world):
    """Registering a person known at the AKJ answers a client supporter exactly
    as registering a stranger: a new file, the same messages."""
    client.force_login(world.users["co1"])
    known = client.post(
        reverse("web:client_register"),
        _registration(world, first_name="Anouk", date_of_birth="1984-09-12"),
        follow=True,
    )
    stranger = client.post(
        reverse("web:client_register"),
        _registration(world, first_name="Zwaantje", date_of_birth="1984-09-12"),
        follow=True,
    )
    messages = [
        [re.sub(r"[A-Z]{2}-\d{4}-\d{6}", "REF", str(m)) for m in r.context["messages"]]
        for r in (known, stranger)
    ]
    assert [m.replace("Anouk", "X") for m in messages[0]] == [
        m.replace("Zwaantje", "X") for m in messages[1]
    ]
    assert "bekend" not in " ".join(messages[0]).lower()


# --- inside one organisation: a team lead's logged decision ---------------------


def _lotte(world: World) -> SupportCase:
    youth = Client.objects.get(pk=world.objects["youth"])
    return services.client_register(
        actor=world.users["vp1"],
        first_name="Lotte",
        last_name="Mulder",
        date_of_birth=datetime.date(2011, 3, 14),
        kind="youth",
        municipality=youth.municipality,
        case_kind="question",
        case_title="Vraag over de groep",
    )


def _lotte_again(world: World, title: str = "Tweede vraag") -> LinkRequest:
    """vp2 registers Lotte Mulder (name and date of birth of vp1's client)."""
    link = services.client_register(
        actor=world.users["vp2"],
        first_name="Lotte",
        last_name="Mulder",
        date_of_birth=datetime.date(2011, 3, 14),
        kind="youth",
        municipality=Client.objects.get(pk=world.objects["youth"]).municipality,
        case_kind="question",
        case_title=title,
    )
    assert isinstance(link, LinkRequest)
    return link


def test_a_colleague_registering_a_known_person_waits_for_the_team_lead(client, world):
    """vp2 types "lotte MULDER, 2011-03-14", whom vp1 supports: no file is
    attached and nothing of Lotte's file is shown; the registration waits for
    the team lead, who sees case references only, never the name, and decides
    in a logged step; vp2 then has a case in Lotte's file."""
    lotte_case = _lotte(world)
    lotte = lotte_case.client
    client.force_login(world.users["vp2"])
    data = _registration(
        world,
        first_name="lotte",
        last_name="MULDER",
        date_of_birth="2011-03-14",
        case_kind="question",
        case_title="Tweede vraag",
    )
    response = client.post(reverse("web:client_register"), data)
    assert response.status_code == 302
    link = LinkRequest.objects.get()
    assert (link.status, link.requested_by) == ("pending", world.users["vp2"])
    assert not Assignment.objects.filter(user=world.users["vp2"], case__client=lotte)
    assert client.get(lotte.get_absolute_url()).status_code == 404
    waiting = _text(client.get(response["Location"]))
    assert lotte_case.reference not in waiting and "Vraag over de groep" not in waiting

    client.force_login(world.users["tl"])
    listing = _text(client.get(reverse("web:link_request_list")))
    detail = _text(client.get(reverse("web:link_request_detail", args=[link.pk])))
    for page in (listing, detail):
        assert "Lotte" not in page and "Mulder" not in page and "lotte" not in page
    assert lotte_case.reference in detail
    before = AccessLogEntry.objects.count()
    response = client.post(
        reverse("web:link_request_detail", args=[link.pk]),
        {"decision": "linked", "client": lotte.pk, "reason": "Zelfde school en adres."},
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.status, link.decided_by, link.client) == (
        "linked",
        world.users["tl"],
        lotte,
    )
    assert AccessLogEntry.objects.count() > before
    case = SupportCase.objects.get(client=lotte, title="Tweede vraag")
    assert Assignment.objects.filter(case=case, user=world.users["vp2"]).exists()
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.LINK_DECIDED)
    assert Client.objects.filter(person_key=lotte.person_key).count() == 1


def test_another_person_with_the_same_name_gets_a_file_of_their_own(client, world):
    """The team lead decides it is another person: a new file, and the
    caseworker's case in it."""
    lotte = _lotte(world).client
    link = _lotte_again(world, "Andere Lotte")
    client.force_login(world.users["tl"])
    response = client.post(
        reverse("web:link_request_detail", args=[link.pk]),
        {"decision": "separate", "reason": "Andere school, ander adres."},
    )
    assert response.status_code == 302
    case = SupportCase.objects.get(title="Andere Lotte")
    assert case.client_id != lotte.pk
    assert Client.objects.filter(person_key=lotte.person_key).count() == 2


def test_a_forged_candidate_is_refused(client, world):
    """A team lead cannot attach the registration to a file that is not one
    of its candidates (e.g. another client's id typed into the POST)."""
    _lotte(world)
    link = _lotte_again(world)
    client.force_login(world.users["tl"])
    response = client.post(
        reverse("web:link_request_detail", args=[link.pk]),
        {"decision": "linked", "client": world.objects["youth"], "reason": "x"},
    )
    assert response.status_code == 200
    assert "client" in response.context["form"].errors
    link.refresh_from_db()
    assert link.status == "pending"


def test_the_team_lead_of_another_team_does_not_see_the_request(client, world):
    """Only a team lead of the caseworker's team decides (R13): another
    team lead of the same organisation gets 404."""
    _lotte(world)
    link = _lotte_again(world)
    akj = world.users["vp1"].organisation
    other_lead = User.objects.create_user(
        "tl2", password="x", role=User.Role.TEAM_LEAD, organisation=akj
    )
    Team.objects.create(organisation=akj, name="Regio Zuid").leads.add(other_lead)
    client.force_login(other_lead)
    assert (
        client.get(reverse("web:link_request_detail", args=[link.pk])).status_code
        == 404
    )
    listing = _text(client.get(reverse("web:link_request_list")))
    assert reverse("web:link_request_detail", args=[link.pk]) not in listing


# --- R4 in every order ----------------------------------------------------------------


def _sister(world: World, youth: Client, family) -> Client:
    """The youth's sister, registered by vp1 in the youth's family: vp1
    supports both."""
    return services.client_register(
        actor=world.users["vp1"],
        first_name="Lieke",
        last_name="Bakker",
        date_of_birth=datetime.date(2014, 6, 1),
        kind="youth",
        municipality=youth.municipality,
        case_kind="question",
        case_title="Vraag van de zus",
        family=family,
        relation="zus",
    ).client


def test_r4_a_conflict_between_two_members_one_confidant_supports_is_refused(
    client, world
):
    """R4 by another order: vp1 supports the youth and his sister; recording
    a conflicting interest between them is refused with a Dutch explanation,
    and nothing is stored."""
    youth = Client.objects.get(pk=world.objects["youth"])
    family = FamilyMembership.objects.get(client=youth).family
    sister = _sister(world, youth, family)
    conflicts = ConflictingInterest.objects.count()
    client.force_login(world.users["vp1"])
    response = client.post(
        reverse("web:conflict_record", args=[family.pk]),
        {"client_a": youth.pk, "client_b": sister.pk, "description": "Omgang"},
    )
    assert response.status_code == 200
    page = _text(response)
    assert "tegenstrijdig belang" in page and "vertrouwenspersoon" in page
    assert "r4_" not in page
    assert ConflictingInterest.objects.count() == conflicts


def test_verify_permissions_reports_an_existing_r4_breach(world):
    """A conflict stored before R4 held in every order (or by hand) is
    reported by ``verify_permissions``."""
    youth = Client.objects.get(pk=world.objects["youth"])
    family = FamilyMembership.objects.get(client=youth).family
    sister = _sister(world, youth, family)
    ConflictingInterest.objects.create(
        family=family,
        client_a=youth,
        client_b=sister,
        description="Zonder de regel opgeslagen",
        recorded_by=world.users["vp1"],
    )
    out = StringIO()
    with pytest.raises(CommandError, match="R4"):
        call_command("verify_permissions", stdout=out, stderr=out)
    assert "R4" in out.getvalue()


def test_a_team_leads_refusal_names_no_client(client, world):
    """R4 refusal on the assign form: the team lead reads which colleague
    cannot, not which family member (R2: a team lead sees no clients)."""
    client.force_login(world.users["tl"])
    mother_case = SupportCase.objects.get(pk=world.objects["mother_case"])
    role_services.assignment_end(
        actor=world.users["tl"],
        assignment=Assignment.objects.get(case=mother_case, user=world.users["vp2"]),
    )
    response = client.post(
        reverse("web:assignment_add", args=[mother_case.pk]),
        {"user": world.users["vp1"].pk, "at_clients_request": "on"},
    )
    assert response.status_code == 200
    page = _text(response)
    assert "tegenstrijdig belang" in page
    for name in ("Sem", "Anouk", "Bakker"):
        assert name not in page, name


# --- emergency access: exactly the one case -----------------------------------------


def test_emergency_access_shows_only_the_one_case(client, world):
    """Under emergency access to the complaint case the client page lists that
    case only, not the titles of the client's other cases."""
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    other = SupportCase.objects.filter(client=case.client).exclude(pk=case.pk).first()
    assert other is not None
    role_services.emergency_access_open(
        actor=world.users["tl"],
        case=case,
        reason="De vertrouwenspersoon is plotseling uitgevallen en de klacht loopt.",
    )
    client.force_login(world.users["tl"])
    page = _text(client.get(reverse("web:client_detail", args=[case.client_id])))
    assert case.reference in page
    assert other.reference not in page and other.title not in page


# --- teams ---------------------------------------------------------------------------


def _second_team(world: World) -> tuple[User, User]:
    """A second AKJ team with its own lead and confidant."""
    akj = world.users["vp1"].organisation
    team = Team.objects.create(organisation=akj, name="Regio Zuid")
    lead = User.objects.create_user(
        "tl-zuid", password="x", role=User.Role.TEAM_LEAD, organisation=akj
    )
    team.leads.add(lead)
    confidant = User.objects.create_user(
        "vp-zuid",
        password="x",
        role=User.Role.AKJ_CONFIDANT,
        organisation=akj,
        team=team,
    )
    return lead, confidant


def test_a_team_lead_sees_the_caseload_of_their_teams_only(client, world):
    """R13: the lead of another team of the same organisation sees none of
    the first team's cases."""
    lead, _confidant = _second_team(world)
    assert not SupportCase.objects.visible_to(lead).exists()
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    client.force_login(lead)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert case.reference not in _text(client.get(reverse("web:case_list")))


def test_a_handover_to_another_team_moves_the_case(world):
    """A case keeps the team of the caseworker who opened it; only a logged
    handover to a colleague of another team moves it, with an event."""
    lead, confidant = _second_team(world)
    world.users["tl"].led_teams.add(confidant.team)  # leads both teams
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    old_team = case.team
    role_services.assignment_hand_over(
        actor=world.users["tl"],
        assignment=Assignment.objects.get(case=case, user=world.users["vp1"]),
        to_user=confidant,
        reason="Verhuisd naar de regio Zuid.",
    )
    case.refresh_from_db()
    assert case.team == confidant.team != old_team
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.TEAM_CHANGED)
    assert event.actor == world.users["tl"]
    assert SupportCase.objects.visible_to(lead).filter(pk=case.pk).exists()


def test_a_team_lead_assigns_only_members_of_their_teams(world, refused):
    """A crafted assignment of a caseworker of a team the lead does not lead is
    refused; nothing changes."""
    _lead, confidant = _second_team(world)
    case = services.case_open(
        actor=world.users["vp1"],
        client=Client.objects.get(pk=world.objects["youth"]),
        kind="question",
        title="Nog een vraag",
    )
    with refused(exc=Exception):
        role_services.assignment_start(
            actor=world.users["tl"],
            case=case,
            role="akj_confidant",
            user=confidant,
            at_clients_request=True,
        )
    assert not Assignment.objects.filter(case=case, user=confidant).exists()


def test_care_of_the_other_organisation_is_not_in_my_file(world):
    """Care recorded by the client supporter in their file is not in the
    AKJ's file of the same youth (R13)."""
    co_youth = Client.objects.get(pk=world.objects["co_youth"])
    services.care_record(
        actor=world.users["co1"],
        client=co_youth,
        provider=Organisation.objects.get(kind=Organisation.Kind.CARE_PROVIDER),
        kind="jeugdhulp",
        started_on=datetime.date(2025, 1, 1),
    )
    assert not Care.objects.filter(client_id=world.objects["youth"]).exists()
    assert not Care.objects.visible_to(world.users["vp1"]).filter(client=co_youth)


def test_only_the_withdraw_button_withdraws_a_registration(client, world):
    """A crafted POST to the waiting registration (any other fields) changes
    nothing; the withdraw form withdraws it, and then the team lead has
    nothing to decide."""
    _lotte(world)
    link = _lotte_again(world)
    client.force_login(world.users["vp2"])
    url = reverse("web:link_request_detail", args=[link.pk])
    assert client.post(url, {"decision": "linked", "reason": "x"}).status_code == 200
    link.refresh_from_db()
    assert link.status == "pending"
    assert client.post(url, {"withdraw": "True"}).status_code == 302
    link.refresh_from_db()
    assert link.status == "withdrawn"
    client.force_login(world.users["tl"])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is None
