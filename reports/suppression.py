"""Small-count suppression of the municipal report over nested periods.

The counts of a report (``Layout``): a total (the cases), tables whose rows add
up to the total, and single counts (outreach). Every count of a quarter is the
sum of its three months, every count of a year the sum of its quarters. What
is published of all months, quarters and years together must not give away a
hidden count: neither a table's total minus its other rows, nor a year minus
its published quarters, nor any other combination of sums and differences.

The rules (``suppress_periods``)
    A **month** is suppressed on its own: every count under ``SMALL`` is
    hidden ("small"), and a table with exactly one hidden row hides its
    smallest shown row too ("complementary"; ``suppress``).

    A **quarter** (a **year**) is decided from its months (quarters), which are
    already fixed, so that what was shown of a month never changes when its
    quarter ends. It hides a count that is small, or that exactly one of its
    months hides (else the quarter minus the other months would give that
    month's hidden count); a table with exactly one hidden row then hides a
    second row among those hidden in a month inside. If that pattern still
    lets a hidden count be computed (``disclosed``), the period hides every
    count that any period inside hides: that pattern is always safe, because
    each hidden count of a month has a hidden partner in its table and both
    are hidden in every period around it, so moving one case between the two
    changes nothing that is shown.

The check (``disclosed``)
    A hidden count is given away exactly when every table of values that
    agrees with everything shown has the same value there. With ``δ`` the
    difference between two such tables (zero on every shown count, and
    obeying the sums), a hidden count is safe when some ``δ`` is not zero
    there. The check solves that linear system exactly, by Gaussian
    elimination over the integers modulo a large prime. It does not use that
    counts are non-negative: a table whose hidden rows add up to 0 shows that
    they are all 0, as it always did.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Literal

from .periods import Period

#: Counts under this number are not shown.
SMALL = 5

#: Why a count is hidden: ``small`` under ``SMALL``; ``complementary`` so that a
#: single hidden row of a table cannot be computed back from its total;
#: ``inherited`` because a period inside hides the same count.
Reason = Literal["", "small", "complementary", "inherited"]

#: The counts of one period and why each is hidden (``""``: shown).
PeriodCells = tuple[dict[str, int], dict[str, Reason]]

_PRIME = (1 << 61) - 1


def suppress(
    values: Sequence[int],
    *,
    threshold: int = SMALL,
    inherited: Iterable[int] = (),
    candidates: Iterable[int] | None = None,
) -> list[Reason]:
    """Why each value of one table with a shown total is hidden: ``"small"``
    under ``threshold``, ``"inherited"`` for the positions in ``inherited``,
    ``"complementary"`` when it is hidden only so that a single hidden cell
    cannot be computed back from the total, ``""`` shown.

    A table then has no hidden cell or at least two. The complementary cell is
    the smallest shown one of ``candidates`` (all positions when ``None``),
    the first of equals, which hides the least.
    """
    inherited = set(inherited)
    reasons: list[Reason] = [
        "small" if v < threshold else "inherited" if i in inherited else ""
        for i, v in enumerate(values)
    ]
    if sum(1 for reason in reasons if reason) == 1:
        allowed = set(range(len(values)) if candidates is None else candidates)
        shown = [i for i, reason in enumerate(reasons) if not reason and i in allowed]
        if shown:
            reasons[min(shown, key=lambda i: (values[i], i))] = "complementary"
    return reasons


@dataclass(frozen=True)
class Layout:
    """Which counts of a period add up to what: each table's rows add up to
    ``total``; ``singles`` stand alone. Every count is also the sum of the
    same count over the periods inside."""

    total: str
    tables: tuple[tuple[str, ...], ...]
    singles: tuple[str, ...] = ()

    @property
    def keys(self) -> list[str]:
        return [self.total, *(k for t in self.tables for k in t), *self.singles]


def _decide(
    values: Mapping[str, int],
    layout: Layout,
    threshold: int,
    *,
    inherited: AbstractSet[str] = frozenset(),
    candidates: set[str] | None = None,
) -> dict[str, Reason]:
    reasons: dict[str, Reason] = {}
    for key in (layout.total, *layout.singles):
        reasons[key] = (
            "small"
            if values[key] < threshold
            else "inherited"
            if key in inherited
            else ""
        )
    for table in layout.tables:
        reasons.update(
            zip(
                table,
                suppress(
                    [values[key] for key in table],
                    threshold=threshold,
                    inherited=[i for i, key in enumerate(table) if key in inherited],
                    candidates=None
                    if candidates is None
                    else [i for i, key in enumerate(table) if key in candidates],
                ),
                strict=True,
            )
        )
    return reasons


def suppress_periods(
    period: Period,
    months: Mapping[Period, Mapping[str, int]],
    layout: Layout,
    *,
    threshold: int = SMALL,
) -> dict[Period, PeriodCells]:
    """The counts of ``period`` and of every period inside it, from the counts
    of its ``months``, with the reasons for hiding each (see the module)."""
    result: dict[Period, PeriodCells] = {}

    def decide(current: Period) -> None:
        if current.kind == "month":
            values = {key: int(months[current].get(key, 0)) for key in layout.keys}
            result[current] = (values, _decide(values, layout, threshold))
            return
        for child in current.children:
            decide(child)
        values = {
            key: sum(result[child][0][key] for child in current.children)
            for key in layout.keys
        }
        hidden_in = {
            key: sum(1 for child in current.children if result[child][1][key])
            for key in layout.keys
        }
        somewhere = {key for key, n in hidden_in.items() if n}
        once = {key for key, n in hidden_in.items() if n == 1}
        result[current] = (
            values,
            _decide(values, layout, threshold, inherited=once, candidates=somewhere),
        )
        if disclosed(current, result, layout):
            result[current] = (
                values,
                _decide(values, layout, threshold, inherited=somewhere),
            )

    decide(period)
    return result


# --- the check ---------------------------------------------------------------------


def _reduce(row: dict, pivots: dict) -> dict:
    """``row`` minus the multiples of the pivot rows that clear their pivots."""
    row = dict(row)
    changed = True
    while changed:
        changed = False
        for var in [v for v in row if v in pivots]:
            factor = row.get(var)
            if not factor:
                continue
            for other, coeff in pivots[var].items():
                value = (row.get(other, 0) - factor * coeff) % _PRIME
                if value:
                    row[other] = value
                else:
                    row.pop(other, None)
            changed = True
    return row


def _eliminate(rows: Iterable[dict]) -> dict:
    """Pivot rows (normalised to 1 at their pivot), each pivot cleared from
    every other pivot row's later reductions."""
    pivots: dict = {}
    for row in rows:
        row = _reduce(row, pivots)
        if not row:
            continue
        pivot = min(row, key=repr)
        inverse = pow(row[pivot], _PRIME - 2, _PRIME)
        pivots[pivot] = {v: c * inverse % _PRIME for v, c in row.items()}
    return pivots


