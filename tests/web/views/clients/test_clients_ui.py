"""The client pages through HTTP: the client list and its search,
registering a client with their first case, opening a case, care and
informal supporters, and the services behind these pages. Refused rules are
shown with their Dutch explanation and change nothing; bad input gets error
messages, never a 500. The client's file, family and conflicts are in
``test_client_file_ui.py``."""

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
from tests.factories import open_case
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


# --- the client list ----------------------------------------------------------------


def test_client_list_shows_only_the_users_own_clients(client, world):
    """A caseworker's list holds the clients they support, not a colleague's (R2)."""
    _login(client, world, "vp1")
    page = client.get(reverse("web:client_list"))
    assert page.status_code == 200
    text = _text(page)
    assert "Bakker, Sem" in text
    assert "Bakker, Anouk" not in text
    assert "1 cliënt gevonden" in text
    assert reverse("web:client_register") in text


def test_team_lead_gets_an_empty_client_list(client, world):
    """A team lead sees no clients (R2): the list is empty and offers no
    registration."""
    _login(client, world, "tl")
    page = client.get(reverse("web:client_list"))
    assert page.status_code == 200
    assert "Bakker" not in page.content.decode()
    assert reverse("web:client_register") not in page.content.decode()


@pytest.fixture
def many_clients(world, youth):
    """vp1 supports the youth plus Noor de Vries, Daan de Vries and Anna Smit."""
    vp1 = world.users["vp1"]
    for first, last, born in [
        ("Noor", "de Vries", datetime.date(2012, 3, 4)),
        ("Daan", "de Vries", datetime.date(2009, 7, 1)),
        ("Anna", "Smit", datetime.date(2011, 4, 2)),
    ]:
        services.client_register(
            actor=vp1,
            first_name=first,
            last_name=last,
            date_of_birth=born,
            kind="youth",
            municipality=youth.municipality,
            case_kind="question",
            case_title="Vraag",
        )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"name": "bak"}, ["Bakker, Sem"]),
        ({"name": "SEM"}, ["Bakker, Sem"]),
        ({"name": "de v"}, ["de Vries, Daan", "de Vries, Noor"]),
        ({"name": "noor de"}, ["de Vries, Noor"]),
        ({"name": "akker"}, []),
        ({"date_of_birth": "2011-04-02"}, ["Bakker, Sem", "Smit, Anna"]),
        ({"name": "smit", "date_of_birth": "2011-04-02"}, ["Smit, Anna"]),
        (
            {"name": ""},
            ["Bakker, Sem", "de Vries, Daan", "de Vries, Noor", "Smit, Anna"],
        ),
    ],
)
def test_client_list_filters_on_name_prefix_and_date_of_birth(
    client, world, many_clients, query, expected
):
    """The name matches the start of the first or last name, in any case, or
    each word the start of one of them; the date of birth matches exactly."""
    _login(client, world, "vp1")
    page = client.get(reverse("web:client_list"), query)
    assert page.status_code == 200
    names = [f"{c.last_name}, {c.first_name}" for c in page.context["page"]]
    assert sorted(names) == sorted(expected)


def test_client_list_sorts_by_date_of_birth_and_marks_the_column(
    client, world, many_clients
):
    """``?sort=-date_of_birth`` lists the youngest first and sets ``aria-sort``
    on that column; an unknown sort falls back to the name."""
    _login(client, world, "vp1")
    page = client.get(reverse("web:client_list"), {"sort": "-date_of_birth"})
    born = [c.date_of_birth for c in page.context["page"]]
    assert born == sorted(born, reverse=True)
    assert 'aria-sort="descending"' in page.content.decode()
    page = client.get(reverse("web:client_list"), {"sort": "pk; drop table"})
    assert page.status_code == 200
    assert page.context["sort"] == "name"
    assert 'aria-sort="ascending"' in page.content.decode()


def test_client_list_refuses_a_bad_date_and_keeps_working(client, world):
    """An invalid date of birth is reported next to the field; the list still
    answers (unfiltered on that field)."""
    _login(client, world, "vp1")
    page = client.get(
        reverse("web:client_list"), {"date_of_birth": "31-31-2020", "name": "x" * 500}
    )
    assert page.status_code == 200
    assert "date_of_birth" in page.context["filterset"].form.errors
    assert "name" in page.context["filterset"].form.errors


