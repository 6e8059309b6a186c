"""The dashboard's figures (``/``): what the user works on, by role.

Every number links to the list that shows exactly those rows; the numbers are
counted with the same conditions (``cases.selectors.conditions``) the lists filter with,
over the rows ``visible_to(user)`` (R2).

* Confidant / client supporter: open cases, meetings this week, complaint
  deadlines ("Te laat", "Binnenkort").
* Team lead: the caseload per caseworker of the own organisation, as counts
  only — no client names, no content (R2).
* Decision-maker: the pending applications of the municipality (R9).

The privacy officer's deadlines are ``privacy.selectors.dashboard_deadlines``;
emergency accesses are ``cases.selectors.emergency.dashboard_emergency``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.db.models import Aggregate, Count, Q, QuerySet, Window
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from roles.models import Referral
from roles.policy import policy_for, support_role_for_user

from ..models import Application, ContactMoment, LinkRequest, Meeting, SupportCase
from . import conditions

#: How many of the newest open cases the dashboard shows.
NEWEST_CASES = 5
#: How many complaint deadlines, and pending applications, are listed.
DEADLINES_SHOWN = 10
PENDING_SHOWN = 10
#: The context keys whose rows name clients (the team lead's have none, R2).
CLIENT_ROWS = ("newest_cases", "deadlines", "meetings", "pending", "link_requests")


def _url(name: str, **params: object) -> str:
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


def _first_rows(
    queryset: QuerySet, limit: int, **totals: Aggregate
) -> tuple[list[Any], dict[str, int]]:
    """The first ``limit`` rows and, from the same query, ``totals`` over all
    rows of ``queryset`` (window aggregates), so that a count and the rows
    shown cost one query. Without rows every total is 0."""
    rows = list(
        queryset.annotate(
            **{f"_total_{name}": Window(total) for name, total in totals.items()}
        )[:limit]
    )
    return rows, {
        name: getattr(rows[0], f"_total_{name}") if rows else 0 for name in totals
    }


def caseworker_dashboard(user: User) -> dict[str, Any]:
    """A caseworker's dashboard: their open cases (the newest and a count),
    their meetings this week, their complaint deadlines (overdue, due soon,
    running) and their registrations that wait for the team lead (R13)."""
    today = timezone.localdate()
    newest_cases, cases_total = _first_rows(
        SupportCase.objects.visible_to(user)
        .open()
        .select_related("client")
        .order_by("-opened_at", "-pk"),
        NEWEST_CASES,
        open=Count("pk"),
    )
    # Overdue and due-soon complaints are running ones, so counting over the
    # running complaints counts them all.
    deadlines, complaint_totals = _first_rows(
        conditions.with_deadline_state(
            conditions.complaints_visible_to(user)
            .filter(conditions.running())
            .select_related("case__client"),
            today,
        ).order_by("due_on", "pk"),
        DEADLINES_SHOWN,
        running=Count("pk"),
        overdue=Count("pk", filter=conditions.overdue(today)),
        due_soon=Count("pk", filter=conditions.due_soon(today)),
    )
    meetings = list(
        Meeting.objects.visible_to(user)
        .filter(conditions.this_week(today))
        .select_related("case__client", "provider")
        .order_by("starts_at", "pk")
    )
    return {
        "view": "caseworker",
        # Registrations of the caseworker that wait for their team lead (R13).
        "link_requests": list(
            LinkRequest.objects.visible_to(user)
            .filter(status=LinkRequest.Status.PENDING)
            .order_by("-requested_at", "-pk")[:DEADLINES_SHOWN]
        ),
        "open_count": cases_total["open"],
        "open_url": _url("web:case_list", status=conditions.NOT_CLOSED),
        "newest_cases": newest_cases,
        "meetings": meetings,
        "meetings_url": _url("web:meeting_list", period=conditions.THIS_WEEK),
        "overdue_count": complaint_totals["overdue"],
        "overdue_url": _url("web:complaint_list", deadline=conditions.OVERDUE),
        "due_soon_count": complaint_totals["due_soon"],
        "due_soon_url": _url("web:complaint_list", deadline=conditions.DUE_SOON),
        "running_count": complaint_totals["running"],
        "running_url": _url("web:complaint_list", deadline=conditions.RUNNING),
        "deadlines": deadlines,
    }


def _month_start(today: datetime.date) -> datetime.datetime:
    """The first moment of ``today``'s month, in the local time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(today.replace(day=1), datetime.time.min)
    )


