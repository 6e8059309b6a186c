"""Link requests: a registration that matched a client already known in the
caseworker's own organisation (same person key, R13).

The caseworker is attached to that file only by a logged decision of a team
lead of the caseworker's team, who sees the possible duplicate as case
references, never as a name (``cases.services.link_request_decide``). A request
is pending, with no decision date, or decided along ``LinkRequest.TRANSITIONS``;
until then ``registration`` keeps what the caseworker typed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Team

from ..querysets import LinkRequestQuerySet
from .clients import Client
from .families import Family
from .support_cases import SupportCase


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
        return reverse("web:link_request_detail", args=[self.pk])
