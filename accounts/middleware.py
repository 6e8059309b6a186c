"""Second factor required: a logged-in user who has not verified a second
factor in this session reaches only the login, enrolment and verification
pages (and logout, the language switch and the session extension)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .two_factor import has_confirmed_device

#: The views an authenticated user reaches before the second factor, by their
#: full (namespaced) name, so that no page of an app named alike slips through.
ALLOWED_BEFORE_SECOND_FACTOR = frozenset(
    {
        "login",
        "logout",
        "set_language",
        "web:session_extend",
        "two_factor_setup",
        "two_factor_verify",
        "health",
    }
)


class TwoFactorRequiredMiddleware:
    """Sends an unverified user to the verification page (or to enrolment when
    they have no authenticator yet), with ``next`` set to the page asked for.
    Needs ``django_otp.middleware.OTPMiddleware`` before it. Off when
    ``NAAST_REQUIRE_2FA`` is False (the local demo)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not settings.NAAST_REQUIRE_2FA:
            return None
        # The allowed pages first: the health check must not load the session.
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED_BEFORE_SECOND_FACTOR:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        name = "two_factor_verify" if has_confirmed_device(user) else "two_factor_setup"
        target = reverse(name)
        if request.method == "GET" and not getattr(request, "htmx", False):
            target += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
