"""Consent to share with an informal supporter, in the browser (R11): the
client page lists the consents per informal supporter, a caseworker records
and withdraws them, and a meeting summary or a document is shared only under
current consent. A refused submission changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Client, Meeting
from roles import services as role_services
from roles.models import Consent, InformalSupporter, SharedItem
from tests.factories import UserFactory, take_up_client
from tests.support.world import World


@pytest.fixture
def held(world: World) -> World:
    """The world with a held meeting in vp1's complaint case."""
    vp1 = world.users["vp1"]
    meeting = services.meeting_plan(
        actor=vp1,
        case=Meeting.objects.get(pk=world.objects["complaint_meeting"]).case,
        kind="question_complaint",
        starts_at=timezone.now() - datetime.timedelta(hours=1),
    )
    services.meeting_set_status(actor=vp1, meeting=meeting, status="held")
    world.objects["held_meeting"] = meeting.pk
    world.objects["ria"] = InformalSupporter.objects.get(name="Tante Ria").pk
    return world


def _login(client, world: World, role: str = "vp1") -> None:
    client.force_login(world.users[role])


def _state() -> list[tuple]:
    return [
        *Consent.objects.values_list("pk", "item", "withdrawn_on"),
        *SharedItem.objects.values_list("pk", "item"),
    ]


def _summary_consent(world: World) -> Consent:
    return role_services.consent_record(
        actor=world.users["vp1"],
        informal_supporter=InformalSupporter.objects.get(pk=world.objects["ria"]),
        item=Consent.Item.MEETING_SUMMARY,
        meeting=Meeting.objects.get(pk=world.objects["held_meeting"]),
        given_on=timezone.localdate(),
    )


def test_r11_the_client_page_lists_consents_per_informal_supporter(
    client, held
) -> None:
    """R11: The client page shows, per informal supporter, what the client
    consented to share, since when, and the buttons to record and withdraw."""
    consent = _summary_consent(held)
    _login(client, held)
    page = client.get(reverse("web:client_detail", args=[held.objects["youth"]])).text
    assert "Toestemmingen" in page
    assert "Tante Ria" in page
    assert "Verslag van een gesprek" in page
    assert reverse("web:consent_withdraw", args=[consent.pk]) in page
    assert reverse("web:consent_add", args=[held.objects["youth"]]) in page


