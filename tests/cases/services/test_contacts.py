"""Contact moments at the service: anonymous without a client, about a
client one supports, on an open case one supports; bad input and crafted
calls refused with the field and nothing written (R2, R6, R13)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AccessLogEntry
from cases import services
from cases.models import (
    CaseEvent,
    Client,
    ContactItem,
    ContactMoment,
    SupportCase,
)
from cases.services import ContactItemInput
from tests.support.checks import error_codes
from tests.support.world import World

QUESTION = ContactItemInput(kind="question", theme="legal_position")


def _record(world: World, actor: str = "vp1", **overrides: object) -> ContactMoment:
    arguments: dict[str, object] = {
        "actor": world.users[actor],
        "channel": "phone",
        "started_at": timezone.now() - datetime.timedelta(minutes=15),
        "duration_minutes": 12,
        "caller_type": "youth",
        "items": [QUESTION],
        **overrides,
    }
    return services.contact_record(**arguments)


def test_an_anonymous_contact_names_no_client_and_makes_none(world):
    """An anonymous phone question with two items: no client is made or
    linked, the items are kept in order, and the request's access-log row
    names no client."""
    clients = Client.objects.count()
    contact = _record(
        world,
        anonymous=True,
        caller_type="parent",
        items=[
            QUESTION,
            ContactItemInput(
                kind="complaint", theme="treatment", agency_kind="care_provider"
            ),
        ],
        notes="  Vraag over de rechten van een ouder bij een uithuisplaatsing. ",
    )
    assert Client.objects.count() == clients
    assert contact.client is None and contact.case is None
    assert contact.organisation == world.users["vp1"].organisation
    assert contact.notes == (
        "Vraag over de rechten van een ouder bij een uithuisplaatsing."
    )
    assert [(i.kind, i.agency_kind) for i in contact.items.all()] == [
        ("question", "none"),
        ("complaint", "care_provider"),
    ]
    assert contact.history.get().history_change_reason == "contact_record"
    assert ContactItem.history.filter(contact_id=contact.pk).count() == 2


def test_a_contact_about_a_supported_client_counts_for_their_municipality(world):
    youth = Client.objects.get(pk=world.objects["youth"])
    contact = _record(world, client=youth)
    assert contact.client == youth and contact.municipality == youth.municipality
    assert not CaseEvent.objects.filter(kind="contact_recorded").exists()


def test_a_contact_on_a_case_is_a_line_in_its_history(world):
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    contact = _record(world, case=case, channel="email", direction="outgoing")
    assert contact.client_id == case.client_id
    event = CaseEvent.objects.get(case=case, kind="contact_recorded")
    assert event.to_value == "email"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"direction": "sideways"}, "direction"),
        ({"caller_type": "alien"}, "caller_type"),
        ({"duration_minutes": 0}, "duration"),
        ({"duration_minutes": 481}, "duration"),
        ({"items": []}, "required"),
        ({"items": [ContactItemInput(kind="gossip", theme="treatment")]}, "items"),
        ({"items": [ContactItemInput(kind="question", theme="weather")]}, "items"),
        (
            {"items": [ContactItemInput("question", "treatment", "aliens")]},
            "items",
        ),
        ({"started_at": "tomorrow"}, "future"),
    ],
)
def test_bad_input_writes_nothing(world, overrides, code):
    if overrides.get("started_at") == "tomorrow":
        overrides["started_at"] = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        _record(world, **overrides)
    assert error_codes(refused.value) == {code}
    assert not ContactMoment.objects.exists() and not ContactItem.objects.exists()


def test_an_anonymous_contact_with_a_client_is_refused(world):
    youth = Client.objects.get(pk=world.objects["youth"])
    with pytest.raises(ValidationError) as refused:
        _record(world, anonymous=True, client=youth)
    assert error_codes(refused.value) == {"anonymous_client"}
    assert not ContactMoment.objects.exists()


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        # A colleague who does not support the youth (R2).
        ("vp2", "youth"),
        # The client supporter's organisation keeps its own file (R13).
        ("co1", "youth"),
        # Nobody works in another organisation's file of the same person.
        ("vp1", "co_youth"),
    ],
)
def test_a_contact_about_a_client_one_does_not_support_is_refused(world, actor, target):
    client = Client.objects.get(pk=world.objects[target])
    with pytest.raises(PermissionDenied):
        _record(world, actor=actor, client=client)
    assert not ContactMoment.objects.exists()


def test_a_contact_on_a_closed_or_foreign_case_is_refused(world):
    """A closed case takes no new contact (R6); a case of another client
    cannot be paired with a client; a colleague's case is refused (R2)."""
    closed = SupportCase.objects.get(pk=world.objects["closed_case"])
    with pytest.raises((PermissionDenied, ValidationError)):
        _record(world, case=closed)
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    mother = Client.objects.get(pk=world.objects["mother"])
    with pytest.raises((PermissionDenied, ValidationError)):
        _record(world, case=case, client=mother)
    with pytest.raises(PermissionDenied):
        _record(world, actor="vp2", case=case)
    assert not ContactMoment.objects.exists()


@pytest.mark.parametrize("role", ["tl", "dm", "fa"])
def test_only_caseworkers_record_contacts(world, role):
    """A team lead, a decision-maker or a functional administrator records
    no contact: the refusal is itself in the access log."""
    with pytest.raises(PermissionDenied):
        _record(world, actor=role, anonymous=True)
    assert not ContactMoment.objects.exists()


def test_who_sees_a_contact(world):
    """The recorder sees their own contacts; the supporter of the case sees
    the contacts on it; a colleague, the team lead and another organisation
    see none (the team lead only counts, elsewhere)."""
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    own = _record(world, actor="vp2", anonymous=True)
    on_case = _record(world, case=case)

    def seen(role: str) -> set[int]:
        return set(
            ContactMoment.objects.visible_to(world.users[role]).values_list(
                "pk", flat=True
            )
        )

    assert seen("vp1") == {on_case.pk}
    assert seen("vp2") == {own.pk}
    assert seen("tl") == seen("co1") == seen("dm") == set()
    assert set(
        ContactItem.objects.visible_to(world.users["vp1"]).values_list(
            "contact_id", flat=True
        )
    ) == {on_case.pk}
    assert not AccessLogEntry.objects.filter(object_type="contactmoment").filter(
        client__isnull=False, object_id=str(own.pk)
    )
