"""Families (gezinnen), their members, and the conflicting interests of members.

A family is recorded in the files of one organisation, and only that
organisation's clients are its members (R13). Members of one family can have
different, even conflicting, interests: a conflict is recorded once per pair of
members, in a canonical order (R4).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

from ..querysets import ConflictQuerySet, FamilyQuerySet, MembershipQuerySet
from .clients import CLIENT_FILE_KEEPERS, Client
from .history import keep_history


class Family(models.Model):
    """A household (gezin). Members can have different, even conflicting, interests."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="families",
        limit_choices_to=CLIENT_FILE_KEEPERS,
        help_text=_(
            "De organisatie in wier dossiers het gezin is vastgelegd; alleen haar "
            "cliënten zijn er lid van (R13)."
        ),
    )
    name = models.CharField(
        _("naam"), max_length=200, help_text=_("Bijv. Gezin De Vries")
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    objects = FamilyQuerySet.as_manager()
    history = keep_history()

    class Meta:
        verbose_name = _("gezin")
        verbose_name_plural = _("gezinnen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FamilyMembership(models.Model):
    family = models.ForeignKey(
        Family,
        verbose_name=_("gezin"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    client = models.ForeignKey(
        Client,
        verbose_name=_("cliënt"),
        on_delete=models.PROTECT,
        related_name="family_memberships",
    )
    relation = models.CharField(
        _("relatie"), max_length=100, help_text=_("Bijv. moeder, zoon, pleegvader")
    )

    objects = MembershipQuerySet.as_manager()
    history = keep_history()

    class Meta:
        verbose_name = _("gezinslid")
        verbose_name_plural = _("gezinsleden")
        constraints = [
            models.UniqueConstraint(
                fields=["family", "client"], name="membership_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} ({self.relation}, {self.family})"


class ConflictingInterest(models.Model):
    """Two members of one family whose interests conflict (R4)."""

    family = models.ForeignKey(
        Family,
        verbose_name=_("gezin"),
        on_delete=models.PROTECT,
        related_name="conflicts",
    )
    client_a = models.ForeignKey(
        Client, verbose_name=_("cliënt A"), on_delete=models.PROTECT, related_name="+"
    )
    client_b = models.ForeignKey(
        Client, verbose_name=_("cliënt B"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("toelichting"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastgelegd door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)

    objects = ConflictQuerySet.as_manager()
    history = keep_history()

    class Meta:
        verbose_name = _("tegenstrijdig belang")
        verbose_name_plural = _("tegenstrijdige belangen")
        constraints = [
            # One row per pair, stored in a canonical order.
            models.CheckConstraint(
                condition=Q(client_a__lt=models.F("client_b")),
                name="conflict_ordered_pair",
            ),
            models.UniqueConstraint(
                fields=["client_a", "client_b"], name="conflict_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_a} ↔ {self.client_b}"
