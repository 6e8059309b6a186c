"""The anonymous report for a municipality (``reports``) as its readers
get it: no hidden cell follows from the published periods (the differencing
attack on small-cell suppression over nested periods), the page, the CSV and
the PDF, what a contract manager may read, and whose cases a reader's report
counts. The hand-computed fixture is in this folder's ``conftest.py``; periods
are in ``test_periods.py``, ``suppress()`` by hand in ``test_suppression.py``,
the numbers and the stored figures in ``test_figures.py``, the CSV's formula
injection in ``test_csv.py``."""

from __future__ import annotations

import csv
import datetime
import io
import re
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Municipality, Organisation, User
from audit.models import AccessLogEntry
from cases.models import OutreachVisit, SupportCase
from reports.counting import municipal_report, report_layout
from reports.models import ReportFigures
from reports.periods import (
    Period,
    offered_periods,
)
from reports.scope import reportable_municipalities
from reports.suppression import SMALL, Layout, disclosed, suppress, suppress_periods
from tests.factories import (
    ClientFactory,
    OrganisationFactory,
    TeamFactory,
)

AMS = ZoneInfo("Europe/Amsterdam")
SMALL_TEXT = f"< {SMALL}"
YEAR_2025 = Period.whole_year(2025)


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=AMS)


# --- suppression over nested periods: the differencing attack ----------------------


def _solver_determined(unknowns: list, equations: list[tuple[dict, Fraction]]) -> set:
    """The unknowns whose value follows from ``equations`` (sparse rows
    ``{unknown: coefficient}``), by exact Gaussian elimination over the
    rationals: written apart from ``reports.suppression.disclosed`` so
    that the test does not trust the code it checks."""
    pivots: dict = {}
    order: list = []
    for row, _rhs in equations:
        row = {k: Fraction(v) for k, v in row.items() if v}
        for var in order:
            if var in row:
                factor = row[var]
                for k, v in pivots[var].items():
                    row[k] = row.get(k, 0) - factor * v
                    if not row[k]:
                        del row[k]
        if not row:
            continue
        var = next(iter(row))
        pivot = row[var]
        pivots[var] = {k: v / pivot for k, v in row.items()}
        # Keep earlier pivot rows free of the new pivot variable.
        for other in order:
            if var in pivots[other]:
                factor = pivots[other][var]
                for k, v in pivots[var].items():
                    pivots[other][k] = pivots[other].get(k, 0) - factor * v
                    if not pivots[other][k]:
                        del pivots[other][k]
        order.append(var)
    # Fully reduced: an unknown is determined when its pivot row has no
    # other unknown in it.
    return {var for var in order if set(pivots[var]) == {var}} & set(unknowns)


def _attack(published: dict[Period, dict[str, int | None]], layout: Layout) -> set:
    """Every hidden cell (``None``) of ``published`` (every month, quarter and
    year of one year, as a reader can download them) that an attacker can
    compute from the published cells: any combination of a table's total
    minus its rows, a quarter minus its months, a year minus its quarters."""
    unknowns = [
        (p, k) for p, cells in published.items() for k, v in cells.items() if v is None
    ]
    hidden = set(unknowns)
    equations: list[tuple[dict, Fraction]] = []

    def term(p: Period, key: str, sign: int, row: dict) -> Fraction:
        if (p, key) in hidden:
            row[(p, key)] = row.get((p, key), 0) + sign
            return Fraction(0)
        return Fraction(-sign * published[p][key])

    for p in published:
        for table in layout.tables:
            row: dict = {}
            rhs = sum(term(p, k, 1, row) for k in table) + term(
                p, layout.total, -1, row
            )
            equations.append((row, rhs))
        for child_kind in ("children",):
            children = getattr(p, child_kind)
            if not children:
                continue
            for key in layout.keys:
                row = {}
                rhs = term(p, key, 1, row) + sum(
                    term(c, key, -1, row) for c in children
                )
                equations.append((row, rhs))
    return _solver_determined(unknowns, [(r, b) for r, b in equations if r])


def _publish(year: Period, cells: dict) -> dict[Period, dict[str, int | None]]:
    """What the reports of the year and of every quarter and month in it show."""
    return {
        p: {k: (None if reasons[k] else values[k]) for k in values}
        for p, (values, reasons) in cells.items()
    }


