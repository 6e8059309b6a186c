"""The privacy officer's registers (AVG): the requests of data subjects and
the data breaches, each kept per organisation.

* ``DataSubjectRequest``: a request of a client (or their parent, guardian or
  representative) for inzage, correction, erasure or objection (art. 15-21
  AVG): who asked, when it was received, who checked the asker's identity and
  how, the due date (``privacy.deadlines``), its status and the answer. Only
  an inzage request whose identity is checked has an export; a granted
  erasure request is carried out by the retention machinery.
* ``DataBreach``: a personal data breach (art. 33 AVG): what happened, when
  it was found, which personal data and data subjects it concerns, whether
  and when it was reported to the Autoriteit Persoonsgegevens (within 72
  hours) or why not, and whether the data subjects were told (art. 34).

Statuses change only through ``privacy.services``, which checks the
``TRANSITIONS`` tables; every version is kept (django-simple-history).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from cases.models import Client, keep_history
from roles.policy import Capability, can

from .deadlines import DUE_SOON_DAYS


def _own_organisation(user: User) -> Q:
    """The rows of the registers of ``user``'s organisation, for a user who
    handles privacy requests; none for anyone else."""
    if not can(user, Capability.HANDLE_PRIVACY_REQUESTS):
        return Q(pk__in=[])
    return Q(organisation_id=user.organisation_id)


class DataSubjectRequestQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> DataSubjectRequestQuerySet:
        """The requests about the client files of the privacy officer's own
        organisation (R13); nothing for anyone else."""
        if not can(user, Capability.HANDLE_PRIVACY_REQUESTS):
            return self.none()
        return self.filter(_own_organisation(user)).filter(
            client__in=Client.objects.in_privacy_scope_of(user).values("pk")
        )

    def open(self) -> DataSubjectRequestQuerySet:
        return self.exclude(status__in=DataSubjectRequest.CLOSED_STATUSES)


class DataBreachQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> DataBreachQuerySet:
        """The breaches of the privacy officer's own organisation."""
        return self.filter(_own_organisation(user))

    def unreported(self) -> DataBreachQuerySet:
        """Breaches with no decision yet on reporting them to the AP."""
        return self.filter(reported_to_ap_at__isnull=True, not_reported_reason="")


