"""Extending the idle session from the timeout warning."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.session_clock import refresh
from config.access import shows_no_client_data


@require_POST
@shows_no_client_data
def session_extend(request: HttpRequest) -> HttpResponse:
    """Touch the session so its idle clock starts again (WCAG 2.2.1)."""
    refresh(request.session)
    if request.headers.get("X-Requested-With") == "fetch" or request.htmx:
        return HttpResponse(status=204)
    target = request.POST.get("next", "")
    # A path only: redirect() takes "0" or "dashboard" for a view name.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, {request.get_host()}
    ):
        target = "/"
    return redirect(target)


urlpatterns = [path("sessie/verlengen/", session_extend, name="session_extend")]
