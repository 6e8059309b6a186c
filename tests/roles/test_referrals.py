"""Referrals (warme overdracht, R13): support moves between organisations
only as a copy of exactly the consented items, into a new file of the
receiving organisation, and both sides log it. Written as users do it, by
HTTP; the attacks: the receiving team lead reading what it holds, a crafted
POST sending more than consented or to the own organisation, a colleague who
does not support the client sending it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from audit.models import AccessLogEntry
from cases import services
from cases.models import Client, FamilyMembership, SupportCase
from roles import referrals
from roles.models import Assignment, Referral
from tests.factories import TeamFactory, account
from tests.support.checks import error_codes
from tests.support.world import World


@pytest.fixture
def referral_world(world: World) -> World:
    """The world with care for the youth (with a contact person) and a team
    lead of the client-support organisation (``tlco``)."""
    co1 = world.users["co1"]
    world.users["tlco"] = account(
        "tlco", User.Role.TEAM_LEAD, co1.organisation, leads=[co1.team]
    )
    services.care_record(
        actor=world.users["vp1"],
        client=Client.objects.get(pk=world.objects["youth"]),
        provider=Organisation.objects.get(kind=Organisation.Kind.CARE_PROVIDER),
        kind="jeugdhulp",
        started_on=datetime.date(2024, 1, 1),
        contact_person="Mw. Jansen",
    )
    return world


def _send(client, world: World, **overrides: object):
    client.force_login(world.users["vp1"])
    data = {
        "to_organisation": world.users["co1"].organisation_id,
        "case": world.objects["complaint_case"],
        "items": ["identity", "care"],
        "consent_given_on": timezone.localdate().isoformat(),
        "message": "Sem zoekt begeleiding bij de keuze van een school.",
        **overrides,
    }
    return client.post(
        reverse("web:referral_send", args=[world.objects["youth"]]), data
    )


def _text(response) -> str:
    return response.content.decode()


def test_send_accept_copies_exactly_the_consented_items(client, referral_world):
    """vp1 sends identity and care; the receiving team lead sees from whom and
    which items, never the name; accepting makes a new file of the receiving
    organisation with the copy, a case for the chosen caseworker, and both
    sides are in the access log."""
    world = referral_world
    response = _send(client, world)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.items == ["identity", "care"]
    assert "families" not in referral.payload
    source_rows = AccessLogEntry.objects.filter(
        client_id=world.objects["youth"], action="export", purpose="doorverwijzing"
    )
    assert source_rows.count() == 1

    client.force_login(world.users["tlco"])
    for url in (reverse("web:referral_inbox"), referral.get_absolute_url()):
        page = _text(client.get(url))
        assert referral.reference in page
        assert "Sem" not in page and "Bakker" not in page and "Mw. Jansen" not in page
    files = Client.objects.filter(organisation=world.users["co1"].organisation).count()
    response = client.post(
        reverse("web:referral_accept", args=[referral.pk]),
        {
            "supporter": world.users["co1"].pk,
            "kind": "care_question",
            "title": "Doorverwijzing van het AKJ",
            # The youth is known to the client-support organisation already
            # (``co_youth``); the team lead chooses a new file here.
            "client": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    referral.refresh_from_db()
    assert referral.status == "accepted"
    new_file = referral.target_client
    assert new_file.organisation == world.users["co1"].organisation
    assert (
        Client.objects.filter(organisation=new_file.organisation).count() == files + 1
    )
    assert (new_file.first_name, new_file.last_name) == ("Sem", "Bakker")
    assert [c.contact_person for c in new_file.care.all()] == ["Mw. Jansen"]
    assert not new_file.family_memberships.exists()  # not consented
    case = SupportCase.objects.get(client=new_file)
    assert Assignment.objects.filter(case=case, user=world.users["co1"]).exists()
    assert AccessLogEntry.objects.filter(
        client_id=new_file.pk, action="create", purpose="doorverwijzing"
    ).exists()
    # The receiving caseworker reads the referral; the sender's file stays
    # closed to them.
    client.force_login(world.users["co1"])
    assert "Sem zoekt begeleiding" in _text(client.get(referral.get_absolute_url()))
    youth = reverse("web:client_detail", args=[world.objects["youth"]])
    assert client.get(youth).status_code == 404


def test_decline_removes_the_copy(client, referral_world):
    """A declined referral keeps no copy: the receiving organisation holds
    nothing of the client."""
    world = referral_world
    _send(client, world)
    referral = Referral.objects.get()
    client.force_login(world.users["tlco"])
    response = client.post(
        reverse("web:referral_decline", args=[referral.pk]),
        {"reason": "Geen plek in het wijkteam deze maand."},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "declined" and referral.payload == {}
    assert referral.target_client_id is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"items": ["care"]}, "items"),  # without the personal data
        ({"items": ["identity", "notes"]}, "items"),  # not an item
        ({"to_organisation": "own"}, "to_organisation"),  # the own organisation
        ({"consent_given_on": "2999-01-01"}, "consent_given_on"),
        ({"message": "   "}, "message"),
    ],
)
def test_a_crafted_referral_is_refused(client, referral_world, overrides, field):
    """Bad or crafted input is refused next to the field; nothing is sent or
    logged as sent."""
    world = referral_world
    if overrides.get("to_organisation") == "own":
        overrides["to_organisation"] = world.users["vp1"].organisation_id
    response = _send(client, world, **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Referral.objects.exists()
    assert not AccessLogEntry.objects.filter(action="export").exists()


def test_only_a_supporter_of_the_client_sends(client, referral_world):
    """A colleague who does not support the youth gets 404 (the file is not
    revealed); a team lead too."""
    world = referral_world
    url = reverse("web:referral_send", args=[world.objects["youth"]])
    for role in ("vp2", "tl", "co1", "tlco"):
        client.force_login(world.users[role])
        assert client.get(url).status_code == 404, role
    assert not Referral.objects.exists()


def test_the_other_organisation_cannot_decide_on_a_referral_not_sent_to_it(
    client, referral_world
):
    """A team lead of a third organisation gets 404 for the referral."""
    world = referral_world
    _send(client, world)
    referral = Referral.objects.get()
    third = Organisation.objects.create(name="AKJ Noord", kind=Organisation.Kind.AKJ)
    lead = User.objects.create_user(
        "tl-noord", password="x", role=User.Role.TEAM_LEAD, organisation=third
    )
    client.force_login(lead)
    for name in ("web:referral_detail", "web:referral_accept", "web:referral_decline"):
        assert client.get(reverse(name, args=[referral.pk])).status_code == 404, name
    assert (
        client.post(
            reverse("web:referral_accept", args=[referral.pk]),
            {"supporter": world.users["co1"].pk, "kind": "care_question", "title": "x"},
        ).status_code
        == 404
    )
    referral.refresh_from_db()
    assert referral.status == "sent"


# --- the service itself: every item, and the refusals a form cannot make -------


def _referral(world: World, items: list[str]) -> Referral:
    return referrals.referral_send(
        actor=world.users["vp1"],
        client=Client.objects.get(pk=world.objects["youth"]),
        to_organisation=world.users["co1"].organisation,
        items=items,
        consent_given_on=timezone.localdate(),
        message="Sem wil verder met een cliëntondersteuner.",
    )


def test_every_item_is_copied_into_the_new_file(referral_world):
    """With every item consented, the receiving file gets the care, the
    family (the mother as a file of the receiving organisation, the
    conflicting interest between them) and the informal supporter; the
    sender's rows stay where they are."""
    world = referral_world
    referral = _referral(world, list(Referral.Item.values))
    assert [m["first_name"] for m in referral.payload["families"][0]["members"]] == [
        "Anouk"
    ]
    referral = referrals.referral_accept(
        actor=world.users["tlco"],
        referral=referral,
        supporter=world.users["co1"],
        kind="care_question",
        title="Doorverwijzing van het AKJ",
    )
    new_file = referral.target_client
    organisation = world.users["co1"].organisation
    assert new_file.organisation == organisation
    membership = new_file.family_memberships.select_related("family").get()
    assert membership.relation == "zoon"
    family = membership.family
    assert family.organisation == organisation and family.name == "Gezin Bakker"
    mother = family.memberships.exclude(client=new_file).get()
    assert mother.relation == "moeder"
    assert mother.client.organisation == organisation
    assert mother.client.pk != world.objects["mother"]
    conflict = family.conflicts.get()
    assert {conflict.client_a_id, conflict.client_b_id} == {
        new_file.pk,
        mother.client_id,
    }
    assert conflict.description == "Gezag"
    assert [s.name for s in new_file.informal_supporters.all()] == ["Tante Ria"]
    assert [c.contact_person for c in new_file.care.all()] == ["Mw. Jansen"]
    # The AKJ's own family keeps its two members.
    assert (
        FamilyMembership.objects.filter(client_id=world.objects["youth"])
        .get()
        .family.memberships.count()
        == 2
    )


