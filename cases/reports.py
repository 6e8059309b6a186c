"""The anonymous report for a municipality: counts of the support cases of the
clients who live there, opened in one ended month, quarter or year.

What the report counts
    The cases *opened* in the period (``cases.report_periods``: a calendar
    month, quarter or year that has ended, Europe/Amsterdam days) of clients
    whose municipality of residence (``Client.municipality``) is the
    municipality, within the reader's scope (below). Every table splits that
    same number of cases: by kind, subject (the kind of care), theme, kind of
    care provider and outcome (cases still open have no outcome yet). The
    number of clients is the number of different clients among those cases.
    The median duration is over those cases that are closed, from opening to
    closing, in days.

Whose cases (``Scope``, ``report_scope``)
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
    of a period inside it (``cases.report_suppression``, which checks the
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

Stored figures (``report_figures``)
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

Who may read it (``reportable_municipalities``)
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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Organisation, Team, User
from config.db_routers import replica_reads
from roles.policy import Capability, can

from .models import Client, OutreachVisit, ReportFigures, SupportCase
from .report_dimensions import DIMENSIONS
from .report_periods import Period, latest_ended
from .report_suppression import (
    SMALL,
    Layout,
    PeriodCells,
    Reason,
    suppress_periods,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
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


# --- whose cases --------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose cases a report counts: those of ``teams`` (a team lead's), or,
    with no teams, those of every organisation (a contract manager's)."""

    teams: tuple[Team, ...] = ()

    @property
    def all_organisations(self) -> bool:
        return not self.teams

    @property
    def key(self) -> str:
        """How stored figures name the scope: ``all`` or ``teams:<ids>``."""
        if self.all_organisations:
            return "all"
        return "teams:" + ",".join(str(pk) for pk in sorted(t.pk for t in self.teams))

    def cases(self) -> Q:
        if self.all_organisations:
            return Q()
        return Q(team__in=[t.pk for t in self.teams])

    def outreach(self) -> Q:
        return self.cases()

    def describe(self, municipality: Municipality) -> str:
        """The Dutch sentence a report opens with, saying whose figures."""
        if self.all_organisations:
            return gettext("Cijfers van alle organisaties voor gemeente %(name)s") % {
                "name": municipality.name
            }
        return ngettext(
            "Cijfers van uw team: %(teams)s",
            "Cijfers van uw teams: %(teams)s",
            len(self.teams),
        ) % {"teams": ", ".join(t.name for t in self.teams)}


ALL_ORGANISATIONS = Scope()


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


# --- who may read which municipality ------------------------------------------------


def report_scope(user: User | AnonymousUser) -> Scope | None:
    """Whose cases ``user``'s reports count (see the module), or ``None`` when
    they read no report. A team lead's scope costs one query."""
    if not can(user, Capability.READ_MUNICIPAL_REPORT):
        return None
    if can(user, Capability.LEAD_TEAMS):
        teams = tuple(
            user.led_teams.filter(organisation_id=user.organisation_id).order_by(
                "name", "pk"
            )
        )
        return Scope(teams) if teams else None
    return ALL_ORGANISATIONS


#: More than there are municipalities (see ``reportable_municipalities``).
_MUNICIPALITIES_BOUND = 100_000


def reportable_municipalities(
    user: User | AnonymousUser, scope: Scope | None = None
) -> QuerySet[Municipality]:
    """The municipalities whose report ``user`` may read (see the module);
    ``scope`` is ``report_scope(user)`` when the caller has it already."""
    scope = scope if scope is not None else report_scope(user)
    if scope is None:
        return Municipality.objects.none()
    if scope.all_organisations:
        return Municipality.objects.filter(
            organisations__pk=user.organisation_id,
            organisations__kind=Organisation.Kind.MUNICIPALITY,
        )
    # From the teams' cases to their clients' municipalities, bounded by the
    # teams' caseload. The LIMIT is never reached; it keeps PostgreSQL from
    # turning the subquery into a scan of every client of each municipality
    # (which grew with the organisation: 13 ms at 100,000 clients, now 4 ms).
    return Municipality.objects.filter(
        pk__in=SupportCase.objects.filter(scope.cases())
        .values("client__municipality_id")
        .distinct()[:_MUNICIPALITIES_BOUND]
    )


# --- the report ---------------------------------------------------------------------


