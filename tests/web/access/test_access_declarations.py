"""Every read of client data is logged, structurally (NEN 7513).

Each view declares what it shows (``config.access``): ``shows_client_data``
or ``shows_no_client_data``. This module checks that declaration twice:

* statically: the whole URL resolver is walked and every view Naast serves
  must carry a declaration, the Django views Naast wraps (login, logout,
  language switch) and the health check included. The Django admin under
  ``/beheer/`` (staff only, logged by its own log) and the static and media
  file views are not Naast's pages and are left out; any other third-party
  view mounted later must be wrapped in a declaration too.
* dynamically: every GET of every access matrix that answers 200 is opened
  as that role in one world holding every matrix object. A page that shows a
  fixture client's full name ("Sem Bakker" or "Bakker, Sem") must have
  written exactly one access-log row in that request (``read``, or
  ``export`` for a print page); a download of a client's file one
  ``export`` row; a page declared ``shows_no_client_data`` shows no client
  name and writes no row; no page writes two rows. A page declared
  ``shows_client_data`` that shows case data without a name (a form about a
  case, the team lead's case page) may log it: it reads about the client.
* A team lead sees no client name anywhere. Under running emergency access
  (``emergency_world``) the client of that one case is visible to them by
  design (``roles.permissions.client_visibility``): its case page, and the
  client, meeting and contact lists that then hold that one client, show the name and
  log the read. With the access ended, no page shows any name.

A caseworker's own pending registration (``link_request_detail``) shows
what they typed, the person's name; it is logged as a read about the
client too, so it needs no exception.
"""

from __future__ import annotations

import html
import importlib
import pkgutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

import tests.web.access
from audit.models import AccessLogEntry
from cases.models import Client
from config.access import declaration, shows_client_data, shows_no_client_data
from roles import services as role_services
from roles.models import EmergencyAccess

#: This module adds no rows to the access matrices; it reads theirs.
MATRIX: list = []

# --- every view has a declaration ----------------------------------------------------

#: Views that are not Naast's own pages: the static and media file views.
NOT_OURS = ("django.views.static.",)


def _is_admin(resolver: URLResolver) -> bool:
    return resolver.app_name == "admin" or str(resolver.pattern) == settings.ADMIN_URL


def walk(
    patterns: Iterable[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, Callable[..., Any]]]:
    """Every (route, url name with its namespace, view) below ``patterns``,
    recursively; the Django admin and the static and media file views are
    left out."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if _is_admin(entry):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, route, inner)
            continue
        view = entry.callback
        if f"{view.__module__}.".startswith(NOT_OURS):
            continue
        yield route, f"{namespace}{entry.name}" if entry.name else route, view


def undeclared(patterns: Iterable[URLPattern | URLResolver]) -> list[str]:
    """The url names (or routes) of the views under ``patterns`` that declare
    nothing."""
    return [name for _, name, view in walk(patterns) if declaration(view) is None]


def test_every_view_declares_what_it_shows():
    """Every view of ``config.urls`` says whether it shows client data."""
    patterns = get_resolver().url_patterns
    names = {name for _, name, _ in walk(patterns)}
    # The walk reaches every app and the wrapped Django views.
    assert {
        "login",
        "logout",
        "set_language",
        "health",
        "web:dashboard",
        "web:case_detail",
        "web:retention_register",
    } <= names
    assert undeclared(patterns) == []


def test_the_walk_finds_an_undeclared_view():
    """A bare view fails the check with its url name; declared views, the
    admin and an included list are handled."""
    from django.contrib import admin
    from django.urls import include

    def bare(request):
        return HttpResponse()

    def declared(request):
        return HttpResponse()

    patterns = [
        path("beheer/", admin.site.urls),
        path("a/", shows_client_data(declared), name="shown"),
        path("b/", shows_no_client_data(declared), name="hidden"),
        path("c/", include([path("d/", bare, name="bare")])),
        path("e/", bare),
    ]
    assert undeclared(patterns) == ["bare", "e/"]


# --- every page that shows a client logs it once -------------------------------------

#: Team-lead roles of the matrix worlds: they see no client's name (R2, R13).
TEAM_LEADS = {"tl", "tlco"}

#: The pages on which a team lead sees the client of the case of their
#: running emergency access (``emergency_world``: the youth's complaint case):
#: the case page, and the client, meeting and contact lists, which then hold that one
#: client and its meetings (``roles.permissions.client_visibility``).
EMERGENCY_PAGES = [
    ("web:case_detail", "complaint_case"),
    ("web:client_list", None),
    ("web:meeting_list", None),
    # The contacts on the case are part of its content.
    ("web:contact_list", None),
]


@pytest.fixture
def matrix_world(
    cases_world,
    clients_world,
    avg_world,
    boundary_world,
    emergency_world,
    notes_world,
    outreach_world,
    contacts_world,
    report_world,
):
    """One world with every object any access matrix names (as the form
    fuzzing builds it), the team lead's running emergency access to the
    youth's complaint case included."""
    return report_world


