"""A client's contact details, and how not to reach them (safety): only a
current supporter records them, a preferred way that is not allowed is
refused, a stale form is refused, the inzage export holds them and
anonymising removes them; the warning stands wherever someone would contact
the client."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import services
from cases.exports import client_export
from cases.models import Client, SupportCase
from retention.services import _anonymise
from tests.support.checks import error_codes
from tests.support.world import World


def _youth(world: World) -> Client:
    return Client.objects.get(pk=world.objects["youth"])


def _update(world: World, actor: str = "vp1", **fields: object) -> Client:
    return services.client_contact_update(
        actor=world.users[actor], client=_youth(world), **fields
    )


def test_the_details_are_kept_with_their_history(world):
    client = _update(
        world,
        phone=" 06 1234 5678 ",
        email="sem@example.org",
        address="Dorpsstraat 1, Utrecht",
        preferred_channel="text",
        may_call=False,
        may_write=False,
    )
    assert (client.phone, client.preferred_channel) == ("06 1234 5678", "text")
    assert client.contact_restrictions == [
        "Niet bellen.",
        "Geen post sturen naar het adres.",
    ]
    assert client.history.first().history_change_reason == "client_contact_update"
    data = client_export(client=client, user=world.users["vp1"])["client"]
    assert (data["phone"], data["may_call"], data["preferred_channel_label"]) == (
        "06 1234 5678",
        False,
        "Sms of WhatsApp",
    )


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        (
            {"preferred_channel": "phone", "may_call": False},
            "preferred_channel",
            "preferred_not_allowed",
        ),
        (
            {"preferred_channel": "text", "may_text": False},
            "preferred_channel",
            "preferred_not_allowed",
        ),
        (
            {"preferred_channel": "letter", "may_write": False},
            "preferred_channel",
            "preferred_not_allowed",
        ),
        ({"email": "geen adres"}, "email", "invalid"),
        ({"expected_version": 99}, None, "stale"),
    ],
)
def test_details_that_do_not_add_up_change_nothing(world, fields, field, code):
    before = _youth(world).version
    with pytest.raises(ValidationError) as refused:
        _update(world, **fields)
    assert code in error_codes(refused.value)
    if field:
        assert field in refused.value.message_dict
    youth = _youth(world)
    assert youth.version == before and youth.may_call and not youth.email


@pytest.mark.parametrize("actor", ["vp2", "tl", "co1"])
def test_only_a_current_supporter_changes_them(world, actor):
    """A colleague, the team lead and another organisation's supporter (who
    keeps a file of their own, R13) cannot change the AKJ's file."""
    with pytest.raises(PermissionDenied):
        _update(world, actor=actor, phone="06 0000 0000")
    assert not _youth(world).phone


def test_anonymising_removes_the_details(world):
    _update(world, phone="06 1234 5678", email="sem@example.org", address="Straat 1")
    _anonymise(Client, [world.objects["youth"]])
    youth = _youth(world)
    assert (youth.phone, youth.email, youth.address) == ("", "", "")


def test_the_warning_stands_wherever_someone_would_contact_the_client(client, world):
    """The client's page, the case page, planning a meeting and recording a
    contact on the case all say how not to reach the client."""
    _update(world, may_call=False)
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    client.force_login(world.users["vp1"])
    for url in (
        reverse("web:client_detail", args=[world.objects["youth"]]),
        case.get_absolute_url(),
        reverse("web:meeting_plan", args=[case.pk]),
        reverse("web:contact_record_case", args=[case.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Let op, veiligheid:" in page and "Niet bellen." in page, url
    mother_case = SupportCase.objects.get(pk=world.objects["mother_case"])
    client.force_login(world.users["vp2"])
    assert (
        "Let op, veiligheid:"
        not in client.get(mother_case.get_absolute_url()).content.decode()
    )


def test_the_form_saves_and_refuses_a_forbidden_preference(client, world):
    client.force_login(world.users["vp1"])
    url = reverse("web:client_contact_edit", args=[world.objects["youth"]])
    version = _youth(world).version
    response = client.post(
        url,
        {"version": version, "phone": "06 1234 5678", "preferred_channel": "phone"},
    )
    assert response.status_code == 200
    assert "juist niet toegestaan" in response.content.decode()
    assert not _youth(world).phone
    response = client.post(
        url,
        {
            "version": version,
            "phone": "06 1234 5678",
            "preferred_channel": "text",
            "may_text": "on",
            "may_write": "on",
        },
    )
    assert response.status_code == 302
    youth = _youth(world)
    assert youth.phone == "06 1234 5678" and not youth.may_call