def team_lead_dashboard(user: User) -> dict[str, Any]:
    """The caseload per caseworker of the teams the team lead leads: open
    cases by kind, overdue complaints and this month's contacts, as counts
    only (R2, R13); and what
    waits for them: registrations of possibly the same person, referrals to
    the organisation."""
    today = timezone.localdate()
    visible_open = SupportCase.objects.visible_to(user).open()
    held = Q(assignments__ended_at__isnull=True, assignments__case__in=visible_open)
    # One query: the caseworkers with their counts (aliases get a prefix, as a
    # kind such as "complaint" may not shadow a relation).
    caseworkers = list(
        conditions.caseworkers_of(user).annotate(
            **{
                f"kind_{kind}": Count(
                    "assignments__case",
                    filter=held & Q(assignments__case__kind=kind),
                    distinct=True,
                )
                for kind in SupportCase.Kind.values
            },
            overdue=Count(
                "assignments__case__complaint",
                filter=held
                & conditions.overdue(today, "assignments__case__complaint__"),
                distinct=True,
            ),
        )
    )
    kinds = _kinds_for(caseworkers)
    unassigned = visible_open.filter(~conditions.holds_case(None)).aggregate(
        **{f"kind_{kind}": Count("pk", filter=Q(kind=kind)) for kind in kinds},
        overdue=Count(
            "complaint", filter=conditions.overdue(today, "complaint__"), distinct=True
        ),
    )

    # Contacts as counts only (a team lead sees no contact itself): how many
    # each caseworker of the led teams recorded this month.
    contacts = dict(
        ContactMoment.objects.filter(
            recorded_by__in=[c.pk for c in caseworkers],
            started_at__gte=_month_start(today),
        )
        .values("recorded_by")
        .annotate(count=Count("pk"))
        .values_list("recorded_by", "count")
    )

    def row(
        label: str,
        caseworker: str | int,
        counts: dict,
        late: int,
        contact_count: int | None = None,
    ) -> dict:
        return {
            "label": label,
            "contacts": contact_count,
            "cells": [
                {
                    "kind": SupportCase.Kind(kind),
                    "count": counts.get(kind, 0),
                    "url": _url(
                        "web:case_list",
                        status=conditions.NOT_CLOSED,
                        kind=kind,
                        caseworker=caseworker,
                    ),
                }
                for kind in kinds
            ],
            "overdue": {
                "count": late,
                "url": _url(
                    "web:complaint_list",
                    deadline=conditions.OVERDUE,
                    caseworker=caseworker,
                ),
            },
        }

    rows = [
        row(
            str(caseworker),
            caseworker.pk,
            {kind: getattr(caseworker, f"kind_{kind}") for kind in kinds},
            caseworker.overdue,
            contacts.get(caseworker.pk, 0),
        )
        for caseworker in caseworkers
    ]
    unassigned_row = row(
        "",
        conditions.UNASSIGNED,
        {kind: unassigned[f"kind_{kind}"] for kind in kinds},
        unassigned["overdue"],
    )
    waiting = LinkRequest.objects.visible_to(user).filter(
        status=LinkRequest.Status.PENDING
    )
    return {
        "view": "team_lead",
        "kinds": [SupportCase.Kind(kind) for kind in kinds],
        "rows": rows,
        "unassigned": unassigned_row,
        "teams": list(user.led_teams.order_by("name")),
        "link_request_count": waiting.count(),
        "link_request_url": reverse("web:link_request_list"),
        "referral_count": Referral.objects.visible_to(user)
        .filter(to_organisation_id=user.organisation_id, status=Referral.Status.SENT)
        .count(),
        "referral_url": reverse("web:referral_inbox"),
    }


def _kinds_for(caseworkers: Sequence[User]) -> list[str]:
    """The case kinds the caseworkers' support roles take on (R1), in the
    order of ``SupportCase.Kind``; all kinds when there is nobody."""
    kinds: set[str] = set()
    for caseworker in caseworkers:
        role = support_role_for_user(caseworker)
        if role is not None:
            kinds |= policy_for(role).case_kinds
    return [kind for kind in SupportCase.Kind.values if not kinds or kind in kinds]


def decision_maker_dashboard(user: User) -> dict[str, Any]:
    """The applications of the decision-maker's municipality waiting for a
    decision (R9)."""
    applications = Application.objects.visible_to(user)
    pending = Q(decision=Application.Decision.PENDING)
    counts = applications.aggregate(
        pending=Count("pk", filter=pending),
        mine=Count("pk", filter=pending & Q(decider=user)),
        unassigned=Count("pk", filter=pending & Q(decider__isnull=True)),
    )
    decision = Application.Decision.PENDING
    return {
        "view": "decision_maker",
        "pending_count": counts["pending"],
        "pending_url": _url("web:application_list", decision=decision),
        "mine_count": counts["mine"],
        "mine_url": _url(
            "web:application_list", decision=decision, decider=conditions.ME
        ),
        "unassigned_count": counts["unassigned"],
        "unassigned_url": _url(
            "web:application_list",
            decision=decision,
            decider=conditions.NOBODY,
        ),
        "pending": list(
            applications.filter(pending)
            .select_related("client", "decider")
            .order_by("submitted_on", "pk")[:PENDING_SHOWN]
        ),
        "all_url": reverse("web:application_list"),
    }
