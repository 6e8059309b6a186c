"""The periods of the municipal report (``reports.periods``): months,
quarters and years on a fixed grid, and only ended ones.
"""

from __future__ import annotations

import datetime

import pytest

from reports.periods import (
    Period,
    PeriodError,
    ended_period,
    latest_ended,
    offered_periods,
    parse_period,
)

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
