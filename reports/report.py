"""The anonymous report as it may be shown (``reports.counting.build_report``):
only the numbers that may be shown, so a suppressed number never reaches a
template, the CSV or the PDF."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Municipality

from .periods import Period
from .scope import Scope
from .suppression import SMALL, Reason

if TYPE_CHECKING:
    from django.utils.functional import Promise


@dataclass(frozen=True)
class Cell:
    """One number as it may be shown: ``value`` is ``None`` when suppressed."""

    label: str
    value: int | None
    reason: Reason = ""

    @property
    def display(self) -> str:
        if self.reason == "small":
            return f"< {SMALL}"
        if self.reason:
            return str(_("afgeschermd"))
        return str(self.value)


def _cell(label: str | Promise, value: int, reason: Reason | None = None) -> Cell:
    if reason is None:
        reason = "small" if value < SMALL else ""
    return Cell(str(label), None if reason else value, reason)


@dataclass(frozen=True)
class Bar:
    """One bar of a table's chart, in SVG user units."""

    label: str
    display: str
    y: int
    width: int


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    cells: tuple[Cell, ...]
    total: Cell

    @property
    def suppressed(self) -> bool:
        return any(cell.reason for cell in self.cells)

    # Chart geometry (``report_chart.html``): a horizontal bar per cell; a
    # suppressed cell has no bar, only its text.
    BAR_HEIGHT = 22
    BAR_GAP = 8
    CHART_WIDTH = 320

    @property
    def chart_height(self) -> int:
        return len(self.cells) * (self.BAR_HEIGHT + self.BAR_GAP)

    @property
    def bars(self) -> list[Bar]:
        largest = max((c.value or 0 for c in self.cells), default=0) or 1
        return [
            Bar(
                label=cell.label,
                display=cell.display,
                y=i * (self.BAR_HEIGHT + self.BAR_GAP),
                width=round((cell.value or 0) * self.CHART_WIDTH / largest),
            )
            for i, cell in enumerate(self.cells)
        ]


@dataclass(frozen=True)
class Outreach:
    visits: Cell
    youths_spoken: Cell


@dataclass(frozen=True)
class Report:
    municipality: Municipality
    period: Period
    scope: Scope
    clients: Cell
    cases: Cell
    median_days: float | None  # None when fewer than SMALL cases were closed
    tables: tuple[Table, ...]
    outreach: Outreach
    computed_at: datetime.datetime  # when the figures were counted

    @property
    def start(self) -> datetime.date:
        return self.period.start

    @property
    def end(self) -> datetime.date:
        return self.period.end

    @property
    def scope_text(self) -> str:
        return self.scope.describe(self.municipality)

    @property
    def median_display(self) -> str:
        if self.median_days is None:
            return str(_("niet getoond (minder dan %(n)s afgesloten zaken)")) % {
                "n": SMALL
            }
        days = round(self.median_days)
        return ngettext("%(days)s dag", "%(days)s dagen", days) % {"days": days}
