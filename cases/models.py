"""Clients, families, their care and applications, and the support cases
that confidants and client supporters work on.

Rules are not enforced here but in ``cases.services`` and ``roles.services``;
what the database itself can hold is in ``Meta.constraints``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Municipality, Organisation, Team, User

from .querysets import (
    AccessLogQuerySet,
    AppendOnlyError,
    ApplicationQuerySet,
    CareQuerySet,
    ClientQuerySet,
    ComplaintQuerySet,
    ConflictQuerySet,
    ContentQuerySet,
    FamilyQuerySet,
    LinkRequestQuerySet,
    MembershipQuerySet,
    SupportCaseQuerySet,
)

#: The organisations that keep client files of their own (R13): the AKJ, the
#: client-support organisations, and a municipality (its applicants, R9).
CLIENT_FILE_KEEPERS = {
    "kind__in": [
        Organisation.Kind.AKJ,
        Organisation.Kind.CLIENT_SUPPORT,
        Organisation.Kind.MUNICIPALITY,
    ]
}


class ImmutableHistory(models.Model):
    """The base of every historical model (django-simple-history): a version,
    once written, is never changed or removed, so no data is lost and the
    history says truthfully who changed what, when and why."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("history is append-only: no update")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("history is append-only: no delete")


def keep_history() -> HistoricalRecords:
    """The history of a model: one row per save with the previous version's
    fields, who (``history_user``), when and why (``history_change_reason``).
    The services name the actor and the reason (``cases.history.track``)."""
    return HistoricalRecords(bases=[ImmutableHistory])


class CareKind(models.TextChoices):
    """What the care is (and so which complaint procedure applies)."""

    YOUTH_CARE = "jeugdhulp", _("Jeugdhulp")
    CHILD_PROTECTION = "jeugdbescherming", _("Jeugdbeschermingsmaatregel")
    JUVENILE_PROBATION = "jeugdreclassering", _("Jeugdreclassering")


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


