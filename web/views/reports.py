"""The anonymous report for a municipality: a page with charts, a CSV and a PDF
(``reports``).

A report covers one ended month, quarter or year, chosen with ``?period=``
(``2026-03``, ``2026-Q1``, ``2026``; ``reports.periods``); without it, the
last ended year. An unknown, malformed or not yet ended period is a message
next to the period selector and no figures (the CSV and PDF answer 404).

Only the municipalities of ``reportable_municipalities(user)`` exist for a
user: any other municipality answers **404** on every URL, and users who may
read no report at all get 404 on the choice page too. Nothing here writes to
the access log: a report shows no client's data.
"""

from __future__ import annotations

import datetime

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality
from cases.exports import export_pdf
from config.access import shows_no_client_data
from reports.csv_export import csv_writer
from reports.periods import (
    Period,
    PeriodError,
    default_period,
    ended_period,
    offered_periods,
)
from reports.report import Report
from reports.scope import Scope, report_scope
from reports.scope import reportable_municipalities as _reportable
from reports.stored import report_figures

#: The report PDF's stylesheet, a static file read from disk by ``export_pdf``.
REPORT_PDF_STYLESHEET = "css/report-pdf.css"

GROUPS = (
    ("month", _("Maanden")),
    ("quarter", _("Kwartalen")),
    ("year", _("Jaren")),
)


class PeriodForm(forms.Form):
    """One ended month, quarter or year (``reports.periods``)."""

    period = forms.CharField(
        label=_("Periode"),
        required=False,
        widget=forms.Select,
        help_text=_("Een afgelopen maand, kwartaal of jaar."),
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        offered = offered_periods(self.today)
        self.fields["period"].widget.choices = [
            (str(label), [(p.key, p.label) for p in offered[kind]])
            for kind, label in GROUPS
        ]
        if not self.is_bound:
            self.initial.setdefault("period", default_period(self.today).key)

    def clean_period(self) -> Period:
        key = self.cleaned_data["period"] or default_period(self.today).key
        try:
            return ended_period(key, self.today)
        except PeriodError as error:
            raise forms.ValidationError(str(error), code="period") from error


class ChooseForm(PeriodForm):
    municipality = forms.ModelChoiceField(
        label=_("Gemeente"), queryset=Municipality.objects.none()
    )
    field_order = ["municipality", "period"]

    def __init__(self, *args, municipalities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities


def _access(request: HttpRequest) -> tuple[Scope, dict[int, Municipality]]:
    """Whose cases the user's reports count and the municipalities they may
    read; 404 for a user who reads no report."""
    scope = report_scope(request.user)
    municipalities = (
        {} if scope is None else {m.pk: m for m in _reportable(request.user, scope)}
    )
    if not municipalities:
        raise Http404("this user reads no municipal report")
    return scope, municipalities


def _report(
    request: HttpRequest, pk: int
) -> tuple[Report | None, PeriodForm, dict[int, Municipality]]:
    """The report of municipality ``pk`` for the chosen period, or ``None``
    with the form's error; 404 for a municipality the user does not read."""
    scope, municipalities = _access(request)
    if pk not in municipalities:
        raise Http404("not a municipality this user reports on")
    data = request.GET.copy()
    if not data.get("period"):
        data["period"] = default_period(timezone.localdate()).key
    form = PeriodForm(data)
    if not form.is_valid():
        return None, form, municipalities
    report = report_figures(
        municipality=municipalities[pk],
        period=form.cleaned_data["period"],
        scope=scope,
    )
    return report, form, municipalities


def _filename(report: Report, extension: str) -> str:
    return f"rapportage-{report.municipality.cbs_code}-{report.period.key}.{extension}"


@shows_no_client_data
def report_municipal_index(request: HttpRequest) -> HttpResponse:
    """Choose a municipality and a period; a reader of one municipality goes
    straight to it."""
    scope, municipalities = _access(request)
    form = ChooseForm(
        request.GET or None,
        municipalities=_reportable(request.user, scope).order_by("name"),
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return redirect(
            reverse("web:report_municipal", args=[data["municipality"].pk])
            + "?"
            + urlencode({"period": data["period"].key})
        )
    if not form.is_bound and len(municipalities) == 1:
        return redirect("web:report_municipal", next(iter(municipalities)))
    return render(request, "web/report_index.html", {"form": form})


@shows_no_client_data
def report_municipal(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a page: whose figures, key figures, and per table a chart
    with the same numbers as a table beside it."""
    report, form, municipalities = _report(request, pk)
    return render(
        request,
        "web/report_municipal.html",
        {
            "report": report,
            "figures": _figures(report),
            "form": form,
            "municipality_pk": pk,
            "query": urlencode({"period": report.period.key}) if report else "",
            "several": len(municipalities) > 1,
        },
    )


def _figures(report: Report | None) -> list:
    return [] if report is None else [report.clients, report.cases]


def _require(report: Report | None) -> Report:
    if report is None:
        raise Http404("invalid period")
    return report


@shows_no_client_data
def report_municipal_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as CSV (semicolons, UTF-8 with BOM so that spreadsheet
    programs read it as Dutch users expect): section, row, number as shown."""
    report = _require(_report(request, pk)[0])
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(report, "csv")}"'
    )
    response.write("\ufeff")
    writer = csv_writer(response, delimiter=";")
    writer.writerow([gettext("Onderdeel"), gettext("Rij"), gettext("Aantal")])
    writer.writerow([gettext("Gemeente"), report.municipality.name, ""])
    writer.writerow([gettext("Cijfers van"), report.scope_text, ""])
    writer.writerow([gettext("Periode"), report.period.label, report.period.key])
    computed_at = timezone.localtime(report.computed_at)
    writer.writerow(
        [gettext("Stand van"), computed_at.isoformat(timespec="minutes"), ""]
    )
    for cell in (report.clients, report.cases):
        writer.writerow([gettext("Kerncijfers"), cell.label, cell.display])
    writer.writerow(
        [
            gettext("Kerncijfers"),
            gettext("Mediane doorlooptijd (afgesloten zaken)"),
            report.median_display,
        ]
    )
    for table in report.tables:
        for cell in table.cells:
            writer.writerow([table.title, cell.label, cell.display])
        writer.writerow([table.title, table.total.label, table.total.display])
    for cell in (report.outreach.visits, report.outreach.youths_spoken):
        writer.writerow([gettext("Outreach"), cell.label, cell.display])
    return response


@shows_no_client_data
def report_municipal_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as PDF (WeasyPrint), the same tables and charts as the page."""
    report = _require(_report(request, pk)[0])
    html = render_to_string(
        "web/report_municipal_pdf.html",
        {"report": report, "figures": _figures(report)},
        request=request,
    )
    response = HttpResponse(
        export_pdf(html, REPORT_PDF_STYLESHEET),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(report, "pdf")}"'
    )
    return response


urlpatterns = [
    path(
        "rapportages/gemeenten/",
        report_municipal_index,
        name="report_municipal_index",
    ),
    path(
        "rapportages/gemeenten/<int:pk>/",
        report_municipal,
        name="report_municipal",
    ),
    path(
        "rapportages/gemeenten/<int:pk>/csv/",
        report_municipal_csv,
        name="report_municipal_csv",
    ),
    path(
        "rapportages/gemeenten/<int:pk>/pdf/",
        report_municipal_pdf,
        name="report_municipal_pdf",
    ),
]
