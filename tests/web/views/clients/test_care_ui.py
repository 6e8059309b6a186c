"""Care and informal supporters on the client's file through HTTP, and the
services behind the client pages. Refused rules are shown with their Dutch
explanation and change nothing; bad input gets error messages, never a 500.
"""

from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse

from accounts.models import Organisation
from cases import services
from cases.models import (
    Care,
    CaseEvent,
    Client,
    ConflictingInterest,
    Family,
    FamilyMembership,
    SupportCase,
)
from roles.models import (
    Assignment,
    CaseUserObjectPermission,
    ClientUserObjectPermission,
    InformalSupporter,
)


def _login(client, world, role):
    client.force_login(world.users[role])


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _snapshot() -> dict[str, object]:
    """Every row these pages write, and the columns they change."""
    return {
        "clients": sorted(
            Client.objects.values_list(
                "pk", "first_name", "last_name", "date_of_birth", "institution_id"
            )
        ),
        "families": Family.objects.count(),
        "memberships": FamilyMembership.objects.count(),
        "conflicts": ConflictingInterest.objects.count(),
        "care": sorted(Care.objects.values_list("pk", "ended_on")),
        "cases": SupportCase.objects.count(),
        "events": CaseEvent.objects.count(),
        "assignments": Assignment.objects.count(),
        "informal": InformalSupporter.objects.count(),
        "case perms": CaseUserObjectPermission.objects.count(),
        "client perms": ClientUserObjectPermission.objects.count(),
    }


def _field_error(response, field: str, text: str) -> None:
    """``text`` is shown next to ``field`` (and in the summary on top)."""
    form = response.context["form"]
    assert any(text in e for e in form.errors.get(field, [])), form.errors
    assert f'id="id_{field}_error1"' in response.content.decode()
    assert text in _text(response)


def _form_error(response, text: str) -> None:
    """``text`` is shown at the top of the form (a rule about the whole form)."""
    form = response.context["form"]
    assert any(text in e for e in form.non_field_errors()), form.errors
    assert "naast-error-summary" in response.content.decode()


# --- care -----------------------------------------------------------------------------


def test_record_and_end_care(client, world, provider):
    """Care is recorded with provider, kind, residential and period, and ended
    later; the file shows both."""
    youth = Client.objects.get(pk=world.objects["co_youth"])
    _login(client, world, "co1")
    response = client.post(
        reverse("care_add", args=[youth.pk]),
        {
            "provider": provider.pk,
            "kind": "jeugdbescherming",
            "residential": "on",
            "contact_person": "Mw. Jansen",
            "started_on": "2025-01-15",
        },
    )
    assert response.status_code == 302
    care = Care.objects.get(client=youth)
    assert care.residential and care.kind == "jeugdbescherming"
    text = _text(client.get(youth.get_absolute_url()))
    assert "Jeugdbeschermingsmaatregel" in text and "15 januari 2025" in text
    assert reverse("care_end", args=[care.pk]) in text
    response = client.post(
        reverse("care_end", args=[care.pk]), {"ended_on": "2025-06-30"}
    )
    assert response.status_code == 302
    care.refresh_from_db()
    assert care.ended_on == datetime.date(2025, 6, 30)
    text = _text(client.get(youth.get_absolute_url()))
    assert "30 juni 2025" in text
    assert reverse("care_end", args=[care.pk]) not in text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"ended_on": "2024-12-31"},
            "ended_on",
            "De einddatum ligt vóór de startdatum.",
        ),
        ({"started_on": "2999-01-01"}, "started_on", "in de toekomst"),
        ({"ended_on": "2999-01-01"}, "ended_on", "in de toekomst"),
        ({"provider": "AKJ"}, "provider", "geldige keuze"),
        ({"provider": "999999"}, "provider", "geldige keuze"),
        ({"kind": "zorg"}, "kind", "geldige keuze"),
        ({"started_on": ""}, "started_on", "Dit veld is verplicht."),
        ({"contact_person": "x" * 1000}, "contact_person", "niet meer dan 200 tekens"),
    ],
)
def test_record_care_with_bad_input(
    client, world, youth, provider, overrides, field, message
):
    """End before start, future dates, a provider that is no care provider
    (e.g. the AKJ), unknown values: refused next to the field, nothing saved."""
    if overrides.get("provider") == "AKJ":
        overrides = {"provider": Organisation.objects.get(kind="akj").pk}
    data = {
        "provider": provider.pk,
        "kind": "jeugdhulp",
        "started_on": "2025-01-01",
        **overrides,
    }
    _login(client, world, "vp1")
    before = _snapshot()
    response = client.post(reverse("care_add", args=[youth.pk]), data)
    assert response.status_code == 200
    _field_error(response, field, message)
    assert _snapshot() == before


