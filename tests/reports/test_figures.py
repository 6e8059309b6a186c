"""The numbers of the municipal report against the hand-computed fixture, and
the stored figures recounted at night: equal to a live count, read in one
query, counted again when stale or incomplete.
"""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Municipality, User
from cases.models import SupportCase
from reports.counting import municipal_report
from reports.models import ReportFigures
from reports.periods import (
    Period,
)
from reports.scope import ALL_ORGANISATIONS, Scope
from reports.stored import refresh_report_figures, report_figures
from reports.suppression import SMALL
from tests.factories import (
    ClientFactory,
    MunicipalityFactory,
    OrganisationFactory,
    TeamFactory,
)

AMS = ZoneInfo("Europe/Amsterdam")
SMALL_TEXT = f"< {SMALL}"
YEAR_2025 = Period.whole_year(2025)


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=AMS)


def _table(report, key):
    table = next(t for t in report.tables if t.key == key)
    return [(c.value, c.reason) for c in table.cells], table


def test_report_numbers_match_the_hand_computed_fixture(fixture_2025):
    """The report of Utrecht for 2025 counts exactly the hand-counted cases,
    with every count under 5 hidden and one complementary cell."""
    report = municipal_report(municipality=fixture_2025, period=YEAR_2025)
    assert report.cases.value == 25
    assert report.clients.value == 9
    # Durations 2, 4, …, 20 days: the median is (10 + 12) / 2.
    assert report.median_days == pytest.approx(11)

    s, c = "small", "complementary"
    cells, kind = _table(report, "kind")
    # question, problem, complaint, mediation, care question: mediation (2)
    # alone is small, so the smallest other (problem, 5, before care question 5)
    # is hidden too.
    assert cells == [(6, ""), (None, c), (7, ""), (None, s), (5, "")]
    assert kind.total.value == 25
    assert [cell.display for cell in kind.cells] == [
        "6",
        "afgeschermd",
        "7",
        SMALL_TEXT,
        "5",
    ]
    cells, _t = _table(report, "subject")
    assert cells == [(15, ""), (6, ""), (None, s), (None, s)]
    cells, _t = _table(report, "theme")
    assert cells == [(12, ""), (8, "")] + [(None, s)] * 6 + [(5, "")]
    cells, _t = _table(report, "provider_kind")
    # ambulant, residential, certified, mental health, foster, other, none
    assert cells == [(15, ""), (None, s), (6, ""), *[(None, s)] * 4]
    cells, _t = _table(report, "outcome")
    # resolved, partially, not resolved (3), withdrawn, referred, still open
    assert cells == [(7, ""), *[(None, s)] * 4, (15, "")]


def test_small_totals_and_median_are_hidden(fixture_2025):
    """A period with fewer than 5 cases (January 2025: one) shows "< 5" for
    the total and the clients, and no median (fewer than 5 closed cases)."""
    report = municipal_report(municipality=fixture_2025, period=Period.month(2025, 1))
    assert report.cases.value is None and report.cases.display == SMALL_TEXT
    assert report.clients.display == SMALL_TEXT
    assert report.median_days is None
    for table in report.tables:
        assert all(cell.value is None for cell in table.cells)


def test_report_takes_a_bounded_number_of_queries(
    fixture_2025, django_assert_max_num_queries
):
    """One aggregate query grouped by month for every table, one for the
    clients, one for the median, one for outreach visits: no query, and no
    Python loop, per case."""
    with django_assert_max_num_queries(4):
        municipal_report(municipality=fixture_2025, period=YEAR_2025)


# --- stored figures ---------------------------------------------------------------


def _extra_case(municipality: Municipality, n: int = 900) -> None:
    """One more 2025 question of a client of ``municipality``, of another
    organisation."""
    org = OrganisationFactory(akj=True)
    SupportCase.objects.create(
        reference=f"T-{n}",
        client=ClientFactory(municipality=municipality, organisation=org),
        organisation=org,
        team=TeamFactory(organisation=org),
        title="Vraag",
        opened_at=_at(datetime.date(2025, 6, 1)),
        opened_by=User.objects.get(username="vp"),
        kind="question",
    )


