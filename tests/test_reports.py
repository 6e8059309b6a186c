"""The anonymous report for a municipality (``cases.reports``): small-cell
suppression, the numbers against a hand-computed fixture, the CSV and PDF, and
what a contract manager may read."""

from __future__ import annotations

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Municipality, Organisation, User
from cases.models import AccessLogEntry, OutreachVisit, ReportFigures, SupportCase
from cases.reports import (
    SMALL,
    municipal_report,
    refresh_report_figures,
    report_figures,
    reportable_municipalities,
    suppress,
)
from tests.factories import ClientFactory, MunicipalityFactory, OrganisationFactory

AMS = ZoneInfo("Europe/Amsterdam")
SMALL_TEXT = f"< {SMALL}"

# --- suppress(): hand-computed ---------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # Nothing small: nothing hidden.
        ([5, 9, 12], ["", "", ""]),
        # Two small cells hide each other: no complement needed.
        ([3, 1, 40], ["small", "small", ""]),
        # Zero is small too: "nobody" is not shown either.
        ([0, 7, 9], ["small", "complementary", ""]),
        # One small cell: the smallest other cell is hidden as well, else
        # 3 = 30 − 12 − 15 could be computed from the total.
        ([12, 3, 15], ["complementary", "small", ""]),
        # Equal candidates: the first of them.
        ([6, 2, 6, 9], ["complementary", "small", "", ""]),
        # The complement is the smallest, not the neighbour.
        ([50, 4, 30, 8, 20], ["", "small", "", "complementary", ""]),
        # Every cell small (total under 5 too).
        ([1, 2], ["small", "small"]),
        # A single-cell table equals its total; nothing to hide it with.
        ([3], ["small"]),
        ([], []),
    ],
)
def test_suppress(values, expected):
    """Counts under 5 are hidden, and a table never has exactly one hidden
    cell, so that no hidden count can be computed back from the shown total."""
    assert suppress(values) == expected


@pytest.mark.parametrize(
    "values",
    [[12, 3, 15], [0, 7, 9], [6, 2, 6, 9], [50, 4, 30, 8, 20], [5, 5, 4, 100]],
)
def test_no_table_has_a_single_hidden_cell(values):
    """With the total shown, a table has zero or at least two hidden cells."""
    hidden = sum(1 for reason in suppress(values) if reason)
    assert hidden == 0 or hidden >= 2


# --- the hand-computed fixture -----------------------------------------------------


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=AMS)


@pytest.fixture
def fixture_2025(db):
    """25 cases opened in 2025 by 9 clients of Utrecht, and cases that must not
    count: before and after the year (by local time) and in another town.

    kind:     question 6, problem 5, complaint 7, mediation 2, care question 5
    subject:  jeugdhulp 15 (ambulant provider), jeugdbescherming 6 (GI), none 4
    theme:    bejegening 12, communicatie 8, none 5
    outcome:  resolved 7, not resolved 3 (durations 2, 4, …, 20 days), open 15
    """
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344")
    zwolle = MunicipalityFactory(name="Zwolle", cbs_code="GM0193")
    akj = OrganisationFactory(akj=True)
    ambulant = OrganisationFactory(
        care_provider=True, provider_kind=Organisation.ProviderKind.AMBULANT
    )
    gi = OrganisationFactory(
        care_provider=True, provider_kind=Organisation.ProviderKind.CERTIFIED
    )
    actor = User.objects.create_user("vp", role=User.Role.AKJ_CONFIDANT)
    clients = [ClientFactory(municipality=utrecht) for _ in range(9)]
    kinds = ["question"] * 6 + ["problem"] * 5 + ["complaint"] * 7
    kinds += ["mediation"] * 2 + ["care_question"] * 5
    subjects = ["jeugdhulp"] * 15 + ["jeugdbescherming"] * 6 + [""] * 4
    themes = ["treatment"] * 12 + ["communication"] * 8 + [""] * 5
    outcomes = ["resolved"] * 7 + ["not_resolved"] * 3 + [""] * 15
    providers = {"jeugdhulp": ambulant, "jeugdbescherming": gi, "": None}

    def case(n, client, opened, **kw):
        return SupportCase.objects.create(
            reference=f"T-{n}",
            client=client,
            organisation=akj,
            title="Vraag",
            opened_at=opened,
            opened_by=actor,
            **kw,
        )

    for i in range(25):
        opened = _at(datetime.date(2025, 3, 1) + datetime.timedelta(days=i))
        if i == 0:  # 2024-12-31 23:10 UTC: in 2025 by Dutch time
            opened = _at(datetime.date(2025, 1, 1), 0, 10)
        if i == 24:
            opened = _at(datetime.date(2025, 12, 31), 23, 30)
        closed = {}
        if outcomes[i]:
            closed = {
                "status": "closed",
                "outcome": outcomes[i],
                "closed_at": opened + datetime.timedelta(days=2 * (i + 1)),
            }
        case(
            i,
            clients[i % 9],
            opened,
            kind=kinds[i],
            subject=subjects[i],
            provider=providers[subjects[i]],
            theme=themes[i],
            **closed,
        )
    # Not counted: outside the year (local time) or in another municipality.
    case(100, clients[0], _at(datetime.date(2024, 12, 31), 23, 50), kind="question")
    case(101, clients[1], _at(datetime.date(2026, 1, 1), 0, 5), kind="question")
    zwolle_client = ClientFactory(municipality=zwolle)
    for n in range(102, 110):
        case(n, zwolle_client, _at(datetime.date(2025, 5, 1)), kind="complaint")
    return utrecht


