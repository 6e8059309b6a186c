"""Support assignments, informal supporters, meeting attendance, consent, and
the object-permission tables that ``roles.permissions`` derives from assignments.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models import Client, Meeting, SupportCase, keep_history

from .policy import RefusalGround, SupportRole

_PROFESSIONAL = [SupportRole.AKJ_CONFIDANT, SupportRole.CLIENT_SUPPORTER]


def _permissions():
    from . import permissions

    return permissions


class ClientPartQuerySet(models.QuerySet):
    """Rows that are part of a client's file (informal supporters)."""

    def visible_to(self, user) -> ClientPartQuerySet:
        return self.filter(_permissions().client_part_visibility(user))


class ConsentQuerySet(models.QuerySet):
    def visible_to(self, user) -> ConsentQuerySet:
        """Consents of the clients the user sees; one about a meeting only for
        who may read that meeting (R2, R11)."""
        return self.filter(_permissions().consent_visibility(user))


class CasePartQuerySet(models.QuerySet):
    """Rows about a case's support (assignments; attendance through its
    meeting: ``case_path``)."""

    case_path = "case"

    def visible_to(self, user) -> CasePartQuerySet:
        return self.filter(_permissions().case_part_visibility(user, self.case_path))


class AttendanceQuerySet(CasePartQuerySet):
    case_path = "meeting__case"


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReferralQuerySet:
        """Who knows of a referral (R13): whoever sees the client's file it
        was sent from or the file it became, and the team leads of the
        receiving organisation (who see what it is, not what it holds)."""
        return self.filter(_permissions().referral_visibility(user))


