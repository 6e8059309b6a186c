"""The anonymous report for a municipality: counts of the support cases of the
clients who live there, opened in a period.

What the report counts
    The cases *opened* in the period (``start`` up to and including ``end``,
    Europe/Amsterdam days) of clients whose municipality of residence
    (``Client.municipality``) is the municipality, of every organisation and
    kind. Every table splits that same number of cases: by kind, subject (the
    kind of care), theme, kind of care provider and outcome (cases still open
    have no outcome yet). The number of clients is the number of different
    clients among those cases. The median duration is over those cases that
    are closed, from opening to closing, in days.

Small cells (DOMAIN: "counts only, small counts suppressed")
    Every count under ``SMALL`` (5), zero included, is shown as "< 5".
    Because each table's total is shown, a single suppressed cell could be
    computed back as total minus the other cells; so a table has either no
    suppressed cell or at least two: when exactly one cell is small, the
    smallest other cell is suppressed as well (complementary suppression,
    shown as "afgeschermd"). The tables are one-dimensional splits of the same
    population, so no cell of one table can be derived from another table.
    For the same reason the number of closed cases is not shown on its own:
    with the total it would give away the "not yet closed" row of the
    outcome table.
    ``suppress`` is the one pure function that decides this; the ``Report``
    holds only the numbers that may be shown, so a suppressed number never
    reaches a template, the CSV or the PDF.

How it is computed
    One aggregate query with a filtered ``COUNT`` per cell (PostgreSQL
    ``COUNT(*) FILTER (WHERE …)``, a ``CASE`` on SQLite), one for the median
    and one for outreach visits: the number of queries does not grow with the
    number of cases, and no Python loop runs over cases. The median is
    ``percentile_cont(0.5)`` on PostgreSQL; SQLite has no such aggregate, so
    there it is the middle row (or the two middle rows) of the closed cases
    ordered by duration, fetched with ``LIMIT``/``OFFSET`` — still one query
    returning at most two rows.

Stored figures (``report_figures``)
    Those queries still read every case of the municipality in the period, so
    their time grows with the number of cases (about 0.2 s for a year of a
    large municipality at 100,000 clients). The pages therefore read the
    figures of a municipality and period from ``ReportFigures``: one row,
    whatever the number of cases. Figures older than
    ``NAAST_REPORT_MAX_AGE_HOURS`` (24) are counted again when read, and every
    night ``refresh_report_figures`` (``manage.py refresh_reports``) counts
    this year and last year of every municipality, so the page a contract
    manager opens first never waits for the count. A report says when its
    figures were counted ("stand van"). The stored counts include the small
    ones; suppression is applied when the report is built from them
    (``build_report``), as for a live count (``municipal_report``).

Who may read it (``reportable_municipalities``)
    A municipality's contract manager (``User.Role.CONTRACT_MANAGER``, working
    for the municipality's own organisation) reads their own municipality
    only; a team lead reads the municipalities where clients of their own
    organisation's cases live. Nobody else reads any. Reading a report writes
    no access-log row: it shows no client's data.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

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
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Municipality, Organisation, User
from config.db_routers import replica_reads

from .models import CareKind, Client, OutreachVisit, ReportFigures, SupportCase

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import Promise

#: Counts under this number are not shown.
SMALL = 5

Reason = Literal["", "small", "complementary"]


# --- suppression ------------------------------------------------------------------


def suppress(values: Sequence[int], *, threshold: int = SMALL) -> list[Reason]:
    """Why each value of one table with a shown total is hidden: ``"small"``
    under ``threshold``, ``"complementary"`` when it is hidden only so that a
    single small cell cannot be computed back from the total, ``""`` shown.

    A table then has no hidden cell or at least two. The complementary cell is
    the smallest shown one (the first of equals), which hides the least.
    """
    reasons: list[Reason] = ["small" if v < threshold else "" for v in values]
    if reasons.count("small") == 1:
        shown = [i for i, reason in enumerate(reasons) if not reason]
        if shown:
            reasons[min(shown, key=lambda i: (values[i], i))] = "complementary"
    return reasons


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
        if self.reason == "complementary":
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
    start: datetime.date
    end: datetime.date
    clients: Cell
    cases: Cell
    median_days: float | None  # None when fewer than SMALL cases were closed
    tables: tuple[Table, ...]
    outreach: Outreach
    computed_at: datetime.datetime  # when the figures were counted

    @property
    def median_display(self) -> str:
        if self.median_days is None:
            return str(_("niet getoond (minder dan %(n)s afgesloten zaken)")) % {
                "n": SMALL
            }
        days = round(self.median_days)
        return ngettext("%(days)s dag", "%(days)s dagen", days) % {"days": days}


# --- who may read which municipality ------------------------------------------------


def reportable_municipalities(
    user: User | AnonymousUser,
) -> QuerySet[Municipality]:
    """The municipalities whose report ``user`` may read (see the module)."""
    if not user.is_authenticated or not user.is_active:
        return Municipality.objects.none()
    organisation = user.organisation
    if user.role == User.Role.CONTRACT_MANAGER:
        if organisation is None or organisation.kind != Organisation.Kind.MUNICIPALITY:
            return Municipality.objects.none()
        return Municipality.objects.filter(pk=organisation.municipality_id)
    if user.role == User.Role.TEAM_LEAD and organisation is not None:
        return Municipality.objects.filter(
            Exists(
                SupportCase.objects.filter(
                    organisation=organisation, client__municipality=OuterRef("pk")
                )
            )
        )
    return Municipality.objects.none()


# --- the report ---------------------------------------------------------------------


class _Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5) WITHIN GROUP (ORDER BY …)``."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _dimensions() -> list[tuple[str, Promise, list[tuple[str, Promise, Q]]]]:
    """Each table: key, title, and per row its label and the cases it counts.
    The rows of a table are disjoint and together count every case."""
    PK = Organisation.ProviderKind
    kinds = [(k, label, Q(kind=k)) for k, label in SupportCase.Kind.choices]
    subjects = [(k, label, Q(subject=k)) for k, label in CareKind.choices]
    subjects.append(("", _("Geen of onbekend"), Q(subject="")))
    themes = [(k, label, Q(theme=k)) for k, label in SupportCase.Theme.choices]
    themes.append(("", _("Niet vastgelegd"), Q(theme="")))
    providers = [
        (k, label, Q(provider__provider_kind=k))
        for k, label in PK.choices
        if k != PK.OTHER
    ]
    providers.append(
        (
            PK.OTHER,
            PK.OTHER.label,
            Q(provider__isnull=False, provider__provider_kind__in=[PK.OTHER, ""]),
        )
    )
    providers.append(("", _("Geen aanbieder"), Q(provider__isnull=True)))
    outcomes = [(k, label, Q(outcome=k)) for k, label in SupportCase.Outcome.choices]
    outcomes.append(("", _("Nog niet afgesloten"), Q(outcome="")))
    return [
        ("kind", _("Soort zaak"), kinds),
        ("subject", _("Onderwerp (soort hulp)"), subjects),
        ("theme", _("Thema"), themes),
        ("provider_kind", _("Soort aanbieder"), providers),
        ("outcome", _("Uitkomst"), outcomes),
    ]


def _bounds(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """``start`` 00:00 up to (not including) the day after ``end``, local time."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(
            end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
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