def test_client_list_paginates_and_keeps_the_search(client, world, youth):
    """25 clients a page; the page links keep the search and the sort."""
    vp1 = world.users["vp1"]
    for _ in range(30):
        open_case(vp1, municipality=youth.municipality)
    _login(client, world, "vp1")
    first = client.get(reverse("web:client_list"), {"sort": "date_of_birth"})
    assert len(first.context["page"]) == 25
    assert "?sort=date_of_birth&amp;page=2" in first.content.decode()
    second = client.get(
        reverse("web:client_list"), {"sort": "date_of_birth", "page": 2}
    )
    assert len(second.context["page"]) == 6
    assert client.get(reverse("web:client_list"), {"page": "abc"}).status_code == 200


def test_client_list_answers_htmx_with_the_results_only(client, world):
    """An htmx request gets the results partial (no page around it) with the
    count for the status region; a normal request the whole page."""
    _login(client, world, "vp1")
    partial = client.get(
        reverse("web:client_list"), {"name": "sem"}, headers={"HX-Request": "true"}
    )
    content = partial.content.decode()
    assert partial.status_code == 200
    assert "<html" not in content
    assert 'hx-swap-oob="innerHTML"' in content
    assert "Bakker, Sem" in content
    assert "HX-Request" in partial["Vary"]
    page = client.get(reverse("web:client_list"), {"name": "sem"})
    content = page.content.decode()
    assert "<html" in content
    assert 'role="status"' in content
    assert 'hx-trigger="input changed delay:300ms, search"' in content
    assert 'type="submit"' in content


@pytest.mark.parametrize("extra_clients", [2, 30])
def test_client_list_query_count_does_not_grow(
    client, world, youth, django_assert_max_num_queries, extra_clients
):
    """The client list's queries do not depend on the number of clients."""
    vp1 = world.users["vp1"]
    for _ in range(extra_clients):
        open_case(vp1, municipality=youth.municipality)
    _login(client, world, "vp1")
    # 7 before the access log; a list that shows clients writes one log row.
    with django_assert_max_num_queries(7 + access_log_queries()):
        page = client.get(reverse("web:client_list"), {"sort": "-date_of_birth"})
    assert len(page.context["page"]) == min(extra_clients + 1, 25)


# --- registering a client -------------------------------------------------------------


def test_register_offers_only_the_kinds_of_the_users_role(client, world):
    """R1: a confidant is offered questions, problems, complaints and
    mediations; a client supporter only care questions."""
    _login(client, world, "vp1")
    content = client.get(reverse("web:client_register")).content.decode()
    assert 'value="complaint"' in content
    assert 'value="care_question"' not in content
    _login(client, world, "co1")
    content = client.get(reverse("web:client_register")).content.decode()
    assert 'value="care_question"' in content
    assert 'value="complaint"' not in content


def test_register_a_client_with_their_first_case(client, world, youth, provider):
    """Registering creates the client and the case, assigns the caseworker and
    goes to the new case."""
    _login(client, world, "vp1")
    response = client.post(
        reverse("web:client_register"),
        _register_data(youth, subject="jeugdhulp", provider=provider.pk),
    )
    assert response.status_code == 302
    case = SupportCase.objects.get(client__first_name="Noor")
    assert response["Location"] == case.get_absolute_url()
    assert case.subject == "jeugdhulp"
    assert case.provider == provider
    assert case.kind == "question"
    assert Assignment.objects.get(case=case).user == world.users["vp1"]
    assert Client.objects.visible_to(world.users["vp1"]).filter(pk=case.client_id)


def test_a_confidant_opening_a_care_question_is_refused_by_r1(client, world, youth):
    """R1: a forged care question from a confidant reaches the service and is
    refused with the rule's explanation; nothing is saved."""
    _login(client, world, "vp1")
    before = _snapshot()
    response = client.post(
        reverse("web:client_register"), _register_data(youth, case_kind="care_question")
    )
    assert response.status_code == 200
    _form_error(response, "Een vertrouwenspersoon ondersteunt geen zaak van de soort")
    assert _snapshot() == before


