"""The stored raw counts of the anonymous municipal reports (``reports.stored``).

One row per municipality, scope and period, recomputed when stale and every
night. The figures hold counts only, small ones included: suppression is
applied when a report is built from them, so a hidden number never reaches a
page, a CSV or a PDF.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality


class ReportFigures(models.Model):
    """The raw counts of one municipal report (``reports.counting``), computed
    once and read by every later view of the same municipality, scope and
    period.

    Counting every case of a municipality on each view grows with the number
    of cases; reading one row does not. The figures are recomputed when they
    are older than ``NAAST_REPORT_MAX_AGE_HOURS`` and every night for the
    standard periods (``manage.py refresh_reports``). They hold counts only,
    small ones included: suppression is applied when a report is built from
    them, so a hidden number never reaches a page, a CSV or a PDF.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+"
    )
    #: Whose cases were counted (``reports.scope.Scope.key``): ``all`` for
    #: every organisation, ``teams:<ids>`` for the teams of a team lead.
    scope = models.CharField(max_length=200)
    #: The period (a month, quarter or year of ``reports.periods``).
    start = models.DateField()
    end = models.DateField()
    computed_at = models.DateTimeField()
    #: ``{"months": {"YYYY-MM": {count: n}}, "clients", "closed", "median_days"}``
    counts = models.JSONField()

    class Meta:
        # The table the model had in ``cases``: moving it changed no row.
        db_table = "cases_reportfigures"
        verbose_name = _("rapportagecijfers")
        verbose_name_plural = _("rapportagecijfers")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "scope", "start", "end"],
                name="report_figures_scope_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.scope} {self.start}–{self.end}"