def test_a_family_member_known_to_the_receiver_is_not_made_twice(referral_world):
    """A member the receiving organisation already keeps a file of (by the
    person key) joins the copied family with that file."""
    world = referral_world
    known = services.client_register(
        actor=world.users["co1"],
        first_name="Anouk",
        last_name="Bakker",
        date_of_birth=datetime.date(1984, 9, 12),
        kind="parent",
        municipality=Client.objects.get(pk=world.objects["mother"]).municipality,
        case_kind="care_question",
        case_title="Hulp bij de aanvraag",
    ).client
    referral = referrals.referral_accept(
        actor=world.users["tlco"],
        referral=_referral(world, ["identity", "family"]),
        supporter=world.users["co1"],
        kind="care_question",
        title="Doorverwijzing",
    )
    family = referral.target_client.family_memberships.get().family
    assert set(family.memberships.values_list("client_id", flat=True)) == {
        referral.target_client_id,
        known.pk,
    }


def test_accepting_into_the_file_the_receiver_already_keeps(referral_world):
    """The team lead may choose the receiver's own file of the same person
    (a candidate); no new file is made. A file that is no candidate is
    refused."""
    world = referral_world
    referral = _referral(world, ["identity"])
    candidates = list(referrals.referral_candidates(referral))
    assert [c.pk for c in candidates] == [world.objects["co_youth"]]
    other = Client.objects.get(pk=world.objects["applicant"])
    with pytest.raises(ValidationError) as refused:
        referrals.referral_accept(
            actor=world.users["tlco"],
            referral=referral,
            supporter=world.users["co1"],
            kind="care_question",
            title="Doorverwijzing",
            client=other,
        )
    assert error_codes(refused.value) == {"candidate"}
    files = Client.objects.count()
    referral = referrals.referral_accept(
        actor=world.users["tlco"],
        referral=referral,
        supporter=world.users["co1"],
        kind="care_question",
        title="Doorverwijzing",
        client=candidates[0],
    )
    assert referral.target_client_id == world.objects["co_youth"]
    assert Client.objects.count() == files
    assert list(referrals.referral_candidates(referral)) == []