SMALL_LAYOUT = Layout(total="n", tables=(("a", "b", "c"), ("x", "y")), singles=("v",))


@st.composite
def _months(draw, layout: Layout, max_cases: int = 14):
    """Counts of twelve months that add up as ``layout`` says: per month a
    number of cases, each in one row of every table."""
    months = {}
    for period in YEAR_2025.months:
        n = draw(st.integers(0, max_cases))
        counts = dict.fromkeys(layout.keys, 0)
        counts[layout.total] = n
        for table in layout.tables:
            rows = draw(st.lists(st.sampled_from(table), min_size=n, max_size=n))
            for row in rows:
                counts[row] += 1
        for single in layout.singles:
            counts[single] = draw(st.integers(0, 9))
        months[period] = counts
    return months


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(months=_months(SMALL_LAYOUT))
def test_no_hidden_cell_follows_from_the_published_periods(months):
    """Whatever the counts, no combination of the published year, quarters
    and months of a year (year minus the published quarters, quarter minus
    the published months, total minus the other rows, and every mix of them)
    gives a hidden count; and the code's own check agrees."""
    cells = suppress_periods(YEAR_2025, months, SMALL_LAYOUT)
    assert _attack(_publish(YEAR_2025, cells), SMALL_LAYOUT) == set()
    assert disclosed(YEAR_2025, cells, SMALL_LAYOUT) == set()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(months=_months(report_layout(), max_cases=30))
def test_no_hidden_cell_follows_with_the_report_tables(months):
    """The same attack on the report's real tables (kind, subject, theme,
    provider, outcome) and outreach counts."""
    cells = suppress_periods(YEAR_2025, months, report_layout())
    assert _attack(_publish(YEAR_2025, cells), report_layout()) == set()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(months=_months(SMALL_LAYOUT))
def test_a_period_shows_the_same_whatever_longer_period_contains_it(months):
    """A month's and a quarter's cells are the same in their own report and
    inside the year's: what was published never changes when a longer
    period ends."""
    year = suppress_periods(YEAR_2025, months, SMALL_LAYOUT)
    for quarter in YEAR_2025.children:
        alone = suppress_periods(
            quarter, {m: months[m] for m in quarter.months}, SMALL_LAYOUT
        )
        assert alone == {p: year[p] for p in alone}
    for month in YEAR_2025.months:
        alone = suppress_periods(month, {month: months[month]}, SMALL_LAYOUT)
        assert alone[month] == year[month]


def test_the_attack_finds_the_hole_of_independent_suppression():
    """Without the rule for nested periods, each period suppressed on its own
    gives a month away: the quarter minus the two other months."""
    months = {m: dict.fromkeys(SMALL_LAYOUT.keys, 0) for m in YEAR_2025.months}
    for month, (a, b, c) in zip(
        YEAR_2025.months[:3], [(2, 9, 9), (9, 9, 9), (9, 9, 9)], strict=True
    ):
        months[month].update(n=a + b + c, a=a, b=b, c=c, x=a + b, y=c, v=5)
    quarter = YEAR_2025.children[0]
    naive = {}
    for period in [quarter, *quarter.months]:
        values = {
            k: sum(months[m][k] for m in period.months) for k in SMALL_LAYOUT.keys
        }
        reasons = dict.fromkeys(values, "")
        for table in SMALL_LAYOUT.tables:
            reasons.update(
                zip(table, suppress([values[k] for k in table]), strict=True)
            )
        naive[period] = (values, reasons)
    assert (quarter.months[0], "a") in _attack(_publish(quarter, naive), SMALL_LAYOUT)
    # With it, the quarter hides the cells that would give the month away.
    cells = suppress_periods(
        quarter, {m: months[m] for m in quarter.months}, SMALL_LAYOUT
    )
    assert cells[quarter][1]["a"] and cells[quarter][1]["b"]
    assert _attack(_publish(quarter, cells), SMALL_LAYOUT) == set()


