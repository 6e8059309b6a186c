"""The case list through HTTP: its filters, sorting, pagination, htmx partial
updates and bad input (which answers 200 with a message, never 500).
"""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cases import services
from cases.models import (
    SupportCase,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _login(client, world, role: str) -> None:
    client.force_login(world.users[role])


def _case(world, key: str) -> SupportCase:
    return SupportCase.objects.get(pk=world.objects[key])


# --- the case list: filters, sorting, pagination, htmx ---------------------------------


def _refs(response) -> list[str]:
    return [case.reference for case in response.context["page"]]


def test_case_list_filters_on_status(client, world):
    """Status "lopend" means every status but closed; a specific status filters
    on that status."""
    _login(client, world, "vp1")
    url = reverse("web:case_list")
    open_ref = _case(world, "complaint_case").reference
    closed_ref = _case(world, "closed_case").reference
    assert _refs(client.get(url + "?status=not_closed")) == [open_ref]
    assert _refs(client.get(url + "?status=closed")) == [closed_ref]
    assert _refs(client.get(url + "?status=open")) == [open_ref]
    assert _refs(client.get(url + "?status=in_progress")) == []
    assert set(_refs(client.get(url))) == {open_ref, closed_ref}


def test_case_list_filters_on_kind_and_opening_dates(client, world):
    """Cases filter on kind and on the (Amsterdam) date they were opened, both
    ends included."""
    SupportCase.objects.filter(pk=world.objects["closed_case"]).update(
        opened_at=datetime.datetime(2024, 1, 15, 0, 30, tzinfo=AMSTERDAM)
    )
    _login(client, world, "vp1")
    url = reverse("web:case_list")
    closed_ref = _case(world, "closed_case").reference
    assert _refs(client.get(url + "?kind=complaint")) == [
        _case(world, "complaint_case").reference
    ]
    assert _refs(client.get(url + "?opened_from=2024-01-15&opened_to=2024-01-15")) == [
        closed_ref
    ]
    assert _refs(client.get(url + "?opened_to=2024-01-14")) == []
    assert closed_ref not in _refs(client.get(url + "?opened_from=2024-01-16"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?opened_from=gisteren", "Geopend vanaf: Voer een geldige datum in."),
        ("?opened_from=2024-13-45", "Geopend vanaf: Voer een geldige datum in."),
        ("?opened_from=99999-01-01", "Geopend vanaf: Voer een geldige datum in."),
        (
            "?opened_from=2024-02-01&opened_to=2024-01-01",
            "Geopend tot en met: Deze datum ligt vóór de begindatum van de periode.",
        ),
        ("?status=weg", "Status: Selecteer een geldige keuze."),
        ("?kind=%3Cscript%3E", "Soort zaak: Selecteer een geldige keuze."),
        ("?status=" + "x" * 100_000, "Status: Selecteer een geldige keuze."),
        ("?sort=title", "Op deze kolom kan niet worden gesorteerd"),
        ("?sort=-", "Op deze kolom kan niet worden gesorteerd"),
        ("?page=abc", None),
        ("?page=99999", None),
        ("?page=-1", None),
    ],
)
def test_bad_list_input_gets_a_message_not_an_error(client, world, query, message):
    """Invalid dates, unknown choices, huge values, unknown sorts and pages
    answer 200; a bad filter is named in the status region and left out."""
    _login(client, world, "vp1")
    response = client.get(reverse("web:case_list") + query)
    assert response.status_code == 200
    html = response.content.decode()
    if message:
        status = html[html.index('id="case-count"') : html.index('id="case-results"')]
        assert message in status
        assert len(status) < 2000  # a huge value is not repeated in full
        assert "<script>" not in html
    # The other filters (none here) still apply: vp1's two cases are listed.
    if "opened" not in query:
        assert response.context["page"].paginator.count == 2


def test_unknown_sort_falls_back_to_the_default_order(client, world):
    """An unknown sort uses the default order (newest first), marked with
    aria-sort on its column."""
    _login(client, world, "vp1")
    html = client.get(reverse("web:case_list") + "?sort=bestaatniet").content.decode()
    assert re.search(r'scope="col" aria-sort="descending"><a [^>]*>Geopend</a>', html)


def test_case_list_sorts_with_aria_sort(client, world):
    """?sort= orders the list; the sorted column carries aria-sort and its link
    reverses the order."""
    vp1 = world.users["vp1"]
    youth = _case(world, "complaint_case").client
    for i in range(3):
        services.case_open(actor=vp1, client=youth, kind="problem", title=f"P{i}")
    _login(client, world, "vp1")
    url = reverse("web:case_list")
    ascending = client.get(url + "?sort=reference&status=not_closed")
    refs = _refs(ascending)
    assert refs == sorted(refs) and len(refs) == 4
    html = ascending.content.decode()
    assert re.search(
        r'aria-sort="ascending"><a class="utrecht-link" '
        r'href="\?sort=-reference&amp;status=not_closed">Kenmerk</a>',
        html,
    )
    assert '<input type="hidden" name="sort" value="reference">' in html
    descending = client.get(url + "?sort=-reference&status=not_closed")
    assert _refs(descending) == list(reversed(refs))
    assert 'aria-sort="descending"' in descending.content.decode()
    by_kind = _refs(client.get(url + "?sort=kind&status=not_closed"))
    assert by_kind[0] == _case(world, "complaint_case").reference  # complaint < problem
    assert _refs(client.get(url + "?sort=-opened"))[0] == refs[-1]


def test_team_lead_cannot_sort_on_client(client, world):
    """R2: a team lead has no client column, so no client sort either."""
    _login(client, world, "tl")
    html = client.get(reverse("web:case_list") + "?sort=client").content.decode()
    assert "Op deze kolom kan niet worden gesorteerd" in html
    assert "Bakker" not in html


def test_case_list_paginates_by_25_and_keeps_filters(client, world):
    """The list shows 25 rows a page; the page links keep the filters."""
    vp1 = world.users["vp1"]
    youth = _case(world, "complaint_case").client
    for i in range(30):
        services.case_open(actor=vp1, client=youth, kind="question", title=f"V{i}")
    _login(client, world, "vp1")
    url = reverse("web:case_list") + "?status=not_closed&sort=reference"
    first = client.get(url)
    assert len(first.context["page"]) == 25
    html = first.content.decode()
    assert "31 zaken gevonden" in html
    assert "Pagina 1 van 2" in html
    assert 'href="?status=not_closed&amp;sort=reference&amp;page=2"' in html
    second = client.get(url + "&page=2")
    assert len(second.context["page"]) == 6
    assert not set(_refs(first)) & set(_refs(second))


def test_htmx_request_gets_only_the_results_and_the_count(client, world):
    """With htmx only the results are rendered, with the count for the live
    region (swapped out of band); the response varies on HX-Request."""
    _login(client, world, "vp1")
    url = reverse("web:case_list") + "?status=closed"
    response = client.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert '<div id="case-count" hx-swap-oob="innerHTML">' in html
    assert "1 zaak gevonden" in html
    assert _case(world, "closed_case").reference in html
    assert "HX-Request" in response["Vary"]
    full = client.get(url)
    assert "<html" in full.content.decode()
    assert "HX-Request" in full["Vary"]
    restore = client.get(
        url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.content.decode()


def test_the_count_sits_in_a_status_region_and_the_form_works_without_js(client, world):
    """The result count is in a role=status region; the filter form is a plain
    GET form with labelled controls and a submit button."""
    _login(client, world, "vp1")
    html = client.get(reverse("web:case_list")).content.decode()
    assert '<div id="case-count" role="status" aria-live="polite">' in html
    assert '<form method="get" action="/zaken/"' in html
    assert 'hx-get="/zaken/"' in html
    for name in ("status", "kind", "opened_from", "opened_to"):
        assert f'<label class="utrecht-form-label" for="id_{name}">' in html
    assert (
        '<button class="utrecht-button utrecht-button--primary-action" type="submit">'
        in html
    )
    assert html.count("<h1") == 1