def _table(report, key):
    table = next(t for t in report.tables if t.key == key)
    return [(c.value, c.reason) for c in table.cells], table


def test_report_numbers_match_the_hand_computed_fixture(fixture_2025):
    """The report of Utrecht for 2025 counts exactly the hand-counted cases,
    with every count under 5 hidden and one complementary cell."""
    report = municipal_report(
        municipality=fixture_2025,
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
    )
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
    """A period with fewer than 5 cases shows "< 5" for the total and the
    clients, and no median (fewer than 5 closed cases)."""
    report = municipal_report(
        municipality=fixture_2025,
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 1, 1),
    )
    assert report.cases.value is None and report.cases.display == SMALL_TEXT
    assert report.clients.display == SMALL_TEXT
    assert report.median_days is None
    for table in report.tables:
        assert all(cell.value is None for cell in table.cells)


def test_report_takes_a_bounded_number_of_queries(
    fixture_2025, django_assert_max_num_queries
):
    """One aggregate query for every table, one for the median, at most one
    for outreach visits: no query, and no Python loop, per case."""
    with django_assert_max_num_queries(3):
        municipal_report(
            municipality=fixture_2025,
            start=datetime.date(2025, 1, 1),
            end=datetime.date(2025, 12, 31),
        )


# --- the pages -----------------------------------------------------------------------


@pytest.fixture
def contract_manager(fixture_2025) -> User:
    org = OrganisationFactory(municipal=True, municipality=fixture_2025)
    return User.objects.create_user(
        "cm", role=User.Role.CONTRACT_MANAGER, organisation=org
    )


HIDDEN_VALUES = {"problem": 5, "mediation": 2, "not_resolved": 3, "none": 4}


def _numbers(text: str) -> list[str]:
    return re.findall(r"(?<![\w-])\d+(?![\w-])", text)


