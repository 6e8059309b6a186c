"""The versions of the tracked models (django-simple-history).

Every tracked model declares ``history = keep_history()``: one row per save with
the previous version's fields, who (``history_user``), when and why
(``history_change_reason``); the services name the actor and the reason
(``cases.history.track``). A version, once written, is never changed or removed
(``ImmutableHistory``), so no data is lost and the history says truthfully who
changed what, when and why. ``privacy.models`` uses ``keep_history`` too.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

# The versions are append-only like the access log, and refuse a change with
# the same error.
from audit.querysets import AppendOnlyError


class ImmutableHistory(models.Model):
    """The base of every historical model (django-simple-history): a version,
    once written, is never changed or removed, so no data is lost and the
    history says truthfully who changed what, when and why."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("history is append-only: no update")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("history is append-only: no delete")


class _PackageHistoricalRecords(HistoricalRecords):
    """``HistoricalRecords`` that puts the historical model of a model defined
    in a submodule of ``<app>.models`` in ``<app>.models`` itself.

    django-simple-history creates a historical model in its model's module, or
    in ``<app>`` for a model outside ``<app>.models``. The historical models of
    ``cases`` were made when its models were one module, ``cases.models``;
    keeping them there keeps ``cases.models.HistoricalClient`` and the like
    importable and their module (and so pickles of them) as it was.
    """

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        super().contribute_to_class(cls, name)
        package = f"{cls._meta.app_label}.models"
        if cls.__module__.startswith(f"{package}."):
            self.module = package


def keep_history() -> HistoricalRecords:
    """The history of a model: one row per save with the previous version's
    fields, who (``history_user``), when and why (``history_change_reason``).
    The services name the actor and the reason (``cases.history.track``)."""
    return _PackageHistoricalRecords(bases=[ImmutableHistory])
