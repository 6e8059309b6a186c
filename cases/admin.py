"""The admin for clients, cases and their parts, for superusers and functional
administrators (staff in the group "Functioneel beheerder").

The admin looks at the data; the work itself goes through the services.

* Nothing is deleted here: there is no delete permission and no "delete
  selected" action. Caseworkers never hard-delete; retention is a deliberate,
  logged job.
* Statuses, and what a service sets together with them, are read-only. Rows
  that a service creates (a client with their first case, a case, its
  complaint, a meeting, a note, a conflict of interests) are not added here,
  because the service enforces the rules and writes the case history.
* A note's text is never shown, searched or filtered on, to anyone (R2),
  also not in the note's history.
* The tracked models show their history (django-simple-history) read only:
  a version is never reverted or edited here, and a change made here is
  recorded with the administrator's name and the reason "admin".
* An administrator without the permission to view clients (a functional
  administrator) sees a client as a number, never by name (R2).

``roles.admin`` adds the assignments and the derived permission rows to the
case and client pages (imports flow from roles to cases, not back).
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_mixins import NoDeleteMixin, ReadOnlyMixin
from accounts.models import Organisation

from .models import (
    Application,
    Care,
    CaseEvent,
    Client,
    Complaint,
    ConflictingInterest,
    Family,
    FamilyMembership,
    LinkRequest,
    Meeting,
    Note,
    SupportCase,
)

# --- building blocks, also used by roles.admin --------------------------------------


def hides_client_data(request: HttpRequest) -> bool:
    """Whether this administrator sees clients (and their network) by number only.

    Only those with the model permission to view clients see names; a
    functional administrator has it not, so no admin page of theirs reveals
    who is a client (R2).
    """
    return not request.user.has_perm("cases.view_client")


def client_number(client_id: int) -> str:
    return gettext("cliënt %(number)s") % {"number": client_id}


def masked_client(client_id: int) -> Client:
    """An unsaved stand-in that renders as "cliënt 12" in titles and fields."""
    return Client(pk=client_id, first_name=gettext("cliënt"), last_name=str(client_id))


class ClientPrivacyMixin:
    """Replaces columns and fields that name a client (or someone of the
    client's network) by their number, for administrators who may not view
    clients; and masks the same people on change pages, titles included."""

    #: column or field name → the admin method that shows a number instead
    private_columns: dict[str, str] = {}

    def _swap(self, request: HttpRequest, names: Any) -> Any:
        if not hides_client_data(request):
            return names
        return [self.private_columns.get(name, name) for name in names]

    def get_list_display(self, request: HttpRequest) -> Any:
        return self._swap(request, super().get_list_display(request))

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return self._swap(request, super().get_fields(request, obj))

    def get_readonly_fields(
        self, request: HttpRequest, obj: Model | None = None
    ) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly + tuple(self.private_columns.values())

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Model | None:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and hides_client_data(request):
            self.mask_private(obj)
        return obj

    def mask_private(self, obj: Model) -> None:
        """Replace, in memory only, the related objects that name a client."""


class HistoryAdmin(SimpleHistoryAdmin):
    """A tracked model's admin with its history, read only: no revert, no
    editing of a version, and fields in ``history_hidden_fields`` (a note's
    text) appear in no comparison of versions."""

    history_hidden_fields: tuple[str, ...] = ()
    #: Fields that hold what a client brought (a case's title): shown to
    #: superusers only, not on the form nor in the history (R2).
    content_fields: tuple[str, ...] = ()

    def hidden_fields_for(self, request: HttpRequest) -> tuple[str, ...]:
        if request.user.is_superuser:
            return self.history_hidden_fields
        return (*self.history_hidden_fields, *self.content_fields)

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        fields = super().get_fields(request, obj)
        if request.user.is_superuser or not self.content_fields:
            return fields
        return [name for name in fields if name not in self.content_fields]

    def has_change_history_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False

    def revert_disabled(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context=None
    ):
        # Showing a version is a GET; its POST would save the old version back.
        # A version is shown unmasked, so not to those who see clients by number.
        if request.method != "GET" or (
            isinstance(self, ClientPrivacyMixin) and hides_client_data(request)
        ):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(
        self, request: HttpRequest, historical_records, foreign_keys_are_objs=True
    ) -> None:
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current,
                    excluded_fields=list(self.hidden_fields_for(request)),
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    def save_model(self, request: HttpRequest, obj: Model, form, change: bool) -> None:
        obj._change_reason = "admin"
        if change and hasattr(obj, "version"):
            # A caseworker's form loaded before this change is now stale.
            obj.version += 1
        super().save_model(request, obj, form, change)


class CaseworkOrganisationFilter(admin.RelatedFieldListFilter):
    """Only the organisations that handle cases (AKJ, client support)."""

    def field_choices(self, field, request, model_admin):
        return field.get_choices(
            include_blank=False,
            ordering=self.field_admin_ordering(field, request, model_admin),
            limit_choices_to={
                "kind__in": [
                    Organisation.Kind.AKJ,
                    Organisation.Kind.CLIENT_SUPPORT,
                ]
            },
        )


# --- families and clients ---------------------------------------------------------------


class FamilyMembershipInline(NoDeleteMixin, admin.TabularInline):
    model = FamilyMembership
    fields = ("client", "relation")
    autocomplete_fields = ("client",)
    extra = 0
    can_delete = False


@admin.register(Family)
class FamilyAdmin(NoDeleteMixin, HistoryAdmin):
    list_display = ("name", "organisation", "created_at")
    list_filter = (("organisation", CaseworkOrganisationFilter),)
    search_fields = ("name",)
    # A family is one organisation's record (R13): it never moves.
    readonly_fields = ("organisation", "created_at")
    inlines = (FamilyMembershipInline,)
    show_full_result_count = False


@admin.register(Client)
class ClientAdmin(NoDeleteMixin, HistoryAdmin):
    """Correcting a client's data. A client is registered together with the
    case they came with (``client_register``), never on their own here."""

    list_display = (
        "last_name",
        "first_name",
        "date_of_birth",
        "kind",
        "organisation",
        "municipality",
        "lives_in_institution",
        "created_at",
    )
    list_filter = (
        ("organisation", CaseworkOrganisationFilter),
        "municipality",
        "kind",
        "lives_in_institution",
    )
    # A date searched as 01-02-2010 (or 2010-02-01) matches the date of birth;
    # other words only the names.
    search_fields = ("last_name", "first_name", "date_of_birth__exact")
    list_select_related = ("organisation", "municipality")
    autocomplete_fields = ("municipality", "institution")
    # The file is one organisation's (R13): it never moves to another.
    readonly_fields = ("organisation", "created_at")
    show_full_result_count = False
    view_on_site = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(LinkRequest)
class LinkRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Registrations that matched a known file (R13), decided by a team lead
    through ``link_request_decide``. What the caseworker typed is not shown."""

    list_display = ("requested_at", "organisation", "team", "kind", "status")
    list_filter = ("status", "kind")
    fields = (
        "organisation",
        "team",
        "kind",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "reason",
        "case",
    )
    list_select_related = ("organisation", "team")
    show_full_result_count = False


@admin.register(FamilyMembership)
class FamilyMembershipAdmin(NoDeleteMixin, HistoryAdmin):
    list_display = ("family", "client", "relation")
    search_fields = ("family__name", "client__last_name", "client__first_name")
    list_select_related = ("family", "client")
    autocomplete_fields = ("family", "client")
    show_full_result_count = False


@admin.register(ConflictingInterest)
class ConflictingInterestAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Recorded through ``conflict_record`` (same family, one row per pair, R4);
    only the explanation can be corrected here."""

    list_display = ("family", "client_a", "client_b", "recorded_by", "recorded_at")
    search_fields = ("family__name", "client_a__last_name", "client_b__last_name")
    list_select_related = ("family", "client_a", "client_b", "recorded_by")
    fields = (
        "family",
        "client_a",
        "client_b",
        "description",
        "recorded_by",
        "recorded_at",
    )
    readonly_fields = (
        "family",
        "client_a",
        "client_b",
        "recorded_by",
        "recorded_at",
    )
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Care)
class CareAdmin(NoDeleteMixin, HistoryAdmin):
    list_display = (
        "client",
        "kind",
        "provider",
        "residential",
        "started_on",
        "ended_on",
    )
    list_filter = ("kind", "residential")
    search_fields = ("client__last_name", "client__first_name", "provider__name")
    list_select_related = ("client", "provider")
    autocomplete_fields = ("client", "provider")
    date_hierarchy = "started_on"
    show_full_result_count = False


@admin.register(Application)
class ApplicationAdmin(NoDeleteMixin, HistoryAdmin):
    """The decision and the decider are set by ``application_decide`` and
    ``application_assign_decider``, which keep support and deciding apart (R9)."""

    list_display = (
        "client",
        "municipality",
        "care_kind",
        "submitted_on",
        "decision",
        "decider",
        "decided_on",
    )
    list_filter = ("decision", "care_kind", "municipality")
    search_fields = ("client__last_name", "client__first_name")
    list_select_related = ("client", "municipality", "decider")
    autocomplete_fields = ("client", "municipality")
    readonly_fields = ("decider", "decision", "decided_on", "decision_reason")
    date_hierarchy = "submitted_on"
    show_full_result_count = False
    view_on_site = False


# --- cases ----------------------------------------------------------------------------------


@admin.register(SupportCase)
class SupportCaseAdmin(ClientPrivacyMixin, NoDeleteMixin, HistoryAdmin):
    """A case's metadata. Cases are opened by the services (which assign the
    opener and derive the permissions), the status moves only through
    ``case_set_status``/``case_close``, and the content (notes) is not here."""

    list_display = (
        "reference",
        "client",
        "kind",
        "status",
        "organisation",
        "opened_at",
        "closed_at",
        "outcome",
    )
    private_columns = {"client": "client_number"}
    list_filter = (
        "status",
        "kind",
        ("organisation", CaseworkOrganisationFilter),
        "outcome",
    )
    search_fields = ("reference",)
    list_select_related = ("client", "organisation")
    date_hierarchy = "opened_at"
    show_full_result_count = False
    fields = (
        "reference",
        "client",
        "organisation",
        "team",
        "kind",
        "subject",
        "provider",
        "title",
        "status",
        "opened_at",
        "opened_by",
        "closed_at",
        "outcome",
    )
    # The client and organisation decide who may see the case, the kind which
    # role may support it (R1): changing them by hand would bypass the services.
    readonly_fields = (
        "reference",
        "client",
        "organisation",
        # Only a logged handover moves a case to another team (R13).
        "team",
        "kind",
        "status",
        "opened_at",
        "opened_by",
        "closed_at",
        "outcome",
    )
    autocomplete_fields = ("provider",)
    view_on_site = False
    # The title is the client's question in a few words.
    content_fields = ("title",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("cliënt"), ordering="client")
    def client_number(self, obj: SupportCase) -> str:
        return client_number(obj.client_id)

    def mask_private(self, obj: SupportCase) -> None:
        obj.client = masked_client(obj.client_id)


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The case history is written by the services and never edited."""

    list_display = ("at", "case", "kind", "actor", "from_value", "to_value", "detail")
    list_filter = ("kind",)
    search_fields = ("case__reference",)
    list_select_related = ("case", "actor")
    date_hierarchy = "at"
    ordering = ("-at", "-pk")
    show_full_result_count = False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyMixin, HistoryAdmin):
    """A complaint is created with its case and moves through its stages only
    via ``complaint_advance`` (R3), which sets the dates with the stage."""

    list_display = (
        "case",
        "stage",
        "submitted_to",
        "submitted_on",
        "handling_started_on",
        "decided_on",
        "withdrawn_on",
    )
    list_filter = ("stage",)
    search_fields = ("case__reference",)
    list_select_related = ("case",)
    show_full_result_count = False


