"""Users, the organisations they work for, and municipalities.

A user's *professional role* says what kind of work they do; what they may see
of clients and cases follows from support assignments (see ``roles``), never
from the role alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import ManyRelatedManager


class Municipality(models.Model):
    """A Dutch municipality (gemeente), identified by its CBS code (``GM0363``)."""

    name = models.CharField(_("naam"), max_length=100, unique=True)
    cbs_code = models.CharField(
        _("CBS-code"),
        max_length=6,
        unique=True,
        validators=[
            RegexValidator(
                r"^GM\d{4}$", _("Een CBS-code is GM gevolgd door 4 cijfers.")
            )
        ],
        help_text=_("Bijvoorbeeld GM0363 voor Amsterdam."),
    )

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """An organisation that users work for, or that gives care."""

    class Kind(models.TextChoices):
        AKJ = "akj", _("AKJ (vertrouwenspersonen)")
        CLIENT_SUPPORT = "client_support", _("Cliëntondersteuning")
        MUNICIPALITY = "municipality", _("Gemeente")
        CARE_PROVIDER = "care_provider", _("Jeugdhulpaanbieder")

    class ProviderKind(models.TextChoices):
        """What kind of care provider; the municipal report counts per kind."""

        AMBULANT = "ambulant", _("Jeugdhulp zonder verblijf")
        RESIDENTIAL = "residential", _("Jeugdhulp met verblijf")
        CERTIFIED = "certified", _("Gecertificeerde instelling")
        MENTAL_HEALTH = "mental_health", _("Jeugd-ggz")
        FOSTER_CARE = "foster_care", _("Pleegzorg")
        OTHER = "other", _("Overige aanbieder")

    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("Voor een gemeentelijke organisatie: de gemeente zelf."),
    )
    provider_kind = models.CharField(
        _("soort aanbieder"),
        max_length=20,
        choices=ProviderKind.choices,
        blank=True,
        help_text=_("Voor een jeugdhulpaanbieder: wat voor aanbieder het is."),
    )
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "kind"], name="organisation_unique_name"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="municipality")
                | models.Q(municipality__isnull=False),
                name="organisation_municipality_has_gemeente",
                violation_error_message=_(
                    "Een gemeentelijke organisatie hoort bij een gemeente."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team (e.g. an AKJ region) inside one organisation (R13).

    Each caseworker belongs to one team; a team lead leads one or more teams
    and sees the caseload of those teams only. A case keeps the team of the
    caseworker who opened it; only a logged handover moves it.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="teams",
    )
    name = models.CharField(_("naam"), max_length=100, help_text=_("Bijv. Regio Noord"))
    leads: models.ManyToManyField[User, Any] = models.ManyToManyField(
        "User",
        verbose_name=_("teamleiders"),
        related_name="led_teams",
        blank=True,
        help_text=_("De teamleiders die de caseload van dit team zien."),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="team_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


#: The professional roles whose holders support clients and so work in a team
#: (the ``caseworker`` column of ``ROLE_TRAITS``, spelled out here because the
#: constraint below needs it before ``User`` exists; a test keeps them equal).
CASEWORKER_ROLES = ("akj_confidant", "client_supporter")


class User(AbstractUser):
    """A person who logs in to Naast: a caseworker, a team lead, a decision-maker
    or an administrator. Informal supporters are never users (R11)."""

    class Role(models.TextChoices):
        AKJ_CONFIDANT = "akj_confidant", _("Vertrouwenspersoon (AKJ)")
        CLIENT_SUPPORTER = "client_supporter", _("Cliëntondersteuner")
        TEAM_LEAD = "team_lead", _("Teamleider")
        DECISION_MAKER = "decision_maker", _("Beslisser (gemeente)")
        FUNCTIONAL_ADMIN = "functional_admin", _("Functioneel beheerder")
        PRIVACY_OFFICER = "privacy_officer", _("Privacyfunctionaris")
        CONTRACT_MANAGER = "contract_manager", _("Contractmanager gemeente")

    if TYPE_CHECKING:
        # The reverse side of Team.leads, which the type checker does not see.
        led_teams: ManyRelatedManager[Team, Any]

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    role = models.CharField(
        _("functie"), max_length=20, choices=Role.choices, blank=True, default=""
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text=_(
            "Elke vertrouwenspersoon en cliëntondersteuner hoort bij één team van "
            "de eigen organisatie."
        ),
    )
    expertise = models.TextField(
        _("deskundigheid"),
        blank=True,
        help_text=_(
            "Vastgelegd, niet vereist: er is geen diploma-eis voor "
            "cliëntondersteuners buiten de gemeentelijke kwaliteitsregels (R10)."
        ),
    )

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=CASEWORKER_ROLES)
                | models.Q(team__isnull=False),
                name="caseworker_has_team",
                violation_error_message=_(
                    "Een vertrouwenspersoon of cliëntondersteuner hoort bij een team."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if (
            self.team_id is not None
            and self.team.organisation_id != self.organisation_id  # type: ignore[union-attr]  # team_id is set
        ):
            raise ValidationError(
                {"team": _("Kies een team van de organisatie van deze gebruiker.")}
            )

    @property
    def is_caseworker(self) -> bool:
        return self.role in CASEWORKER_ROLES

    @property
    def is_contract_manager(self) -> bool:
        """Reads the anonymous report of their own municipality only."""
        return self.is_active and self.role == self.Role.CONTRACT_MANAGER

    @property
    def is_privacy_officer(self) -> bool:
        """Reads the access log; sees no case content (NEN 7513)."""
        return self.is_active and self.role == self.Role.PRIVACY_OFFICER


@dataclass(frozen=True)
class RoleTraits:
    """What the layers below the policy need to know of a professional role.

    What a role may *do* is in ``roles.policy`` (``POLICY`` for the support
    roles, ``CAPABILITIES`` for pages and page-level work); this is what
    ``accounts`` and the access log need without asking ``roles``."""

    #: Supports clients, and so belongs to a team (``CASEWORKER_ROLES``).
    caseworker: bool = False
    #: Only a superuser gives or takes it (``accounts.admin.PRIVILEGED_ROLES``).
    privileged: bool = False
    #: The group its holders are in (``roles/migrations/0002_groups.py``).
    group: str | None = None
    #: The purpose the access log records for a read by this role
    #: (``cases.access_log.PURPOSES``); ``None``: the role reads no client file.
    purpose: str | None = None


#: Every professional role (``User.Role``). A new role needs a row here (a
#: test says so), and its capabilities in ``roles.policy.CAPABILITIES``.
ROLE_TRAITS: dict[str, RoleTraits] = {
    User.Role.AKJ_CONFIDANT: RoleTraits(caseworker=True, purpose="ondersteuning"),
    User.Role.CLIENT_SUPPORTER: RoleTraits(caseworker=True, purpose="ondersteuning"),
    User.Role.TEAM_LEAD: RoleTraits(
        privileged=True, group="Teamleider", purpose="teamleiding"
    ),
    User.Role.DECISION_MAKER: RoleTraits(purpose="beschikking"),
    User.Role.FUNCTIONAL_ADMIN: RoleTraits(
        privileged=True, group="Functioneel beheerder"
    ),
    User.Role.PRIVACY_OFFICER: RoleTraits(privileged=True, purpose="privacytoezicht"),
    User.Role.CONTRACT_MANAGER: RoleTraits(),
}


class AppendOnlyError(Exception):
    """An audit-trail row was to be changed or removed: it never is."""


class UserAuditEventQuerySet(models.QuerySet):
    """Rows are added, never changed or removed, not even in bulk."""

    def update(self, **kwargs):
        raise AppendOnlyError("the user audit trail is append-only")

    def delete(self):
        raise AppendOnlyError("the user audit trail is append-only")

    # The stubs type QuerySet._raw_delete(using); here it refuses like delete().
    _raw_delete = delete  # type: ignore[assignment]

    def in_scope_of(self, user: User) -> UserAuditEventQuerySet:
        """The events a privacy officer answers for (R13): about users of their
        own organisation now, or of it at the time of the event."""
        return self.filter(
            models.Q(subject__organisation_id=user.organisation_id)
            | models.Q(organisation_id=user.organisation_id)
        )


class UserAuditEvent(models.Model):
    """One change of what a user may do: role, organisation, team, staff or
    superuser flag, groups, password, second factor or enrolment code
    (separation of duties, ASVS 8.2). Append-only: a saved row is never
    changed or deleted. Written by ``accounts.audit`` from the models'
    signals, so that every path (admin, commands, pages) is recorded."""

    class Field(models.TextChoices):
        CREATED = "created", _("account aangemaakt")
        ROLE = "role", _("functie")
        ORGANISATION = "organisation", _("organisatie")
        TEAM = "team", _("team")
        EMAIL = "email", _("e-mailadres")
        IS_ACTIVE = "is_active", _("actief")
        IS_STAFF = "is_staff", _("beheerder (staf)")
        IS_SUPERUSER = "is_superuser", _("superuser")
        GROUPS = "groups", _("groepen")
        LED_TEAMS = "led_teams", _("leidt teams")
        PASSWORD = "password", _("wachtwoord")
        SECOND_FACTOR = "second_factor", _("tweede factor")
        ENROLMENT_CODE = "enrolment_code", _("activeringscode")

    at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    # No database constraint and no cascade: the trail outlives the accounts
    # it speaks of, and their names are kept with each row.
    actor = models.ForeignKey(
        User,
        verbose_name=_("door"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leeg: door het systeem (een opdracht of migratie)."),
    )
    actor_name = models.CharField(_("door (naam)"), max_length=150, blank=True)
    subject = models.ForeignKey(
        User,
        verbose_name=_("gebruiker"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="audit_events",
    )
    subject_name = models.CharField(_("gebruiker (naam)"), max_length=150)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "De organisatie van de gebruiker op dat moment (bij een wisseling: "
            "de vorige)."
        ),
    )
    field = models.CharField(_("wat"), max_length=20, choices=Field.choices)
    old_value = models.TextField(_("oude waarde"), blank=True)
    new_value = models.TextField(_("nieuwe waarde"), blank=True)

    objects = UserAuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("wijziging van een gebruiker")
        verbose_name_plural = _("audittrail gebruikers")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subject", "-at"], name="useraudit_subject")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.subject_name} {self.field}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("the user audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the user audit trail is append-only")


class EnrolmentCode(models.Model):
    """The one-time code with which a new account enrols its second factor.

    An administrator who creates an account (or issues a new code) hands it
    out of band; the enrolment page confirms an authenticator only with it, so
    whoever learns the password alone cannot bind their own app to the
    account. Only a keyed hash is stored; the code expires after
    ``NAAST_ENROLMENT_CODE_HOURS``, is used once and is void after
    ``MAX_ATTEMPTS`` wrong tries.
    """

    MAX_ATTEMPTS = 5

    user = models.OneToOneField(
        User,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="enrolment_code",
    )
    code_hash = models.CharField(_("code (versleuteld)"), max_length=128)
    issued_at = models.DateTimeField(_("uitgegeven op"), default=timezone.now)
    issued_by = models.ForeignKey(
        User,
        verbose_name=_("uitgegeven door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("geldig tot"))
    failed_attempts = models.PositiveSmallIntegerField(
        _("onjuiste pogingen"), default=0
    )

    class Meta:
        verbose_name = _("activeringscode")
        verbose_name_plural = _("activeringscodes")

    def __str__(self) -> str:
        return str(_("Activeringscode van %(user)s") % {"user": self.user})