class DataSubjectRequest(models.Model):
    """A request of a data subject about a client's file (art. 15-21 AVG)."""

    class Kind(models.TextChoices):
        INZAGE = "inzage", _("Inzage (art. 15 AVG)")
        CORRECTION = "correctie", _("Correctie (art. 16 AVG)")
        ERASURE = "verwijdering", _("Verwijdering (art. 17 AVG)")
        OBJECTION = "bezwaar", _("Bezwaar (art. 21 AVG)")

    class Relation(models.TextChoices):
        CLIENT = "client", _("De cliënt zelf")
        PARENT = "parent", _("Ouder of voogd met gezag")
        REPRESENTATIVE = (
            "representative",
            _("Gemachtigde of wettelijk vertegenwoordiger"),
        )

    class IdentityCheck(models.TextChoices):
        IN_PERSON = "in_person", _("Identiteitsbewijs ingezien, persoonlijk")
        VIDEO = "video", _("Identiteitsbewijs getoond via beeldbellen")
        KNOWN = "known", _("Persoonlijk bekend bij de eigen ondersteuner")
        AUTHORISATION = (
            "authorisation",
            _("Machtiging en identiteitsbewijs van de vertegenwoordiger ingezien"),
        )

    class Status(models.TextChoices):
        RECEIVED = "received", _("Ontvangen")
        IDENTITY_CHECKED = "identity_checked", _("Identiteit gecontroleerd")
        IN_PROGRESS = "in_progress", _("In behandeling")
        ANSWERED = "answered", _("Beantwoord")
        REFUSED = "refused", _("Afgewezen")
        WITHDRAWN = "withdrawn", _("Ingetrokken")

    #: Which status may follow which (``privacy.services``).
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.RECEIVED: frozenset(
            {Status.IDENTITY_CHECKED, Status.REFUSED, Status.WITHDRAWN}
        ),
        Status.IDENTITY_CHECKED: frozenset(
            {Status.IN_PROGRESS, Status.ANSWERED, Status.REFUSED, Status.WITHDRAWN}
        ),
        Status.IN_PROGRESS: frozenset(
            {Status.ANSWERED, Status.REFUSED, Status.WITHDRAWN}
        ),
        Status.ANSWERED: frozenset(),
        Status.REFUSED: frozenset(),
        Status.WITHDRAWN: frozenset(),
    }
    CLOSED_STATUSES = (Status.ANSWERED, Status.REFUSED, Status.WITHDRAWN)
    #: The statuses in which an inzage export can be made.
    EXPORTABLE_STATUSES = (Status.IDENTITY_CHECKED, Status.IN_PROGRESS)

    reference = models.CharField(
        _("kenmerk"), max_length=20, unique=True, editable=False
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("soort verzoek"), max_length=20, choices=Kind.choices)
    client = models.ForeignKey(
        Client,
        verbose_name=_("cliënt"),
        on_delete=models.PROTECT,
        related_name="privacy_requests",
    )
    requester_name = models.CharField(_("naam verzoeker"), max_length=200)
    requester_relation = models.CharField(
        _("verzoeker is"), max_length=20, choices=Relation.choices
    )
    received_on = models.DateField(_("ontvangen op"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geregistreerd door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("geregistreerd op"), default=timezone.now)
    identity_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("identiteit gecontroleerd door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    identity_checked_on = models.DateField(
        _("identiteit gecontroleerd op"), null=True, blank=True
    )
    identity_check_method = models.CharField(
        _("hoe gecontroleerd"), max_length=20, choices=IdentityCheck.choices, blank=True
    )
    identity_check_note = models.CharField(
        _("toelichting controle"), max_length=300, blank=True
    )
    due_on = models.DateField(_("uiterste antwoorddatum"))
    extended_on = models.DateField(_("verlengd op"), null=True, blank=True)
    extension_reason = models.TextField(_("reden verlenging"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    answered_on = models.DateField(_("antwoord verstuurd op"), null=True, blank=True)
    answer_summary = models.TextField(_("wat is geantwoord"), blank=True)
    refusal_reason = models.TextField(_("reden afwijzing"), blank=True)
    withdrawn_on = models.DateField(_("ingetrokken op"), null=True, blank=True)
    notes = models.TextField(_("aantekeningen"), blank=True)
    exported_at = models.DateTimeField(_("laatste export op"), null=True, blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("laatste export door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    export_count = models.PositiveSmallIntegerField(_("aantal exports"), default=0)
    erasure_run_id = models.UUIDField(
        _("vernietigingsronde"),
        null=True,
        blank=True,
        help_text=_("De regels van het vernietigingsregister van deze verwijdering."),
    )

    objects = DataSubjectRequestQuerySet.as_manager()
    history = keep_history()

    class Meta:
        verbose_name = _("AVG-verzoek")
        verbose_name_plural = _("AVG-verzoeken")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["organisation", "status", "due_on"], name="dsr_org_due_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_on__isnull=True) | ~Q(extension_reason=""),
                name="dsr_extension_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["identity_checked", "in_progress", "answered"])
                | Q(identity_checked_on__isnull=False),
                name="dsr_identity_checked_before_answer",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answered_on__isnull=False),
                name="dsr_answered_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="dsr_refused_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("web:privacy_request_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES

    @property
    def is_exportable(self) -> bool:
        """An inzage request whose asker's identity is checked and that is
        not yet answered has an export."""
        return self.kind == self.Kind.INZAGE and self.status in self.EXPORTABLE_STATUSES

    def deadline_state(self, today: datetime.date) -> str:
        """``overdue``, ``due_soon`` (within 7 days) or ``""``."""
        if self.is_closed:
            return ""
        if self.due_on < today:
            return "overdue"
        if (self.due_on - today).days <= DUE_SOON_DAYS:
            return "due_soon"
        return ""


class DataBreach(models.Model):
    """A personal data breach (datalek), art. 33-34 AVG."""

    class Informed(models.TextChoices):
        UNDECIDED = "undecided", _("Nog niet besloten")
        YES = "yes", _("Ja, geïnformeerd")
        NO = "no", _("Nee, niet geïnformeerd")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Geregistreerd")
        ASSESSED = "assessed", _("Beoordeeld")
        CLOSED = "closed", _("Afgehandeld")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.REGISTERED: frozenset({Status.ASSESSED}),
        Status.ASSESSED: frozenset({Status.ASSESSED, Status.CLOSED}),
        Status.CLOSED: frozenset(),
    }

    reference = models.CharField(
        _("kenmerk"), max_length=20, unique=True, editable=False
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("wat is er gebeurd"))
    occurred_at = models.DateTimeField(_("gebeurd op"), null=True, blank=True)
    found_at = models.DateTimeField(_("ontdekt op"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geregistreerd door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("geregistreerd op"), default=timezone.now)
    personal_data = models.TextField(_("welke persoonsgegevens"))
    subjects_description = models.TextField(_("welke betrokkenen"))
    subjects_count = models.PositiveIntegerField(
        _("aantal betrokkenen (ongeveer)"), null=True, blank=True
    )
    measures = models.TextField(_("genomen maatregelen"), blank=True)
    report_due_at = models.DateTimeField(_("melden bij de AP uiterlijk"))
    reported_to_ap_at = models.DateTimeField(
        _("gemeld bij de AP op"), null=True, blank=True
    )
    ap_reference = models.CharField(_("meldnummer AP"), max_length=50, blank=True)
    delay_reason = models.TextField(_("reden te late melding"), blank=True)
    not_reported_reason = models.TextField(_("reden niet gemeld"), blank=True)
    subjects_informed = models.CharField(
        _("betrokkenen geïnformeerd"),
        max_length=20,
        choices=Informed.choices,
        default=Informed.UNDECIDED,
    )
    subjects_informed_on = models.DateField(
        _("betrokkenen geïnformeerd op"), null=True, blank=True
    )
    subjects_not_informed_reason = models.TextField(
        _("reden betrokkenen niet geïnformeerd"), blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    closed_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)

    objects = DataBreachQuerySet.as_manager()
    history = keep_history()

    class Meta:
        verbose_name = _("datalek")
        verbose_name_plural = _("datalekken")
        ordering = ["-found_at", "-pk"]
        indexes = [
            models.Index(
                fields=["organisation", "status", "report_due_at"],
                name="breach_org_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_to_ap_at__isnull=True) | Q(not_reported_reason=""),
                name="breach_reported_or_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="registered")
                | (
                    (Q(reported_to_ap_at__isnull=False) | ~Q(not_reported_reason=""))
                    & ~Q(subjects_informed="undecided")
                ),
                name="breach_assessed_is_decided",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("web:privacy_breach_detail", args=[self.pk])

    @property
    def report_decided(self) -> bool:
        return self.reported_to_ap_at is not None or bool(self.not_reported_reason)

    @property
    def reported_late(self) -> bool:
        return (
            self.reported_to_ap_at is not None
            and self.reported_to_ap_at > self.report_due_at
        )

    def deadline_state(self, now: datetime.datetime) -> str:
        """``overdue`` or ``due_soon`` while no reporting decision is made."""
        if self.report_decided:
            return ""
        return "overdue" if self.report_due_at < now else "due_soon"
