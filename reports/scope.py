"""Whose cases a municipal report counts (``Scope``, ``report_scope``) and
which municipalities a user may read (``reportable_municipalities``); see
``reports.counting``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext, ngettext

from accounts.models import Municipality, Organisation, Team, User
from cases.models import SupportCase
from roles.policy import Capability, can

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class Scope:
    """Whose cases a report counts: those of ``teams`` (a team lead's), or,
    with no teams, those of every organisation (a contract manager's)."""

    teams: tuple[Team, ...] = ()

    @property
    def all_organisations(self) -> bool:
        return not self.teams

    @property
    def key(self) -> str:
        """How stored figures name the scope: ``all`` or ``teams:<ids>``."""
        if self.all_organisations:
            return "all"
        return "teams:" + ",".join(str(pk) for pk in sorted(t.pk for t in self.teams))

    def cases(self) -> Q:
        if self.all_organisations:
            return Q()
        return Q(team__in=[t.pk for t in self.teams])

    def outreach(self) -> Q:
        return self.cases()

    def describe(self, municipality: Municipality) -> str:
        """The Dutch sentence a report opens with, saying whose figures."""
        if self.all_organisations:
            return gettext("Cijfers van alle organisaties voor gemeente %(name)s") % {
                "name": municipality.name
            }
        return ngettext(
            "Cijfers van uw team: %(teams)s",
            "Cijfers van uw teams: %(teams)s",
            len(self.teams),
        ) % {"teams": ", ".join(t.name for t in self.teams)}


ALL_ORGANISATIONS = Scope()


# --- who may read which municipality ------------------------------------------------


def report_scope(user: User | AnonymousUser) -> Scope | None:
    """Whose cases ``user``'s reports count (see the module), or ``None`` when
    they read no report. A team lead's scope costs one query."""
    if not isinstance(user, User) or not can(user, Capability.READ_MUNICIPAL_REPORT):
        return None
    if can(user, Capability.LEAD_TEAMS):
        teams = tuple(
            user.led_teams.filter(organisation_id=user.organisation_id).order_by(
                "name", "pk"
            )
        )
        return Scope(teams) if teams else None
    return ALL_ORGANISATIONS


#: More than there are municipalities (see ``reportable_municipalities``).
_MUNICIPALITIES_BOUND = 100_000


def reportable_municipalities(
    user: User | AnonymousUser, scope: Scope | None = None
) -> QuerySet[Municipality]:
    """The municipalities whose report ``user`` may read (see the module);
    ``scope`` is ``report_scope(user)`` when the caller has it already."""
    scope = scope if scope is not None else report_scope(user)
    if scope is None or not isinstance(user, User):
        return Municipality.objects.none()
    if scope.all_organisations:
        return Municipality.objects.filter(
            organisations__pk=user.organisation_id or 0,
            organisations__kind=Organisation.Kind.MUNICIPALITY,
        )
    # From the teams' cases to their clients' municipalities, bounded by the
    # teams' caseload. The LIMIT is never reached; it keeps PostgreSQL from
    # turning the subquery into a scan of every client of each municipality
    # (which grew with the organisation: 13 ms at 100,000 clients, now 4 ms).
    return Municipality.objects.filter(
        pk__in=SupportCase.objects.filter(scope.cases())
        .values("client__municipality_id")
        .distinct()[:_MUNICIPALITIES_BOUND]
    )
