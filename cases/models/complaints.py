"""The complaint of a case of kind complaint, with its own stages (R3).

A complaint moves only along ``Complaint.TRANSITIONS``. ``ComplaintRegime``
says under which procedure it is handled, and so its term
(``cases.complaint_clock``): the services keep ``due_on`` from the clock, and
suspensions (opschorting) stop it. The database holds where and when a
submitted complaint was submitted, the date of a decision, and a postponement
of at most 4 weeks, once, with its date.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..querysets import ComplaintQuerySet
from .history import keep_history
from .support_cases import SupportCase


class ComplaintRegime(models.TextChoices):
    """Under which procedure a complaint is handled; terms in ``cases.complaint_clock``."""

    JEUGDWET = "jeugdwet", _("Jeugdwet (klachtencommissie aanbieder of GI)")
    WKKGZ = "wkkgz", _("Wkkgz")
    AWB = "awb", _("Gemeente (Awb hoofdstuk 9)")


class Complaint(models.Model):
    """The complaint of a case of kind complaint, with its own stages (R3)."""

    class Stage(models.TextChoices):
        FORMULATING = "formulating", _("Wordt geformuleerd")
        SUBMITTED = "submitted", _("Ingediend")
        HANDLING = "handling", _("In behandeling bij klachtencommissie")
        DECIDED = "decided", _("Uitspraak gedaan")
        WITHDRAWN = "withdrawn", _("Ingetrokken")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Stage.FORMULATING: frozenset({Stage.SUBMITTED, Stage.WITHDRAWN}),
        Stage.SUBMITTED: frozenset({Stage.HANDLING, Stage.WITHDRAWN}),
        Stage.HANDLING: frozenset({Stage.DECIDED, Stage.WITHDRAWN}),
        Stage.DECIDED: frozenset(),
        Stage.WITHDRAWN: frozenset(),
    }

    case = models.OneToOneField(
        SupportCase,
        verbose_name=_("zaak"),
        on_delete=models.PROTECT,
        related_name="complaint",
    )
    stage = models.CharField(
        _("fase"), max_length=20, choices=Stage.choices, default=Stage.FORMULATING
    )
    submitted_to = models.CharField(
        _("ingediend bij"),
        max_length=200,
        blank=True,
        help_text=_("Bijv. de klachtencommissie van de jeugdhulpaanbieder."),
    )
    submitted_on = models.DateField(_("ingediend op"), null=True, blank=True)
    handling_started_on = models.DateField(
        _("behandeling gestart op"), null=True, blank=True
    )
    decided_on = models.DateField(_("uitspraak op"), null=True, blank=True)
    decision_summary = models.TextField(_("uitspraak"), blank=True)
    withdrawn_on = models.DateField(_("ingetrokken op"), null=True, blank=True)
    regime = models.CharField(
        _("klachtregeling"),
        max_length=20,
        choices=ComplaintRegime.choices,
        default=ComplaintRegime.JEUGDWET,
        help_text=_("Bepaalt de termijn waarbinnen over de klacht wordt beslist."),
    )
    advisory_committee = models.BooleanField(
        _("met adviescommissie"),
        default=False,
        help_text=_(
            "Alleen bij de gemeentelijke klachtprocedure (Awb): 10 in plaats van 6 weken."
        ),
    )
    postponement_weeks = models.PositiveSmallIntegerField(
        _("verdaging (weken)"),
        default=0,
        help_text=_("Eenmalig, met schriftelijke mededeling aan de klager."),
    )
    postponed_on = models.DateField(_("verdaagd op"), null=True, blank=True)
    # Suspension (opschorting): while the complainant supplies information or
    # an informal solution is tried, with the complainant's agreement, the
    # clock stands still (``cases.complaint_clock``). Kept by
    # ``complaint_suspend``/``complaint_resume``; days of ended suspensions add
    # up in ``suspended_days``.
    suspended_since = models.DateField(_("opgeschort sinds"), null=True, blank=True)
    suspended_days = models.PositiveIntegerField(
        _("dagen opgeschort"), default=0, editable=False
    )
    # Kept by the services from ``complaint_clock.due_date`` so lists and
    # reminders can filter on it in SQL; empty when no clock runs.
    due_on = models.DateField(
        _("uiterste beslisdatum"), null=True, blank=True, editable=False
    )

    objects = ComplaintQuerySet.as_manager()
    history = keep_history()

    class Meta:
        verbose_name = _("klacht")
        verbose_name_plural = _("klachten")
        indexes = [
            models.Index(
                fields=["due_on"],
                name="complaint_due_idx",
                condition=Q(due_on__isnull=False),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage="formulating")
                | Q(stage="withdrawn")
                | (Q(submitted_on__isnull=False) & ~Q(submitted_to="")),
                name="complaint_submitted_has_where_and_when",
            ),
            models.CheckConstraint(
                condition=~Q(stage="decided") | Q(decided_on__isnull=False),
                name="complaint_decided_has_date",
            ),
            models.CheckConstraint(
                condition=Q(postponement_weeks__lte=4)
                & (Q(postponement_weeks=0) | Q(postponed_on__isnull=False)),
                name="complaint_postponement_at_most_4_weeks",
                violation_error_message=_(
                    "Verdagen kan eenmaal, met ten hoogste 4 weken, met een datum."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.get_stage_display()}"
