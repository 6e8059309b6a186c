"""Every CSV file Naast writes goes through ``csv_writer``.

A spreadsheet program reads a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula (CSV injection, OWASP): a municipality or provider named
``=HYPERLINK("https://…","Klik")`` would become a link, or worse, in the
reader's spreadsheet. A tab or carriage return at the start lets the same
formula through in some programs. Such a cell is written with a single quote
in front, which spreadsheets show as text; every other cell is written as it
is. A negative number written as a number (``-3``) would be quoted too; the
reports write counts only, never negative ones.
"""

from __future__ import annotations

import csv
from typing import Any, Protocol

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: object) -> object:
    """``value`` as a CSV cell that no spreadsheet reads as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` that neutralises every cell (``safe_cell``)."""

    def __init__(self, stream: _Writable, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: list[object] | tuple[object, ...]) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: _Writable, **options: Any) -> SafeWriter:
    """A CSV writer on ``stream`` (``csv.writer`` options) whose cells are
    neutralised; the only way Naast writes CSV."""
    return SafeWriter(stream, **options)
