"""The periods a municipal report may cover: calendar months, quarters and
years (a fixed grid), and only those that have ended.

Any day range would let two reports differ by one person (5 → 6 → 7 cases
between consecutive end dates); on the grid two periods are either disjoint
or one lies inside the other, and ``reports.counting`` suppresses the cells of a
longer period that would give away a hidden cell of a period inside it.

A period is named by its key in the URL (``?period=``): ``2026-03`` (a month),
``2026-Q1`` (a quarter), ``2026`` (a year).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Literal

from django.utils.dates import MONTHS
from django.utils.translation import gettext

Kind = Literal["month", "quarter", "year"]

#: The first year a report can cover.
FIRST_YEAR = 2000

#: How many ended periods of each kind the period selector offers.
OFFERED: dict[Kind, int] = {"month": 24, "quarter": 8, "year": 3}

_KEY = re.compile(
    r"(?P<year>[0-9]{4})(?:-(?:(?P<month>[0-9]{2})|Q(?P<quarter>[0-9])))?"
)


class PeriodError(ValueError):
    """A period key that is malformed, off the grid, or not yet ended; the
    message is the Dutch text shown next to the period selector."""


@dataclass(frozen=True, order=True)
class Period:
    """One month, quarter or year. ``number`` is the month (1–12), the
    quarter (1–4), or 0 for a year."""

    year: int
    kind: Kind
    number: int = 0

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(year, "month", month)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls(year, "quarter", quarter)

    @classmethod
    def whole_year(cls, year: int) -> Period:
        return cls(year, "year", 0)

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    def __str__(self) -> str:
        return self.key

    @property
    def label(self) -> str:
        """The period in Dutch words: "maart 2026", "1e kwartaal 2026", "2026"."""
        if self.kind == "month":
            return f"{MONTHS[self.number]} {self.year}"
        if self.kind == "quarter":
            return gettext("%(n)se kwartaal %(year)s") % {
                "n": self.number,
                "year": self.year,
            }
        return str(self.year)

    @property
    def first_month(self) -> int:
        if self.kind == "month":
            return self.number
        if self.kind == "quarter":
            return 3 * self.number - 2
        return 1

    @property
    def months(self) -> list[Period]:
        """The months of the period, in order."""
        count = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return [
            Period.month(self.year, m)
            for m in range(self.first_month, self.first_month + count)
        ]

    @property
    def children(self) -> list[Period]:
        """The periods directly inside: a year's quarters, a quarter's months."""
        if self.kind == "year":
            return [Period.quarter(self.year, q) for q in range(1, 5)]
        if self.kind == "quarter":
            return self.months
        return []

    @property
    def parent(self) -> Period | None:
        if self.kind == "month":
            return Period.quarter(self.year, (self.number - 1) // 3 + 1)
        if self.kind == "quarter":
            return Period.whole_year(self.year)
        return None

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.first_month, 1)

    @property
    def end(self) -> datetime.date:
        """The last day of the period (included)."""
        last = self.months[-1]
        return datetime.date(
            last.year, last.number, calendar.monthrange(last.year, last.number)[1]
        )

    def ended(self, today: datetime.date) -> bool:
        """Whether the period is over on ``today`` (its last day is past)."""
        return self.end < today


def parse_period(key: str) -> Period:
    """The period named by ``key`` (``2026-03``, ``2026-Q1``, ``2026``), or
    ``PeriodError`` for anything else."""
    match = _KEY.fullmatch(key) if isinstance(key, str) else None
    if match is None:
        raise PeriodError(
            gettext("Onbekende periode. Kies een maand, kwartaal of jaar uit de lijst.")
        )
    year = int(match["year"])
    kind: Kind
    if match["month"] is not None:
        number, kind = int(match["month"]), "month"
        valid = 1 <= number <= 12
    elif match["quarter"] is not None:
        number, kind = int(match["quarter"]), "quarter"
        valid = 1 <= number <= 4
    else:
        number, kind, valid = 0, "year", True
    if not valid or year < FIRST_YEAR:
        raise PeriodError(
            gettext("Onbekende periode. Kies een maand, kwartaal of jaar uit de lijst.")
        )
    return Period(year, kind, number)


def ended_period(key: str, today: datetime.date) -> Period:
    """The period named by ``key`` if it is on the grid and has ended on
    ``today``; else ``PeriodError`` with the Dutch reason."""
    period = parse_period(key)
    if not period.ended(today):
        raise PeriodError(
            gettext(
                "%(period)s is nog niet afgelopen. Een rapportage gaat alleen "
                "over een afgelopen maand, kwartaal of jaar."
            )
            % {"period": period.label}
        )
    return period


def latest_ended(kind: Kind, today: datetime.date) -> Period:
    """The most recent period of ``kind`` that has ended on ``today``."""
    if kind == "year":
        return Period.whole_year(today.year - 1)
    if kind == "quarter":
        current = (today.month - 1) // 3 + 1
        if current == 1:
            return Period.quarter(today.year - 1, 4)
        return Period.quarter(today.year, current - 1)
    if today.month == 1:
        return Period.month(today.year - 1, 12)
    return Period.month(today.year, today.month - 1)


def _earlier(period: Period) -> Period:
    if period.kind == "year":
        return Period.whole_year(period.year - 1)
    size = 12 if period.kind == "month" else 4
    if period.number == 1:
        return Period(period.year - 1, period.kind, size)
    return Period(period.year, period.kind, period.number - 1)


def offered_periods(today: datetime.date) -> dict[Kind, list[Period]]:
    """The ended periods the selector offers, newest first: the last 24
    months, 8 quarters and 3 years (``OFFERED``)."""
    offered: dict[Kind, list[Period]] = {}
    for kind, count in OFFERED.items():
        periods = [latest_ended(kind, today)]
        while len(periods) < count and _earlier(periods[-1]).year >= FIRST_YEAR:
            periods.append(_earlier(periods[-1]))
        offered[kind] = periods
    return offered


def default_period(today: datetime.date) -> Period:
    """The period a report shows when none is chosen: the last ended year."""
    return latest_ended("year", today)
