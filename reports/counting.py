"""The anonymous report for a municipality: counts of the support cases of the
clients who live there, opened in one ended month, quarter or year.

This module counts and builds the report (``count_report``, ``build_report``,
``municipal_report``); what it may show is in ``reports.report``.

What the report counts
    The cases *opened* in the period (``reports.periods``: a calendar
    month, quarter or year that has ended, Europe/Amsterdam days) of clients
    whose municipality of residence (``Client.municipality``) is the
    municipality, within the reader's scope (below). Every table splits that
    same number of cases: by kind, subject (the kind of care), theme, kind of
    care provider and outcome (cases still open have no outcome yet). The
    number of clients is the number of different clients among those cases.
    The median duration is over those cases that are closed, from opening to
    closing, in days.

Whose cases (``reports.scope``: ``Scope``, ``report_scope``)
    A team lead's report counts the cases of the teams they lead ("reports
    follow the team"), and their outreach visits; a contract manager's counts
    the cases of every organisation for their own municipality. The page, the
    CSV and the PDF say which.

Small cells (DOMAIN: "counts only, small counts suppressed")
    Every count under ``SMALL`` (5), zero included, is shown as "< 5".
    Because each table's total is shown, a single suppressed cell could be
    computed back as total minus the other cells; so a table has either no
    suppressed cell or at least two: when exactly one cell is hidden, the
    smallest other cell is hidden as well (complementary suppression, shown
    as "afgeschermd").

    Periods nest (months in quarters in years), and every count but the
    clients and the median is the sum of the counts of the periods inside, so
    a year minus three published quarters could give the fourth. A longer
    period therefore also hides the cells that would give away a hidden cell
    of a period inside it (``reports.suppression``, which checks the
    pattern exactly). A month's cells depend on the month alone, a quarter's
    on its months, a year's on its quarters: what is shown of a period never
    changes when a longer period ends later. The number of different clients
    and the median are not sums over the periods inside; they are hidden
    under 5 only.
    The ``Report`` holds only the numbers that may be shown, so a suppressed
    number never reaches a template, the CSV or the PDF.

How it is computed
    One aggregate query grouped by month with a filtered ``COUNT`` per cell
    (PostgreSQL ``COUNT(*) FILTER (WHERE …)``, a ``CASE`` on SQLite), one for
    the clients and the closed cases, one for the median and one for outreach
    visits grouped by month: the number of queries does not grow with the
    number of cases, and no Python loop runs over cases. The median is
    ``percentile_cont(0.5)`` on PostgreSQL; SQLite has no such aggregate, so
    there it is the middle row (or the two middle rows) of the closed cases
    ordered by duration, fetched with ``LIMIT``/``OFFSET`` — still one query
    returning at most two rows.

Stored figures (``reports.stored``: ``report_figures``)
    Those queries still read every case of the municipality in the period, so
    their time grows with the number of cases. The pages therefore read the
    figures of a municipality, scope and period from ``ReportFigures``: one
    row, whatever the number of cases, holding the counts of each month of the
    period. Figures older than ``NAAST_REPORT_MAX_AGE_HOURS`` (24) are counted
    again when read, and every night ``refresh_report_figures``
    (``manage.py refresh_reports``) counts the last ended month, quarter and
    year of every municipality and scope, so the page a reader opens first
    never waits for the count. A report says when its figures were counted
    ("stand van"). The stored counts include the small ones; suppression is
    applied when the report is built from them (``build_report``), as for a
    live count (``municipal_report``).

Who may read it (``reports.scope.reportable_municipalities``)
    Whoever has ``Capability.READ_MUNICIPAL_REPORT``: a contract manager
    (working for a municipality's own organisation) reads their own
    municipality only; a team lead (``Capability.LEAD_TEAMS``) reads the
    municipalities where clients of their teams' cases live. Nobody else
    reads any. Reading a report writes no access-log row: it shows no
    client's data.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality
from cases.models import OutreachVisit, SupportCase
from config.db_routers import replica_reads

from .dimensions import DIMENSIONS, Row
from .periods import Period
from .report import Outreach, Report, Table, _cell
from .scope import ALL_ORGANISATIONS, Scope
from .suppression import SMALL, Layout, PeriodCells, suppress_periods

if TYPE_CHECKING:
    from django.utils.functional import Promise


# --- the report ---------------------------------------------------------------------


class _Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5) WITHIN GROUP (ORDER BY …)``."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _dimensions() -> list[tuple[str, Promise | str, list[Row]]]:
    """Each table: key, title, and per row its label and the cases it counts
    (``reports.dimensions.DIMENSIONS``). The rows of a table are
    disjoint and together count every case."""
    return [(d.key, d.title, d.rows()) for d in DIMENSIONS]


def _count_key(dimension: str, value: str) -> str:
    """The key of one table row's count: by value, not position, so that
    figures stored before a choice was added are seen as incomplete."""
    return f"{dimension}:{value}"


@functools.cache
def report_layout() -> Layout:
    """The report's counts as ``suppress_periods`` sees them: the cases as
    the total of every table, and the outreach visits and youths spoken."""
    return Layout(
        total="cases",
        tables=tuple(
            tuple(_count_key(key, value) for value, _label, _q in rows)
            for key, _title, rows in _dimensions()
        ),
        singles=("visits", "youths"),
    )


#: The counts of a period that are not the sum over the periods inside.
PERIOD_KEYS = ("clients", "closed", "median_days")


def _bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period's first day 00:00 up to (not including) the day after its
    last day, local time."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(
            period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        ),
    )


def _median_days(cases: QuerySet[SupportCase], closed: int) -> float | None:
    closed_cases = cases.filter(closed_at__isnull=False)
    duration = ExpressionWrapper(
        F("closed_at") - F("opened_at"), output_field=DurationField()
    )
    if connection.vendor == "postgresql":
        seconds = Func(duration, template="EXTRACT(EPOCH FROM %(expressions)s)")
        median = closed_cases.aggregate(m=_Median(seconds))["m"]
        return None if median is None else median / 86400
    # Portable: the middle row(s) by duration, one query of at most two rows.
    middle = list(
        closed_cases.annotate(duration=duration)
        .order_by("duration", "pk")
        .values_list("duration", flat=True)[(closed - 1) // 2 : closed // 2 + 1]
    )
    if not middle:
        return None
    return sum(d.total_seconds() for d in middle) / len(middle) / 86400


def _month_of(value: datetime.date | datetime.datetime) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return Period.month(value.year, value.month).key


def _outreach_counts(
    municipality: Municipality, scope: Scope, period: Period
) -> dict[str, dict[str, int]]:
    """Per month: outreach visits (R7) to institutions in the municipality,
    and the youths spoken then. One query."""
    rows = (
        OutreachVisit.objects.filter(
            scope.outreach(),
            municipality=municipality,
            visited_on__gte=period.start,
            visited_on__lte=period.end,
        )
        .annotate(month=TruncMonth("visited_on"))
        .order_by()
        .values("month")
        .annotate(visits=Count("pk"), youths=Sum("youths_spoken"))
    )
    return {
        _month_of(row["month"]): {
            "visits": row["visits"],
            "youths": row["youths"] or 0,
        }
        for row in rows
    }


@replica_reads
def count_report(
    *,
    municipality: Municipality,
    period: Period,
    scope: Scope = ALL_ORGANISATIONS,
) -> dict:
    """The raw counts of the report of ``municipality`` for the cases of
    ``scope`` opened in ``period`` (see the module), small ones included:
    ``months`` maps each month's key to its counts; ``clients``, ``closed``
    and ``median_days`` are of the whole period. Four queries, whatever the
    number of cases."""
    since, until = _bounds(period)
    cases = SupportCase.objects.filter(
        scope.cases(),
        client__municipality=municipality,
        opened_at__gte=since,
        opened_at__lt=until,
    ).order_by()
    aggregates = {"cases": Count("pk")}
    for key, _title, rows in _dimensions():
        for value, _label, condition in rows:
            aggregates[_count_key(key, value)] = Count("pk", filter=condition)
    tz = timezone.get_current_timezone()
    by_month: dict[str, dict[str, int]] = {}
    for row in (
        cases.annotate(month=TruncMonth("opened_at", tzinfo=tz))
        .values("month")
        .annotate(**aggregates)
    ):
        counts: dict[str, Any] = dict(row)
        by_month[_month_of(counts.pop("month"))] = counts
    outreach = _outreach_counts(municipality, scope, period)
    zero = dict.fromkeys(report_layout().keys, 0)
    months = {
        month.key: {
            **zero,
            **by_month.get(month.key, {}),
            **outreach.get(month.key, {}),
        }
        for month in period.months
    }
    totals = cases.aggregate(
        clients=Count("client", distinct=True),
        closed=Count("pk", filter=Q(closed_at__isnull=False)),
    )
    closed = totals["closed"]
    return {
        "months": months,
        "clients": totals["clients"],
        "closed": closed,
        "median_days": _median_days(cases, closed) if closed >= SMALL else None,
    }


def complete(counts: Mapping, period: Period) -> bool:
    """Whether stored ``counts`` hold every count a report of ``period``
    needs (figures stored before a choice was added do not)."""
    months = counts.get("months")
    if not isinstance(months, Mapping) or not set(PERIOD_KEYS) <= counts.keys():
        return False
    keys = set(report_layout().keys)
    return all(
        isinstance(months.get(m.key), Mapping) and keys <= months[m.key].keys()
        for m in period.months
    )


def report_cells(period: Period, counts: Mapping) -> dict[Period, PeriodCells]:
    """The counts and reasons of ``period`` and every period inside it."""
    keys = report_layout().keys
    frozen = tuple(
        tuple(int(counts["months"][m.key].get(k, 0)) for k in keys)
        for m in period.months
    )
    return _cells(period, frozen)


@functools.lru_cache(maxsize=512)
def _cells(period: Period, frozen: tuple) -> dict[Period, PeriodCells]:
    """``suppress_periods`` once per process for the same counts: the pages
    read the same stored figures many times a day."""
    keys = report_layout().keys
    months = {
        m: dict(zip(keys, values, strict=True))
        for m, values in zip(period.months, frozen, strict=True)
    }
    return suppress_periods(period, months, report_layout())


def build_report(
    *,
    municipality: Municipality,
    period: Period,
    counts: Mapping,
    computed_at: datetime.datetime,
    scope: Scope = ALL_ORGANISATIONS,
) -> Report:
    """The report as it may be shown: ``counts`` (from ``count_report``) with
    every small cell, and every cell that would give away a hidden cell of a
    period inside, suppressed."""
    values, reasons = report_cells(period, counts)[period]
    tables = []
    for key, title, rows in _dimensions():
        keys = [_count_key(key, value) for value, _label, _q in rows]
        tables.append(
            Table(
                key=key,
                title=str(title),
                cells=tuple(
                    _cell(label, values[k], reasons[k])
                    for (_v, label, _q), k in zip(rows, keys, strict=True)
                ),
                total=_cell(_("Totaal"), values["cases"], reasons["cases"]),
            )
        )
    return Report(
        municipality=municipality,
        period=period,
        scope=scope,
        clients=_cell(_("Cliënten"), counts["clients"]),
        cases=_cell(_("Zaken"), values["cases"], reasons["cases"]),
        median_days=counts["median_days"],
        tables=tuple(tables),
        outreach=Outreach(
            visits=_cell(_("Outreachbezoeken"), values["visits"], reasons["visits"]),
            youths_spoken=_cell(
                _("Gesproken jongeren"), values["youths"], reasons["youths"]
            ),
        ),
        computed_at=computed_at,
    )


def municipal_report(
    *,
    municipality: Municipality,
    period: Period,
    scope: Scope = ALL_ORGANISATIONS,
) -> Report:
    """The report of ``municipality`` for the cases of ``scope`` opened in
    ``period``, counted now (four queries)."""
    return build_report(
        municipality=municipality,
        period=period,
        scope=scope,
        counts=count_report(municipality=municipality, period=period, scope=scope),
        computed_at=timezone.now(),
    )
