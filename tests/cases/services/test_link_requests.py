"""Registrations that wait for a team lead (``LinkRequest``, R13), at the
service: the refusals a form cannot make (a crafted decision, a second
decision, a withdrawal by someone else), and what a decision carries into
the file (the family, the outreach visit the registration came from)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Organisation
from cases import services
from cases.models import Client, Family, FamilyMembership, LinkRequest, SupportCase
from tests.support.checks import error_codes
from tests.support.world import World

LOTTE = {
    "first_name": "Lotte",
    "last_name": "Mulder",
    "date_of_birth": datetime.date(2011, 3, 14),
    "kind": "youth",
}


def _municipality(world: World):
    return Client.objects.get(pk=world.objects["youth"]).municipality


def _lotte(world: World) -> Client:
    """vp1's client Lotte Mulder."""
    return services.client_register(
        actor=world.users["vp1"],
        **LOTTE,
        municipality=_municipality(world),
        case_kind="question",
        case_title="Vraag over de groep",
    ).client


def _lotte_again(world: World, **extra: object) -> LinkRequest:
    """vp2 registers the same Lotte: the registration waits."""
    link = services.client_register(
        actor=world.users["vp2"],
        **LOTTE,
        municipality=_municipality(world),
        case_kind="question",
        case_title="Tweede vraag",
        **extra,
    )
    assert isinstance(link, LinkRequest)
    return link


def _decide(world: World, link: LinkRequest, **arguments: object) -> LinkRequest:
    return services.link_request_decide(
        actor=world.users["tl"], request=link, **arguments
    )


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"decision": "pending", "reason": "x"}, "invalid_decision"),
        ({"decision": "withdrawn", "reason": "x"}, "invalid_decision"),
        ({"decision": "linked", "reason": "   "}, "required"),
        ({"decision": "linked", "reason": "Zelfde school."}, "candidate"),
    ],
)
def test_a_crafted_decision_changes_nothing(world, arguments, code):
    """A decision that is not linked/separate, no reason, or linked without
    choosing the file is refused; the registration keeps waiting."""
    _lotte(world)
    link = _lotte_again(world)
    with pytest.raises(ValidationError) as refused:
        _decide(world, link, **arguments)
    assert error_codes(refused.value) == {code}
    link.refresh_from_db()
    assert link.status == "pending" and link.registration


def test_a_decided_registration_is_decided_once(world):
    """After "separate" neither a second decision nor a withdrawal is taken."""
    _lotte(world)
    link = _lotte_again(world)
    _decide(world, link, decision="separate", reason="Andere school.")
    with pytest.raises(ValidationError) as refused:
        _decide(world, link, decision="linked", reason="Toch dezelfde.")
    assert error_codes(refused.value) == {"already_decided"}
    with pytest.raises(ValidationError) as refused:
        services.link_request_withdraw(actor=world.users["vp2"], request=link)
    assert error_codes(refused.value) == {"already_decided"}


def test_only_the_caseworker_who_registered_withdraws(world):
    """A colleague cannot withdraw vp2's registration."""
    _lotte(world)
    link = _lotte_again(world)
    with pytest.raises(PermissionDenied):
        services.link_request_withdraw(actor=world.users["vp1"], request=link)
    link.refresh_from_db()
    assert link.status == "pending"


def test_linking_puts_the_client_in_the_family_it_was_registered_with(world):
    """vp2 registered Lotte as a member of the Bakker family: linking adds
    the existing file to that family, once."""
    lotte = _lotte(world)
    family = Family.objects.get(name="Gezin Bakker")
    link = _lotte_again(world, family=family, relation="nicht")
    _decide(world, link, decision="linked", reason="Zelfde adres.", client=lotte)
    membership = FamilyMembership.objects.get(family=family, client=lotte)
    assert membership.relation == "nicht"
    assert SupportCase.objects.filter(client=lotte, title="Tweede vraag").exists()


def test_a_family_addition_waits_and_is_refused_when_the_family_is_gone(world):
    """Adding a known person to a family waits for the team lead; if the
    family no longer exists by then, the decision says so and changes
    nothing."""
    lotte = _lotte(world)
    family = Family.objects.get(name="Gezin Bakker")
    link = services.family_member_add(
        actor=world.users["vp2"],
        family=family,
        **LOTTE,
        municipality=_municipality(world),
        relation="nicht",
    )
    assert isinstance(link, LinkRequest) and link.kind == "family_member"
    LinkRequest.objects.filter(pk=link.pk).update(family=None)
    link.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        _decide(world, link, decision="linked", reason="Zelfde adres.", client=lotte)
    assert error_codes(refused.value) == {"family_gone"}
    assert not FamilyMembership.objects.filter(client=lotte).exists()


def test_the_outreach_visit_follows_the_registration_into_the_case(world):
    """A registration made from an outreach visit: once the team lead links
    it, the visit belongs to the new case."""
    lotte = _lotte(world)
    visit = services.outreach_visit_record(
        actor=world.users["vp2"],
        institution=Organisation.objects.get(kind=Organisation.Kind.CARE_PROVIDER),
        municipality=_municipality(world),
        visited_on=timezone.localdate(),
        group="Groep Noord",
        youths_spoken=3,
        themes=[],
    )
    link = _lotte_again(world, outreach_visit=visit)
    request = _decide(world, link, decision="linked", reason="Zelfde.", client=lotte)
    visit.refresh_from_db()
    assert visit.case == request.case and visit.case.client == lotte


def test_a_supporter_registering_their_own_client_again_gets_a_case_there(world):
    """vp1 types the name of a client they support: a new case in that
    file, no second file and nothing waiting."""
    lotte = _lotte(world)
    case = services.client_register(
        actor=world.users["vp1"],
        **LOTTE,
        municipality=_municipality(world),
        case_kind="question",
        case_title="Nog een vraag",
    )
    assert isinstance(case, SupportCase) and case.client == lotte
    assert not LinkRequest.objects.exists()


def test_a_family_of_another_organisation_is_refused(world):
    """co1 cannot register a client into the AKJ's family (R13)."""
    family = Family.objects.get(name="Gezin Bakker")
    clients = Client.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.client_register(
            actor=world.users["co1"],
            **LOTTE,
            municipality=_municipality(world),
            case_kind="care_question",
            case_title="Hulp",
            family=family,
            relation="nicht",
        )
    assert error_codes(refused.value) == {"r13_other_organisation"}
    assert Client.objects.count() == clients
