"""The tables of the anonymous municipal report (``cases.reports``), one row
of ``DIMENSIONS`` each.

A dimension splits the cases of the report by one property of the case: its
kind, subject, theme, kind of care provider or outcome. Its rows are disjoint
and together count every case (a row for "none" where the property may be
empty), so that every table adds up to the number of cases and the
suppression of small cells (``cases.report_suppression``) holds per table.
The page, the CSV and the PDF show every dimension in this order; nothing
else lists them. A new dimension is one row here: its counts are stored by
key (``cases.reports._count_key``), so figures stored before it are counted
again when read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from cases.models import CareKind, SupportCase

if TYPE_CHECKING:
    from django.utils.functional import Promise

#: One row of a table: the value it counts, its label and the cases it counts.
Row = tuple[str, "Promise | str", Q]


@dataclass(frozen=True)
class Dimension:
    """One table of the report."""

    key: str
    title: Promise | str
    #: The table's rows; a function, so that labels follow the language.
    rows: Callable[[], list[Row]]


def _choices(field: str, choices: Sequence[tuple[str, Promise | str]]) -> list[Row]:
    return [(value, label, Q(**{field: value})) for value, label in choices]


def _kinds() -> list[Row]:
    return _choices("kind", SupportCase.Kind.choices)


def _subjects() -> list[Row]:
    return [
        *_choices("subject", CareKind.choices),
        ("", _("Geen of onbekend"), Q(subject="")),
    ]


def _themes() -> list[Row]:
    return [
        *_choices("theme", SupportCase.Theme.choices),
        ("", _("Niet vastgelegd"), Q(theme="")),
    ]


def _provider_kinds() -> list[Row]:
    PK = Organisation.ProviderKind
    return [
        *(
            (k, label, Q(provider__provider_kind=k))
            for k, label in PK.choices
            if k != PK.OTHER
        ),
        (
            PK.OTHER,
            PK.OTHER.label,
            Q(provider__isnull=False, provider__provider_kind__in=[PK.OTHER, ""]),
        ),
        ("", _("Geen aanbieder"), Q(provider__isnull=True)),
    ]


def _outcomes() -> list[Row]:
    return [
        *_choices("outcome", SupportCase.Outcome.choices),
        ("", _("Nog niet afgesloten"), Q(outcome="")),
    ]


#: The report's tables, in the order the page, the CSV and the PDF show them.
DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("kind", _("Soort zaak"), _kinds),
    Dimension("subject", _("Onderwerp (soort hulp)"), _subjects),
    Dimension("theme", _("Thema"), _themes),
    Dimension("provider_kind", _("Soort aanbieder"), _provider_kinds),
    Dimension("outcome", _("Uitkomst"), _outcomes),
)
