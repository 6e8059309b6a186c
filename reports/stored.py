"""The stored figures of the municipal reports (``ReportFigures``): read by
the pages (``report_figures``), counted again when stale and every night
(``refresh_report_figures``, ``manage.py refresh_reports``); see
``reports.counting``."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Municipality, User
from cases.models import Client

from .counting import build_report, complete, count_report
from .models import ReportFigures
from .periods import Period, latest_ended
from .report import Report
from .scope import ALL_ORGANISATIONS, Scope, report_scope, reportable_municipalities


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