def test_ending_care_before_it_started_or_twice_is_refused(
    client, world, youth, provider
):
    """Care ends on or after its start, once."""
    care = services.care_record(
        actor=world.users["vp1"],
        client=youth,
        provider=provider,
        kind="jeugdhulp",
        started_on=datetime.date(2025, 1, 1),
    )
    _login(client, world, "vp1")
    url = reverse("care_end", args=[care.pk])
    before = _snapshot()
    response = client.post(url, {"ended_on": "2024-12-31"})
    _field_error(response, "ended_on", "De einddatum ligt vóór de startdatum.")
    response = client.post(url, {"ended_on": "nooit"})
    _field_error(response, "ended_on", "geldige datum")
    assert _snapshot() == before
    assert client.post(url, {"ended_on": "2025-01-01"}).status_code == 302
    before = _snapshot()
    response = client.post(url, {"ended_on": "2025-02-01"})
    assert response.status_code == 200
    _form_error(response, "Deze hulp is al beëindigd.")
    assert _snapshot() == before


# --- informal supporters (R11) ---------------------------------------------------------


def test_add_an_informal_supporter(client, world, mother):
    """Someone from the client's network is recorded; they get no account (R11)."""
    _login(client, world, "vp2")
    response = client.post(
        reverse("informal_supporter_add", args=[mother.pk]),
        {"name": "Buurman Henk", "relation": "buurman", "email": "henk@example.nl"},
    )
    assert response.status_code == 302
    supporter = InformalSupporter.objects.get(name="Buurman Henk")
    assert supporter.client == mother
    assert "Buurman Henk" in _text(client.get(mother.get_absolute_url()))


def test_add_an_informal_supporter_with_bad_input(client, world, mother):
    """A missing name and an invalid e-mail address are reported."""
    _login(client, world, "vp2")
    before = _snapshot()
    response = client.post(
        reverse("informal_supporter_add", args=[mother.pk]),
        {"name": "", "relation": "buurman", "email": "geen-adres"},
    )
    assert response.status_code == 200
    _field_error(response, "name", "Dit veld is verplicht.")
    _field_error(response, "email", "geldig e-mailadres")
    assert _snapshot() == before


# --- services -----------------------------------------------------------------------------


def test_family_member_add_needs_a_supported_member(world, family, youth, refused):
    """Only a supporter of one of the family's members may add to the family."""
    from django.core.exceptions import PermissionDenied

    with refused(exc=PermissionDenied):
        services.family_member_add(
            actor=world.users["tl"],
            family=family,
            first_name="X",
            last_name="Y",
            date_of_birth=datetime.date(2000, 1, 1),
            kind="youth",
            municipality=youth.municipality,
            relation="neef",
        )


def test_client_update_and_care_need_the_change_permission(
    world, mother, provider, refused
):
    """A caseworker who does not support the client changes nothing (R2)."""
    from django.core.exceptions import PermissionDenied

    with refused(exc=PermissionDenied):
        services.client_update(
            actor=world.users["vp1"],
            client=mother,
            first_name="A",
            last_name="B",
            date_of_birth=datetime.date(1984, 9, 12),
            kind="parent",
            municipality=mother.municipality,
        )
    with refused(exc=PermissionDenied):
        services.care_record(
            actor=world.users["vp1"],
            client=mother,
            provider=provider,
            kind="jeugdhulp",
            started_on=datetime.date(2024, 1, 1),
        )
    with refused(exc=PermissionDenied):
        services.family_create(
            actor=world.users["co1"], client=mother, name="Gezin", relation="moeder"
        )
