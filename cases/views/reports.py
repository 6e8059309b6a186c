"""The anonymous report for a municipality: a page with charts, a CSV and a PDF
(``cases.reports``).

Only the municipalities of ``reportable_municipalities(user)`` exist for a
user: any other municipality answers **404** on every URL, and users who may
read no report at all get 404 on the choice page too. Nothing here writes to
the access log: a report shows no client's data.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality
from config.access import shows_no_client_data

from ..exports import export_pdf
from ..reports import Report, report_figures, reportable_municipalities

#: The report PDF's stylesheet, read from disk by ``export_pdf``.
REPORT_PDF_STYLESHEET = (
    Path(__file__).resolve().parent.parent / "static" / "css" / "report-pdf.css"
)

FIRST_YEAR = 2000


class PeriodForm(forms.Form):
    """A calendar year, or a period from–to (both days included)."""

    year = forms.IntegerField(
        label=_("Jaar"), min_value=FIRST_YEAR, max_value=2100, required=False
    )
    start = forms.DateField(
        label=_("Van"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Of kies een periode in plaats van een jaar."),
    )
    end = forms.DateField(
        label=_("Tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        if start or end:
            if not (start and end):
                raise forms.ValidationError(
                    _("Vul bij een periode zowel het begin als het einde in."),
                    code="period_incomplete",
                )
            if end < start:
                self.add_error(
                    "end",
                    forms.ValidationError(
                        _("Het einde ligt vóór het begin."), code="period_reversed"
                    ),
                )
            return data
        year = data.get("year") or timezone.localdate().year
        data["start"] = datetime.date(year, 1, 1)
        data["end"] = datetime.date(year, 12, 31)
        return data


class ChooseForm(PeriodForm):
    municipality = forms.ModelChoiceField(
        label=_("Gemeente"), queryset=Municipality.objects.none()
    )
    field_order = ["municipality", "year", "start", "end"]

    def __init__(self, *args, municipalities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities


def _municipalities(request: HttpRequest):
    municipalities = reportable_municipalities(request.user)
    if not municipalities.exists():
        raise Http404("this user reads no municipal report")
    return municipalities


def _report(request: HttpRequest, pk: int) -> tuple[Report | None, PeriodForm]:
    municipality = get_object_or_404(reportable_municipalities(request.user), pk=pk)
    return _report_of(request, municipality)


def _report_of(
    request: HttpRequest, municipality: Municipality
) -> tuple[Report | None, PeriodForm]:
    form = PeriodForm(request.GET or {"year": timezone.localdate().year})
    if not form.is_valid():
        return None, form
    data = form.cleaned_data
    report = report_figures(
        municipality=municipality, start=data["start"], end=data["end"]
    )
    return report, form


def _filename(report: Report, extension: str) -> str:
    return (
        f"rapportage-{report.municipality.cbs_code}-"
        f"{report.start.isoformat()}-{report.end.isoformat()}.{extension}"
    )


@shows_no_client_data
def report_municipal_index(request: HttpRequest) -> HttpResponse:
    """Choose a municipality and a period; a contract manager goes straight to
    their own municipality."""
    municipalities = _municipalities(request)
    form = ChooseForm(request.GET or None, municipalities=municipalities)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        query = f"?start={data['start'].isoformat()}&end={data['end'].isoformat()}"
        return redirect(
            reverse("report_municipal", args=[data["municipality"].pk]) + query
        )
    if not form.is_bound and len(municipalities) == 1:
        return redirect("report_municipal", municipalities[0].pk)
    return render(request, "cases/report_index.html", {"form": form})


@shows_no_client_data
def report_municipal(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a page: key figures, and per table a chart with the same
    numbers as a table beside it."""
    # One query for both: may the user read it, and may they choose another.
    municipalities = {m.pk: m for m in reportable_municipalities(request.user)}
    if pk not in municipalities:
        raise Http404("not a municipality this user reports on")
    report, form = _report_of(request, municipalities[pk])
    query = request.GET.urlencode()
    return render(
        request,
        "cases/report_municipal.html",
        {
            "report": report,
            "figures": _figures(report),
            "form": form,
            "municipality_pk": pk,
            "query": query,
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
    writer = csv.writer(response, delimiter=";")
    writer.writerow([gettext("Onderdeel"), gettext("Rij"), gettext("Aantal")])
    writer.writerow([gettext("Gemeente"), report.municipality.name, ""])
    writer.writerow(
        [
            gettext("Periode"),
            f"{report.start.isoformat()} – {report.end.isoformat()}",
            "",
        ]
    )
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
        "cases/report_municipal_pdf.html",
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
