"""Health endpoint for load balancers, and the friendly 503 page shown while
the database cannot be reached (for example during a PostgreSQL restart).

* ``health``: ``GET /gezondheid/`` answers ``200 {"status": "ok"}`` when one
  trivial query succeeds, otherwise ``503 {"status": "unavailable"}``. No
  login, no session, no access-log row, no second factor.
* ``DatabaseUnavailableMiddleware``: a view that loses its database
  connection (``OperationalError`` / ``InterfaceError``) answers with
  ``templates/503.html`` and ``Retry-After`` instead of a 500. Its
  transaction has rolled back, so nothing was half written.
* ``server_error`` (``handler500``): the same page for a connection lost
  outside the view (loading the session or the user in a middleware, saving
  the session afterwards); every other error keeps the 500 page.
* ``bad_request`` (``handler400``): the same page when Django reports a
  session "deleted before the request completed" because saving it lost the
  connection (Django turns any database error of that save into
  ``SessionInterrupted``, a 400); every other bad request keeps the 400 page.

The next request recovers by itself: Django closes a connection that saw an
error, and ``CONN_HEALTH_CHECKS`` tests a kept connection before reusing it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import bad_request as default_bad_request
from django.views.defaults import server_error as default_server_error

logger = logging.getLogger(__name__)

#: Seconds a client is asked to wait before trying again (``Retry-After``).
RETRY_AFTER_SECONDS = 10

#: The errors that mean "the database went away", not "the code is wrong".
CONNECTION_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_response(request: HttpRequest | None = None) -> HttpResponse:
    """The 503 page. Rendered without a request, so no context processor
    (navigation, user, session, messages) touches the database."""
    content = loader.render_to_string("503.html")
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def connection_error(exc: BaseException | None) -> BaseException | None:
    """The lost or refused database connection behind ``exc``, also when it
    surfaces wrapped in another error (``raise ... from``, or raised while
    handling it); None if there is none."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, CONNECTION_ERRORS):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def is_connection_error(exc: BaseException | None) -> bool:
    return connection_error(exc) is not None


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection in a view into the 503 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not is_connection_error(exception):
            return None
        logger.warning(
            "Database unavailable during %s %s: %s",
            request.method,
            request.path,
            exception,
        )
        return database_unavailable_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the 503 page when the uncaught error is a lost database
    connection (raised in a middleware, outside ``process_exception``'s
    reach); Django's 500 page (templates/500.html) otherwise."""
    if is_connection_error(sys.exc_info()[1]):
        return database_unavailable_response(request)
    return default_server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: the 503 page when the bad request was caused by a lost
    database connection (see the module); Django's 400 page otherwise."""
    cause = connection_error(exception)
    if cause is not None:
        logger.warning(
            "Database unavailable while saving the session of %s %s: %s",
            request.method,
            request.path,
            cause,
        )
        return database_unavailable_response(request)
    return default_bad_request(request, exception)


@login_not_required
@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """Load-balancer check: one trivial query on the default database. Touches
    neither the session nor the user, so it writes nothing."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Health check: database unavailable: %s", exc)
        response = JsonResponse({"status": "unavailable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok"})
