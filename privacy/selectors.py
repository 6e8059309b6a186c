"""Reads of the privacy officer's registers for other pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User

from .deadlines import DUE_SOON_DAYS
from .models import DataBreach, DataSubjectRequest

#: How many requests and breaches the dashboard lists.
SHOWN = 10


def dashboard_deadlines(user: User) -> dict[str, Any]:
    """For the privacy officer's dashboard: the open requests that are overdue
    or due within ``DUE_SOON_DAYS`` days, and the breaches still without a
    decision on reporting them to the AP, with their counts. References,
    kinds and dates only: no client names. Three queries."""
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    open_requests = DataSubjectRequest.objects.visible_to(user).open()
    counts = open_requests.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        due_soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=soon)),
    )
    requests = list(
        open_requests.filter(due_on__lte=soon).order_by("due_on", "pk")[:SHOWN]
    )
    for row in requests:
        row.state = row.deadline_state(today)
    now = timezone.now()
    breaches = list(
        DataBreach.objects.visible_to(user)
        .unreported()
        .order_by("report_due_at", "pk")[:SHOWN]
    )
    for breach in breaches:
        breach.state = breach.deadline_state(now)
    return {
        "view": "privacy_officer",
        "request_counts": counts,
        "request_deadlines": requests,
        "breach_deadlines": breaches,
    }
