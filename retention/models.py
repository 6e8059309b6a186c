"""The destruction register (vernietigingsregister): what the retention job
destroyed or anonymised, when, by which rule and by whom.

A row names a record type (a model label such as ``cases.note``), how many
rows of it went and their primary keys. It holds no personal data: no names,
no free text, and the keys of destroyed rows point at nothing any more. The
register is kept permanently and is append-only, like the access log: the
queryset refuses ``update()``/``delete()``, ``save()`` of an existing row and
``delete()`` raise, the admin shows it read only, and on PostgreSQL a trigger
refuses UPDATE and DELETE.
"""

from __future__ import annotations

import uuid

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Each retention rule (``retention.services.RULES``) in words.
RULE_LABELS = {
    "case": _("Afgesloten zaken"),
    "contact": _("Contactmomenten buiten een zaak"),
    "care": _("Beëindigde hulp"),
    "application": _("Aanvragen met een beschikking"),
    "consent": _("Ingetrokken toestemmingen"),
    "informal_supporter": _("Informele ondersteuners zonder zaak"),
    "client": _("Cliënten zonder lopende zaak"),
}

#: What is destroyed on a request rather than by a term, in words.
REQUEST_RULE_LABELS = {
    "erasure_request": _("Verwijderverzoek van de cliënt (art. 17 AVG)"),
}


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a register row."""


class DestructionRecordQuerySet(models.QuerySet):
    """The register is append-only: a queryset never updates or deletes rows."""

    def update(self, **kwargs):
        raise AppendOnlyError("the destruction register is append-only: no update")

    def delete(self):
        raise AppendOnlyError("the destruction register is append-only: no delete")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("the destruction register is append-only: no update")

    def _raw_delete(self, *args, **kwargs):
        raise AppendOnlyError("the destruction register is append-only: no delete")


class DestructionRecord(models.Model):
    """One line of the destruction register: ``count`` rows of ``record_type``
    destroyed or anonymised by ``rule`` in run ``run_id``.

    A dry run writes nothing. A run that finds nothing past its term writes
    nothing either: the register lists what was destroyed, not the runs.
    """

    class Action(models.TextChoices):
        DESTROYED = "destroyed", _("Vernietigd")
        ANONYMISED = "anonymised", _("Geanonimiseerd")

    run_id = models.UUIDField(_("run"), default=uuid.uuid4, editable=False)
    executed_at = models.DateTimeField(_("uitgevoerd op"), default=timezone.now)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uitgevoerd door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leeg: door het systeem (geplande taak)."),
    )
    rule = models.CharField(
        _("regel"),
        max_length=50,
        help_text=_("De sleutel van de bewaartermijn in NAAST_RETENTION."),
    )
    term_years = models.PositiveSmallIntegerField(_("termijn (jaren)"))
    cutoff = models.DateField(
        _("peildatum"), help_text=_("Alles van vóór deze datum was over termijn.")
    )
    record_type = models.CharField(_("soort gegeven"), max_length=100)
    action = models.CharField(_("handeling"), max_length=20, choices=Action.choices)
    count = models.PositiveIntegerField(_("aantal"))
    object_ids = models.JSONField(
        _("nummers"),
        default=list,
        help_text=_("De primaire sleutels; geen persoonsgegevens."),
    )
    request_reference = models.CharField(
        _("verzoek"),
        max_length=20,
        blank=True,
        help_text=_(
            "Het kenmerk van het verwijderverzoek (AVG) waarvoor dit is "
            "vernietigd; leeg voor de bewaartermijnen."
        ),
    )

    objects = DestructionRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("regel van het vernietigingsregister")
        verbose_name_plural = _("vernietigingsregister")
        ordering = ["-executed_at", "-pk"]
        indexes = [models.Index(fields=["run_id"], name="destruction_run_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(count__gt=0), name="destruction_count_positive"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.executed_at:%Y-%m-%d} {self.rule}: {self.count} {self.record_type}"
        )

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("the destruction register is append-only: no update")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the destruction register is append-only: no delete")

    @property
    def rule_label(self) -> str:
        """The rule in words (the key itself for a rule that was dropped)."""
        label = RULE_LABELS.get(self.rule) or REQUEST_RULE_LABELS.get(self.rule)
        return str(label or self.rule)

    @property
    def record_type_label(self) -> str:
        """The record type in words (the model's plural name), or the label."""
        try:
            model = apps.get_model(self.record_type)
        except (LookupError, ValueError):
            return self.record_type
        return str(model._meta.verbose_name_plural)

    @property
    def ids_summary(self) -> str:
        """The numbers, shortened to the first and last when there are many."""
        ids = sorted(self.object_ids)
        if len(ids) <= 10:
            return ", ".join(map(str, ids))
        return f"{ids[0]} … {ids[-1]}"
