"""The access log's queryset: append-only, and "who looked at this file"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    # For the type only: audit imports no module of cases at run time.
    from cases.models import Client

__all__ = ["AccessLogQuerySet", "AppendOnlyError"]


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

    def about_file_of(self, client: Client) -> AccessLogQuerySet:
        """Who looked at ``client``'s file: the rows of the file itself, and
        the rows under its earlier numbers (``ClientAlias``: the file was
        split from a record shared across organisations) written by users of
        its own organisation (R13). The rows of the file itself that users of
        an organisation with a copy split from it wrote are that copy's.
        "Wie heeft mijn dossier ingezien" and the inzage export both read
        this."""
        # ``ClientAlias``, reached through the client: audit imports no
        # module of cases (cases calls audit, not the other way round).
        aliases = client.aliases.model.objects
        split_off = aliases.filter(old_client=client).values("client__organisation_id")
        return self.filter(
            (models.Q(client=client) & ~models.Q(user__organisation_id__in=split_off))
            | models.Q(
                client_id__in=client.aliases.values("old_client_id"),
                user__organisation_id=client.organisation_id,
            )
        )
