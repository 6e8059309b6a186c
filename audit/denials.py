"""The 403s that carry what was refused, so that
``audit.middleware.AccessLogMiddleware`` logs the refusal (outcome "denied")."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model


class Refusal(PermissionDenied):
    """A 403 that says what was refused: an object (``access_log_obj``) or a
    kind of work (``access_log_capability``)."""

    access_log_obj: Model | None = None
    access_log_capability: str | None = None


def permission_denied(perm: str, obj: Model) -> PermissionDenied:
    """The 403 for ``perm`` on ``obj``, carrying the object so that the
    middleware can log the refusal against the client it belongs to."""
    exc = Refusal(perm)
    exc.access_log_obj = obj
    return exc


def capability_denied(capability: str) -> PermissionDenied:
    """The 403 for a kind of work the user's role does not allow
    (``roles.policy.require_capability``), carrying the capability so that
    the middleware logs the refused attempt."""
    exc = Refusal(capability)
    exc.access_log_capability = capability
    return exc