def test_a_year_hides_what_its_quarters_would_give_away():
    """A year whose one quarter hides a row hides that row too: the year
    minus the other three quarters would give it."""
    months = {m: dict.fromkeys(SMALL_LAYOUT.keys, 0) for m in YEAR_2025.months}
    for i, month in enumerate(YEAR_2025.months):
        a = 3 if i == 4 else 10  # May: a is small
        months[month].update(n=a + 20, a=a, b=10, c=10, x=a + 10, y=10, v=6)
    cells = suppress_periods(YEAR_2025, months, SMALL_LAYOUT)
    q2, may = Period.quarter(2025, 2), Period.month(2025, 5)
    assert cells[may][1]["a"] == "small"
    assert cells[q2][1]["a"] == "inherited"
    assert cells[YEAR_2025][1]["a"] == "inherited"
    published = _publish(YEAR_2025, cells)
    assert published[YEAR_2025]["a"] is None
    assert _attack(published, SMALL_LAYOUT) == set()


def test_no_published_report_of_the_year_gives_a_hidden_count_away(
    client, contract_manager
):
    """The attack over HTTP: download the CSV of 2025, of each of its quarters
    and of each of its months, and combine every published number (year minus
    quarters, quarter minus months, total minus rows): no hidden count of any
    of them follows."""
    client.force_login(contract_manager)
    url = reverse(
        "web:report_municipal_csv", args=[contract_manager.organisation.municipality_id]
    )
    layout = report_layout()
    labels = _labels_to_keys()
    published: dict[Period, dict[str, int | None]] = {}
    periods = [YEAR_2025, *YEAR_2025.children, *YEAR_2025.months]
    for period in periods:
        response = client.get(url, {"period": period.key})
        assert response.status_code == 200, period
        rows = list(
            csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
        )
        cells: dict[str, int | None] = {}
        for section, label, shown in rows:
            key = labels.get((section, label))
            if key is not None:
                cells[key] = int(shown) if shown.isdigit() else None
        assert set(cells) == set(layout.keys)
        published[period] = cells
    # The fixture's quiet months hide something, and the year still shows
    # its total and most of its rows.
    assert any(v is None for cells in published.values() for v in cells.values())
    assert published[YEAR_2025]["cases"] == 25
    assert published[YEAR_2025]["kind:question"] == 6
    assert _attack(published, layout) == set()


def _labels_to_keys() -> dict[tuple[str, str], str]:
    """(CSV section, row label) → count key of ``report_layout``."""
    from reports.counting import _count_key, _dimensions

    labels = {("Kerncijfers", "Zaken"): "cases"}
    for key, title, rows in _dimensions():
        for value, label, _q in rows:
            labels[(str(title), str(label))] = _count_key(key, value)
    labels[("Outreach", "Outreachbezoeken")] = "visits"
    labels[("Outreach", "Gesproken jongeren")] = "youths"
    return labels


# --- the pages -----------------------------------------------------------------------


def _numbers(text: str) -> list[str]:
    return re.findall(r"(?<![\w-])\d+(?![\w-])", text)