def test_registering_a_conflicting_family_member_is_refused_by_r4(client, world, youth):
    """R4: vp1 supports the youth; registering the mother (same name and date of
    birth, so the same client) would make vp1 support both members with
    conflicting interests. Refused with the reason; nothing changed."""
    _login(client, world, "vp1")
    before = _snapshot()
    response = client.post(
        reverse("web:client_register"),
        _register_data(
            youth,
            first_name="Anouk",
            last_name="Bakker",
            date_of_birth="1984-09-12",
            kind="parent",
        ),
    )
    assert response.status_code == 200
    _form_error(response, "een gezinslid met een tegenstrijdig belang")
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Dit veld is verplicht."),
        ({"date_of_birth": "gisteren"}, "date_of_birth", "geldige datum"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "in de toekomst"),
        ({"municipality": "999999"}, "municipality", "geldige keuze"),
        ({"municipality": "abc"}, "municipality", "geldige keuze"),
        ({"case_kind": "holiday"}, "case_kind", "geldige keuze"),
        ({"case_title": "x" * 1000}, "case_title", "niet meer dan 200 tekens"),
        ({"provider": "999999"}, "provider", "geldige keuze"),
        ({"kind": "pet"}, "kind", "geldige keuze"),
    ],
)
def test_register_with_bad_input_shows_errors(
    client, world, youth, overrides, field, message
):
    """Missing, invalid, unknown or oversized input → 200 with the error next
    to the field, nothing saved."""
    _login(client, world, "vp1")
    before = _snapshot()
    response = client.post(
        reverse("web:client_register"), _register_data(youth, **overrides)
    )
    assert response.status_code == 200
    _field_error(response, field, message)
    assert _snapshot() == before


def test_register_an_institution_for_a_client_not_living_there_is_refused(
    client, world, youth, provider
):
    """An institution is recorded only for a client who lives in one."""
    _login(client, world, "vp1")
    before = _snapshot()
    response = client.post(
        reverse("web:client_register"), _register_data(youth, institution=provider.pk)
    )
    assert response.status_code == 200
    assert "instelling" in _text(response)
    assert _snapshot() == before


# --- opening a case -------------------------------------------------------------------


def test_open_a_new_case_for_an_own_client(client, world, youth):
    """A supporter opens another case for their client and lands on it."""
    _login(client, world, "vp1")
    response = client.post(
        reverse("web:case_open", args=[youth.pk]),
        {"kind": "mediation", "title": "Bemiddeling met de school"},
    )
    assert response.status_code == 302
    case = SupportCase.objects.get(title="Bemiddeling met de school")
    assert response["Location"] == case.get_absolute_url()
    assert case.client == youth
    assert Assignment.objects.get(case=case).at_clients_request is False


def test_a_client_supporter_opening_a_complaint_is_refused_by_r1(client, world, youth):
    """R1: a client supporter does not take complaints; refused, nothing saved."""
    _login(client, world, "co1")
    before = _snapshot()
    response = client.post(
        reverse("web:case_open", args=[world.objects["co_youth"]]),
        {"kind": "complaint", "title": "Klacht", "at_clients_request": "on"},
    )
    assert response.status_code == 200
    _form_error(response, "Een cliëntondersteuner ondersteunt geen zaak van de soort")
    assert _snapshot() == before


def test_open_case_with_bad_input(client, world, youth):
    """Missing title and an unknown provider are reported; nothing saved."""
    _login(client, world, "vp1")
    before = _snapshot()
    response = client.post(
        reverse("web:case_open", args=[youth.pk]),
        {"kind": "question", "title": "", "provider": "x"},
    )
    assert response.status_code == 200
    _field_error(response, "title", "Dit veld is verplicht.")
    _field_error(response, "provider", "geldige keuze")
    assert _snapshot() == before


# --- care -----------------------------------------------------------------------------


def test_record_and_end_care(client, world, provider):
    """Care is recorded with provider, kind, residential and period, and ended
    later; the file shows both."""
    youth = Client.objects.get(pk=world.objects["co_youth"])
    _login(client, world, "co1")
    response = client.post(
        reverse("web:care_add", args=[youth.pk]),
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
    assert reverse("web:care_end", args=[care.pk]) in text
    response = client.post(
        reverse("web:care_end", args=[care.pk]), {"ended_on": "2025-06-30"}
    )
    assert response.status_code == 302
    care.refresh_from_db()
    assert care.ended_on == datetime.date(2025, 6, 30)
    text = _text(client.get(youth.get_absolute_url()))
    assert "30 juni 2025" in text
    assert reverse("web:care_end", args=[care.pk]) not in text


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
    response = client.post(reverse("web:care_add", args=[youth.pk]), data)
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
    url = reverse("web:care_end", args=[care.pk])
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
        reverse("web:informal_supporter_add", args=[mother.pk]),
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
        reverse("web:informal_supporter_add", args=[mother.pk]),
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
