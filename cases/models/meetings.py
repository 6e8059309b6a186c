"""Meetings (gesprekken) between a client and a care provider, in a case.

A planned meeting is held or cancelled (``Meeting.TRANSITIONS``); both are
final. Meetings are case content: only those who may see the case's content
see them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

from ..querysets import ContentQuerySet
from .history import keep_history
from .support_cases import SupportCase


class Meeting(models.Model):
    """A conversation between a client and a care provider (gesprek)."""

    class Kind(models.TextChoices):
        QUESTION_COMPLAINT = "question_complaint", _("Vraag- of klachtgesprek")
        MEDIATION = "mediation", _("Bemiddelingsgesprek")
        CONTENT = "content", _("Inhoudelijk gesprek over de hulp")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Gepland")
        HELD = "held", _("Gehouden")
        CANCELLED = "cancelled", _("Geannuleerd")

    # A planned meeting is held or cancelled; both are final.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PLANNED: frozenset({Status.HELD, Status.CANCELLED}),
        Status.HELD: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    case = models.ForeignKey(
        SupportCase,
        verbose_name=_("zaak"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    kind = models.CharField(_("soort gesprek"), max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField(_("datum en tijd"))
    location = models.CharField(_("locatie"), max_length=200, blank=True)
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("jeugdhulpaanbieder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        limit_choices_to={"kind": Organisation.Kind.CARE_PROVIDER},
    )
    provider_participant = models.CharField(
        _("deelnemer namens de aanbieder"), max_length=200, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gepland door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    objects = ContentQuerySet.as_manager()
    history = keep_history()

    class Meta:
        verbose_name = _("gesprek")
        verbose_name_plural = _("gesprekken")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["case", "starts_at"], name="meeting_case_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({timezone.localtime(self.starts_at):%d-%m-%Y %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("web:meeting_detail", args=[self.pk])
