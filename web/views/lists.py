"""List pages: cases, complaints, meetings and applications.

Each list starts from ``visible_to(request.user)`` (the same rule as the detail
pages, R2), read by ``cases.selectors.lists``; it is filtered by a FilterSet of
``web.filters``, sorted by a whitelisted ``?sort=`` and paginated by 25. A
bad filter value or an unknown sort is reported on the page and left out; it
never fails the request. With
htmx (``request.htmx``) only the results are rendered, together with the
result count for the live region.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.log import log_read
from cases.selectors.lists import (
    CaseRow,
    application_list_rows,
    case_list_rows,
    complaint_list_rows,
    meeting_list_rows,
)
from config.access import shows_client_data

from .. import filters
from ..filters import leads_teams
from ..pagination import CountWithPagePaginator

PAGE_SIZE = 25


@dataclass(frozen=True)
class Column:
    """A column header; ``sort`` names its key in the list's sort table."""

    label: str
    sort: str | None = None


def _ordering(fields: Sequence[str], descending: bool) -> list:
    order = [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
        for name in fields
    ]
    return [*order, "-pk" if descending else "pk"]


def render_list(
    request: HttpRequest,
    *,
    template: str,
    filterset: filters.ListFilterSet,
    columns: Sequence[Column],
    sorts: Mapping[str, Sequence[str]],
    default_sort: str,
    shows_clients: bool = True,
    count_with_page: bool = False,
    row: Callable[[Any], Any] | None = None,
    **context: Any,
) -> HttpResponse:
    """Filter, sort and paginate ``filterset.qs`` and render ``template`` (only
    its ``results`` partial for an htmx request). A page whose rows name
    clients writes one access-log row with the list and its query.
    ``count_with_page`` reads the total in the page's query, for lists bounded
    by one caseworker's caseload (``web.pagination``); ``row`` turns each
    object of the page into what the template shows."""
    problems = filterset.problems()
    requested = request.GET.get("sort", "")
    sort = requested or default_sort
    if sort.removeprefix("-") not in sorts:
        problems.append(
            _(
                "Op deze kolom kan niet worden gesorteerd; de standaardvolgorde is gebruikt."
            )
        )
        sort = default_sort
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    queryset = filterset.qs.order_by(*_ordering(sorts[key], descending))
    paginator = CountWithPagePaginator if count_with_page else Paginator
    page = paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    if row is not None:
        page.object_list = [row(item) for item in page.object_list]
    headers = [
        {
            "label": column.label,
            "sort": (
                None
                if column.sort is None
                else (
                    f"-{column.sort}"
                    if column.sort == key and not descending
                    else column.sort
                )
            ),
            "aria_sort": (
                ("descending" if descending else "ascending")
                if column.sort == key
                else None
            ),
        }
        for column in columns
    ]
    context.update(
        filterset=filterset,
        page=page,
        headers=headers,
        problems=problems,
        sort=sort if requested and sort == requested else "",
        # The ids of the count and the results (web/list_page.html): "case" ….
        list_id=template.removeprefix("web/").removesuffix("_list.html"),
    )
    if shows_clients and len(page):
        log_read(
            request,
            object_type=template.removeprefix("web/").removesuffix(".html"),
            object_id=request.GET.urlencode(),
        )
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.history_restore_request
    response = render(request, f"{template}#results" if partial else template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- cases --------------------------------------------------------------------------

CASE_SORTS = {
    "reference": ["reference"],
    "client": ["client__last_name", "client__first_name"],
    "kind": ["kind"],
    "status": ["status"],
    "opened": ["opened_at"],
}


@shows_client_data
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user sees. A team lead sees the caseload of their teams:
    who holds which case, never client names or content (R2, R13)."""
    user: User = request.user
    team_lead = leads_teams(user)
    cases = case_list_rows(user)
    if team_lead:
        columns = [
            Column(gettext_lazy("Kenmerk"), "reference"),
            Column(gettext_lazy("Soort"), "kind"),
            Column(gettext_lazy("Status"), "status"),
            Column(gettext_lazy("Geopend"), "opened"),
            Column(gettext_lazy("Ondersteuner")),
        ]
    else:
        columns = [
            Column(gettext_lazy("Kenmerk"), "reference"),
            Column(gettext_lazy("Cliënt"), "client"),
            Column(gettext_lazy("Omschrijving")),
            Column(gettext_lazy("Soort"), "kind"),
            Column(gettext_lazy("Status"), "status"),
            Column(gettext_lazy("Geopend"), "opened"),
        ]
    sorts = {k: v for k, v in CASE_SORTS.items() if not (team_lead and k == "client")}
    return render_list(
        request,
        template="web/case_list.html",
        filterset=filters.CaseFilter(request.GET, queryset=cases, request=request),
        columns=columns,
        sorts=sorts,
        default_sort="-opened",
        shows_clients=not team_lead,
        # A caseworker's cases are their caseload; a team lead's are the
        # organisation's, where a separate COUNT keeps the page an index scan.
        count_with_page=not team_lead,
        row=None if team_lead else CaseRow.from_values,
        is_team_lead=team_lead,
    )


# --- complaints ----------------------------------------------------------------------

COMPLAINT_SORTS = {
    "reference": ["case__reference"],
    "client": ["case__client__last_name", "case__client__first_name"],
    "stage": ["stage"],
    "regime": ["regime"],
    "due": ["due_on"],
}


@shows_client_data
def complaint_list(request: HttpRequest) -> HttpResponse:
    """The complaints of the cases the user sees, with their deadline marked
    "Te laat" or "Binnenkort" (R3). A team lead sees the metadata only."""
    user: User = request.user
    team_lead = leads_teams(user)
    complaints = complaint_list_rows(user)
    columns = [
        Column(gettext_lazy("Zaak"), "reference"),
        *([] if team_lead else [Column(gettext_lazy("Cliënt"), "client")]),
        Column(gettext_lazy("Fase"), "stage"),
        Column(gettext_lazy("Klachtregeling"), "regime"),
        Column(gettext_lazy("Uiterste beslisdatum"), "due"),
    ]
    sorts = {
        k: v for k, v in COMPLAINT_SORTS.items() if not (team_lead and k == "client")
    }
    return render_list(
        request,
        template="web/complaint_list.html",
        filterset=filters.ComplaintFilter(
            request.GET, queryset=complaints, request=request
        ),
        columns=columns,
        sorts=sorts,
        default_sort="due",
        shows_clients=not team_lead,
        # A caseworker's complaints are their caseload's; a team lead's are
        # the organisation's, where a separate COUNT keeps the page an index scan.
        count_with_page=not team_lead,
        is_team_lead=team_lead,
    )


# --- meetings ------------------------------------------------------------------------

MEETING_SORTS = {
    "starts": ["starts_at"],
    "case": ["case__reference"],
    "client": ["case__client__last_name", "case__client__first_name"],
    "kind": ["kind"],
    "status": ["status"],
}


@shows_client_data
def meeting_list(request: HttpRequest) -> HttpResponse:
    """The meetings of the cases whose content the user sees (R2)."""
    meetings = meeting_list_rows(request.user)
    columns = [
        Column(gettext_lazy("Datum en tijd"), "starts"),
        Column(gettext_lazy("Soort gesprek"), "kind"),
        Column(gettext_lazy("Zaak"), "case"),
        Column(gettext_lazy("Cliënt"), "client"),
        Column(gettext_lazy("Jeugdhulpaanbieder")),
        Column(gettext_lazy("Status"), "status"),
    ]
    return render_list(
        request,
        template="web/meeting_list.html",
        filterset=filters.MeetingFilter(
            request.GET, queryset=meetings, request=request
        ),
        columns=columns,
        sorts=MEETING_SORTS,
        default_sort="starts",
    )


# --- applications --------------------------------------------------------------------

APPLICATION_SORTS = {
    "submitted": ["submitted_on"],
    "client": ["client__last_name", "client__first_name"],
    "care_kind": ["care_kind"],
    "decision": ["decision"],
}


@shows_client_data
def application_list(request: HttpRequest) -> HttpResponse:
    """The applications of the decision-maker's municipality (R9)."""
    applications = application_list_rows(request.user)
    columns = [
        Column(gettext_lazy("Ingediend op"), "submitted"),
        Column(gettext_lazy("Cliënt"), "client"),
        Column(gettext_lazy("Soort hulp"), "care_kind"),
        Column(gettext_lazy("Beschikking"), "decision"),
        Column(gettext_lazy("Beslisser")),
    ]
    return render_list(
        request,
        template="web/application_list.html",
        filterset=filters.ApplicationFilter(
            request.GET, queryset=applications, request=request
        ),
        columns=columns,
        sorts=APPLICATION_SORTS,
        default_sort="-submitted",
    )


urlpatterns = [
    path("zaken/", case_list, name="case_list"),
    path("klachten/", complaint_list, name="complaint_list"),
    path("gesprekken/", meeting_list, name="meeting_list"),
    path("aanvragen/", application_list, name="application_list"),
]
