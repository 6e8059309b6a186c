"""The contact pages through HTTP, as a caseworker uses them: an anonymous
phone question in one POST, a later call on a case in its timeline, what a
bad submission says (and that it saves nothing), who sees which contacts,
and the query budgets of the POST, the list and a contact."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from cases.models import Client, ContactItem, ContactMoment, SupportCase
from tests.factories import record_contact
from tests.support.world import World, check_budget


def _moment(minutes_ago: int = 5) -> str:
    moment = timezone.localtime() - datetime.timedelta(minutes=minutes_ago)
    return moment.strftime("%Y-%m-%dT%H:%M")


def _post(**fields: str) -> dict[str, str]:
    """The form as the browser sends it: three item rows, the first filled."""
    return {
        "channel": "phone",
        "direction": "incoming",
        "started_at": _moment(),
        "duration_minutes": "12",
        "caller_type": "youth",
        "anonymous": "on",
        "municipality": "",
        "notes": "",
        "item-TOTAL_FORMS": "3",
        "item-INITIAL_FORMS": "0",
        "item-MIN_NUM_FORMS": "1",
        "item-MAX_NUM_FORMS": "3",
        "item-0-kind": "question",
        "item-0-theme": "legal_position",
        "item-0-agency_kind": "none",
        "item-1-kind": "",
        "item-1-theme": "",
        "item-1-agency_kind": "none",
        "item-2-kind": "",
        "item-2-theme": "",
        "item-2-agency_kind": "none",
        **fields,
    }


def test_an_anonymous_phone_question_in_one_post(client, world: World):
    """The form comes back empty for the next call, with the message; the
    contact has its item and no client; the list shows it."""
    client.force_login(world.users["vp1"])
    clients = Client.objects.count()
    response = client.post(reverse("web:contact_record"), _post(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("web:contact_record")
    assert "is vastgelegd" in response.content.decode()
    contact = ContactMoment.objects.get()
    assert contact.anonymous and contact.client is None
    assert [(i.kind, i.theme) for i in contact.items.all()] == [
        ("question", "legal_position")
    ]
    assert Client.objects.count() == clients
    # The write is in the access log, naming no client.
    row = AccessLogEntry.objects.get(action="create", object_type="contactmoment")
    assert row.object_id == str(contact.pk) and row.client_id is None
    listing = client.get(reverse("web:contact_list")).content.decode()
    assert contact.get_absolute_url() in listing


def test_a_second_item_is_kept_and_a_half_item_is_refused(client, world: World):
    client.force_login(world.users["vp1"])
    two = _post(**{"item-1-kind": "complaint", "item-1-theme": "treatment"})
    assert client.post(reverse("web:contact_record"), two).status_code == 302
    assert ContactItem.objects.count() == 2
    half = _post(**{"item-2-kind": "problem"})
    response = client.post(reverse("web:contact_record"), half)
    assert response.status_code == 200
    assert "Kies het thema." in response.content.decode()
    assert ContactMoment.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"caller_type": ""}, "Kies wie contact zocht."),
        ({"channel": ""}, "Kies het kanaal."),
        ({"duration_minutes": ""}, "Vul de duur in minuten in."),
        ({"duration_minutes": "900"}, "900"),
        ({"item-0-kind": ""}, "Kies de soort."),
        ({"started_at": "2999-01-01T10:00"}, "Dit tijdstip ligt in de toekomst."),
    ],
)
def test_bad_input_is_named_and_saves_nothing(client, world: World, fields, message):
    client.force_login(world.users["vp1"])
    before = AccessLogEntry.objects.count()
    response = client.post(reverse("web:contact_record"), _post(**fields))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Controleer" in page or message in page
    assert not ContactMoment.objects.exists()
    assert AccessLogEntry.objects.count() == before


def test_a_later_call_on_a_case_is_in_its_timeline(client, world: World):
    """Recorded from the case, the contact is a line of the case's history,
    in words: "Telefoon, 12 minuten"."""
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    client.force_login(world.users["vp1"])
    fields = _post()
    del fields["anonymous"], fields["municipality"]
    response = client.post(reverse("web:contact_record_case", args=[case.pk]), fields)
    assert (
        response.status_code == 302 and response["Location"] == case.get_absolute_url()
    )
    contact = ContactMoment.objects.get()
    assert contact.case == case and contact.client == case.client
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Contact vastgelegd" in page and "Telefoon, 12 minuten" in page


def test_a_crafted_anonymous_flag_on_a_case_is_refused(client, world: World):
    """The case form has no "anonymous"; a crafted one is ignored, so the
    contact stays about the case's client."""
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    client.force_login(world.users["vp1"])
    client.post(reverse("web:contact_record_case", args=[case.pk]), _post())
    assert ContactMoment.objects.get().client == case.client


def test_each_sees_their_own_contacts_only(client, world: World):
    """vp2's anonymous contact is not in vp1's list and its page is 404 for
    vp1, the team lead and the client supporter; the team lead's list is empty."""
    contact = record_contact(world.users["vp2"])
    for role in ("vp1", "tl", "co1"):
        client.force_login(world.users[role])
        assert client.get(contact.get_absolute_url()).status_code == 404, role
        listing = client.get(reverse("web:contact_list")).content.decode()
        assert contact.get_absolute_url() not in listing, role


def _contacts(world: World, size: int) -> None:
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    for i in range(size):
        record_contact(world.users["vp1"], items=2)
        record_contact(world.users["vp1"], case=case, items=1 + i % 3)
    world.objects["contact"] = record_contact(world.users["vp1"], case=case).pk


@pytest.mark.parametrize("size", [1, 15])
@pytest.mark.parametrize(
    ("name", "key", "budget"),
    [("web:contact_list", None, 6), ("web:contact_detail", "contact", 4)],
)
def test_the_pages_cost_the_same_with_more_contacts(
    client, world, django_assert_max_num_queries, size, name, key, budget
):
    _contacts(world, size)
    check_budget(
        client, world, "vp1", name, key, budget, True, django_assert_max_num_queries
    )


def test_recording_costs_at_most_ten_queries(client, world):
    """One POST with two items: the session and user, the contact and its
    items with their versions, and the access-log row (its chain; the lock
    on PostgreSQL) — at most 10 statements besides the transaction's own
    (savepoints here, BEGIN and COMMIT in production)."""
    client.force_login(world.users["vp1"])
    client.get(reverse("web:contact_record"))  # the session is written once
    two = _post(**{"item-1-kind": "complaint", "item-1-theme": "treatment"})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("web:contact_record"), two)
    assert response.status_code == 302
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    assert len(statements) <= 10, "\n".join(statements)
