"""How a moment reads in Dutch text (a message, a log line): the site's time
zone and the locale's date-time format. Used by the services and the pages."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format


def local_moment(moment: datetime.datetime) -> str:
    """``moment`` in the site's time zone, as the locale writes a date and time."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