class _Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5) WITHIN GROUP (ORDER BY …)``."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _dimensions() -> list[tuple[str, Promise, list[tuple[str, Promise, Q]]]]:
    """Each table: key, title, and per row its label and the cases it counts
    (``cases.report_dimensions.DIMENSIONS``). The rows of a table are
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
    by_month = {
        _month_of(row.pop("month")): row
        for row in cases.annotate(month=TruncMonth("opened_at", tzinfo=tz))
        .values("month")
        .annotate(**aggregates)
    }
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


# --- stored figures ----------------------------------------------------------------


def max_age() -> datetime.timedelta:
    """How old stored figures may be when a report is read."""
    return datetime.timedelta(hours=settings.NAAST_REPORT_MAX_AGE_HOURS)


def standard_periods(today: datetime.date) -> list[Period]:
    """The periods counted every night: the last ended year (what the report
    page shows first), quarter and month."""
    return [latest_ended(kind, today) for kind in ("year", "quarter", "month")]


def _store(
    municipality: Municipality,
    scope: Scope,
    period: Period,
    now: datetime.datetime,
) -> dict:
    """Count the report now and store its figures (one upsert, so two views
    counting the same period at once both succeed)."""
    counts = count_report(municipality=municipality, period=period, scope=scope)
    ReportFigures.objects.bulk_create(
        [
            ReportFigures(
                municipality=municipality,
                scope=scope.key,
                start=period.start,
                end=period.end,
                computed_at=now,
                counts=counts,
            )
        ],
        update_conflicts=True,
        unique_fields=["municipality", "scope", "start", "end"],
        update_fields=["computed_at", "counts"],
    )
    return counts


def report_figures(
    *,
    municipality: Municipality,
    period: Period,
    scope: Scope = ALL_ORGANISATIONS,
    now: datetime.datetime | None = None,
) -> Report:
    """The report of a municipality, scope and period as the pages show it:
    from the stored figures when they are younger than ``max_age()`` (one
    query), else counted now and stored for the next view."""
    now = now or timezone.now()
    stored = ReportFigures.objects.filter(
        municipality=municipality,
        scope=scope.key,
        start=period.start,
        end=period.end,
    ).first()
    if (
        stored is not None
        and now - max_age() <= stored.computed_at <= now
        and complete(stored.counts, period)
    ):
        counts, computed_at = stored.counts, stored.computed_at
    else:
        counts, computed_at = _store(municipality, scope, period, now), now
    return build_report(
        municipality=municipality,
        period=period,
        scope=scope,
        counts=counts,
        computed_at=computed_at,
    )


def _scopes_to_refresh() -> list[tuple[Municipality, Scope]]:
    """Every municipality where clients live, for all organisations, and each
    active team lead's teams where clients of those teams' cases live."""
    pairs: dict[tuple[int, str], tuple[Municipality, Scope]] = {}
    for municipality in Municipality.objects.filter(
        Exists(Client.objects.filter(municipality=OuterRef("pk")))
    ).order_by("pk"):
        pairs[(municipality.pk, ALL_ORGANISATIONS.key)] = (
            municipality,
            ALL_ORGANISATIONS,
        )
    leads = User.objects.filter(
        is_active=True, role=User.Role.TEAM_LEAD, led_teams__isnull=False
    ).distinct()
    for lead in leads.order_by("pk"):
        scope = report_scope(lead)
        if scope is None or scope.all_organisations:
            continue
        for municipality in reportable_municipalities(lead, scope).order_by("pk"):
            pairs.setdefault((municipality.pk, scope.key), (municipality, scope))
    return list(pairs.values())


def refresh_report_figures(*, now: datetime.datetime | None = None) -> int:
    """Count the standard periods of every municipality and scope
    (``_scopes_to_refresh``), and drop the stored figures of other periods
    once they are stale (they are counted again when read). Returns the
    number of reports counted. Run every night (``manage.py refresh_reports``)."""
    now = now or timezone.now()
    periods = standard_periods(timezone.localdate(now))
    counted = 0
    for municipality, scope in _scopes_to_refresh():
        for period in periods:
            _store(municipality, scope, period, now)
            counted += 1
    standard = Q()
    for period in periods:
        standard |= Q(start=period.start, end=period.end)
    ReportFigures.objects.filter(computed_at__lt=now - max_age()).exclude(
        standard
    ).delete()
    return counted