def test_page_shows_suppressed_cells_as_text(client, contract_manager):
    """The page shows "< 5" and "afgeschermd", a chart with a text alternative
    and a data table for each dimension; reading it writes no access-log row."""
    client.force_login(contract_manager)
    url = reverse(
        "report_municipal", args=[contract_manager.organisation.municipality_id]
    )
    response = client.get(url, {"year": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt; 5" in html
    assert "afgeschermd" in html
    assert html.count('role="img"') == 5
    assert html.count("<desc") == 5
    assert AccessLogEntry.objects.count() == 0
    # Closed cases are not a figure of their own: 25 − 10 would give away the
    # "not yet closed" row, were it hidden.
    assert "Afgesloten zaken" not in html
    report = response.context["report"]
    assert report.cases.value == 25


def test_csv_contains_no_suppressed_value(client, contract_manager):
    """The CSV has the same cells as the page; no hidden number is in it."""
    client.force_login(contract_manager)
    url = reverse(
        "report_municipal_csv", args=[contract_manager.organisation.municipality_id]
    )
    response = client.get(url, {"year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = [line.split(";") for line in text.splitlines()]
    by_label = {
        row[1]: row[2] for row in rows if len(row) == 3 and row[0] == "Soort zaak"
    }
    assert by_label["Vraag"] == "6"
    assert by_label["Probleem"] == "afgeschermd"
    assert by_label["Bemiddeling"] == SMALL_TEXT
    assert by_label["Totaal"] == "25"
    outcome = {row[1]: row[2] for row in rows if len(row) == 3 and row[0] == "Uitkomst"}
    assert outcome["Niet opgelost"] == SMALL_TEXT
    figures = {row[1]: row[2] for row in rows if len(row) == 3}
    assert figures["Mediane doorlooptijd (afgesloten zaken)"] == "11 dagen"
    # The only numbers in the rows of the kind table are the shown ones.
    kind_numbers = {
        v for row in rows if row[0] == "Soort zaak" for v in _numbers(row[2])
    }
    assert kind_numbers == {"6", "7", "5", "25"}
    assert "2" not in kind_numbers


def test_pdf_contains_no_suppressed_value(client, contract_manager):
    """The PDF is made from the same shown cells; its text has "< 5" and no
    hidden number for a hidden cell."""
    pypdf = pytest.importorskip("pypdf")
    import io

    client.force_login(contract_manager)
    url = reverse(
        "report_municipal_pdf", args=[contract_manager.organisation.municipality_id]
    )
    response = client.get(url, {"year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    text = "".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )
    assert "< 5" in text
    assert "afgeschermd" in text
    assert "Bemiddeling: < 5" in text or "Bemiddeling < 5" in text


def test_pdf_is_a_pdf(client, contract_manager):
    """The PDF download is a PDF document named after the municipality."""
    client.force_login(contract_manager)
    url = reverse(
        "report_municipal_pdf", args=[contract_manager.organisation.municipality_id]
    )
    response = client.get(url, {"year": 2025})
    assert response.content.startswith(b"%PDF")
    assert "GM0344-2025-01-01-2025-12-31.pdf" in response["Content-Disposition"]


def test_contract_manager_cannot_read_another_municipality(client, contract_manager):
    """A contract manager reads only their own municipality: another one is 404
    on the page, the CSV and the PDF, as if it did not exist."""
    zwolle = Municipality.objects.get(cbs_code="GM0193")
    client.force_login(contract_manager)
    for name in ("report_municipal", "report_municipal_csv", "report_municipal_pdf"):
        assert (
            client.get(reverse(name, args=[zwolle.pk]), {"year": 2025}).status_code
            == 404
        )
    assert list(reportable_municipalities(contract_manager)) == [
        contract_manager.organisation.municipality
    ]


def test_contract_manager_of_no_municipality_reads_nothing(db):
    """A contract manager not working for a municipality reads no report."""
    user = User.objects.create_user(
        "cm2",
        role=User.Role.CONTRACT_MANAGER,
        organisation=OrganisationFactory(akj=True),
    )
    assert not reportable_municipalities(user).exists()


def test_invalid_period_is_shown_in_the_form(client, contract_manager):
    """A period whose end lies before its start is an error next to the field,
    not a report."""
    client.force_login(contract_manager)
    url = reverse(
        "report_municipal", args=[contract_manager.organisation.municipality_id]
    )
    response = client.get(url, {"start": "2025-05-01", "end": "2025-04-01"})
    assert response.status_code == 200
    assert response.context["report"] is None
    assert "end" in response.context["form"].errors


def test_report_page_query_count(
    client, contract_manager, django_assert_max_num_queries
):
    """The page takes a bounded number of queries, whatever the number of
    cases: when it counts the figures (and stores them), and fewer when it
    reads the stored ones."""
    client.force_login(contract_manager)
    url = reverse(
        "report_municipal", args=[contract_manager.organisation.municipality_id]
    )
    with django_assert_max_num_queries(12):
        assert client.get(url, {"year": 2025}).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(url, {"year": 2025}).status_code == 200


def test_theme_can_be_chosen_when_opening_a_case(db):
    """The case-open form offers the themes; the service stores the one chosen."""
    from cases.forms.clients import CaseOpenForm

    user = User.objects.create_user("vpx", role=User.Role.AKJ_CONFIDANT)
    form = CaseOpenForm(user=user)
    values = [value for value, _label in form.fields["theme"].choices]
    assert values == ["", *SupportCase.Theme.values]


def test_team_lead_reads_where_their_organisations_clients_live(client, fixture_2025):
    """A team lead reads the reports of the municipalities where clients of
    their organisation's cases live; a team lead of an organisation without
    cases there reads none (404, also for the choice page)."""
    akj = Organisation.objects.get(kind=Organisation.Kind.AKJ)
    lead = User.objects.create_user("tl", role=User.Role.TEAM_LEAD, organisation=akj)
    assert set(reportable_municipalities(lead).values_list("cbs_code", flat=True)) == {
        "GM0344",
        "GM0193",
    }
    other = User.objects.create_user(
        "tl2",
        role=User.Role.TEAM_LEAD,
        organisation=OrganisationFactory(client_support=True),
    )
    client.force_login(other)
    assert client.get(reverse("report_municipal_index")).status_code == 404
    url = reverse("report_municipal", args=[fixture_2025.pk])
    assert client.get(url).status_code == 404
    client.force_login(lead)
    response = client.get(reverse("report_municipal_index"))
    assert response.status_code == 200
    response = client.get(
        reverse("report_municipal_index"),
        {"municipality": fixture_2025.pk, "year": 2025},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}?start=2025-01-01&end=2025-12-31"


@pytest.mark.parametrize(("visits", "shown"), [(6, "6"), (2, "< 5")])
def test_outreach_visits_are_counted_and_small_numbers_hidden(
    fixture_2025, visits, shown
):
    """Outreach visits (R7) in the municipality and the year are counted, with
    the youths spoken; a visit in another year or town does not count, and
    fewer than 5 visits show as "< 5"."""
    confidant = User.objects.get(username="vp")
    akj = OrganisationFactory(akj=True)
    institution = OrganisationFactory(care_provider=True)
    zwolle = Municipality.objects.get(cbs_code="GM0193")

    def visit(on: datetime.date, municipality: Municipality) -> None:
        OutreachVisit.objects.create(
            confidant=confidant,
            organisation=akj,
            institution=institution,
            municipality=municipality,
            visited_on=on,
            group="Leefgroep",
            youths_spoken=3,
            themes=["rights"],
        )

    for i in range(visits):
        visit(datetime.date(2025, 3, 1 + i), fixture_2025)
    visit(datetime.date(2024, 12, 31), fixture_2025)
    visit(datetime.date(2025, 6, 1), zwolle)
    report = municipal_report(
        municipality=fixture_2025,
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
    )
    assert report.outreach.visits.display == shown
    assert report.outreach.youths_spoken.display == str(3 * visits)


# --- stored figures ---------------------------------------------------------------

YEAR_2025 = {"start": datetime.date(2025, 1, 1), "end": datetime.date(2025, 12, 31)}


def _extra_case(municipality: Municipality, n: int = 900) -> None:
    """One more 2025 question of a client of ``municipality``."""
    SupportCase.objects.create(
        reference=f"T-{n}",
        client=ClientFactory(municipality=municipality),
        organisation=OrganisationFactory(akj=True),
        title="Vraag",
        opened_at=_at(datetime.date(2025, 6, 1)),
        opened_by=User.objects.get(username="vp"),
        kind="question",
    )


def test_stored_figures_equal_a_live_count(fixture_2025):
    """The first read counts and stores; the second reads the stored figures
    (one query) and shows the same report as a live count."""
    live = municipal_report(municipality=fixture_2025, **YEAR_2025)
    first = report_figures(municipality=fixture_2025, **YEAR_2025)
    assert ReportFigures.objects.filter(municipality=fixture_2025).count() == 1
    second = report_figures(municipality=fixture_2025, **YEAR_2025)
    for report in (first, second):
        assert report.tables == live.tables
        assert (report.cases, report.clients) == (live.cases, live.clients)
        assert report.median_days == pytest.approx(live.median_days)
        assert report.outreach == live.outreach
    assert second.computed_at == first.computed_at


def test_stored_figures_are_read_in_one_query(fixture_2025, django_assert_num_queries):
    report_figures(municipality=fixture_2025, **YEAR_2025)
    with django_assert_num_queries(1):
        report_figures(municipality=fixture_2025, **YEAR_2025)


def test_stale_figures_are_counted_again(fixture_2025, settings):
    """Figures older than NAAST_REPORT_MAX_AGE_HOURS are counted again when
    read; younger ones are shown with the moment they were counted."""
    settings.NAAST_REPORT_MAX_AGE_HOURS = 24
    counted = timezone.now()
    report_figures(municipality=fixture_2025, **YEAR_2025, now=counted)
    _extra_case(fixture_2025)
    later = counted + datetime.timedelta(hours=23)
    report = report_figures(municipality=fixture_2025, **YEAR_2025, now=later)
    assert report.cases.value == 25 and report.computed_at == counted
    much_later = counted + datetime.timedelta(hours=25)
    report = report_figures(municipality=fixture_2025, **YEAR_2025, now=much_later)
    assert report.cases.value == 26 and report.computed_at == much_later
    stored = ReportFigures.objects.get(municipality=fixture_2025)
    assert stored.computed_at == much_later and stored.counts["cases"] == 26


def test_incomplete_stored_figures_are_counted_again(fixture_2025):
    """Figures stored before a choice was added (a row key missing) are
    counted again instead of failing."""
    report_figures(municipality=fixture_2025, **YEAR_2025)
    stored = ReportFigures.objects.get(municipality=fixture_2025)
    del stored.counts["kind:question"]
    stored.save()
    report = report_figures(municipality=fixture_2025, **YEAR_2025)
    assert _table(report, "kind")[0][0] == (6, "")
    stored.refresh_from_db()
    assert stored.counts["kind:question"] == 6


def test_stored_counts_are_suppressed_when_shown(fixture_2025):
    """Small counts are stored as they are, and hidden in the report built
    from them exactly as in a live count."""
    report_figures(
        municipality=fixture_2025,
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 1, 1),
    )
    stored = ReportFigures.objects.get(municipality=fixture_2025)
    assert stored.counts["cases"] == 1
    report = report_figures(
        municipality=fixture_2025,
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 1, 1),
    )
    assert report.cases.value is None and report.cases.display == SMALL_TEXT


def test_refresh_counts_the_standard_periods_and_drops_stale_others(
    fixture_2025, settings
):
    """The nightly refresh counts this year and last year of every
    municipality where clients live, and drops stale figures of other periods
    (they are counted again when read); fresh ones stay."""
    settings.NAAST_REPORT_MAX_AGE_HOURS = 24
    now = datetime.datetime(2026, 3, 2, 3, 0, tzinfo=AMS)
    MunicipalityFactory(name="Leeg", cbs_code="GM9999")  # no clients: no report
    report_figures(
        municipality=fixture_2025,
        start=datetime.date(2025, 3, 1),
        end=datetime.date(2025, 3, 31),
        now=now - datetime.timedelta(hours=30),
    )
    report_figures(
        municipality=fixture_2025,
        start=datetime.date(2025, 4, 1),
        end=datetime.date(2025, 4, 30),
        now=now - datetime.timedelta(hours=2),
    )
    assert refresh_report_figures(now=now) == 4  # Utrecht and Zwolle × 2 years
    stored = {
        (f.municipality.cbs_code, f.start, f.end): f
        for f in ReportFigures.objects.select_related("municipality")
    }
    years = [(datetime.date(y, 1, 1), datetime.date(y, 12, 31)) for y in (2026, 2025)]
    expected = {(code, *year) for code in ("GM0344", "GM0193") for year in years}
    expected.add(("GM0344", datetime.date(2025, 4, 1), datetime.date(2025, 4, 30)))
    assert set(stored) == expected
    assert stored[("GM0344", *years[1])].counts["cases"] == 25
    assert stored[("GM0344", *years[1])].computed_at == now


def test_refresh_reports_command_enqueues_or_counts(fixture_2025):
    """``manage.py refresh_reports`` enqueues the task (here run at once);
    ``--now`` counts in the process."""
    out = io.StringIO()
    call_command("refresh_reports", stdout=out)
    assert "Enqueued task" in out.getvalue()
    out = io.StringIO()
    call_command("refresh_reports", "--now", stdout=out)
    assert "4 report(s) counted." in out.getvalue()


def test_page_and_csv_show_when_the_figures_were_counted(
    client, contract_manager, django_assert_max_num_queries
):
    """The page reads the stored figures once they exist, says when they were
    counted, and the CSV carries the same moment."""
    client.force_login(contract_manager)
    municipality = contract_manager.organisation.municipality
    url = reverse("report_municipal", args=[municipality.pk])
    client.get(url, {"year": 2025})
    _extra_case(municipality)
    with django_assert_max_num_queries(8):
        response = client.get(url, {"year": 2025})
    stored = ReportFigures.objects.get(municipality=municipality)
    assert "Stand van" in response.text
    assert response.context["report"].cases.value == 25  # counted before the 26th
    assert response.context["report"].computed_at == stored.computed_at
    csv_text = client.get(url + "csv/", {"year": 2025}).content.decode("utf-8-sig")
    stamp = timezone.localtime(stored.computed_at).isoformat(timespec="minutes")
    assert f"Stand van;{stamp};" in csv_text
