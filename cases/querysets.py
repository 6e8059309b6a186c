"""Visibility: the one way to read clients, cases and their content.

``visible_to(user)`` is the only filter for "can this user see this object?",
used by list pages and detail pages alike (not visible → 404). The rule itself
lives in ``roles.permissions``; these querysets only apply it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from accounts.models import User


def _permissions():
    # Imported late: roles depends on cases, not the other way round.
    from roles import permissions

    return permissions


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ClientQuerySet:
        """Clients the user supports now, in their own organisation (R2, R6,
        R13)."""
        return self.filter(_permissions().client_visibility(user))

    def in_privacy_scope_of(self, user: User) -> ClientQuerySet:
        """The client files a privacy officer answers for: those of their own
        organisation (R13). Not the client's file itself: the privacy
        officer sees its access log, requests and exports, no case content."""
        return self.filter(_permissions().privacy_client_scope(user))


class FamilyQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> FamilyQuerySet:
        """Families with at least one member the user sees (R2, R13)."""
        return self.filter(_permissions().family_visibility(user))


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> MembershipQuerySet:
        """The members of the families the user sees."""
        return self.filter(
            family__in=self.model.family.field.related_model.objects.visible_to(user)  # type: ignore[attr-defined]  # model: a FamilyMembership or ConflictingInterest
        )


class ConflictQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ConflictQuerySet:
        """Conflicting interests recorded in the families the user sees (R4)."""
        return self.filter(
            family__in=self.model.family.field.related_model.objects.visible_to(user)  # type: ignore[attr-defined]  # model: a FamilyMembership or ConflictingInterest
        )


class CareQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> CareQuerySet:
        """The care of the clients the user sees."""
        return self.filter(_permissions().client_part_visibility(user))


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ComplaintQuerySet:
        """The complaints of the cases the user sees (R2, R3)."""
        return self.filter(_permissions().complaint_visibility(user))


class LinkRequestQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> LinkRequestQuerySet:
        """A caseworker's own requests; for a team lead those of the teams
        they lead (R13)."""
        return self.filter(_permissions().link_request_visibility(user))


class SupportCaseQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> SupportCaseQuerySet:
        """Cases whose existence and metadata the user may see: a caseworker
        their own, a team lead the caseload of the teams they lead (R2, R13)."""
        return self.filter(_permissions().case_visibility(user))

    def with_content_visible_to(self, user: User) -> SupportCaseQuerySet:
        """Cases whose content (notes, meetings) the user may see (R2)."""
        return self.filter(_permissions().case_content_visibility(user))

    def open(self) -> SupportCaseQuerySet:
        return self.exclude(status=self.model.Status.CLOSED)  # type: ignore[attr-defined]  # model: SupportCase


class ContentQuerySet(models.QuerySet):
    """For rows that belong to a case's content: notes, meetings, events."""

    def visible_to(self, user: User) -> ContentQuerySet:
        return self.filter(
            _permissions().case_content_visibility(user, prefix="case__")
        )


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ApplicationQuerySet:
        """Applications for decision-makers of the municipality (R9)."""
        return self.filter(_permissions().application_visibility(user))
