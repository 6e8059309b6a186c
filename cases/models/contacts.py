"""Contact moments (contactmomenten): the first thing a confidant or client
supporter records, and most of their work.

Most contacts are a phone call, chat, WhatsApp or e-mail handled in one or a
few contacts, many anonymous, more and more from professionals asking
advice (the AKJ's annual reports 2019–2021: about 20,000 questions, problems
and complaints a year from about 10,000 clients). A contact therefore needs
no client: an anonymous contact has none and makes none. One that is not
anonymous can name a client of the recorder's own organisation whom they
support (R13), or the case it belongs to.

Each contact holds one or more items (``ContactItem``): a question, problem,
complaint or information and advice, with its theme and the kind of agency
it is about; the annual figures count items, not contacts.

A contact is confidential like a note (R2): the person who recorded it sees
it, and whoever sees the content of its case. A team lead sees counts only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Organisation, Team, User

from .agencies import AgencyKind
from .clients import Client
from .history import keep_history
from .support_cases import SupportCase

#: The longest contact one row records (a long visit); longer is two rows.
MAX_DURATION_MINUTES = 480


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Telefoon")
    CHAT = "chat", _("Chat")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")
    WEBSITE = "website", _("Website (formulier)")
    VISIT = "visit", _("Bezoek")
    OUTREACH = "outreach", _("Outreach")


class ContactDirection(models.TextChoices):
    INCOMING = "incoming", _("Inkomend: de beller of schrijver zocht contact")
    OUTGOING = "outgoing", _("Uitgaand: wij zochten contact")


class CallerType(models.TextChoices):
    """Who made contact, as the AKJ reports it."""

    YOUTH = "youth", _("Jeugdige")
    PARENT = "parent", _("Ouder")
    FOSTER_PARENT = "foster_parent", _("Pleegouder")
    GUARDIAN = "guardian", _("Voogd")
    PROFESSIONAL = "professional", _("Professional")
    OTHER = "other", _("Anders")


class ItemKind(models.TextChoices):
    """What an item of a contact is: "if a client calls it a complaint, it is
    a complaint" (AKJ)."""

    QUESTION = "question", _("Vraag")
    PROBLEM = "problem", _("Probleem")
    COMPLAINT = "complaint", _("Klacht")
    INFORMATION = "information", _("Informatie en advies")


class ContactTheme(models.TextChoices):
    """What an item is about: the themes the AKJ's annual reports count
    (jaarverslagen 2019–2021), with "anders" for the rest."""

    TREATMENT = "treatment", _("Bejegening")
    COMMUNICATION = "communication", _("Communicatie")
    LEGAL_POSITION = "legal_position", _("Rechtspositie")
    DECISIONS = "decisions", _("Beslissingen")
    PROCEDURES = "procedures", _("Procedures")
    WAITING_SUITABLE_CARE = "waiting_suitable_care", _("Wachttijd of passende hulp")
    SAFETY = "safety", _("Veiligheid")
    COERCION = "coercion", _("Dwang en drang")
    OTHER = "other", _("Anders")


class ContactMomentQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ContactMomentQuerySet:
        """The recorder's own contacts, and those of the cases whose content
        the user sees (R2); a team lead none (counts only)."""
        from roles import permissions

        return self.filter(permissions.contact_visibility(user))


class ContactMoment(models.Model):
    """One contact: how, when, how long, with whom (a kind of caller, a client
    or nobody known), in which municipality, and its items."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="contact_moments",
        help_text=_("De organisatie van wie het contact vastlegde."),
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_moments",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastgelegd door"),
        on_delete=models.PROTECT,
        related_name="contact_moments",
    )
    channel = models.CharField(
        _("kanaal"), max_length=20, choices=ContactChannel.choices
    )
    direction = models.CharField(
        _("richting"),
        max_length=10,
        choices=ContactDirection.choices,
        default=ContactDirection.INCOMING,
    )
    started_at = models.DateTimeField(_("datum en tijd"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duur in minuten"), validators=[MaxValueValidator(MAX_DURATION_MINUTES)]
    )
    caller_type = models.CharField(
        _("wie nam contact"), max_length=20, choices=CallerType.choices
    )
    anonymous = models.BooleanField(
        _("anoniem"),
        default=False,
        help_text=_("Anoniem: er wordt geen cliënt gekoppeld of aangemaakt."),
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_moments",
        help_text=_("De gemeente van de jeugdige, als die bekend is."),
    )
    client = models.ForeignKey(
        Client,
        verbose_name=_("cliënt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_moments",
    )
    case = models.ForeignKey(
        SupportCase,
        verbose_name=_("zaak"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_moments",
    )
    notes = models.TextField(
        _("aantekening"),
        blank=True,
        help_text=_("Kort: wat er speelde en wat is afgesproken."),
    )
    created_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)

    objects = ContactMomentQuerySet.as_manager()
    history = keep_history()

    class Meta:
        verbose_name = _("contactmoment")
        verbose_name_plural = _("contactmomenten")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(client__isnull=True),
                name="contact_anonymous_has_no_client",
            ),
            models.CheckConstraint(
                condition=Q(case__isnull=True) | Q(client__isnull=False),
                name="contact_case_has_client",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recorded_by", "-started_at"], name="contact_recorder_idx"
            ),
            models.Index(
                fields=["organisation", "started_at"], name="contact_org_date_idx"
            ),
        ]

    def __str__(self) -> str:
        moment = timezone.localtime(self.started_at)
        return f"{self.get_channel_display()} {moment:%d-%m-%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("web:contact_detail", args=[self.pk])


class ContactItemQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ContactItemQuerySet:
        """The items of the contacts the user sees."""
        from roles import permissions

        return self.filter(permissions.contact_visibility(user, prefix="contact__"))


class ContactItem(models.Model):
    """One question, problem, complaint or piece of information and advice
    of a contact, with its theme and the kind of agency it is about."""

    contact = models.ForeignKey(
        ContactMoment,
        verbose_name=_("contactmoment"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    kind = models.CharField(_("soort"), max_length=20, choices=ItemKind.choices)
    theme = models.CharField(_("thema"), max_length=30, choices=ContactTheme.choices)
    agency_kind = models.CharField(
        _("over welke instantie"),
        max_length=30,
        choices=AgencyKind.choices,
        default=AgencyKind.NONE,
    )

    objects = ContactItemQuerySet.as_manager()
    history = keep_history()

    class Meta:
        verbose_name = _("onderdeel van een contact")
        verbose_name_plural = _("onderdelen van contacten")
        ordering = ["contact", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_theme_display()}"
