"""What the case page and the dashboard tell of emergency access (R2).

The team lead sees their own running access; the case's supporter is told of
every emergency access to their case. The rules of the access itself are in
``roles.services`` and ``roles.permissions``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from roles.models import EmergencyAccess
from roles.permissions import Perm, has
from roles.policy import Capability, can

from ..models import SupportCase

#: How long a supporter's dashboard tells of an emergency access to their case.
NOTICE_DAYS = 30
#: How many emergency accesses a dashboard lists.
NOTICES_SHOWN = 10


def case_emergency(user: User, case: SupportCase, content: bool) -> dict[str, Any]:
    """For the case page (``web/partials/emergency_banner.html``): the team
    lead's running access with its end button, or the button to open one; for
    the case's supporter, every emergency access to the case. ``content``
    says whether ``user`` reads the case's content. At most one query, none
    for a team lead who does not see the content."""
    running = None
    notices: list[EmergencyAccess] = []
    accesses = EmergencyAccess.objects.visible_to(user).filter(case=case)
    if content and can(user, Capability.LEAD_TEAMS):
        running = accesses.running().filter(granted_to=user).first()
    elif content:
        notices = list(
            accesses.select_related("granted_to").order_by("-started_at", "-pk")
        )
    return {
        "emergency": {
            "running": running,
            "can_open": not content and has(user, Perm.OPEN_EMERGENCY_ACCESS, case),
            "notices": notices,
        }
    }


def dashboard_emergency(user: User) -> dict[str, Any]:
    """For the dashboard (``web/partials/emergency_dashboard.html``): a
    supporter sees the emergency accesses to their cases of the last
    ``NOTICE_DAYS`` days, a team lead their own running ones. One query."""
    accesses = EmergencyAccess.objects.visible_to(user).select_related(
        "case", "granted_to"
    )
    if can(user, Capability.LEAD_TEAMS):
        accesses = accesses.running()
    elif can(user, Capability.SUPPORT_CLIENTS):
        since = timezone.now() - datetime.timedelta(days=NOTICE_DAYS)
        accesses = accesses.filter(Q(started_at__gte=since) | Q(ended_at__isnull=True))
    else:
        return {"emergency_notices": []}
    return {
        "emergency_notices": list(
            accesses.order_by("-started_at", "-pk")[:NOTICES_SHOWN]
        )
    }
