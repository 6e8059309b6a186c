"""Support cases, that confidants and client supporters work on, and the lines
of a case's history.

A case is a client's question, problem, complaint, mediation or care question,
handled by the team of the caseworker who opened it; only a transfer moves it to
another team (R13). Its status changes only along ``SupportCase.TRANSITIONS``
(``cases.services.case_set_status``), and a closed case has a closing date and
an outcome. ``version`` is raised by every change through a service (optimistic
locking). The ``view_case_content`` permission is the one to see a case's
content (notes, meetings). ``CaseEvent`` is one line of the case's history: who
did what, when; like notes and meetings it is case content.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Team

from ..querysets import ContentQuerySet, SupportCaseQuerySet
from .care import CareKind
from .clients import Client
from .history import keep_history


class SupportCase(models.Model):
    """A client's question, problem, complaint, mediation or care question."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Vraag")
        PROBLEM = "problem", _("Probleem")
        COMPLAINT = "complaint", _("Klacht")
        MEDIATION = "mediation", _("Bemiddeling")
        CARE_QUESTION = "care_question", _("Zorgvraag")

    class Status(models.TextChoices):
        OPEN = "open", _("Aangemeld")
        IN_PROGRESS = "in_progress", _("In behandeling")
        ON_HOLD = "on_hold", _("Aangehouden")
        CLOSED = "closed", _("Afgesloten")

    # The only status changes there are; ``cases.services.case_set_status`` reads it.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.OPEN: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
        Status.IN_PROGRESS: frozenset({Status.ON_HOLD, Status.CLOSED}),
        Status.ON_HOLD: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
        Status.CLOSED: frozenset(),
    }

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Opgelost")
        PARTIALLY_RESOLVED = "partially_resolved", _("Deels opgelost")
        NOT_RESOLVED = "not_resolved", _("Niet opgelost")
        WITHDRAWN = "withdrawn", _("Ingetrokken door de cliënt")
        REFERRED = "referred", _("Doorverwezen")

    class Theme(models.TextChoices):
        """What the question or complaint is mainly about; the anonymous
        municipal report counts cases per theme (``reports.counting``)."""

        TREATMENT = "treatment", _("Bejegening")
        COMMUNICATION = "communication", _("Communicatie")
        INFORMATION = "information", _("Informatie")
        LEGAL_POSITION = "legal_position", _("Rechtspositie")
        CARE_PLAN = "care_plan", _("Hulpverleningsplan")
        COERCION = "coercion", _("Dwang en vrijheidsbeperking")
        RECORDS_PRIVACY = "records_privacy", _("Dossier en privacy")
        OTHER = "other", _("Overig")

    reference = models.CharField(
        _("kenmerk"), max_length=20, unique=True, editable=False
    )
    client = models.ForeignKey(
        Client, verbose_name=_("cliënt"), on_delete=models.PROTECT, related_name="cases"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("De organisatie van de ondersteuner die de zaak behandelt."),
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_(
            "Het team van de ondersteuner die de zaak opende; alleen een "
            "overdracht verplaatst de zaak naar een ander team (R13)."
        ),
    )
    kind = models.CharField(_("soort zaak"), max_length=20, choices=Kind.choices)
    subject = models.CharField(
        _("onderwerp"),
        max_length=20,
        choices=CareKind.choices,
        blank=True,
        help_text=_("Over welke soort hulp de zaak gaat, als er al hulp is."),
    )
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("jeugdhulpaanbieder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_about",
        limit_choices_to={"kind": Organisation.Kind.CARE_PROVIDER},
    )
    title = models.CharField(_("korte omschrijving"), max_length=200)
    theme = models.CharField(
        _("thema"),
        max_length=20,
        choices=Theme.choices,
        blank=True,
        help_text=_("Waar de vraag of klacht vooral over gaat."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("geopend op"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geopend door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    outcome = models.CharField(
        _("uitkomst"), max_length=20, choices=Outcome.choices, blank=True
    )
    #: Raised by every change through a service (optimistic locking).
    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)

    objects = SupportCaseQuerySet.as_manager()
    history = keep_history()

    class Meta:
        verbose_name = _("zaak")
        verbose_name_plural = _("zaken")
        ordering = ["-opened_at", "-pk"]
        permissions = [
            (
                "view_case_content",
                _("Kan de inhoud van de zaak zien (notities, gesprekken)"),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="case_org_status_idx"),
            models.Index(fields=["-opened_at", "-id"], name="case_newest_idx"),
            # A team lead's lists and counts read one team's caseload.
            models.Index(fields=["team", "status"], name="case_team_status_idx"),
            models.Index(
                fields=["team", "-opened_at", "-id"], name="case_team_newest_idx"
            ),
            models.Index(fields=["team", "client"], name="case_team_client_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="closed", closed_at__isnull=False) & ~Q(outcome=""))
                | (~Q(status="closed") & Q(closed_at__isnull=True, outcome="")),
                name="case_closed_has_date_and_outcome",
                violation_error_message=_(
                    "Een afgesloten zaak heeft een sluitdatum en een uitkomst."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} – {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("web:case_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class CaseEvent(models.Model):
    """One line in a case's history: who did what, when."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Zaak geopend")
        STATUS = "status", _("Status gewijzigd")
        CLOSED = "closed", _("Zaak afgesloten")
        ASSIGNMENT_STARTED = "assignment_started", _("Ondersteuning gestart")
        ASSIGNMENT_ENDED = "assignment_ended", _("Ondersteuning beëindigd")
        MEETING_PLANNED = "meeting_planned", _("Gesprek gepland")
        MEETING_STATUS = "meeting_status", _("Gesprek gehouden of geannuleerd")
        ATTENDANCE_ADDED = "attendance_added", _("Aanwezigheid vastgelegd")
        ATTENDANCE_REFUSED = "attendance_refused", _("Aanwezigheid geweigerd")
        NOTE_ADDED = "note_added", _("Notitie toegevoegd")
        NOTE_CORRECTED = "note_corrected", _("Notitie gecorrigeerd")
        NOTE_WITHDRAWN = "note_withdrawn", _("Notitie ingetrokken")
        COMPLAINT_STAGE = "complaint_stage", _("Klachtfase gewijzigd")
        EMERGENCY_OPENED = "emergency_opened", _("Noodtoegang geopend")
        EMERGENCY_ENDED = "emergency_ended", _("Noodtoegang beëindigd")
        EMERGENCY_REVIEWED = "emergency_reviewed", _("Noodtoegang beoordeeld")
        TEAM_CHANGED = "team_changed", _("Zaak naar een ander team")
        LINK_DECIDED = "link_decided", _("Besluit over mogelijk dezelfde persoon")
        REFERRAL_SENT = "referral_sent", _("Doorverwezen naar een andere organisatie")
        REFERRAL_RECEIVED = "referral_received", _("Ontvangen via een doorverwijzing")
        CONTACT_RECORDED = "contact_recorded", _("Contact vastgelegd")

    case = models.ForeignKey(
        SupportCase,
        verbose_name=_("zaak"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    from_value = models.CharField(_("van"), max_length=30, blank=True)
    to_value = models.CharField(_("naar"), max_length=30, blank=True)
    detail = models.CharField(_("toelichting"), max_length=300, blank=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="event_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.get_kind_display()}"
