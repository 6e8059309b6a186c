"""The care a client receives (or received) from a care provider.

``CareKind`` says what the care is, and so which complaint procedure applies;
applications and cases name it too. Care that has ended did not end before it
started.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

from ..querysets import CareQuerySet
from .clients import Client
from .history import keep_history


class CareKind(models.TextChoices):
    """What the care is (and so which complaint procedure applies)."""

    YOUTH_CARE = "jeugdhulp", _("Jeugdhulp")
    CHILD_PROTECTION = "jeugdbescherming", _("Jeugdbeschermingsmaatregel")
    JUVENILE_PROBATION = "jeugdreclassering", _("Jeugdreclassering")


class Care(models.Model):
    """Care a client receives (or received) from a provider."""

    client = models.ForeignKey(
        Client, verbose_name=_("cliënt"), on_delete=models.PROTECT, related_name="care"
    )
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("jeugdhulpaanbieder"),
        on_delete=models.PROTECT,
        related_name="care_given",
        limit_choices_to={"kind": Organisation.Kind.CARE_PROVIDER},
    )
    kind = models.CharField(_("soort hulp"), max_length=20, choices=CareKind.choices)
    residential = models.BooleanField(_("met verblijf"), default=False)
    contact_person = models.CharField(_("contactpersoon"), max_length=200, blank=True)
    started_on = models.DateField(_("gestart op"))
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)

    objects = CareQuerySet.as_manager()
    history = keep_history()

    class Meta:
        verbose_name = _("hulp")
        verbose_name_plural = _("hulp")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="care_ends_after_start",
                violation_error_message=_("De einddatum ligt vóór de startdatum."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.provider}"