def test_a_decided_referral_cannot_be_decided_again(referral_world):
    """Accepted is final: declining it afterwards, or accepting it twice, is
    refused; a decline needs a reason."""
    world = referral_world
    referral = _referral(world, ["identity"])
    with pytest.raises(ValidationError) as refused:
        referrals.referral_decline(
            actor=world.users["tlco"], referral=referral, reason=" "
        )
    assert error_codes(refused.value) == {"required"}
    referrals.referral_decline(
        actor=world.users["tlco"], referral=referral, reason="Geen plek."
    )
    for decide in (
        lambda: referrals.referral_decline(
            actor=world.users["tlco"], referral=referral, reason="Nog eens."
        ),
        lambda: referrals.referral_accept(
            actor=world.users["tlco"],
            referral=referral,
            supporter=world.users["co1"],
            kind="care_question",
            title="x",
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            decide()
        assert error_codes(refused.value) == {"already_decided"}


def test_the_supporter_must_be_in_a_team_the_lead_leads(referral_world):
    """A caseworker outside the team lead's teams cannot be given the case."""
    world = referral_world
    organisation = world.users["co1"].organisation
    outsider = account(
        "co-elders",
        User.Role.CLIENT_SUPPORTER,
        organisation,
        team=TeamFactory(organisation=organisation, name="Team Oost"),
    )
    with pytest.raises(ValidationError) as refused:
        referrals.referral_accept(
            actor=world.users["tlco"],
            referral=_referral(world, ["identity"]),
            supporter=outsider,
            kind="care_question",
            title="x",
        )
    assert error_codes(refused.value) == {"not_in_team"}
    assert not SupportCase.objects.filter(title="x").exists()


def test_a_case_of_another_client_is_refused(referral_world):
    """A crafted case of another client (the mother's) cannot ride along."""
    world = referral_world
    with pytest.raises(ValidationError) as refused:
        referrals.referral_send(
            actor=world.users["vp1"],
            client=Client.objects.get(pk=world.objects["youth"]),
            to_organisation=world.users["co1"].organisation,
            items=["identity"],
            consent_given_on=timezone.localdate(),
            message="x",
            case=SupportCase.objects.get(pk=world.objects["mother_case"]),
        )
    assert error_codes(refused.value) == {"other_case"}
    assert not Referral.objects.exists()
