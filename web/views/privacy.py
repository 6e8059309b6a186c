"""Privacy officer pages: the access log viewer and "wie heeft mijn dossier
ingezien" per client (NEN 7513). The inzage export (art. 15 AVG) is made only
for a registered request, in the ``privacy`` app.

Only a privacy officer may open them. Everyone else gets **404**, as for an
object they cannot see: other roles are not told that the pages exist.
Reading the log is itself logged.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from accounts.models import User
from audit.log import log_read
from audit.models import AccessLogEntry
from cases.models import Client
from config.access import shows_client_data
from roles.permissions import privacy_client_scope
from roles.policy import Capability, require_capability

from ..filters import AccessLogFilter
from ..pagination import BoundedCountPaginator

PAGE_SIZE = 50
#: The access log only grows: its pages count (and reach) at most the newest
#: rows below; the filters reach the others, so that a page costs the same at
#: any size of the log.
ACCESS_LOG_COUNT_LIMIT = 1000
CLIENT_HISTORY_COUNT_LIMIT = 10_000


def _require_privacy_officer(user: User) -> None:
    require_capability(user, Capability.READ_ACCESS_LOG)


def access_log_in_scope(user: User) -> QuerySet[AccessLogEntry]:
    """The access-log rows a privacy officer answers for (R13): those about
    the client files of their own organisation, and those without a client
    written by its users."""
    return AccessLogEntry.objects.filter(
        privacy_client_scope(user, prefix="client__")
        | Q(client__isnull=True, user__organisation_id=user.organisation_id)
    )


def client_history(client: Client) -> QuerySet[AccessLogEntry]:
    """Who looked at ``client``'s file, under its earlier numbers too
    (``AccessLogQuerySet.about_file_of``)."""
    return AccessLogEntry.objects.about_file_of(client)


@shows_client_data
def access_log(request: HttpRequest) -> HttpResponse:
    """The access log, newest first, filtered by user, client, action and
    dates, for the privacy officer."""
    _require_privacy_officer(request.user)
    # Logged first, so that the page counts and shows this read too.
    log_read(request, object_type="access_log", object_id=request.GET.urlencode())
    filterset = AccessLogFilter(
        request.GET,
        queryset=access_log_in_scope(request.user).select_related("client"),
        request=request,
    )
    page = BoundedCountPaginator(
        filterset.qs.order_by("-timestamp", "-pk"),
        PAGE_SIZE,
        count_limit=ACCESS_LOG_COUNT_LIMIT,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "web/access_log.html",
        {"filterset": filterset, "page": page, "problems": filterset.problems()},
    )


@shows_client_data
def client_access_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Wie heeft mijn dossier ingezien: who looked at one client's file, when
    and what, for the privacy officer answering the client's request."""
    _require_privacy_officer(request.user)
    client = get_object_or_404(Client.objects.in_privacy_scope_of(request.user), pk=pk)
    # Logged first, so that the page counts and shows this read too.
    log_read(request, client, object_type="access_history")
    entries = client_history(client).order_by("-timestamp", "-pk")
    # One client's file: the newest 10,000 rows are countable and reachable;
    # older ones through the access log's client and date filters.
    page = BoundedCountPaginator(
        entries, PAGE_SIZE, count_limit=CLIENT_HISTORY_COUNT_LIMIT
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "web/client_access_history.html",
        {"client": client, "page": page},
    )


urlpatterns = [
    path("privacy/toegangslog/", access_log, name="access_log"),
    path(
        "privacy/clienten/<int:pk>/inzage/",
        client_access_history,
        name="client_access_history",
    ),
]
