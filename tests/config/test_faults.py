"""Faults: the database goes away in the middle of a request (a PostgreSQL
restart). The user gets the friendly 503 page with ``Retry-After``, never a
500; the interrupted write leaves nothing half written; the next request
succeeds by itself (config.health). The real restart under load is
benchmarks/fault_restart.sh."""

from __future__ import annotations

import contextlib

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from cases.models import CaseEvent, Note


@contextlib.contextmanager
def database_goes_away(when, error=OperationalError):
    """Every query for which ``when(sql)`` is true fails as if the server had
    closed the connection; the queries before it ran normally."""

    def wrapper(execute, sql, params, many, context):
        if when(sql):
            raise error("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def assert_friendly_503(response) -> None:
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    body = response.content.decode()
    assert "Naast is even niet bereikbaar" in body
    assert "Traceback" not in body


def test_connection_lost_during_a_write_gives_503_and_writes_nothing(world):
    """The note is inserted, then the connection is lost before the case event:
    503, and neither the note nor the event is there (the service's
    transaction rolled back as a whole)."""
    client = Client(raise_request_exception=False)
    client.force_login(world.users["vp1"])
    case_pk = world.objects["complaint_case"]
    url = reverse("web:note_add", args=[case_pk])
    notes, events = Note.objects.count(), CaseEvent.objects.count()

    with database_goes_away(lambda sql: 'INSERT INTO "cases_caseevent"' in sql):
        response = client.post(url, {"text": "Halverwege verbroken."})

    assert_friendly_503(response)
    assert Note.objects.count() == notes
    assert CaseEvent.objects.count() == events
    assert not Note.objects.filter(text="Halverwege verbroken.").exists()

    # The database is back: the same request now succeeds.
    response = client.post(url, {"text": "Opnieuw verstuurd."})
    assert response.status_code == 302
    assert Note.objects.filter(text="Opnieuw verstuurd.").count() == 1
    assert client.get(reverse("web:case_detail", args=[case_pk])).status_code == 200


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_connection_lost_while_loading_the_session_gives_503(world, error):
    """The first query of a logged-in request (the session, in a middleware,
    outside the view) fails: still the 503 page, through handler500."""
    client = Client(raise_request_exception=False)
    client.force_login(world.users["vp1"])

    with database_goes_away(lambda sql: "django_session" in sql, error):
        response = client.get(reverse("web:dashboard"))

    assert_friendly_503(response)
    assert client.get(reverse("web:dashboard")).status_code == 200


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_connection_lost_while_saving_the_session_gives_503(world, error, settings):
    """The page has been rendered, then saving the session (a request renews
    it when its idle clock is due, here every request) loses the connection.
    Django reports that as a session "deleted before the request completed", a
    400; Naast answers with the 503 page, as for every lost connection (seen
    in a real PostgreSQL restart)."""
    settings.NAAST_SESSION_REFRESH_SECONDS = 0
    client = Client(raise_request_exception=False)
    client.force_login(world.users["vp1"])

    with database_goes_away(
        lambda sql: sql.startswith('UPDATE "django_session"'), error
    ):
        response = client.get(reverse("web:dashboard"))

    assert_friendly_503(response)
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_other_bad_requests_stay_a_400(rf):
    """A bad request that has nothing to do with the database keeps Django's
    400 page."""
    from django.core.exceptions import BadRequest

    from config.health import bad_request

    response = bad_request(rf.get("/"), BadRequest("kapotte invoer"))
    assert response.status_code == 400


def test_every_query_failing_gives_503_on_every_page(world):
    """The whole database is away: a list page and a detail page both answer
    503, not 500."""
    client = Client(raise_request_exception=False)
    client.force_login(world.users["vp1"])
    urls = [
        reverse("web:dashboard"),
        reverse("web:case_detail", args=[world.objects["complaint_case"]]),
    ]
    with database_goes_away(lambda sql: True):
        for url in urls:
            assert_friendly_503(client.get(url))
    for url in urls:
        assert client.get(url).status_code == 200


def test_the_503_page_needs_no_database(world, django_assert_num_queries):
    """Rendering the 503 page runs no query (no session, no user, no
    navigation): it must work when the database cannot."""
    from config.health import database_unavailable_response

    with django_assert_num_queries(0):
        response = database_unavailable_response()
    assert_friendly_503(response)
    assert response["Cache-Control"] == "no-store"


def test_other_errors_stay_a_500(rf, monkeypatch):
    """Only a lost connection becomes a 503; a programming error keeps the 500
    page (and its log entry)."""
    from config import health

    request = rf.get("/")
    try:
        raise ValueError("bug")
    except ValueError:
        response = health.server_error(request)
    assert response.status_code == 500
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = health.server_error(request)
    assert response.status_code == 503
