"""The reminders sent to caseworkers about their complaints and cases.

One row per reminder about one item to one caseworker on one day: the unique
constraint is what makes the daily reminders idempotent
(``cases.tasks.send_daily_reminders``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .support_cases import SupportCase


class ReminderSent(models.Model):
    """One reminder about one item to one caseworker on one day.

    The unique constraint is what makes the daily reminders idempotent: the
    reminder task inserts these rows before it sends, and an item already
    reminded today is not sent again (``cases.tasks.send_daily_reminders``).
    """

    class Kind(models.TextChoices):
        COMPLAINT_DUE_SOON = "complaint_due_soon", _("Klacht binnenkort te beslissen")
        COMPLAINT_OVERDUE = "complaint_overdue", _("Klacht te laat beslist")
        CASE_INACTIVE = "case_inactive", _("Zaak zonder activiteit")

    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    case = models.ForeignKey(
        SupportCase,
        verbose_name=_("zaak"),
        on_delete=models.PROTECT,
        related_name="reminders",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ontvanger"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_on = models.DateField(_("verstuurd op"))

    class Meta:
        verbose_name = _("verstuurde herinnering")
        verbose_name_plural = _("verstuurde herinneringen")
        ordering = ["-sent_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "case", "recipient", "sent_on"],
                name="reminder_once_per_item_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sent_on} {self.get_kind_display()} {self.case.reference}"
