"""The client's file through HTTP: the page with its family roster, personal
data, the family and its members, and conflicting interests (R4). Refused
rules are shown with their Dutch explanation and change nothing; bad input
gets error messages, never a 500.
"""

from __future__ import annotations

import datetime
import html

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import (
    Care,
    CaseEvent,
    Client,
    ConflictingInterest,
    Family,
    FamilyMembership,
    LinkRequest,
    SupportCase,
)
from roles.models import (
    Assignment,
    CaseUserObjectPermission,
    ClientUserObjectPermission,
    InformalSupporter,
)
from tests.factories import FamilyFactory, FamilyMembershipFactory, open_case
from tests.support.checks import access_log_queries


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


def _register_data(youth: Client, **overrides: object) -> dict[str, object]:
    data = {
        "first_name": "Noor",
        "last_name": "de Vries",
        "date_of_birth": "2012-03-04",
        "kind": "youth",
        "municipality": youth.municipality_id,
        "case_kind": "question",
        "case_title": "Vraag over de pleegzorg",
        "subject": "",
        "provider": "",
        "at_clients_request": "on",
    }
    data.update(overrides)
    return data


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


# --- the client's file ------------------------------------------------------------------


def test_client_page_shows_the_file_with_age_and_family_roster(client, world, youth):
    """The file shows personal data with age, the user's cases, all family
    members with their relations — linking only members the user supports —
    the recorded conflicting interest, and the informal supporter."""
    _login(client, world, "vp1")
    page = client.get(reverse("web:client_detail", args=[youth.pk]))
    text = _text(page)
    age = youth.age_on(timezone.localdate())
    assert f"{age} jaar" in text
    assert "2 april 2011" in text
    assert "Anouk Bakker" in text and "moeder" in text
    assert reverse("web:client_detail", args=[world.objects["mother"]]) not in text
    assert "Tegenstrijdige belangen" in text and "Gezag" in text
    assert "Tante Ria" in text
    mother_case = SupportCase.objects.get(pk=world.objects["mother_case"])
    assert mother_case.reference not in text
    assert SupportCase.objects.get(pk=world.objects["complaint_case"]).reference in text


def test_client_page_dates_follow_the_users_language(client, world, youth):
    """Dates are written in the user's locale."""
    _login(client, world, "vp1")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = _text(client.get(reverse("web:client_detail", args=[youth.pk])))
    assert "April 2, 2011" in text


def test_a_colleague_sees_the_roster_but_links_only_own_clients(
    client, world, youth, mother
):
    """The mother's confidant sees the youth's name and relation in the
    family, without a link to his file, which a colleague supports (R2)."""
    _login(client, world, "vp2")
    text = _text(client.get(reverse("web:client_detail", args=[mother.pk])))
    assert "Sem Bakker" in text
    assert youth.get_absolute_url() not in text


@pytest.mark.parametrize("extra", [1, 15])
def test_client_page_query_count_is_bounded(
    client, world, youth, family, provider, django_assert_max_num_queries, extra
):
    """The client page's queries do not grow with cases, family members, care
    or informal supporters."""
    vp1 = world.users["vp1"]
    for i in range(extra):
        services.case_open(actor=vp1, client=youth, kind="question", title=f"V{i}")
        services.family_member_add(
            actor=vp1,
            family=family,
            first_name=f"Kind{i}",
            last_name="Bakker",
            date_of_birth=datetime.date(2015, 1, 1),
            kind="youth",
            municipality=youth.municipality,
            relation="broer",
        )
        services.care_record(
            actor=vp1,
            client=youth,
            provider=provider,
            kind="jeugdhulp",
            started_on=datetime.date(2024, 1, 1),
        )
    _login(client, world, "vp1")
    # 17 before the access log (1 for the referrals); reading the file writes
    # one log row.
    with django_assert_max_num_queries(17 + access_log_queries()):
        assert (
            client.get(reverse("web:client_detail", args=[youth.pk])).status_code == 200
        )


# --- personal data ------------------------------------------------------------------


