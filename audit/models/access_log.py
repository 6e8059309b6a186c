"""The access log (NEN 7513 style): who did what with which client's data,
when, on whose behalf, for what purpose and from where.

The log is append-only and hash-chained: rows are written only by
``audit.log`` and never changed or removed, and each row
carries the hash of the previous one, so that an altered or removed row breaks
the chain (``manage.py verify_access_log``); two rows can never follow the same
predecessor. ``OBJECT_LABELS`` says in words what a row's ``object_type`` means.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..querysets import AccessLogQuerySet, AppendOnlyError

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

    The log is append-only: rows are written only by ``audit.log`` and
    never changed or removed — the queryset refuses ``update()``/``delete()``,
    ``save()`` of an existing row and ``delete()`` raise, and on PostgreSQL a
    trigger refuses UPDATE and DELETE. Each row carries the hash of the
    previous row (``previous_hash``) and its own ``hash`` over its fields and
    that previous hash, so that an altered or removed row breaks the chain
    (``manage.py verify_access_log``, ``audit.chain``).
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
    # By label: audit imports no module of cases (cases calls audit).
    client = models.ForeignKey(
        "cases.Client",
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
        # The table the model had in ``cases``: moving it changed no row.
        db_table = "cases_accesslogentry"
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