class Client(models.Model):
    """A youth or a (foster) parent or guardian who asks for support, as one
    organisation's file of them (R13).

    The same person supported by the AKJ and by a client-support organisation
    has two files, one per organisation; nothing is matched, merged or shown
    across them. ``person_key`` recognises the person inside the organisation
    and for R9 (``cases.person_key``); it gives no access.
    """

    class Kind(models.TextChoices):
        YOUTH = "youth", _("Jeugdige")
        PARENT = "parent", _("Ouder")
        FOSTER_PARENT = "foster_parent", _("Pleegouder")
        GUARDIAN = "guardian", _("Voogd")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="client_files",
        limit_choices_to=CLIENT_FILE_KEEPERS,
        help_text=_("De organisatie die dit dossier van de cliënt bijhoudt (R13)."),
    )
    first_name = models.CharField(_("voornaam"), max_length=100)
    last_name = models.CharField(_("achternaam"), max_length=150)
    date_of_birth = models.DateField(_("geboortedatum"))
    person_key = models.CharField(
        _("persoonssleutel"), max_length=64, editable=False, blank=True
    )
    kind = models.CharField(_("soort cliënt"), max_length=20, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        on_delete=models.PROTECT,
        related_name="clients",
        help_text=_("De gemeente van de cliënt; bepaalt de anonieme rapportage."),
    )
    lives_in_institution = models.BooleanField(
        _("woont in een jeugdhulpinstelling"), default=False
    )
    institution = models.ForeignKey(
        Organisation,
        verbose_name=_("instelling"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_clients",
        limit_choices_to={"kind": Organisation.Kind.CARE_PROVIDER},
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    #: Raised by every change through a service; a form that was loaded at an
    #: older version is refused instead of overwriting (optimistic locking).
    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)

    objects = ClientQuerySet.as_manager()
    history = keep_history()

    class Meta:
        verbose_name = _("cliënt")
        verbose_name_plural = _("cliënten")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="client_name_idx"),
            models.Index(fields=["date_of_birth"], name="client_dob_idx"),
            models.Index(
                fields=["organisation", "person_key"], name="client_org_person_idx"
            ),
            models.Index(fields=["person_key"], name="client_person_idx"),
            # A team lead's municipalities: from the teams' cases to their
            # clients' municipalities by index only (``reportable_municipalities``).
            models.Index(
                fields=["id", "municipality"], name="client_id_municipality_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lives_in_institution=True) | Q(institution__isnull=True),
                name="client_institution_only_when_resident",
                violation_error_message=_(
                    "Een instelling kan alleen worden vastgelegd als de cliënt "
                    "in een jeugdhulpinstelling woont."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self) -> str:
        return reverse("client_detail", args=[self.pk])

    def age_on(self, day: datetime.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


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
        return reverse("application_detail", args=[self.pk])


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
        municipal report counts cases per theme (``cases.reports``)."""

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
        return reverse("case_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class ClientAlias(models.Model):
    """An earlier number of a client's file: when one client record shared by
    several organisations was split into one file per organisation (R13), the
    copy for another organisation got a new number, while the access log keeps
    the old one (its rows are hash-chained and cannot be repointed). "Who
    looked at my file" and the inzage follow these aliases, for the rows of
    the copy's own organisation."""

    old_client = models.ForeignKey(
        Client,
        verbose_name=_("eerder nummer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    client = models.ForeignKey(
        Client,
        verbose_name=_("cliënt"),
        on_delete=models.PROTECT,
        related_name="aliases",
    )
    created_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)

    class Meta:
        verbose_name = _("eerder cliëntnummer")
        verbose_name_plural = _("eerdere cliëntnummers")
        constraints = [
            models.UniqueConstraint(
                fields=["old_client", "client"], name="client_alias_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_client_id} → {self.client_id}"


class LinkRequest(models.Model):
    """A registration that matched a client already known in the caseworker's
    own organisation (same person key, R13): the caseworker is attached to
    that file only by a logged decision of a team lead of the caseworker's
    team, who sees the possible duplicate as case references, never as a name
    (``cases.services.link_request_decide``).

    Until then ``registration`` keeps what the caseworker typed, so nothing is
    lost; it is emptied once the decision is carried out.
    """

    class Kind(models.TextChoices):
        CASE = "case", _("Inschrijving met een zaak")
        FAMILY_MEMBER = "family_member", _("Gezinslid")

    class Status(models.TextChoices):
        PENDING = "pending", _("Wacht op de teamleider")
        LINKED = "linked", _("Gekoppeld aan het bestaande dossier")
        SEPARATE = "separate", _("Apart ingeschreven (een andere persoon)")
        WITHDRAWN = "withdrawn", _("Ingetrokken")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PENDING: frozenset({Status.LINKED, Status.SEPARATE, Status.WITHDRAWN}),
        Status.LINKED: frozenset(),
        Status.SEPARATE: frozenset(),
        Status.WITHDRAWN: frozenset(),
    }

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="link_requests",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="link_requests",
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    person_key = models.CharField(_("persoonssleutel"), max_length=64)
    registration = models.JSONField(_("inschrijving"), default=dict, blank=True)
    family = models.ForeignKey(
        Family,
        verbose_name=_("gezin"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangevraagd door"),
        on_delete=models.PROTECT,
        related_name="link_requests",
    )
    requested_at = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("besloten door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    reason = models.CharField(_("toelichting"), max_length=300, blank=True)
    client = models.ForeignKey(
        Client,
        verbose_name=_("cliënt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Het dossier waaraan is gekoppeld of dat apart is ingeschreven."),
    )
    case = models.ForeignKey(
        SupportCase,
        verbose_name=_("zaak"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = LinkRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("koppelverzoek")
        verbose_name_plural = _("koppelverzoeken")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(
                fields=["team", "requested_at"],
                name="link_request_pending_idx",
                condition=Q(status="pending"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="link_request_decision_complete",
            ),
        ]

    def __str__(self) -> str:
        return _("Koppelverzoek %(number)s") % {"number": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("link_request_detail", args=[self.pk])


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
        return reverse("meeting_detail", args=[self.pk])


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
    corrected_at = models.DateTimeField(
        _("laatst gecorrigeerd op"), null=True, blank=True, editable=False
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("laatst gecorrigeerd door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    correction_reason = models.CharField(
        _("reden van de correctie"), max_length=300, blank=True, editable=False
    )
    withdrawn_at = models.DateTimeField(
        _("ingetrokken op"), null=True, blank=True, editable=False
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ingetrokken door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    withdrawal_reason = models.CharField(
        _("reden van de intrekking"), max_length=300, blank=True, editable=False
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
        return reverse("note_history", args=[self.pk])

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


#: What an access-log row's ``object_type`` means, in words.
OBJECT_LABELS = {
    "client": _("dossier van de cliënt"),
    "supportcase": _("zaak"),
    "meeting": _("gesprek"),
    "application": _("aanvraag"),
    "note": _("notitie"),
    "search": _("zoekopdracht cliënten"),
    "access_log": _("toegangslog"),
    "access_history": _("inzageoverzicht van de cliënt"),
    "dashboard": _("mijn overzicht"),
    "case_list": _("lijst van zaken"),
    "complaint_list": _("lijst van klachten"),
    "meeting_list": _("lijst van gesprekken"),
    "application_list": _("lijst van aanvragen"),
    "case_print": _("afdrukversie van de zaak"),
    "avg_export": _("inzageverzoek van de cliënt (AVG)"),
    "avg_export_pdf": _("inzage-export van de cliënt (PDF)"),
    "avg_export_json": _("inzage-export van de cliënt (JSON)"),
    "datasubjectrequest": _("AVG-verzoek"),
    "databreach": _("datalek"),
    "privacy_request_list": _("register van AVG-verzoeken"),
    "emergency_list": _("overzicht noodtoegang"),
    "capability": _("pagina of handeling buiten de eigen functie"),
}


class AccessLogEntry(models.Model):
    """One line of the access log (NEN 7513 style): who did what with which
    client's data, when, on whose behalf, for what purpose and from where.

    The log is append-only: rows are written only by
    ``cases.access_log.log_access`` and never changed or removed — the
    queryset refuses ``update()``/``delete()``, ``save()`` of an existing row
    and ``delete()`` raise, and on PostgreSQL a trigger refuses UPDATE and
    DELETE. Each row carries the hash of the previous row (``previous_hash``)
    and its own ``hash`` over its fields and that previous hash, so that an
    altered or removed row breaks the chain (``manage.py verify_access_log``).
    The user's name and role are copied at write time, so the log stays
    readable when the user changes.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Aanmaken")
        READ = "read", _("Inzien")
        UPDATE = "update", _("Wijzigen")
        DELETE = "delete", _("Verwijderen")
        EXPORT = "export", _("Exporteren")
        EMERGENCY = "emergency", _("Noodtoegang")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Gelukt")
        DENIED = "denied", _("Geweigerd")

    #: The ``previous_hash`` of the first row.
    GENESIS = "0" * 64

    event_id = models.UUIDField(
        _("gebeurtenis-id"), default=uuid.uuid4, unique=True, editable=False
    )
    action = models.CharField(_("handeling"), max_length=10, choices=Action.choices)
    timestamp = models.DateTimeField(_("tijdstip"), default=timezone.now)
    outcome = models.CharField(
        _("resultaat"),
        max_length=10,
        choices=Outcome.choices,
        default=Outcome.SUCCESS,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    user_name = models.CharField(_("naam gebruiker"), max_length=300)
    user_role = models.CharField(_("functie gebruiker"), max_length=20, blank=True)
    on_behalf_of = models.CharField(_("namens"), max_length=200, blank=True)
    purpose = models.CharField(_("doel"), max_length=100, blank=True)
    client = models.ForeignKey(
        Client,
        verbose_name=_("cliënt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    object_type = models.CharField(_("soort gegeven"), max_length=50)
    object_id = models.CharField(_("gegeven"), max_length=255, blank=True)
    address = models.GenericIPAddressField(_("adres"), null=True, blank=True)
    previous_hash = models.CharField(_("vorige hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("toegangslogregel")
        verbose_name_plural = _("toegangslog")
        ordering = ["-timestamp", "-pk"]
        indexes = [
            models.Index(fields=["client", "timestamp"], name="accesslog_client_idx"),
            models.Index(fields=["user", "timestamp"], name="accesslog_user_idx"),
            # The log viewer, newest first: read from this end of the index
            # until a page (or the bounded count) is full, whatever the size
            # of the log.
            models.Index(fields=["-timestamp", "-id"], name="accesslog_newest_idx"),
        ]
        constraints = [
            # Two rows chained to the same predecessor would fork the chain.
            models.UniqueConstraint(
                fields=["previous_hash"], name="accesslog_one_successor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.user_name} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("the access log is append-only: no update")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the access log is append-only: no delete")

    @property
    def user_role_label(self) -> str:
        """The copied role as words (the code itself if the role was dropped)."""
        role = self.user_role
        return str(User.Role(role).label) if role in User.Role.values else role

    @property
    def object_label(self) -> str:
        """What was shown, in words: the kind of page and its number or query."""
        label = OBJECT_LABELS.get(self.object_type, self.object_type)
        return f"{label} {self.object_id}".strip()

    def canonical(self) -> bytes:
        """The row's fields as canonical JSON (sorted keys, UTC timestamp),
        the input of its hash together with ``previous_hash``."""
        when = self.timestamp.astimezone(datetime.UTC)
        return json.dumps(
            {
                "event_id": str(self.event_id),
                "action": self.action,
                "timestamp": when.isoformat(timespec="microseconds"),
                "outcome": self.outcome,
                "user_id": self.user_id,
                "user_name": self.user_name,
                "user_role": self.user_role,
                "on_behalf_of": self.on_behalf_of,
                "purpose": self.purpose,
                "client_id": self.client_id,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "address": self.address,
                "previous_hash": self.previous_hash,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()

    def compute_hash(self) -> str:
        """The hex SHA-256 of the row's canonical form (which includes the
        previous row's hash)."""
        return hashlib.sha256(self.canonical()).hexdigest()


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


class OutreachTheme(models.TextChoices):
    """What youths raised during an outreach visit (R7)."""

    RIGHTS = "rights", _("Rechten en plichten")
    TREATMENT = "treatment", _("Bejegening door medewerkers")
    RESTRICTIONS = "restrictions", _("Vrijheidsbeperkende maatregelen")
    SAFETY = "safety", _("Veiligheid op de groep")
    CONTACT = "contact", _("Contact met ouders en netwerk")
    SCHOOL = "school", _("School en dagbesteding")
    CARE_PLAN = "care_plan", _("Hulpverleningsplan en perspectief")
    COMPLAINTS = "complaints", _("Klachtrecht en de vertrouwenspersoon")
    OTHER = "other", _("Anders")


class OutreachVisitQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> OutreachVisitQuerySet:
        """A confidant sees the own visits; a team lead those of the teams they
        lead (R7, R13). Visits hold no names, but they are the confidant's
        work, not anyone else's."""
        from roles import permissions

        return self.filter(permissions.outreach_visibility(user))


class OutreachVisit(models.Model):
    """A confidant's proactive visit to youths in a youth-care institution (R7).

    Recorded per institution and group, as counts and themes only: no names.
    When a youth asks for support a case is opened from the visit, and
    ``case`` links the two.
    """

    confidant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vertrouwenspersoon"),
        on_delete=models.PROTECT,
        related_name="outreach_visits",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="outreach_visits",
        help_text=_("De organisatie van de vertrouwenspersoon (het AKJ)."),
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_visits",
        help_text=_("Het team van de vertrouwenspersoon bij het bezoek."),
    )
    institution = models.ForeignKey(
        Organisation,
        verbose_name=_("instelling"),
        on_delete=models.PROTECT,
        related_name="outreach_visits_received",
        limit_choices_to={"kind": Organisation.Kind.CARE_PROVIDER},
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        on_delete=models.PROTECT,
        related_name="outreach_visits",
        help_text=_("De gemeente waar de instelling (de locatie) staat."),
    )
    visited_on = models.DateField(_("datum bezoek"))
    group = models.CharField(
        _("groep"),
        max_length=200,
        help_text=_("Bijv. leefgroep De Linde. Geen namen van jongeren."),
    )
    youths_spoken = models.PositiveSmallIntegerField(_("aantal jongeren gesproken"))
    themes = models.JSONField(
        _("thema's"),
        default=list,
        blank=True,
        help_text=_("Codes uit de lijst van thema's (OutreachTheme)."),
    )
    notes = models.TextField(
        _("bijzonderheden"),
        blank=True,
        help_text=_(
            "Zonder namen: wie een zaak wil, krijgt een zaak die vanuit dit "
            "bezoek wordt geopend."
        ),
    )
    case = models.ForeignKey(
        SupportCase,
        verbose_name=_("zaak"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outreach_visits",
        help_text=_("De zaak die vanuit dit bezoek is geopend."),
    )
    created_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)

    objects = OutreachVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("outreachbezoek")
        verbose_name_plural = _("outreachbezoeken")
        ordering = ["-visited_on", "-pk"]
        indexes = [
            models.Index(
                fields=["municipality", "visited_on"], name="outreach_muni_date_idx"
            ),
            models.Index(
                fields=["confidant", "-visited_on"], name="outreach_confidant_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} – {self.group} ({self.visited_on:%d-%m-%Y})"

    def get_absolute_url(self) -> str:
        return reverse("outreach_detail", args=[self.pk])

    @property
    def theme_labels(self) -> list[str]:
        return [
            str(OutreachTheme(code).label)
            for code in self.themes
            if code in OutreachTheme.values
        ]


class ReportFigures(models.Model):
    """The raw counts of one municipal report (``cases.reports``), computed
    once and read by every later view of the same municipality, scope and
    period.

    Counting every case of a municipality on each view grows with the number
    of cases; reading one row does not. The figures are recomputed when they
    are older than ``NAAST_REPORT_MAX_AGE_HOURS`` and every night for the
    standard periods (``manage.py refresh_reports``). They hold counts only,
    small ones included: suppression is applied when a report is built from
    them, so a hidden number never reaches a page, a CSV or a PDF.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+"
    )
    #: Whose cases were counted (``cases.reports.Scope.key``): ``all`` for
    #: every organisation, ``teams:<ids>`` for the teams of a team lead.
    scope = models.CharField(max_length=200)
    #: The period (a month, quarter or year of ``cases.report_periods``).
    start = models.DateField()
    end = models.DateField()
    computed_at = models.DateTimeField()
    #: ``{"months": {"YYYY-MM": {count: n}}, "clients", "closed", "median_days"}``
    counts = models.JSONField()

    class Meta:
        verbose_name = _("rapportagecijfers")
        verbose_name_plural = _("rapportagecijfers")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "scope", "start", "end"],
                name="report_figures_scope_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.scope} {self.start}–{self.end}"
