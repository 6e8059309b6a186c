"""A client's file, and the earlier numbers of a file.

A client (a youth or a (foster) parent or guardian who asks for support) is
one organisation's file of that person (R13): the same person supported by the
AKJ and by a client-support organisation has two files, one per organisation,
and nothing is matched, merged or shown across them. Only the organisations in
``CLIENT_FILE_KEEPERS`` keep client files. ``person_key`` recognises the person
inside the organisation and for R9 (``cases.person_key``); it gives no access.
``version`` is raised by every change through a service, so a form loaded at
an older version is refused instead of overwriting (optimistic locking). The
database holds an institution only for a client who lives in one.

``ClientAlias`` keeps the old number of a file copied for another organisation
when one shared record was split per organisation (R13): the access log keeps
the old number (its rows are hash-chained), and "who looked at my file" and the
inzage follow the alias.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Organisation

from ..querysets import ClientQuerySet
from .history import keep_history

#: The organisations that keep client files of their own (R13): the AKJ, the
#: client-support organisations, and a municipality (its applicants, R9).
CLIENT_FILE_KEEPERS = {
    "kind__in": [
        Organisation.Kind.AKJ,
        Organisation.Kind.CLIENT_SUPPORT,
        Organisation.Kind.MUNICIPALITY,
    ]
}


class Client(models.Model):
    """A youth or a (foster) parent or guardian who asks for support, as one
    organisation's file of them (R13).

    The same person supported by the AKJ and by a client-support organisation
    has two files, one per organisation; nothing is matched, merged or shown
    across them. ``person_key`` recognises the person inside the organisation
    and for R9 (``cases.person_key``); it gives no access.
    """

    class Channel(models.TextChoices):
        """How the client wants to be reached."""

        PHONE = "phone", _("Bellen")
        TEXT = "text", _("Sms of WhatsApp")
        EMAIL = "email", _("E-mail")
        LETTER = "letter", _("Brief")

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
    # How to reach the client, and how not: some youths must not be called,
    # texted or written to at home (safety). Shown as a warning wherever
    # someone would contact the client (web/partials/contact_warning.html).
    phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    address = models.CharField(_("adres"), max_length=300, blank=True)
    preferred_channel = models.CharField(
        _("voorkeur voor contact"), max_length=10, choices=Channel.choices, blank=True
    )
    may_call = models.BooleanField(_("mag gebeld worden"), default=True)
    may_text = models.BooleanField(_("mag een sms of WhatsApp krijgen"), default=True)
    may_write = models.BooleanField(_("mag post krijgen op dit adres"), default=True)
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
        return reverse("web:client_detail", args=[self.pk])

    @property
    def contact_restrictions(self) -> list[str]:
        """What must not be done to reach the client, in words (a warning)."""
        return [
            str(text)
            for allowed, text in (
                (self.may_call, _("Niet bellen.")),
                (self.may_text, _("Geen sms of WhatsApp sturen.")),
                (self.may_write, _("Geen post sturen naar het adres.")),
            )
            if not allowed
        ]

    def age_on(self, day: datetime.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


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