def _gets(roles: set[str] | None = None) -> list[tuple[str, str | None, str]]:
    """Every (url name, object key, role) of the matrices that GETs a 200,
    for ``roles`` (all when ``None``)."""
    rows = set()
    for info in pkgutil.iter_modules(tests.web.access.__path__):
        if not info.name.startswith("test_access"):
            continue
        module = importlib.import_module(f"tests.web.access.{info.name}")
        for row in module.MATRIX:
            if len(row) != 4 or row[2] != "get":
                continue
            name, key, _, expected = row
            rows |= {
                (name, key, role)
                for role, status in expected.items()
                if status == 200 and (roles is None or role in roles)
            }
    return sorted(rows, key=lambda row: (row[0], row[1] or "", row[2]))


def _full_names(clients: Iterable[Client]) -> dict[str, str]:
    """How a page may write each client's full name ("Sem Bakker" in a
    heading, "Bakker, Sem" in a list), mapped to "first last"."""
    forms = {}
    for c in clients:
        full = f"{c.first_name} {c.last_name}"
        forms[full] = full
        forms[f"{c.last_name}, {c.first_name}"] = full
    return forms


def _body(response: HttpResponse) -> str:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    return html.unescape(body.decode("utf-8", "replace"))


def _is_download(response: HttpResponse) -> bool:
    return "attachment" in response.get("Content-Disposition", "") or not response[
        "Content-Type"
    ].startswith("text/html")


def _violations(
    http,
    world,
    rows: list[tuple[str, str | None, str]],
    tl_may_see: dict[tuple[str, str | None], set[str]],
) -> tuple[list[str], Counter[str]]:
    """GET every row as its role and return what breaks the rules of the
    module docstring, and how many pages answered 200 (``checked``), showed
    a name (``named``) or were declared to show no client (``no_client``).
    ``tl_may_see`` holds the full names a team lead may see on a page (url
    name, key): on the pages of their running emergency access, the client
    of that case."""
    names = _full_names(Client.objects.all())
    violations: list[str] = []
    seen: Counter[str] = Counter()
    for name, key, role in rows:
        url = reverse(name, args=[world.objects[key]] if key else [])
        declared = declaration(get_resolver().resolve(url).func)
        http.force_login(world.users[role])
        before = AccessLogEntry.objects.count()
        response = http.get(url)
        written = list(
            AccessLogEntry.objects.order_by("pk")[before:].values_list(
                "action", flat=True
            )
        )
        if response.status_code != 200:
            # The matrices check the statuses, each in its own world; in the
            # combined world a few objects answer otherwise.
            continue
        seen["checked"] += 1
        where = f"{name} ({key}) as {role}"
        download = _is_download(response)
        body = _body(response)
        shown = sorted({full for form, full in names.items() if form in body})
        seen["named"] += bool(shown)
        seen["no_client"] += declared == "no_client_data"
        if declared is None:
            violations.append(f"{where}: declares nothing")
        elif declared == "no_client_data":
            if shown or written:
                violations.append(
                    f"{where}: declared to show no client, shows {shown}, "
                    f"wrote {written}"
                )
        elif download:
            # A file of a client (a PDF is compressed: no name to find) is
            # one export row, whatever it holds.
            if written != ["export"]:
                violations.append(f"{where}: a download that wrote {written}")
        elif shown and written not in (["read"], ["export"]):
            # One row: a read, or an export for a page made to print.
            violations.append(f"{where}: shows {shown} and wrote {written}")
        elif len(written) > 1:
            violations.append(f"{where}: wrote {written}")
        hidden = set(shown) - tl_may_see.get((name, key), set())
        if role in TEAM_LEADS and hidden:
            violations.append(f"{where}: a team lead sees {sorted(hidden)}")
    return violations, seen


def test_every_page_that_shows_a_client_logs_it_once(client, matrix_world):
    """Every 200 GET of the access matrices, as the role the matrix allows:
    a page that shows a fixture client's full name writes exactly one
    ``read`` row, a client's file one ``export`` row; a page declared
    ``shows_no_client_data`` shows no client and writes nothing; no page
    writes two rows. A team lead sees no client's name, except the client of
    the case of their running emergency access (its case page, and the
    client, meeting and contact lists, which then list that one client; each of those
    reads is logged like any other)."""
    tl = matrix_world.users["tl"]
    emergency = EmergencyAccess.objects.get(pk=matrix_world.objects["tl_emergency"])
    assert emergency.granted_to == tl and emergency.is_running()
    client_of_case = emergency.case.client
    assert emergency.case_id == matrix_world.objects["complaint_case"]
    name = f"{client_of_case.first_name} {client_of_case.last_name}"
    tl_may_see = {page: {name} for page in EMERGENCY_PAGES}
    rows = _gets()
    violations, seen = _violations(client, matrix_world, rows, tl_may_see)
    assert violations == [], "\n".join(violations)
    # Nearly every row answers 200 here too, and both kinds of page are seen.
    assert seen["checked"] >= len(rows) - 5
    assert seen["named"] >= 40 and seen["no_client"] >= 20


def test_a_team_lead_sees_no_client_name_anywhere(client, matrix_world):
    """With the emergency access ended, no page a team lead opens shows any
    client's name (R2, R13): not the case pages, lists, forms or reports."""
    access = EmergencyAccess.objects.get(pk=matrix_world.objects["tl_emergency"])
    role_services.emergency_access_end(actor=access.granted_to, access=access)
    rows = _gets(TEAM_LEADS)
    violations, seen = _violations(client, matrix_world, rows, tl_may_see={})
    assert violations == [], "\n".join(violations)
    assert seen["checked"] >= 20