def disclosed(
    period: Period,
    cells: Mapping[Period, PeriodCells],
    layout: Layout,
) -> set[tuple[Period, str]]:
    """The hidden counts of ``period`` and the periods inside it that follow
    from what is shown of them (see the module): empty when the pattern is
    safe. ``cells`` holds at least those periods (``suppress_periods``)."""
    months = period.months
    periods = [period]
    for current in periods:
        periods.extend(current.children)

    def hidden(p: Period, key: str) -> bool:
        return bool(cells[p][1][key])

    # The unknowns are the hidden counts of the months: every longer period's
    # count is the sum of its months'.
    rows: list[dict] = []
    for month in months:
        for table in layout.tables:
            row = {(month, key): 1 for key in table if hidden(month, key)}
            if hidden(month, layout.total):
                row[(month, layout.total)] = _PRIME - 1
            if row:
                rows.append(row)
    for current in periods:
        if current.kind == "month":
            continue
        for key in layout.keys:
            if not hidden(current, key):
                row = {(m, key): 1 for m in current.months if hidden(m, key)}
                if row:
                    rows.append(row)
    pivots = _eliminate(rows)
    found: set[tuple[Period, str]] = set()
    for current in periods:
        for key in layout.keys:
            if not hidden(current, key):
                continue
            functional = {(m, key): 1 for m in current.months if hidden(m, key)}
            if not _reduce(functional, pivots):
                found.add((current, key))
    return found