def test_edit_personal_data(client, world, youth, provider):
    """A supporter corrects the personal data; the file shows the change."""
    _login(client, world, "vp1")
    response = client.post(
        reverse("web:client_edit", args=[youth.pk]),
        {
            "first_name": "Sem",
            "last_name": "Bakker-Jansen",
            "date_of_birth": "2011-04-03",
            "kind": "youth",
            "municipality": youth.municipality_id,
            "lives_in_institution": "on",
            "institution": provider.pk,
        },
    )
    assert response.status_code == 302
    youth.refresh_from_db()
    assert youth.last_name == "Bakker-Jansen"
    assert youth.institution == provider
    page = client.get(reverse("web:client_edit", args=[youth.pk]))
    assert 'value="Bakker-Jansen"' in page.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "in de toekomst"),
        ({"institution": "PROVIDER"}, "institution", "jeugdhulpinstelling woont"),
        ({"last_name": ""}, "last_name", "Dit veld is verplicht."),
        ({"municipality": "0"}, "municipality", "geldige keuze"),
    ],
)
def test_edit_with_bad_input_changes_nothing(
    client, world, youth, provider, overrides, field, message
):
    """A birth date in the future, an institution for a client not living
    there, or missing and unknown values: refused next to the field."""
    if overrides.get("institution") == "PROVIDER":
        overrides = {"institution": provider.pk}
    data = {
        "first_name": "Sem",
        "last_name": "Bakker",
        "date_of_birth": "2011-04-02",
        "kind": "youth",
        "municipality": youth.municipality_id,
        **overrides,
    }
    _login(client, world, "vp1")
    before = _snapshot()
    response = client.post(reverse("web:client_edit", args=[youth.pk]), data)
    assert response.status_code == 200
    _field_error(response, field, message)
    assert _snapshot() == before


# --- family ---------------------------------------------------------------------------


def test_create_a_family_for_a_client(client, world, mother):
    """A supporter records the client's family with the client's relation."""
    _login(client, world, "vp2")
    response = client.post(
        reverse("web:family_create", args=[mother.pk]),
        {"name": "Gezin Bakker-de Boer", "relation": "moeder"},
    )
    assert response.status_code == 302
    assert response["Location"] == mother.get_absolute_url()
    family = Family.objects.get(name="Gezin Bakker-de Boer")
    assert family.memberships.get().client == mother
    text = _text(client.get(mother.get_absolute_url()))
    assert "Gezin Bakker-de Boer" in text


def test_create_a_family_without_a_name_is_refused(client, world, mother):
    """The family's name and the relation are required."""
    _login(client, world, "vp2")
    before = _snapshot()
    response = client.post(
        reverse("web:family_create", args=[mother.pk]), {"name": "  ", "relation": ""}
    )
    assert response.status_code == 200
    _field_error(response, "relation", "Dit veld is verplicht.")
    assert _snapshot() == before


def test_add_a_family_member_without_a_case(client, world, youth, family):
    """A new member is a client without a case: on the roster, linked to
    nobody's file (nobody supports them yet, R2)."""
    _login(client, world, "vp1")
    url = reverse("web:family_member_add", args=[family.pk]) + f"?client={youth.pk}"
    response = client.post(
        url,
        {
            "first_name": "Lieke",
            "last_name": "Bakker",
            "date_of_birth": "2016-02-29",
            "kind": "youth",
            "municipality": youth.municipality_id,
            "relation": "zus",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == youth.get_absolute_url()
    lieke = Client.objects.get(first_name="Lieke")
    assert not lieke.cases.exists()
    assert not Client.objects.visible_to(world.users["vp1"]).filter(pk=lieke.pk)
    text = _text(client.get(youth.get_absolute_url()))
    assert "Lieke Bakker" in text and "zus" in text
    assert lieke.get_absolute_url() not in text


def test_a_known_person_is_matched_not_duplicated(client, world, youth, family):
    """Adding someone with the name and birth date of a client known in the
    organisation does not attach that file: the addition waits for the team
    lead's decision (R13), and no second file is made; adding a member twice is
    refused with an explanation."""
    other = FamilyFactory(name="Gezin Bakker (vader)", organisation=youth.organisation)
    FamilyMembershipFactory(family=other, client=youth, relation="zoon")
    _login(client, world, "vp1")
    data = {
        "first_name": "anouk",
        "last_name": "BAKKER",
        "date_of_birth": "1984-09-12",
        "kind": "parent",
        "municipality": youth.municipality_id,
        "relation": "moeder",
    }
    clients = Client.objects.count()
    response = client.post(reverse("web:family_member_add", args=[other.pk]), data)
    assert response.status_code == 302
    assert Client.objects.count() == clients
    assert not other.memberships.filter(client_id=world.objects["mother"]).exists()
    waiting = LinkRequest.objects.get(family=other)
    assert (waiting.kind, waiting.status) == ("family_member", "pending")
    assert waiting.requested_by == world.users["vp1"]
    before = _snapshot()
    response = client.post(reverse("web:family_member_add", args=[family.pk]), data)
    assert response.status_code == 200
    _form_error(response, "is al lid van dit gezin")
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "in de toekomst"),
        ({"relation": ""}, "relation", "Dit veld is verplicht."),
        ({"relation": "x" * 500}, "relation", "niet meer dan 100 tekens"),
        ({"kind": "cat"}, "kind", "geldige keuze"),
    ],
)
def test_add_a_family_member_with_bad_input(
    client, world, youth, family, overrides, field, message
):
    """Bad member data is reported next to the field; nothing saved."""
    data = {
        "first_name": "Lieke",
        "last_name": "Bakker",
        "date_of_birth": "2016-02-29",
        "kind": "youth",
        "municipality": youth.municipality_id,
        "relation": "zus",
        **overrides,
    }
    _login(client, world, "vp1")
    before = _snapshot()
    response = client.post(reverse("web:family_member_add", args=[family.pk]), data)
    assert response.status_code == 200
    _field_error(response, field, message)
    assert _snapshot() == before