def test_stored_figures_equal_a_live_count(fixture_2025):
    """The first read counts and stores; the second reads the stored figures
    (one query) and shows the same report as a live count."""
    live = municipal_report(municipality=fixture_2025, period=YEAR_2025)
    first = report_figures(municipality=fixture_2025, period=YEAR_2025)
    assert ReportFigures.objects.filter(municipality=fixture_2025).count() == 1
    second = report_figures(municipality=fixture_2025, period=YEAR_2025)
    for report in (first, second):
        assert report.tables == live.tables
        assert (report.cases, report.clients) == (live.cases, live.clients)
        assert report.median_days == pytest.approx(live.median_days)
        assert report.outreach == live.outreach
    assert second.computed_at == first.computed_at


def test_stored_figures_are_read_in_one_query(fixture_2025, django_assert_num_queries):
    report_figures(municipality=fixture_2025, period=YEAR_2025)
    with django_assert_num_queries(1):
        report_figures(municipality=fixture_2025, period=YEAR_2025)


def test_stale_figures_are_counted_again(fixture_2025, settings):
    """Figures older than NAAST_REPORT_MAX_AGE_HOURS are counted again when
    read; younger ones are shown with the moment they were counted."""
    settings.NAAST_REPORT_MAX_AGE_HOURS = 24
    counted = timezone.now()
    report_figures(municipality=fixture_2025, period=YEAR_2025, now=counted)
    _extra_case(fixture_2025)
    later = counted + datetime.timedelta(hours=23)
    report = report_figures(municipality=fixture_2025, period=YEAR_2025, now=later)
    assert report.cases.value == 25 and report.computed_at == counted
    much_later = counted + datetime.timedelta(hours=25)
    report = report_figures(municipality=fixture_2025, period=YEAR_2025, now=much_later)
    assert report.cases.value == 26 and report.computed_at == much_later
    stored = ReportFigures.objects.get(municipality=fixture_2025)
    assert stored.computed_at == much_later
    assert sum(m["cases"] for m in stored.counts["months"].values()) == 26


def test_incomplete_stored_figures_are_counted_again(fixture_2025):
    """Figures stored before a choice was added (a row key missing) or in an
    older shape are counted again instead of failing."""
    report_figures(municipality=fixture_2025, period=YEAR_2025)
    stored = ReportFigures.objects.get(municipality=fixture_2025)
    del stored.counts["months"]["2025-03"]["kind:question"]
    stored.save()
    report = report_figures(municipality=fixture_2025, period=YEAR_2025)
    assert _table(report, "kind")[0][0] == (6, "")
    stored.refresh_from_db()
    assert stored.counts["months"]["2025-03"]["kind:question"] == 5
    stored.counts = {"cases": 25}  # the shape before periods had months
    stored.save()
    assert report_figures(municipality=fixture_2025, period=YEAR_2025).cases.value == 25


def test_stored_counts_are_suppressed_when_shown(fixture_2025):
    """Small counts are stored as they are, and hidden in the report built
    from them exactly as in a live count."""
    january = Period.month(2025, 1)
    report_figures(municipality=fixture_2025, period=january)
    stored = ReportFigures.objects.get(municipality=fixture_2025)
    assert stored.counts["months"]["2025-01"]["cases"] == 1
    report = report_figures(municipality=fixture_2025, period=january)
    assert report.cases.value is None and report.cases.display == SMALL_TEXT