def _outreach_counts(
    municipality: Municipality, start: datetime.date, end: datetime.date
) -> dict[str, int]:
    """Outreach visits (R7) to institutions in the municipality in the period,
    and the youths spoken then. One query."""
    counts = OutreachVisit.objects.filter(
        municipality=municipality, visited_on__gte=start, visited_on__lte=end
    ).aggregate(visits=Count("pk"), youths=Sum("youths_spoken"))
    return {"visits": counts["visits"], "youths": counts["youths"] or 0}


def _count_key(dimension: str, value: str) -> str:
    """The key of one table row's count: by value, not position, so that
    figures stored before a choice was added are seen as incomplete."""
    return f"{dimension}:{value}"


def _expected_keys() -> set[str]:
    keys = {"cases", "clients", "closed", "median_days", "visits", "youths"}
    for key, _title, rows in _dimensions():
        keys.update(_count_key(key, value) for value, _label, _q in rows)
    return keys


@replica_reads
def count_report(
    *, municipality: Municipality, start: datetime.date, end: datetime.date
) -> dict[str, int | float | None]:
    """The raw counts of the report of ``municipality`` for the cases opened
    from ``start`` up to and including ``end`` (see the module for what it
    counts), small ones included. Three queries, whatever the number of cases."""
    since, until = _bounds(start, end)
    cases = SupportCase.objects.filter(
        client__municipality=municipality, opened_at__gte=since, opened_at__lt=until
    )
    aggregates = {
        "cases": Count("pk"),
        "clients": Count("client", distinct=True),
        "closed": Count("pk", filter=Q(closed_at__isnull=False)),
    }
    for key, _title, rows in _dimensions():
        for value, _label, condition in rows:
            aggregates[_count_key(key, value)] = Count("pk", filter=condition)
    counts: dict[str, int | float | None] = cases.order_by().aggregate(**aggregates)
    closed = counts["closed"]
    counts["median_days"] = _median_days(cases, closed) if closed >= SMALL else None
    counts.update(_outreach_counts(municipality, start, end))
    return counts


