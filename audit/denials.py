"""The 403s that carry what was refused, so that
``audit.middleware.AccessLogMiddleware`` logs the refusal (outcome "denied")."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model

#: The attributes of a ``PermissionDenied`` that say what was refused: an
#: object, or a kind of work (a capability). The middleware reads them.
OBJECT = "access_log_obj"
CAPABILITY = "access_log_capability"


def permission_denied(perm: str, obj: Model) -> PermissionDenied:
    """The 403 for ``perm`` on ``obj``, carrying the object so that the
    middleware can log the refusal against the client it belongs to."""
    exc = PermissionDenied(perm)
    setattr(exc, OBJECT, obj)
    return exc


def capability_denied(capability: str) -> PermissionDenied:
    """The 403 for a kind of work the user's role does not allow
    (``roles.policy.require_capability``), carrying the capability so that
    the middleware logs the refused attempt."""
    exc = PermissionDenied(capability)
    setattr(exc, CAPABILITY, capability)
    return exc