class InformalSupporter(models.Model):
    """Someone from the client's own network. Not a user, no right to
    information about the client (R11)."""

    client = models.ForeignKey(
        Client,
        verbose_name=_("cliënt"),
        on_delete=models.PROTECT,
        related_name="informal_supporters",
    )
    name = models.CharField(_("naam"), max_length=200)
    relation = models.CharField(
        _("relatie tot de cliënt"), max_length=100, help_text=_("Bijv. tante, buurman")
    )
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)

    objects = ClientPartQuerySet.as_manager()
    history = keep_history()

    class Meta:
        verbose_name = _("informele ondersteuner")
        verbose_name_plural = _("informele ondersteuners")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class Assignment(models.Model):
    """Who supports a client in a case, in which role (R1), from when to when."""

    class EndReason(models.TextChoices):
        CASE_CLOSED = "case_closed", _("Zaak afgesloten")
        ENDED = "ended", _("Ondersteuning beëindigd")
        HANDED_OVER = "handed_over", _("Overgedragen aan een collega")

    case = models.ForeignKey(
        SupportCase,
        verbose_name=_("zaak"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("rol"), max_length=20, choices=SupportRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ondersteuner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    informal_supporter = models.ForeignKey(
        InformalSupporter,
        verbose_name=_("informele ondersteuner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    at_clients_request = models.BooleanField(
        _("op verzoek van de cliënt"), default=False
    )
    started_at = models.DateTimeField(_("gestart op"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gestart door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("beëindigd op"), null=True, blank=True)
    end_reason = models.CharField(
        _("reden einde"), max_length=20, choices=EndReason.choices, blank=True
    )

    objects = CasePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("ondersteuningstoewijzing")
        verbose_name_plural = _("ondersteuningstoewijzingen")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(
                fields=["user", "case"],
                name="assignment_active_user_idx",
                condition=Q(ended_at__isnull=True),
            ),
        ]
        constraints = [
            # R1/R11: professionals are users; informal supporters never are.
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=_PROFESSIONAL,
                        user__isnull=False,
                        informal_supporter__isnull=True,
                    )
                    | Q(
                        role=SupportRole.INFORMAL_SUPPORTER,
                        user__isnull=True,
                        informal_supporter__isnull=False,
                    )
                ),
                name="assignment_holder_matches_role",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, end_reason="")
                | (Q(ended_at__isnull=False) & ~Q(end_reason="")),
                name="assignment_end_has_reason",
            ),
            # One active professional per role per case: a handover ends one first.
            models.UniqueConstraint(
                fields=["case", "role"],
                condition=Q(ended_at__isnull=True, role__in=_PROFESSIONAL),
                name="assignment_one_active_professional_per_role",
                violation_error_message=_(
                    "Deze zaak heeft al een actieve ondersteuner in deze rol."
                ),
            ),
            models.UniqueConstraint(
                fields=["case", "informal_supporter"],
                condition=Q(ended_at__isnull=True, informal_supporter__isnull=False),
                name="assignment_one_active_per_informal_supporter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder} – {self.get_role_display()} ({self.case.reference})"

    @property
    def holder(self) -> object:
        return self.user or self.informal_supporter

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class Attendance(models.Model):
    """A supporter's attendance at a meeting, and its refusal (R5, R12)."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Uitgenodigd")
        REFUSED = "refused", _("Geweigerd")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("gesprek"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("ondersteuner"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    requested_by_client = models.BooleanField(
        _("op verzoek van de cliënt"), default=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastgelegd door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)
    refusal_ground = models.CharField(
        _("grond voor weigering"),
        max_length=30,
        choices=RefusalGround.choices,
        blank=True,
    )
    refusal_explanation = models.TextField(_("toelichting op de weigering"), blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geweigerd door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    refused_at = models.DateTimeField(_("geweigerd op"), null=True, blank=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("aanwezigheden")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "assignment"], name="attendance_once_per_meeting"
            ),
            # R12: a refusal records ground, explanation, who and when.
            models.CheckConstraint(
                condition=Q(
                    status="invited",
                    refusal_ground="",
                    refusal_explanation="",
                    refused_by__isnull=True,
                    refused_at__isnull=True,
                )
                | (
                    Q(
                        status="refused",
                        refused_by__isnull=False,
                        refused_at__isnull=False,
                    )
                    & ~Q(refusal_ground="")
                    & ~Q(refusal_explanation="")
                ),
                name="attendance_refusal_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment.holder} @ {self.meeting}"


class Consent(models.Model):
    """The client's consent to give one item to an informal supporter (R11)."""

    class Item(models.TextChoices):
        MEETING_INVITATION = "meeting_invitation", _("Uitnodiging voor een gesprek")
        MEETING_SUMMARY = "meeting_summary", _("Verslag van een gesprek")
        DOCUMENT = "document", _("Document")

    client = models.ForeignKey(
        Client,
        verbose_name=_("cliënt"),
        on_delete=models.PROTECT,
        related_name="consents",
    )
    informal_supporter = models.ForeignKey(
        InformalSupporter,
        verbose_name=_("informele ondersteuner"),
        on_delete=models.PROTECT,
        related_name="consents",
    )
    item = models.CharField(_("wat"), max_length=30, choices=Item.choices)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("gesprek"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
    )
    description = models.CharField(_("omschrijving"), max_length=300, blank=True)
    given_on = models.DateField(_("gegeven op"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastgelegd door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_on = models.DateField(_("ingetrokken op"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()
    history = keep_history()

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_item_display()} → {self.informal_supporter}"


# Direct foreign-key object permission tables (django-guardian), written only by
# ``roles.permissions``. A join on these is what ``visible_to`` costs.
class ClientUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="user_perms"
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("objectrecht op cliënt")
        verbose_name_plural = _("objectrechten op cliënten")


class ClientGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="group_perms"
    )

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("groepsrecht op cliënt")
        verbose_name_plural = _("groepsrechten op cliënten")


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(
        SupportCase, on_delete=models.CASCADE, related_name="user_perms"
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("objectrecht op zaak")
        verbose_name_plural = _("objectrechten op zaken")


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(
        SupportCase, on_delete=models.CASCADE, related_name="group_perms"
    )

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("groepsrecht op zaak")
        verbose_name_plural = _("groepsrechten op zaken")


class SharedItem(models.Model):
    """An item given to an informal supporter, under the client's consent for
    it (R11): what, to whom, by whom and when. Withdrawing the consent stops
    future sharing; what was shared stays recorded."""

    consent = models.ForeignKey(
        Consent,
        verbose_name=_("toestemming"),
        on_delete=models.PROTECT,
        related_name="shared_items",
    )
    client = models.ForeignKey(
        Client,
        verbose_name=_("cliënt"),
        on_delete=models.PROTECT,
        related_name="shared_items",
    )
    informal_supporter = models.ForeignKey(
        InformalSupporter,
        verbose_name=_("informele ondersteuner"),
        on_delete=models.PROTECT,
        related_name="shared_items",
    )
    item = models.CharField(_("wat"), max_length=30, choices=Consent.Item.choices)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("gesprek"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shared_items",
    )
    description = models.CharField(_("omschrijving"), max_length=300, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gedeeld door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    shared_at = models.DateTimeField(_("gedeeld op"), default=timezone.now)

    # What was given to whom is part of the client's file; an item of a
    # meeting only for who may read that meeting, as its consent (R2, R11).
    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("gedeeld item")
        verbose_name_plural = _("gedeelde items")
        ordering = ["-shared_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_item_display()} → {self.informal_supporter}"


class EmergencyAccessQuerySet(models.QuerySet):
    def running(self, now: datetime.datetime | None = None) -> EmergencyAccessQuerySet:
        """Emergency accesses that give access at ``now``: not ended and not
        expired. Expiry is a moment, not a job: at ``expires_at`` this filter
        stops matching."""
        return self.filter(ended_at__isnull=True, expires_at__gt=now or timezone.now())

    def visible_to(self, user) -> EmergencyAccessQuerySet:
        """The emergency accesses a user may know of (``roles.permissions``)."""
        from .permissions import emergency_access_visibility

        return self.filter(emergency_access_visibility(user))


class EmergencyAccess(models.Model):
    """A team lead's time-limited, read-only access to one case's content with
    a stated reason ("break the glass", R2).

    It is logged in the access log, shown to the case's supporter and reviewed
    by the privacy officer. It gives nothing by itself: ``roles.permissions``
    reads the running rows (not ended, not expired) when it decides what a team
    lead sees, so the access ends exactly at ``expires_at`` without a job.
    ``ended_at`` is set when the team lead ends it early, or, for a grant that
    simply expired, to ``expires_at`` when the same team lead opens the same
    case again.
    """

    case = models.ForeignKey(
        SupportCase,
        verbose_name=_("zaak"),
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
    )
    granted_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teamleider"),
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
    )
    reason = models.TextField(_("reden"))
    started_at = models.DateTimeField(_("gestart op"), default=timezone.now)
    expires_at = models.DateTimeField(_("loopt af op"))
    ended_at = models.DateTimeField(_("beëindigd op"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beoordeeld door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("beoordeeld op"), null=True, blank=True)
    review_note = models.TextField(_("beoordeling"), blank=True)

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("noodtoegang")
        verbose_name_plural = _("noodtoegangen")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(
                fields=["granted_to", "case"],
                name="emergency_open_user_idx",
                condition=Q(ended_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("started_at")),
                name="emergency_expires_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True)
                | Q(ended_at__gte=models.F("started_at")),
                name="emergency_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="emergency_has_reason",
            ),
            # A review records who, when and what, or nothing at all.
            models.CheckConstraint(
                condition=Q(
                    reviewed_by__isnull=True, reviewed_at__isnull=True, review_note=""
                )
                | (
                    Q(reviewed_by__isnull=False, reviewed_at__isnull=False)
                    & ~Q(review_note="")
                ),
                name="emergency_review_complete",
            ),
            # One open emergency access per case and team lead. "Open" is
            # ended_at IS NULL: an expired grant is closed (ended_at =
            # expires_at) before the next one starts.
            models.UniqueConstraint(
                fields=["case", "granted_to"],
                condition=Q(ended_at__isnull=True),
                name="emergency_one_open_per_case_user",
                violation_error_message=_("U heeft al noodtoegang tot deze zaak."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.granted_to} – {self.case.reference}"

    def is_running(self, now: datetime.datetime | None = None) -> bool:
        """Whether this access gives access at ``now``."""
        return self.ended_at is None and self.expires_at > (now or timezone.now())

    @property
    def running(self) -> bool:
        return self.is_running()

    @property
    def ends_at(self) -> datetime.datetime:
        """When the access ended or ends: early, or at its expiry."""
        return min(self.ended_at, self.expires_at) if self.ended_at else self.expires_at

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None


class Referral(models.Model):
    """A referral (warme overdracht) of a client to another organisation (R13).

    Support moves between organisations only this way, never by a shared
    record: with the client's consent for exactly the items passed on, the
    sending caseworker sends it; what those items hold is copied at that
    moment (``payload``), and the receiving organisation gets a new client
    file with only that copy when one of its team leads accepts it and
    assigns a caseworker. Both sides are logged, and both clients' inzage
    shows it. A declined referral keeps no copy.
    """

    class Item(models.TextChoices):
        IDENTITY = "identity", _("Persoonsgegevens (naam, geboortedatum, gemeente)")
        CARE = "care", _("De hulp die de cliënt krijgt of kreeg")
        FAMILY = "family", _("Het gezin en de gezinsleden")
        INFORMAL_SUPPORTERS = (
            "informal_supporters",
            _("Informele ondersteuners en hun contactgegevens"),
        )

    class Status(models.TextChoices):
        SENT = "sent", _("Verstuurd")
        ACCEPTED = "accepted", _("Aangenomen")
        DECLINED = "declined", _("Afgewezen")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.SENT: frozenset({Status.ACCEPTED, Status.DECLINED}),
        Status.ACCEPTED: frozenset(),
        Status.DECLINED: frozenset(),
    }

    reference = models.CharField(
        _("kenmerk"), max_length=20, unique=True, editable=False
    )
    from_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("van organisatie"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    to_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("naar organisatie"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    source_client = models.ForeignKey(
        Client,
        verbose_name=_("cliënt"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    source_case = models.ForeignKey(
        SupportCase,
        verbose_name=_("zaak"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals_sent",
    )
    items = models.JSONField(_("onderdelen"), default=list)
    consent_given_on = models.DateField(_("toestemming van de cliënt op"))
    message = models.TextField(
        _("bericht"),
        help_text=_(
            "Wat de ontvangende organisatie moet weten, met de cliënt besproken."
        ),
    )
    payload = models.JSONField(_("overgedragen gegevens"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SENT
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verstuurd door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("verstuurd op"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beslist door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("beslist op"), null=True, blank=True)
    decline_reason = models.CharField(_("reden afwijzing"), max_length=300, blank=True)
    target_client = models.ForeignKey(
        Client,
        verbose_name=_("nieuw dossier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
    )
    target_case = models.ForeignKey(
        SupportCase,
        verbose_name=_("nieuwe zaak"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals_received",
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("doorverwijzing")
        verbose_name_plural = _("doorverwijzingen")
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(
                fields=["to_organisation", "sent_at"],
                name="referral_inbox_idx",
                condition=Q(status="sent"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_organisation=models.F("to_organisation")),
                name="referral_to_another_organisation",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", decided_at__isnull=True)
                | (~Q(status="sent") & Q(decided_at__isnull=False)),
                name="referral_decision_complete",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(target_client__isnull=False),
                name="referral_accepted_has_file",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("web:referral_detail", args=[self.pk])

    @property
    def item_labels(self) -> list[str]:
        return [
            str(self.Item(code).label)
            for code in self.items
            if code in self.Item.values
        ]