def build_report(
    *,
    municipality: Municipality,
    start: datetime.date,
    end: datetime.date,
    counts: dict,
    computed_at: datetime.datetime,
) -> Report:
    """The report as it may be shown: ``counts`` (from ``count_report``) with
    every small cell suppressed."""
    tables = []
    for key, title, rows in _dimensions():
        values = [counts[_count_key(key, value)] for value, _label, _q in rows]
        reasons = suppress(values)
        tables.append(
            Table(
                key=key,
                title=str(title),
                cells=tuple(
                    _cell(label, value, reason)
                    for (_v, label, _q), value, reason in zip(
                        rows, values, reasons, strict=True
                    )
                ),
                total=_cell(_("Totaal"), counts["cases"]),
            )
        )
    return Report(
        municipality=municipality,
        start=start,
        end=end,
        clients=_cell(_("Cliënten"), counts["clients"]),
        cases=_cell(_("Zaken"), counts["cases"]),
        median_days=counts["median_days"],
        tables=tuple(tables),
        outreach=Outreach(
            visits=_cell(_("Outreachbezoeken"), counts["visits"]),
            youths_spoken=_cell(_("Gesproken jongeren"), counts["youths"]),
        ),
        computed_at=computed_at,
    )


def municipal_report(
    *, municipality: Municipality, start: datetime.date, end: datetime.date
) -> Report:
    """The report of ``municipality`` for the cases opened from ``start`` up to
    and including ``end``, counted now (three queries)."""
    return build_report(
        municipality=municipality,
        start=start,
        end=end,
        counts=count_report(municipality=municipality, start=start, end=end),
        computed_at=timezone.now(),
    )


# --- stored figures ----------------------------------------------------------------


def max_age() -> datetime.timedelta:
    """How old stored figures may be when a report is read."""
    return datetime.timedelta(hours=settings.NAAST_REPORT_MAX_AGE_HOURS)


def standard_periods(today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The periods counted every night: this year (what the report page shows
    first) and last year (the annual report)."""
    return [
        (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        for year in (today.year, today.year - 1)
    ]


def _store(
    municipality: Municipality,
    start: datetime.date,
    end: datetime.date,
    now: datetime.datetime,
) -> dict:
    """Count the report now and store its figures (one upsert, so two views
    counting the same period at once both succeed)."""
    counts = count_report(municipality=municipality, start=start, end=end)
    ReportFigures.objects.bulk_create(
        [
            ReportFigures(
                municipality=municipality,
                start=start,
                end=end,
                computed_at=now,
                counts=counts,
            )
        ],
        update_conflicts=True,
        unique_fields=["municipality", "start", "end"],
        update_fields=["computed_at", "counts"],
    )
    return counts


def report_figures(
    *,
    municipality: Municipality,
    start: datetime.date,
    end: datetime.date,
    now: datetime.datetime | None = None,
) -> Report:
    """The report of a municipality and period as the pages show it: from the
    stored figures when they are younger than ``max_age()`` (one query),
    else counted now and stored for the next view."""
    now = now or timezone.now()
    stored = ReportFigures.objects.filter(
        municipality=municipality, start=start, end=end
    ).first()
    if (
        stored is not None
        and now - max_age() <= stored.computed_at <= now
        and _expected_keys() <= stored.counts.keys()
    ):
        counts, computed_at = stored.counts, stored.computed_at
    else:
        counts, computed_at = _store(municipality, start, end, now), now
    return build_report(
        municipality=municipality,
        start=start,
        end=end,
        counts=counts,
        computed_at=computed_at,
    )


def refresh_report_figures(*, now: datetime.datetime | None = None) -> int:
    """Count the standard periods of every municipality where clients live,
    and drop the stored figures of other periods once they are stale (they
    are counted again when next read). Returns the number of reports counted.
    Run every night (``manage.py refresh_reports``)."""
    now = now or timezone.now()
    periods = standard_periods(timezone.localdate(now))
    municipalities = Municipality.objects.filter(
        Exists(Client.objects.filter(municipality=OuterRef("pk")))
    ).order_by("pk")
    counted = 0
    for municipality in municipalities:
        for start, end in periods:
            _store(municipality, start, end, now)
            counted += 1
    standard = Q()
    for start, end in periods:
        standard |= Q(start=start, end=end)
    ReportFigures.objects.filter(computed_at__lt=now - max_age()).exclude(
        standard
    ).delete()
    return counted
