"""Applications (aanvragen) for care that the municipality decides on (R9).

An application is pending, with no decision date, or decided, with a decision
date and a decider.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality

from ..querysets import ApplicationQuerySet
from .care import CareKind
from .clients import Client
from .history import keep_history


class Application(models.Model):
    """An application (aanvraag) for care that the municipality decides on (R9)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("In behandeling")
        GRANTED = "granted", _("Toegekend")
        PARTIALLY_GRANTED = "partially_granted", _("Deels toegekend")
        REFUSED = "refused", _("Afgewezen")

    client = models.ForeignKey(
        Client,
        verbose_name=_("cliënt"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    care_kind = models.CharField(
        _("soort hulp"), max_length=20, choices=CareKind.choices
    )
    description = models.TextField(_("omschrijving"))
    submitted_on = models.DateField(_("ingediend op"))
    decider = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beslisser"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications_to_decide",
    )
    decision = models.CharField(
        _("beschikking"),
        max_length=20,
        choices=Decision.choices,
        default=Decision.PENDING,
    )
    decided_on = models.DateField(_("besloten op"), null=True, blank=True)
    decision_reason = models.TextField(_("motivering"), blank=True)

    objects = ApplicationQuerySet.as_manager()
    history = keep_history()

    class Meta:
        verbose_name = _("aanvraag")
        verbose_name_plural = _("aanvragen")
        ordering = ["-submitted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(decision="pending", decided_on__isnull=True)
                    | (
                        ~Q(decision="pending")
                        & Q(decided_on__isnull=False, decider__isnull=False)
                    )
                ),
                name="application_decision_complete",
            ),
        ]

    def __str__(self) -> str:
        return _("Aanvraag %(kind)s van %(date)s") % {
            "kind": self.get_care_kind_display(),
            "date": self.submitted_on.isoformat(),
        }

    def get_absolute_url(self) -> str:
        return reverse("web:application_detail", args=[self.pk])
