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
        """Clients the user supports now (R2, R6)."""
        return self.filter(_permissions().client_visibility(user))


class SupportCaseQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> SupportCaseQuerySet:
        """Cases whose existence and metadata the user may see (R2)."""
        return self.filter(_permissions().case_visibility(user))

    def with_content_visible_to(self, user: User) -> SupportCaseQuerySet:
        """Cases whose content (notes, meetings) the user may see (R2)."""
        return self.filter(_permissions().case_content_visibility(user))

    def open(self) -> SupportCaseQuerySet:
        return self.exclude(status=self.model.Status.CLOSED)


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


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an access-log row."""


class AccessLogQuerySet(models.QuerySet):
    """The access log is append-only: a queryset never updates or deletes rows."""

    def update(self, **kwargs):
        raise AppendOnlyError("the access log is append-only: no update")

    def delete(self):
        raise AppendOnlyError("the access log is append-only: no delete")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("the access log is append-only: no update")

    def _raw_delete(self, *args, **kwargs):
        raise AppendOnlyError("the access log is append-only: no delete")

    def bulk_create(self, *args, **kwargs):
        raise AppendOnlyError("access-log rows are written by log_access only")