def test_refresh_counts_the_standard_periods_and_drops_stale_others(
    fixture_2025, settings
):
    """The nightly refresh counts the last ended year, quarter and month of
    every municipality where clients live (all organisations) and of every
    team lead's teams where their clients live, and drops stale figures of
    other periods (they are counted again when read); fresh ones stay."""
    settings.NAAST_REPORT_MAX_AGE_HOURS = 24
    now = datetime.datetime(2026, 3, 2, 3, 0, tzinfo=AMS)
    MunicipalityFactory(name="Leeg", cbs_code="GM9999")  # no clients: no report
    march, april = Period.month(2025, 3), Period.month(2025, 4)
    report_figures(
        municipality=fixture_2025,
        period=march,
        now=now - datetime.timedelta(hours=30),
    )
    report_figures(
        municipality=fixture_2025,
        period=april,
        now=now - datetime.timedelta(hours=2),
    )
    # Utrecht and Zwolle × (all organisations, the lead's team) × 3 periods.
    assert refresh_report_figures(now=now) == 12
    stored = {
        (f.municipality.cbs_code, f.scope, f.start): f
        for f in ReportFigures.objects.select_related("municipality")
    }
    team_scope = f"teams:{User.objects.get(username='tl').led_teams.get().pk}"
    standard = [Period.whole_year(2025), Period.quarter(2025, 4), Period.month(2026, 2)]
    expected = {
        (code, scope, period.start)
        for code in ("GM0344", "GM0193")
        for scope in ("all", team_scope)
        for period in standard
    }
    expected.add(("GM0344", "all", april.start))
    assert set(stored) == expected
    year = stored[("GM0344", "all", datetime.date(2025, 1, 1))]
    assert sum(m["cases"] for m in year.counts["months"].values()) == 25
    assert year.computed_at == now


def test_refresh_reports_command_enqueues_or_counts(fixture_2025):
    """``manage.py refresh_reports`` enqueues the task (here run at once);
    ``--now`` counts in the process."""
    out = io.StringIO()
    call_command("refresh_reports", stdout=out)
    assert "Enqueued task" in out.getvalue()
    out = io.StringIO()
    call_command("refresh_reports", "--now", stdout=out)
    assert "12 report(s) counted." in out.getvalue()


def test_page_and_csv_show_when_the_figures_were_counted(
    client, contract_manager, django_assert_max_num_queries
):
    """The page reads the stored figures once they exist, says when they were
    counted, and the CSV carries the same moment."""
    client.force_login(contract_manager)
    municipality = contract_manager.organisation.municipality
    url = reverse("web:report_municipal", args=[municipality.pk])
    client.get(url, {"period": "2025"})
    _extra_case(municipality)
    with django_assert_max_num_queries(8):
        response = client.get(url, {"period": "2025"})
    stored = ReportFigures.objects.get(municipality=municipality)
    assert "Stand van" in response.text
    assert response.context["report"].cases.value == 25  # counted before the 26th
    assert response.context["report"].computed_at == stored.computed_at
    csv_text = client.get(url + "csv/", {"period": "2025"}).content.decode("utf-8-sig")
    stamp = timezone.localtime(stored.computed_at).isoformat(timespec="minutes")
    assert f"Stand van;{stamp};" in csv_text


def test_scope_keys():
    """Stored figures name their scope by team ids, sorted."""
    assert ALL_ORGANISATIONS.key == "all"
    assert ALL_ORGANISATIONS.all_organisations
    assert Scope().key == "all"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    period=st.one_of(
        st.text(max_size=12),
        st.from_regex(r"[0-9]{1,5}(-(Q[0-9]|[0-9]{1,3}))?", fullmatch=True),
    )
)
def test_any_period_parameter_answers_200(client, contract_manager, period):
    """Whatever ``period`` says, the page answers 200 (with figures or with a
    message next to the selector), never 500."""
    client.force_login(contract_manager)
    url = reverse(
        "web:report_municipal", args=[contract_manager.organisation.municipality_id]
    )
    response = client.get(url, {"period": period})
    assert response.status_code == 200
    report, form = response.context["report"], response.context["form"]
    assert (report is None) == bool(form.errors)
