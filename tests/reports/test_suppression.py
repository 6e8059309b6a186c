"""Small-cell suppression of the municipal report (``cases.report_suppression``):
hand-computed, and over nested periods against the differencing attack, on
random months and on the published reports of the hand-computed year.
"""

from __future__ import annotations

import csv
import io
from fractions import Fraction

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.report_periods import (
    Period,
)
from cases.report_suppression import Layout, disclosed, suppress, suppress_periods
from cases.reports import (
    report_layout,
)

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


def test_no_published_report_of_the_year_gives_a_hidden_count_away(
    client, contract_manager
):
    """The attack over HTTP: download the CSV of 2025, of each of its quarters
    and of each of its months, and combine every published number (year minus
    quarters, quarter minus months, total minus rows): no hidden count of any
    of them follows."""
    client.force_login(contract_manager)
    url = reverse(
        "report_municipal_csv", args=[contract_manager.organisation.municipality_id]
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
