"""The idle clock of a logged-in session (ASVS 3.3.2, WCAG 2.2.1).

A session ends ``SESSION_COOKIE_AGE`` seconds after it was last refreshed, and
every request of a logged-in user refreshes it — but at most once every
``NAAST_SESSION_REFRESH_SECONDS``: writing the session row and a new cookie on
every request cost a transaction per page for nothing. So a user who stops
working is logged out between ``SESSION_COOKIE_AGE - NAAST_SESSION_REFRESH_SECONDS``
and ``SESSION_COOKIE_AGE`` seconds after their last request, never later.

The pages learn the real number of seconds left (``seconds_left``: the
``data-session-seconds`` of every page, the ``Naast-Session-Seconds`` header of
every htmx answer), so the timeout warning comes two minutes before the actual
end, not before an end the browser guessed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.base import SessionBase
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

#: The session key holding the moment (Unix seconds) of the last refresh.
REFRESHED_AT = "_naast_refreshed_at"
#: The response header that tells an htmx page the seconds left.
SECONDS_HEADER = "Naast-Session-Seconds"


def _now() -> int:
    return int(time.time())


def _logged_in(session: SessionBase) -> bool:
    return SESSION_KEY in session


def due(session: SessionBase) -> bool:
    """Whether this request must refresh the session (it is refreshed when the
    response goes out, by ``IdleSessionMiddleware``)."""
    refreshed = session.get(REFRESHED_AT)
    return (
        not isinstance(refreshed, int)
        or _now() - refreshed >= settings.NAAST_SESSION_REFRESH_SECONDS
    )


def refresh(session: SessionBase) -> None:
    """Restart the idle clock now: the session row and the cookie are written
    with a new expiry when the response goes out."""
    session[REFRESHED_AT] = _now()


@receiver(user_logged_in, dispatch_uid="naast.session_clock.login")
def _started_at_login(sender: object, request: HttpRequest | None, **kwargs) -> None:
    """Logging in writes the session anyway: the clock starts with it, so the
    first page after it writes nothing."""
    if request is not None and hasattr(request, "session"):
        refresh(request.session)


def seconds_left(session: SessionBase) -> int:
    """Seconds until the session ends if no further request comes (counting
    the refresh this request makes, if it makes one)."""
    age = settings.SESSION_COOKIE_AGE
    if due(session):
        return age
    return max(0, age - (_now() - session[REFRESHED_AT]))


class IdleSessionMiddleware:
    """Refreshes a logged-in session at most once a refresh interval; after
    ``AuthenticationMiddleware``. A request that never read the session (the
    health check, a static file) leaves it alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or not _logged_in(session):
            return response
        if request.headers.get("HX-Request"):
            response[SECONDS_HEADER] = str(seconds_left(session))
        if due(session):
            refresh(session)
        return response
