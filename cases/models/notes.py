"""Case notes.

Under the confidant's duty of confidentiality (R2) a note is readable only by
those who may see the case's content. A note is never deleted: it is corrected
or withdrawn, each with who, when and why, and the database holds all three or
none. ``version`` is raised by every change through a service (optimistic
locking).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from ..querysets import ContentQuerySet
from .history import keep_history
from .support_cases import SupportCase


def _who_when_why(
    at: StrOrPromise, by: StrOrPromise, reason: StrOrPromise
) -> tuple[models.DateTimeField, models.ForeignKey, models.CharField]:
    """The fields of a change that keeps the note's previous version (a
    correction, a withdrawal): when, by whom and why, set by the service only."""
    return (
        models.DateTimeField(at, null=True, blank=True, editable=False),
        models.ForeignKey(
            settings.AUTH_USER_MODEL,
            verbose_name=by,
            on_delete=models.PROTECT,
            null=True,
            blank=True,
            editable=False,
            related_name="+",
        ),
        models.CharField(reason, max_length=300, blank=True, editable=False),
    )


class Note(models.Model):
    """A case note. Under the confidant's duty of confidentiality (R2) it is
    readable only by those who may see the case's content.

    A note is never deleted: it is corrected (``note_correct``, the previous
    text stays in its history) or withdrawn (``note_withdraw``, its text is
    then hidden in the timeline but kept in its history), each with who,
    when and why.
    """

    case = models.ForeignKey(
        SupportCase,
        verbose_name=_("zaak"),
        on_delete=models.PROTECT,
        related_name="notes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("geschreven op"), default=timezone.now)
    text = models.TextField(_("tekst"))
    #: Raised by every change through a service (optimistic locking).
    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)
    corrected_at, corrected_by, correction_reason = _who_when_why(
        _("laatst gecorrigeerd op"),
        _("laatst gecorrigeerd door"),
        _("reden van de correctie"),
    )
    withdrawn_at, withdrawn_by, withdrawal_reason = _who_when_why(
        _("ingetrokken op"), _("ingetrokken door"), _("reden van de intrekking")
    )

    objects = ContentQuerySet.as_manager()
    history = keep_history()

    class Meta:
        verbose_name = _("notitie")
        verbose_name_plural = _("notities")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["case", "-created_at"], name="note_case_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    corrected_at__isnull=True,
                    corrected_by__isnull=True,
                    correction_reason="",
                )
                | (
                    Q(corrected_at__isnull=False, corrected_by__isnull=False)
                    & ~Q(correction_reason="")
                ),
                name="note_correction_complete",
            ),
            models.CheckConstraint(
                condition=Q(
                    withdrawn_at__isnull=True,
                    withdrawn_by__isnull=True,
                    withdrawal_reason="",
                )
                | (
                    Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False)
                    & ~Q(withdrawal_reason="")
                ),
                name="note_withdrawal_complete",
            ),
        ]

    def __str__(self) -> str:
        return _("Notitie bij %(case)s") % {"case": self.case.reference}

    def get_absolute_url(self) -> str:
        return reverse("web:note_history", args=[self.pk])

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
