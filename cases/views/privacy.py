"""Privacy officer pages: the access log viewer, "wie heeft mijn dossier
ingezien" per client (NEN 7513), and the client's inzage export (art. 15 AVG).

Only a privacy officer may open them. Everyone else gets **404**, as for an
object they cannot see: other roles are not told that the pages exist.
Reading the log is itself logged.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone

from accounts.models import User
from config.access import shows_client_data
from roles.policy import Capability, require_capability

from ..access_log import log_access, log_read
from ..exports import client_export, export_json, export_pdf
from ..filters import AccessLogFilter
from ..models import AccessLogEntry, Client

PAGE_SIZE = 50


def _require_privacy_officer(user: User) -> None:
    require_capability(user, Capability.READ_ACCESS_LOG)


def access_log_in_scope(user: User) -> QuerySet[AccessLogEntry]:
    """The access-log rows a privacy officer answers for (R13): those about
    the client files of their own organisation, and those without a client
    written by its users."""
    return AccessLogEntry.objects.filter(
        Q(client__in=Client.objects.in_privacy_scope_of(user).values("pk"))
        | Q(client__isnull=True, user__organisation_id=user.organisation_id)
    )


def client_history(client: Client) -> QuerySet[AccessLogEntry]:
    """Who looked at ``client``'s file: the rows of the file itself, and the
    rows under its earlier numbers (``ClientAlias``: the file was split from a
    record shared across organisations) written by users of its own
    organisation."""
    return AccessLogEntry.objects.filter(
        Q(client=client)
        | Q(
            client_id__in=client.aliases.values("old_client_id"),
            user__organisation_id=client.organisation_id,
        )
    )


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
    page = Paginator(filterset.qs.order_by("-timestamp", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/access_log.html",
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
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/client_access_history.html",
        {"client": client, "page": page},
    )


# --- inzage (art. 15 AVG) ----------------------------------------------------------
#
# Only the privacy officer exports, and for every client, as they see every
# client's access history: they answer the client's request for the
# organisation, register it and send the answer within the AVG's term. A
# caseworker cannot export, not even for their own client (404): they see only
# their own cases (R2), so their export would be incomplete, and an export past
# the privacy officer would be an answer to a request nobody registered.


def _export_client(request: HttpRequest, pk: int) -> Client:
    _require_privacy_officer(request.user)
    return get_object_or_404(Client.objects.in_privacy_scope_of(request.user), pk=pk)


@shows_client_data
def client_export_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The inzage page: what the export holds, and the PDF and JSON downloads."""
    client = _export_client(request, pk)
    log_read(request, client, object_type="avg_export")
    return render(
        request,
        "cases/privacy_client_export.html",
        {"client": client, "organisation": request.user.organisation},
    )


def _download(
    request: HttpRequest, client: Client, object_type: str, body: bytes, ext: str
) -> HttpResponse:
    # The export is logged before it is handed over: no export without a row.
    log_access(
        request=request,
        action=AccessLogEntry.Action.EXPORT,
        client=client,
        purpose="inzageverzoek (art. 15 AVG)",
        object_type=object_type,
        object_id=str(client.pk),
    )
    content_type = "application/pdf" if ext == "pdf" else "application/json"
    response = HttpResponse(body, content_type=content_type)
    filename = f"inzage-{client.pk}-{timezone.localdate().isoformat()}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@shows_client_data
def client_export_json(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about the client as JSON (``cases.exports``), as a download."""
    client = _export_client(request, pk)
    body = export_json(client_export(client=client, user=request.user))
    return _download(request, client, "avg_export_json", body, "json")


@shows_client_data
def client_export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about the client as an A4 PDF, as a download."""
    client = _export_client(request, pk)
    html = render_to_string(
        "cases/privacy_client_export_pdf.html",
        {"data": client_export(client=client, user=request.user)},
        request=request,
    )
    return _download(request, client, "avg_export_pdf", export_pdf(html), "pdf")


urlpatterns = [
    path("privacy/toegangslog/", access_log, name="access_log"),
    path(
        "privacy/clienten/<int:pk>/inzage/",
        client_access_history,
        name="client_access_history",
    ),
    path(
        "privacy/clienten/<int:pk>/export/",
        client_export_page,
        name="privacy_client_export",
    ),
    path(
        "privacy/clienten/<int:pk>/export/inzage.pdf",
        client_export_pdf,
        name="privacy_client_export_pdf",
    ),
    path(
        "privacy/clienten/<int:pk>/export/inzage.json",
        client_export_json,
        name="privacy_client_export_json",
    ),
]