# --- conflicting interests (R4) ----------------------------------------------------------


def test_conflict_form_offers_own_clients_and_family_members(
    client, world, youth, mother, family
):
    """The first member is one the user supports; the second any member."""
    _login(client, world, "vp1")
    form = client.get(reverse("web:conflict_record", args=[family.pk])).context["form"]
    assert list(form.fields["client_a"].queryset) == [youth]
    assert set(form.fields["client_b"].queryset) == {youth, mother}


def test_a_conflict_already_recorded_is_refused(client, world, youth, mother, family):
    """R4: the same conflicting interest is not recorded twice; the page says
    so and nothing changes."""
    _login(client, world, "vp1")
    before = _snapshot()
    response = client.post(
        reverse("web:conflict_record", args=[family.pk]),
        {"client_a": youth.pk, "client_b": mother.pk, "description": "Omgang"},
    )
    assert response.status_code == 200
    _form_error(response, "Dit tegenstrijdig belang is al vastgelegd.")
    assert _snapshot() == before


def test_a_conflict_with_oneself_is_refused(client, world, youth, family):
    """A client has no conflicting interest with themselves."""
    _login(client, world, "vp1")
    before = _snapshot()
    response = client.post(
        reverse("web:conflict_record", args=[family.pk]),
        {"client_a": youth.pk, "client_b": youth.pk, "description": "x"},
    )
    assert response.status_code == 200
    _form_error(response, "geen tegenstrijdig belang met zichzelf")
    assert _snapshot() == before


def test_a_conflict_with_someone_outside_the_family_is_refused(
    client, world, youth, family
):
    """R4 is about members of one family: a client of another family (or an
    unknown id) cannot be chosen; nothing changes."""
    stranger = open_case(world.users["vp1"], municipality=youth.municipality).client
    _login(client, world, "vp1")
    before = _snapshot()
    for other in (stranger.pk, 999999, "abc"):
        response = client.post(
            reverse("web:conflict_record", args=[family.pk]),
            {"client_a": youth.pk, "client_b": other, "description": "x"},
        )
        assert response.status_code == 200
        _field_error(response, "client_b", "Kies een lid van dit gezin.")
    response = client.post(
        reverse("web:conflict_record", args=[family.pk]),
        {"client_a": stranger.pk, "client_b": youth.pk, "description": "x"},
    )
    _field_error(response, "client_a", "Kies een gezinslid dat u ondersteunt.")
    assert _snapshot() == before


def test_record_a_conflict_and_see_r4_enforced(client, world, youth, family):
    """A recorded conflict shows in the file, and from then on one confidant
    cannot take up both members (R4)."""
    vp1 = world.users["vp1"]
    services.family_member_add(
        actor=vp1,
        family=family,
        first_name="Kees",
        last_name="Bakker",
        date_of_birth=datetime.date(1982, 6, 6),
        kind="parent",
        municipality=youth.municipality,
        relation="vader",
    )
    kees = Client.objects.get(first_name="Kees")
    _login(client, world, "vp1")
    response = client.post(
        reverse("web:conflict_record", args=[family.pk]) + f"?client={youth.pk}",
        {"client_a": youth.pk, "client_b": kees.pk, "description": "Woonplaats"},
    )
    assert response.status_code == 302
    assert response["Location"] == youth.get_absolute_url()
    assert "Woonplaats" in _text(client.get(youth.get_absolute_url()))
    before = _snapshot()
    response = client.post(
        reverse("web:client_register"),
        _register_data(
            youth,
            first_name="Kees",
            last_name="Bakker",
            date_of_birth="1982-06-06",
            kind="parent",
        ),
    )
    _form_error(response, "een gezinslid met een tegenstrijdig belang")
    assert _snapshot() == before
