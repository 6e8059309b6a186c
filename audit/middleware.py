"""The request's side of the access log: ``AccessLogMiddleware`` makes the
request known to ``audit.log.log_change`` and turns a refusal that carries
what was refused (``audit.denials``) into a row with outcome "denied"."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from . import denials
from .log import PURPOSES, current_request, log_access
from .models import AccessLogEntry

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


class AccessLogMiddleware:
    """Makes the request known to ``log_change`` and logs refusals.

    A ``PermissionDenied`` raised for an object the user can see (it carries
    the object, see ``audit.denials.permission_denied``) or for a kind of work
    their role does not allow (``capability_denied``) becomes one row with
    outcome "denied", written after the view's transaction has rolled back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if not (
            isinstance(exception, PermissionDenied) and request.user.is_authenticated
        ):
            return
        obj = getattr(exception, denials.OBJECT, None)
        capability = getattr(exception, denials.CAPABILITY, None)
        if obj is None and capability is None:
            return
        log_access(
            request=request,
            action=(
                AccessLogEntry.Action.READ
                if request.method in ("GET", "HEAD")
                else AccessLogEntry.Action.UPDATE
            ),
            obj=obj,
            purpose=PURPOSES.get(request.user.role, ""),
            outcome=AccessLogEntry.Outcome.DENIED,
            object_type="" if obj is not None else "capability",
            object_id="" if obj is not None else str(capability),
        )