def test_page_shows_suppressed_cells_as_text(client, contract_manager):
    """The page shows "< 5" and "afgeschermd", a chart with a text alternative
    and a data table for each dimension; reading it writes no access-log row."""
    client.force_login(contract_manager)
    url = reverse(
        "web:report_municipal", args=[contract_manager.organisation.municipality_id]
    )
    response = client.get(url, {"period": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt; 5" in html
    assert "afgeschermd" in html
    assert html.count('role="img"') == 5
    assert html.count("<desc") == 5
    assert AccessLogEntry.objects.count() == 0
    # Closed cases are not a figure of their own: 25 − 10 would give away the
    # "not yet closed" row, were it hidden.
    assert "Afgesloten zaken" not in html
    report = response.context["report"]
    assert report.cases.value == 25
    assert "Cijfers van alle organisaties voor gemeente Utrecht" in html


def test_the_period_selector_lists_ended_periods(client, contract_manager):
    """The page offers a selector of ended months, quarters and years, with
    the shown period selected."""
    client.force_login(contract_manager)
    url = reverse(
        "web:report_municipal", args=[contract_manager.organisation.municipality_id]
    )
    html = client.get(url, {"period": "2025-Q1"}).content.decode()
    today = timezone.localdate()
    offered = offered_periods(today)
    for periods in offered.values():
        for period in periods:
            assert f'value="{period.key}"' in html
    assert '<option value="2025-Q1" selected>' in html
    assert f'value="{today.year}"' not in html  # this year has not ended
    assert "<optgroup" in html


def test_without_a_period_the_last_ended_year_is_shown(client, contract_manager):
    """No ``period``: the last ended year; day ranges of old links are
    ignored, so consecutive end dates cannot be compared any more."""
    client.force_login(contract_manager)
    url = reverse(
        "web:report_municipal", args=[contract_manager.organisation.municipality_id]
    )
    last_year = Period.whole_year(timezone.localdate().year - 1)
    for query in ({}, {"start": "2025-03-01", "end": "2025-03-05"}):
        response = client.get(url, query)
        assert response.status_code == 200
        assert response.context["report"].period == last_year


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("abc", "Onbekende periode"),
        ("2025-13", "Onbekende periode"),
        ("2025-Q5", "Onbekende periode"),
        ("2025-03-01", "Onbekende periode"),
        ("1999", "Onbekende periode"),
        ("9999", "nog niet afgelopen"),
        ("this year", "Onbekende periode"),
    ],
)
def test_a_bad_period_is_a_message_next_to_the_selector(
    client, contract_manager, period, message
):
    """An unknown, malformed or not yet ended period is a Dutch message next
    to the period selector and no figures; the CSV and the PDF are 404."""
    client.force_login(contract_manager)
    pk = contract_manager.organisation.municipality_id
    if period == "this year":
        period = str(timezone.localdate().year)
        message = "nog niet afgelopen"
    response = client.get(
        reverse("web:report_municipal", args=[pk]), {"period": period}
    )
    assert response.status_code == 200
    assert response.context["report"] is None
    assert message in " ".join(response.context["form"].errors["period"])
    assert message in response.content.decode()
    assert "Kerncijfers" not in response.content.decode()
    for name in ("web:report_municipal_csv", "web:report_municipal_pdf"):
        assert (
            client.get(reverse(name, args=[pk]), {"period": period}).status_code == 404
        )


