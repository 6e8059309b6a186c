"""The rows of the list pages: cases, complaints, meetings and applications.

Each starts from ``visible_to(user)``, the same rule as the detail pages (R2);
the list view filters, sorts and paginates them (``web.views.lists``). A
team lead's rows carry metadata only, never client names (R2, R13).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from roles.models import Assignment
from roles.policy import Capability, can

from ..models import Application, Complaint, Meeting, SupportCase
from . import conditions

_CASE_KINDS = dict(SupportCase.Kind.choices)
_CASE_STATUSES = dict(SupportCase.Status.choices)


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One row of a caseworker's case list, read as plain values: the columns
    the list shows, without building a case and a client model per row."""

    pk: int
    reference: str
    title: str
    kind: str
    status: str
    opened_at: datetime.datetime
    client_pk: int
    client_first_name: str
    client_last_name: str

    #: The queryset values, in the order of the fields above.
    VALUES: ClassVar[tuple[str, ...]] = (
        "pk",
        "reference",
        "title",
        "kind",
        "status",
        "opened_at",
        "client_id",
        "client__first_name",
        "client__last_name",
    )

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> CaseRow:
        return cls(*(values[name] for name in cls.VALUES))

    def get_absolute_url(self) -> str:
        return reverse("web:case_detail", args=[self.pk])

    def get_kind_display(self) -> str:
        return str(_CASE_KINDS.get(self.kind, self.kind))

    def get_status_display(self) -> str:
        return str(_CASE_STATUSES.get(self.status, self.status))

    @property
    def is_closed(self) -> bool:
        return self.status == SupportCase.Status.CLOSED

    @property
    def client_name(self) -> str:
        """As ``Client.__str__``."""
        return f"{self.client_first_name} {self.client_last_name}"

    @property
    def client_url(self) -> str:
        return reverse("web:client_detail", args=[self.client_pk])


def caseworker_cases(cases: QuerySet[SupportCase]) -> QuerySet[SupportCase]:
    """The rows of a caseworker's case list: the values of ``CaseRow``."""
    return cases.values(*CaseRow.VALUES)


def case_list_rows(user: User) -> QuerySet[SupportCase]:
    """The cases ``user`` sees, for the case list. A team lead gets the cases
    of their teams with who holds each (``holders``: the professionals now,
    or when the case was closed), and no client (R2, R13); a caseworker the
    values of ``CaseRow``."""
    cases = SupportCase.objects.visible_to(user)
    if not can(user, Capability.LEAD_TEAMS):
        return caseworker_cases(cases)
    return cases.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(
                Q(ended_at__isnull=True)
                | Q(end_reason=Assignment.EndReason.CASE_CLOSED),
                user__isnull=False,
            ).select_related("user"),
            to_attr="holders",
        )
    )


def complaint_list_rows(user: User) -> QuerySet[Complaint]:
    """The complaints of the cases ``user`` sees, each with its deadline
    state today (R3); with the client only for who is not a team lead (R2)."""
    team_lead = can(user, Capability.LEAD_TEAMS)
    return conditions.with_deadline_state(
        conditions.complaints_visible_to(user).select_related(
            "case" if team_lead else "case__client"
        ),
        timezone.localdate(),
    )


def meeting_list_rows(user: User) -> QuerySet[Meeting]:
    """The meetings of the cases whose content ``user`` sees (R2)."""
    return Meeting.objects.visible_to(user).select_related("case__client", "provider")


def application_list_rows(user: User) -> QuerySet[Application]:
    """The applications of the decision-maker's municipality (R9)."""
    return Application.objects.visible_to(user).select_related("client", "decider")