def test_r11_record_consent_for_a_meeting_summary(client, held) -> None:
    """R11: A caseworker records the client's consent to share the summary of
    one meeting with one informal supporter, with the date it was given."""
    _login(client, held)
    given = timezone.localdate() - datetime.timedelta(days=2)
    response = client.post(
        reverse("web:consent_add", args=[held.objects["youth"]]),
        {
            "informal_supporter": held.objects["ria"],
            "item": "meeting_summary",
            "meeting": held.objects["held_meeting"],
            "given_on": given.isoformat(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(item="meeting_summary")
    assert consent.meeting_id == held.objects["held_meeting"]
    assert consent.given_on == given
    assert consent.recorded_by == held.users["vp1"]


def test_r11_record_consent_for_a_document(client, held) -> None:
    """R11: Consent for a document is recorded with its description."""
    _login(client, held)
    response = client.post(
        reverse("web:consent_add", args=[held.objects["youth"]]),
        {
            "informal_supporter": held.objects["ria"],
            "item": "document",
            "description": "Brief aan de klachtencommissie",
            "given_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert Consent.objects.get(item="document").description == (
        "Brief aan de klachtencommissie"
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"item": "meeting_summary"}, "meeting"),
        ({"item": "document"}, "description"),
        (
            {
                "item": "document",
                "description": "Brief",
                "given_on": (timezone.localdate() + datetime.timedelta(days=3)),
            },
            "given_on",
        ),
    ],
)
def test_r11_a_refused_consent_changes_nothing(client, held, data, field) -> None:
    """R11: Consent for a summary names its meeting, consent for a document
    describes it, and consent is not given in the future; a refusal is shown
    next to the field and records nothing."""
    _login(client, held)
    before = _state()
    post = {
        "informal_supporter": held.objects["ria"],
        "given_on": timezone.localdate().isoformat(),
        **data,
    }
    response = client.post(
        reverse("web:consent_add", args=[held.objects["youth"]]), post
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert _state() == before


def test_r11_a_meeting_of_another_supporter_cannot_be_chosen(client, held) -> None:
    """R2, R11: A colleague who supports the same youth in another case cannot
    record consent for vp1's meeting: it is not among the choices, and a forged
    choice is refused."""
    vp1 = held.users["vp1"]
    colleague = UserFactory(
        confidant=True, organisation=vp1.organisation, team=vp1.team
    )
    take_up_client(
        colleague, Client.objects.get(pk=held.objects["youth"]), kind="question"
    )
    client.force_login(colleague)
    url = reverse("web:consent_add", args=[held.objects["youth"]])
    assert str(held.objects["held_meeting"]) not in [
        str(m.pk) for m in client.get(url).context["form"].fields["meeting"].queryset
    ]
    before = _state()
    response = client.post(
        url,
        {
            "informal_supporter": held.objects["ria"],
            "item": "meeting_summary",
            "meeting": held.objects["held_meeting"],
            "given_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "meeting" in response.context["form"].errors
    assert _state() == before


def test_r11_withdraw_consent_with_a_date(client, held) -> None:
    """R11: The client can withdraw consent; the caseworker records on which
    day, and the client page shows it as withdrawn."""
    consent = _summary_consent(held)
    _login(client, held)
    today = timezone.localdate()
    response = client.post(
        reverse("web:consent_withdraw", args=[consent.pk]),
        {"withdrawn_on": today.isoformat()},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == today
    page = client.get(reverse("web:client_detail", args=[held.objects["youth"]])).text
    assert "Ingetrokken" in page
    assert reverse("web:consent_withdraw", args=[consent.pk]) not in page


def test_r11_a_withdrawal_in_the_future_changes_nothing(client, held) -> None:
    """R11: A withdrawal dated in the future is refused and changes nothing."""
    consent = _summary_consent(held)
    _login(client, held)
    before = _state()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("web:consent_withdraw", args=[consent.pk]),
        {"withdrawn_on": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    assert "withdrawn_on" in response.context["form"].errors
    assert _state() == before


def test_r11_a_summary_is_not_shared_without_consent(client, held) -> None:
    """R11: Without the client's consent for this meeting's summary, sharing it
    is refused with an explanation and nothing is recorded."""
    _login(client, held)
    before = _state()
    response = client.post(
        reverse("web:meeting_summary_share", args=[held.objects["held_meeting"]]),
        {"informal_supporter": held.objects["ria"]},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["informal_supporter"]
    assert "toestemming" in errors[0]
    assert _state() == before


def test_r11_a_summary_is_shared_under_consent_and_not_after_withdrawal(
    client, held
) -> None:
    """R11: With consent the sharing is recorded (what, with whom, by whom,
    when); after the withdrawal it is refused, and the past sharing stays."""
    consent = _summary_consent(held)
    _login(client, held)
    url = reverse("web:meeting_summary_share", args=[held.objects["held_meeting"]])
    page = client.get(
        reverse("web:meeting_detail", args=[held.objects["held_meeting"]])
    )
    assert url in page.text
    assert client.post(url, {"informal_supporter": held.objects["ria"]}).status_code
    shared = SharedItem.objects.get()
    assert shared.consent == consent
    assert shared.shared_by == held.users["vp1"]
    assert shared.meeting_id == held.objects["held_meeting"]

    role_services.consent_withdraw(actor=held.users["vp1"], consent=consent)
    before = _state()
    response = client.post(url, {"informal_supporter": held.objects["ria"]})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _state() == before
    assert SharedItem.objects.get() == shared


def test_r11_consent_for_an_invitation_does_not_share_the_summary(client, held) -> None:
    """R11: Consent is per item: the consent to invite the informal supporter
    to a meeting does not allow sharing that meeting's summary."""
    vp1 = held.users["vp1"]
    role_services.consent_record(
        actor=vp1,
        informal_supporter=InformalSupporter.objects.get(pk=held.objects["ria"]),
        item=Consent.Item.MEETING_INVITATION,
        meeting=Meeting.objects.get(pk=held.objects["held_meeting"]),
        given_on=timezone.localdate(),
    )
    _login(client, held)
    before = _state()
    response = client.post(
        reverse("web:meeting_summary_share", args=[held.objects["held_meeting"]]),
        {"informal_supporter": held.objects["ria"]},
    )
    assert response.status_code == 200
    assert _state() == before


def test_a_planned_meeting_has_no_summary_to_share(client, held) -> None:
    """Only a held meeting has a summary: the meeting page offers no sharing
    for a planned meeting, and the service refuses it."""
    _login(client, held)
    planned = held.objects["complaint_meeting"]
    page = client.get(reverse("web:meeting_detail", args=[planned])).text
    assert reverse("web:meeting_summary_share", args=[planned]) not in page
    before = _state()
    response = client.post(
        reverse("web:meeting_summary_share", args=[planned]),
        {"informal_supporter": held.objects["ria"]},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert _state() == before


def test_r11_a_document_is_shared_under_consent_and_not_after_withdrawal(
    client, held
) -> None:
    """R11: A document is shared under the client's consent for it; once the
    consent is withdrawn, sharing is refused and the earlier sharing stays."""
    vp1 = held.users["vp1"]
    consent = role_services.consent_record(
        actor=vp1,
        informal_supporter=InformalSupporter.objects.get(pk=held.objects["ria"]),
        item=Consent.Item.DOCUMENT,
        description="Brief aan de klachtencommissie",
        given_on=timezone.localdate(),
    )
    _login(client, held)
    url = reverse("web:document_share", args=[consent.pk])
    assert client.post(url).status_code == 302
    assert SharedItem.objects.get().description == "Brief aan de klachtencommissie"
    role_services.consent_withdraw(actor=vp1, consent=consent)
    # Withdrawn: the page no longer offers sharing, and a direct POST is refused.
    page = client.get(reverse("web:client_detail", args=[held.objects["youth"]])).text
    assert url not in page
    before = _state()
    response = client.post(url)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert _state() == before


def test_r2_consent_names_only_a_meeting_the_caseworker_may_read(held, refused) -> None:
    """R2, R11: The service refuses (403) consent about a meeting the caseworker
    may not read, even for a client they support."""
    from django.core.exceptions import PermissionDenied

    with refused(exc=PermissionDenied):
        role_services.consent_record(
            actor=held.users["co1"],
            informal_supporter=InformalSupporter.objects.get(pk=held.objects["ria"]),
            item=Consent.Item.MEETING_SUMMARY,
            meeting=Meeting.objects.get(pk=held.objects["held_meeting"]),
            given_on=timezone.localdate(),
        )