@admin.register(Meeting)
class MeetingAdmin(NoDeleteMixin, HistoryAdmin):
    """Meetings are planned through ``meeting_plan``; the kind decides who may
    attend (R5) and so is read-only, like the status."""

    list_display = ("starts_at", "case", "kind", "status", "provider")
    list_filter = ("kind", "status")
    search_fields = ("case__reference", "provider__name")
    list_select_related = ("case", "provider")
    autocomplete_fields = ("provider",)
    readonly_fields = ("case", "kind", "status", "planned_by", "created_at")
    date_hierarchy = "starts_at"
    show_full_result_count = False
    view_on_site = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Note)
class NoteAdmin(ReadOnlyMixin, HistoryAdmin):
    """A note's metadata only: which case, who, when. The text is under the
    confidant's duty of confidentiality (R2): it is not shown, searched,
    filtered on or even loaded here, for anyone."""

    fields = ("case", "author", "created_at", "corrected_at", "withdrawn_at")
    exclude = ("text",)
    readonly_fields = ("case", "author", "created_at", "corrected_at", "withdrawn_at")
    history_hidden_fields = ("text", "correction_reason", "withdrawal_reason")
    list_display = ("case_reference", "author", "created_at")
    search_fields = ("case__reference",)
    list_select_related = ("case", "author")
    date_hierarchy = "created_at"
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).defer("text")

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        return (
            super()
            .get_history_queryset(request, history_manager, pk_name, object_id)
            .defer(*self.history_hidden_fields)
        )

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        # Lookups on a model's own fields are allowed by default, so
        # ?text__contains=… would tell by the count what a note says.
        if lookup.split(LOOKUP_SEP)[0] == "text":
            return False
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("zaak"), ordering="case__reference")
    def case_reference(self, obj: Note) -> str:
        return obj.case.reference


# The task queue (django-tasks-db) holds no client data, only which task ran
# when; it is the operators' concern (`db_worker` logs,
# `prune_db_task_results`), not the administrators', so it stays out of the admin.
with contextlib.suppress(admin.sites.NotRegistered):
    from django_tasks_db.models import DBTaskResult

    admin.site.unregister(DBTaskResult)
