"""A confidant's proactive visits to youths in youth-care institutions (R7).

Visits are recorded per institution and group, as counts and themes
(``OutreachTheme``) only: no names. A confidant sees the own visits, a team lead
those of the teams they lead (R7, R13). A case opened from a visit is linked to
it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Organisation, Team, User

from .history import keep_history
from .support_cases import SupportCase


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
    history = keep_history()

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
        return reverse("web:outreach_detail", args=[self.pk])

    @property
    def theme_labels(self) -> list[str]:
        return [
            str(OutreachTheme(code).label)
            for code in self.themes
            if code in OutreachTheme.values
        ]