def test_this_month_and_quarter_are_not_yet_ended(client, contract_manager):
    """The running month and quarter are refused like the running year."""
    client.force_login(contract_manager)
    url = reverse(
        "web:report_municipal", args=[contract_manager.organisation.municipality_id]
    )
    today = timezone.localdate()
    for key in (
        Period.month(today.year, today.month).key,
        Period.quarter(today.year, (today.month - 1) // 3 + 1).key,
    ):
        response = client.get(url, {"period": key})
        assert response.context["report"] is None
        assert "nog niet afgelopen" in response.content.decode()


def test_csv_contains_no_suppressed_value(client, contract_manager):
    """The CSV has the same cells as the page; no hidden number is in it."""
    client.force_login(contract_manager)
    url = reverse(
        "web:report_municipal_csv", args=[contract_manager.organisation.municipality_id]
    )
    response = client.get(url, {"period": "2025"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = [line.split(";") for line in text.splitlines()]
    by_label = {
        row[1]: row[2] for row in rows if len(row) == 3 and row[0] == "Soort zaak"
    }
    assert by_label["Vraag"] == "6"
    assert by_label["Probleem"] == "afgeschermd"
    assert by_label["Bemiddeling"] == SMALL_TEXT
    assert by_label["Totaal"] == "25"
    outcome = {row[1]: row[2] for row in rows if len(row) == 3 and row[0] == "Uitkomst"}
    assert outcome["Niet opgelost"] == SMALL_TEXT
    figures = {row[1]: row[2] for row in rows if len(row) == 3}
    assert figures["Mediane doorlooptijd (afgesloten zaken)"] == "11 dagen"
    assert figures["2025"] == "2025"  # the period
    assert (
        figures["Cijfers van alle organisaties voor gemeente Utrecht"] == ""
    )  # the scope
    # The only numbers in the rows of the kind table are the shown ones.
    kind_numbers = {
        v for row in rows if row[0] == "Soort zaak" for v in _numbers(row[2])
    }
    assert kind_numbers == {"6", "7", "5", "25"}
    assert "2" not in kind_numbers


def test_pdf_contains_no_suppressed_value(client, contract_manager):
    """The PDF is made from the same shown cells; its text has "< 5", says
    whose figures it holds, and has no hidden number for a hidden cell."""
    pypdf = pytest.importorskip("pypdf")

    client.force_login(contract_manager)
    url = reverse(
        "web:report_municipal_pdf", args=[contract_manager.organisation.municipality_id]
    )
    response = client.get(url, {"period": "2025"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    text = "".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )
    assert "< 5" in text
    assert "afgeschermd" in text
    assert "Bemiddeling: < 5" in text or "Bemiddeling < 5" in text
    assert "alle organisaties" in text


def test_pdf_is_a_pdf(client, contract_manager):
    """The PDF download is a PDF document named after the municipality and
    the period."""
    client.force_login(contract_manager)
    url = reverse(
        "web:report_municipal_pdf", args=[contract_manager.organisation.municipality_id]
    )
    response = client.get(url, {"period": "2025-Q1"})
    assert response.content.startswith(b"%PDF")
    assert "rapportage-GM0344-2025-Q1.pdf" in response["Content-Disposition"]


def test_contract_manager_cannot_read_another_municipality(client, contract_manager):
    """A contract manager reads only their own municipality: another one is 404
    on the page, the CSV and the PDF, as if it did not exist."""
    zwolle = Municipality.objects.get(cbs_code="GM0193")
    client.force_login(contract_manager)
    for name in (
        "web:report_municipal",
        "web:report_municipal_csv",
        "web:report_municipal_pdf",
    ):
        assert (
            client.get(reverse(name, args=[zwolle.pk]), {"period": "2025"}).status_code
            == 404
        )
    assert list(reportable_municipalities(contract_manager)) == [
        contract_manager.organisation.municipality
    ]


def test_contract_manager_of_no_municipality_reads_nothing(db):
    """A contract manager not working for a municipality reads no report."""
    user = User.objects.create_user(
        "cm2",
        role=User.Role.CONTRACT_MANAGER,
        organisation=OrganisationFactory(akj=True),
    )
    assert not reportable_municipalities(user).exists()


def test_report_page_query_count(
    client, contract_manager, django_assert_max_num_queries
):
    """The page takes a bounded number of queries, whatever the number of
    cases: when it counts the figures (and stores them), and fewer when it
    reads the stored ones."""
    client.force_login(contract_manager)
    url = reverse(
        "web:report_municipal", args=[contract_manager.organisation.municipality_id]
    )
    with django_assert_max_num_queries(12):
        assert client.get(url, {"period": "2025"}).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(url, {"period": "2025"}).status_code == 200


def test_theme_can_be_chosen_when_opening_a_case(db):
    """The case-open form offers the themes; the service stores the one chosen."""
    from web.forms.clients import CaseOpenForm

    akj = OrganisationFactory(akj=True)
    user = User.objects.create_user(
        "vpx",
        role=User.Role.AKJ_CONFIDANT,
        organisation=akj,
        team=TeamFactory(organisation=akj),
    )
    form = CaseOpenForm(user=user)
    values = [value for value, _label in form.fields["theme"].choices]
    assert values == ["", *SupportCase.Theme.values]


# --- whose cases: the team lead's teams, or every organisation ----------------------


def _other_team_case(n: int = 800) -> SupportCase:
    """A 2025 question of a client of Utrecht, of another team of the AKJ."""
    akj = Organisation.objects.get(kind=Organisation.Kind.AKJ)
    team = TeamFactory(organisation=akj, name="Regio Noord")
    confidant = User.objects.create_user(
        f"vp{n}", role=User.Role.AKJ_CONFIDANT, organisation=akj, team=team
    )
    return SupportCase.objects.create(
        reference=f"T-{n}",
        client=ClientFactory(
            municipality=Municipality.objects.get(cbs_code="GM0344"), organisation=akj
        ),
        organisation=akj,
        team=team,
        title="Vraag",
        opened_at=_at(datetime.date(2025, 6, 1)),
        opened_by=confidant,
        kind="question",
    )


def test_team_lead_reads_where_their_teams_clients_live(client, fixture_2025):
    """A team lead reads the reports of the municipalities where clients of
    their teams' cases live; a team lead of an organisation without cases
    there reads none (404, also for the choice page)."""
    lead = User.objects.get(username="tl")
    assert set(reportable_municipalities(lead).values_list("cbs_code", flat=True)) == {
        "GM0344",
        "GM0193",
    }
    other_org = OrganisationFactory(client_support=True)
    other = User.objects.create_user(
        "tl2", role=User.Role.TEAM_LEAD, organisation=other_org
    )
    TeamFactory(organisation=other_org).leads.add(other)
    client.force_login(other)
    assert client.get(reverse("web:report_municipal_index")).status_code == 404
    url = reverse("web:report_municipal", args=[fixture_2025.pk])
    assert client.get(url).status_code == 404
    client.force_login(lead)
    response = client.get(reverse("web:report_municipal_index"))
    assert response.status_code == 200
    response = client.get(
        reverse("web:report_municipal_index"),
        {"municipality": fixture_2025.pk, "period": "2025"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}?period=2025"
    response = client.get(
        reverse("web:report_municipal_index"),
        {"municipality": fixture_2025.pk, "period": "2025-99"},
    )
    assert response.status_code == 200
    assert "Onbekende periode" in response.content.decode()


def test_a_team_lead_without_teams_reads_no_report(client, fixture_2025):
    """Reports follow the team: a team lead who leads no team reads none."""
    akj = Organisation.objects.get(kind=Organisation.Kind.AKJ)
    lead = User.objects.create_user("tl3", role=User.Role.TEAM_LEAD, organisation=akj)
    assert not reportable_municipalities(lead).exists()
    client.force_login(lead)
    assert client.get(reverse("web:report_municipal_index")).status_code == 404


def test_a_team_leads_report_counts_their_teams_and_says_so(client, contract_manager):
    """The team lead's report counts the cases of the teams they lead, not
    another team's of the same organisation, and says so on the page, in the
    CSV and in the PDF; the contract manager's counts every organisation."""
    _other_team_case()
    lead = User.objects.get(username="tl")
    pk = contract_manager.organisation.municipality_id
    client.force_login(lead)
    response = client.get(
        reverse("web:report_municipal", args=[pk]), {"period": "2025"}
    )
    assert response.context["report"].cases.value == 25
    assert "Cijfers van uw team: Regio Utrecht" in response.content.decode()
    csv_text = client.get(
        reverse("web:report_municipal_csv", args=[pk]), {"period": "2025"}
    ).content.decode("utf-8-sig")
    assert "Cijfers van;Cijfers van uw team: Regio Utrecht;" in csv_text
    client.force_login(contract_manager)
    response = client.get(
        reverse("web:report_municipal", args=[pk]), {"period": "2025"}
    )
    assert response.context["report"].cases.value == 26
    assert "alle organisaties voor gemeente Utrecht" in response.content.decode()
    # Stored apart: one row per scope.
    assert set(ReportFigures.objects.values_list("scope", flat=True)) == {
        "all",
        f"teams:{lead.led_teams.get().pk}",
    }


def test_a_team_lead_of_two_teams_counts_both(fixture_2025):
    """A team lead of two teams counts the cases of both."""
    case = _other_team_case()
    lead = User.objects.get(username="tl")
    case.team.leads.add(lead)
    from reports.scope import report_scope

    scope = report_scope(lead)
    assert [t.name for t in scope.teams] == ["Regio Noord", "Regio Utrecht"]
    report = municipal_report(municipality=fixture_2025, period=YEAR_2025, scope=scope)
    assert report.cases.value == 26
    assert report.scope_text == "Cijfers van uw teams: Regio Noord, Regio Utrecht"


@pytest.mark.parametrize(("visits", "shown"), [(6, "6"), (2, "< 5")])
def test_outreach_visits_are_counted_and_small_numbers_hidden(
    fixture_2025, visits, shown
):
    """Outreach visits (R7) in the municipality and the month are counted,
    with the youths spoken; a visit in another month or town does not count,
    and fewer than 5 visits show as "< 5"."""
    confidant = User.objects.get(username="vp")
    akj = OrganisationFactory(akj=True)
    institution = OrganisationFactory(care_provider=True)
    zwolle = Municipality.objects.get(cbs_code="GM0193")

    def visit(on: datetime.date, municipality: Municipality) -> None:
        OutreachVisit.objects.create(
            confidant=confidant,
            organisation=akj,
            institution=institution,
            municipality=municipality,
            visited_on=on,
            group="Leefgroep",
            youths_spoken=3,
            themes=["rights"],
        )

    for i in range(visits):
        visit(datetime.date(2025, 3, 1 + i), fixture_2025)
    visit(datetime.date(2025, 2, 28), fixture_2025)
    visit(datetime.date(2025, 3, 6), zwolle)
    report = municipal_report(municipality=fixture_2025, period=Period.month(2025, 3))
    assert report.outreach.visits.display == shown
    assert report.outreach.youths_spoken.display == str(3 * visits)
