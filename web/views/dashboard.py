"""The dashboard (``/``): what the user works on, by role.

Every number links to the list that shows exactly those rows; the numbers are
counted with the same conditions (``web.filters``) the lists filter with.

* Confidant / client supporter: open cases, meetings this week, complaint
  deadlines ("Te laat", "Binnenkort").
* Team lead: the caseload per caseworker of the own organisation, as counts
  only — no client names, no content (R2).
* Decision-maker: the pending applications of the municipality (R9).
* Privacy officer: the due dates of the AVG requests and data breaches
  (overdue, within 7 days), as references without client names.
* Anyone else: a short explanation (and the admin, for staff).

The figures are read by ``cases.selectors.dashboard`` (and
``privacy.selectors``); the view picks them by capability and logs the read.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from accounts.models import User
from audit.log import log_read
from cases.selectors.dashboard import (
    CLIENT_ROWS,
    caseworker_dashboard,
    decision_maker_dashboard,
    team_lead_dashboard,
)
from cases.selectors.emergency import dashboard_emergency
from config.access import shows_client_data
from privacy.selectors import dashboard_deadlines
from roles.policy import Capability, can


@shows_client_data
def dashboard(request: HttpRequest) -> HttpResponse:
    """Mijn overzicht: the start page of every role."""
    user: User = request.user
    if can(user, Capability.SUPPORT_CLIENTS):
        context = caseworker_dashboard(user)
    elif can(user, Capability.LEAD_TEAMS):
        context = team_lead_dashboard(user)
    elif can(user, Capability.DECIDE_APPLICATIONS):
        context = decision_maker_dashboard(user)
    elif can(user, Capability.HANDLE_PRIVACY_REQUESTS):
        context = dashboard_deadlines(user)
    else:
        context = {"view": "other"}
    context.update(dashboard_emergency(user))
    if any(context.get(key) for key in CLIENT_ROWS):
        # One access-log row for the clients the dashboard names.
        log_read(request, object_type="dashboard")
    return render(request, "web/dashboard.html", context)


urlpatterns = [
    path("", dashboard, name="dashboard"),
]
