"""The access log's model: ``AccessLogEntry`` and ``OBJECT_LABELS``
(``access_log``). Import the names from here (``from audit.models import
AccessLogEntry``)."""

from .access_log import OBJECT_LABELS, AccessLogEntry

__all__ = ["OBJECT_LABELS", "AccessLogEntry"]
