"""Privacy officer pages: the access log viewer and "wie heeft mijn dossier
ingezien" per client (NEN 7513).

Only a privacy officer may open them. Everyone else gets **404**, as for an
object they cannot see: other roles are not told that the pages exist.
Reading the log is itself logged.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from accounts.models import User

from ..access_log import log_read
from ..filters import AccessLogFilter
from ..models import AccessLogEntry, Client

PAGE_SIZE = 50


def _require_privacy_officer(user: User) -> None:
    if not user.is_privacy_officer:
        raise Http404("only privacy officers read the access log")


def access_log(request: HttpRequest) -> HttpResponse:
    """The access log, newest first, filtered by user, client, action and
    dates, for the privacy officer."""
    _require_privacy_officer(request.user)
    # Logged first, so that the page counts and shows this read too.
    log_read(request, object_type="access_log", object_id=request.GET.urlencode())
    filterset = AccessLogFilter(
        request.GET,
        queryset=AccessLogEntry.objects.select_related("client"),
        request=request,
    )
    page = Paginator(filterset.qs.order_by("-timestamp", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/access_log.html",
        {"filterset": filterset, "page": page, "problems": filterset.problems()},
    )


def client_access_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Wie heeft mijn dossier ingezien: who looked at one client's file, when
    and what, for the privacy officer answering the client's request."""
    _require_privacy_officer(request.user)
    client = get_object_or_404(Client, pk=pk)
    # Logged first, so that the page counts and shows this read too.
    log_read(request, client, object_type="access_history")
    entries = AccessLogEntry.objects.filter(client=client).order_by("-timestamp", "-pk")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/client_access_history.html",
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
