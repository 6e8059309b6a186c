"""The admin for support assignments, attendance, consent, informal supporters
and the object permission tables.

All of it is shown, little of it is written here. Assignments, attendance
(with refusals, R12) and consent (R11) are written by ``roles.services``; the
permission rows are derived from the assignments in ``roles.permissions`` and
never granted by hand, which is why guardian's permission-managing admin is not
used. Administrators can *see* who holds which permission on which object, on
their own pages and on the case and client pages. Nothing is deleted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import NoDeleteMixin, ReadOnlyMixin
from cases import admin as cases_admin
from cases.admin import (
    ClientPrivacyMixin,
    client_number,
    hides_client_data,
    masked_client,
)
from cases.models import Client, Meeting, SupportCase

from .models import (
    Assignment,
    Attendance,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    ClientGroupObjectPermission,
    ClientUserObjectPermission,
    Consent,
    InformalSupporter,
    Referral,
)


def _informal_supporter_number(supporter_id: int) -> str:
    return gettext("informele ondersteuner %(number)s") % {"number": supporter_id}


def _masked_informal_supporter(supporter: InformalSupporter) -> InformalSupporter:
    """An unsaved stand-in that names no one (R11: the network is the client's)."""
    return InformalSupporter(
        pk=supporter.pk,
        client_id=supporter.client_id,
        name=_informal_supporter_number(supporter.pk),
        relation="-",
    )


class ObjectPermissionFilter(admin.RelatedFieldListFilter):
    """Only the permissions on the table's own kind of object (case or client)."""

    def field_choices(self, field, request, model_admin):
        target = model_admin.model._meta.get_field("content_object").related_model
        permissions = (
            Permission.objects.filter(
                content_type=ContentType.objects.get_for_model(target)
            )
            .select_related("content_type")
            .order_by("codename")
        )
        return [
            (permission.pk, _permission_label(permission)) for permission in permissions
        ]


def _permission_label(permission: Permission) -> str:
    return f"{permission.name} ({permission.codename})"


class PermissionColumnsMixin:
    """Dutch columns for guardian's permission rows (its fields have English names)."""

    @admin.display(description=_("object"), ordering="content_object")
    def object_display(self, obj: Any) -> Any:
        return obj.content_object

    @admin.display(description=_("gebruiker"), ordering="user__username")
    def user_display(self, obj: Any) -> Any:
        return obj.user

    @admin.display(description=_("groep"), ordering="group__name")
    def group_display(self, obj: Any) -> Any:
        return obj.group

    @admin.display(description=_("recht"), ordering="permission__codename")
    def permission_display(self, obj: Any) -> str:
        return _permission_label(obj.permission)


# --- inlines on the case, meeting and client pages -----------------------------------


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class AssignmentInline(ClientPrivacyMixin, ReadOnlyInline):
    model = Assignment
    fields = (
        "role",
        "user",
        "informal_supporter",
        "at_clients_request",
        "started_at",
        "started_by",
        "ended_at",
        "end_reason",
    )
    private_columns = {"informal_supporter": "informal_supporter_number"}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assignment]:
        queryset = (
            super()
            .get_queryset(request)
            .select_related("user", "informal_supporter", "started_by")
        )
        if hides_client_data(request):
            # Each row is titled with its holder; informal supporters are people
            # of the client's network (R11), listed by number in the assignments.
            queryset = queryset.filter(user__isnull=False)
        return queryset

    @admin.display(description=_("informele ondersteuner"))
    def informal_supporter_number(self, obj: Assignment) -> str:
        if obj.informal_supporter_id is None:
            return "-"
        return _informal_supporter_number(obj.informal_supporter_id)


class CaseUserPermissionInline(PermissionColumnsMixin, ReadOnlyInline):
    model = CaseUserObjectPermission
    fk_name = "content_object"
    fields = ("user_display", "permission_display")
    readonly_fields = fields
    verbose_name_plural = _("objectrechten (afgeleid van de toewijzingen)")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("user", "permission__content_type")
        )


class ClientUserPermissionInline(CaseUserPermissionInline):
    model = ClientUserObjectPermission


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = (
        "assignment",
        "requested_by_client",
        "status",
        "refusal_ground",
        "refused_by",
        "refused_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attendance]:
        return (
            super()
            .get_queryset(request)
            .select_related(
                "assignment__case",
                "assignment__user",
                "assignment__informal_supporter",
                "refused_by",
            )
        )


# ``cases`` may not import ``roles``; the case, client and meeting pages get
# their roles inlines here instead.
admin.site.unregister(SupportCase)
admin.site.unregister(Client)
admin.site.unregister(Meeting)


@admin.register(SupportCase)
class SupportCaseAdmin(cases_admin.SupportCaseAdmin):
    inlines = (AssignmentInline, CaseUserPermissionInline)


@admin.register(Client)
class ClientAdmin(cases_admin.ClientAdmin):
    inlines = (ClientUserPermissionInline,)


@admin.register(Meeting)
class MeetingAdmin(cases_admin.MeetingAdmin):
    inlines = (AttendanceInline,)


# --- the roles models ---------------------------------------------------------------------


@admin.register(InformalSupporter)
class InformalSupporterAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Recorded with the client through ``informal_supporter_add``; their
    contact details can be corrected here. They are never users (R11)."""

    list_display = ("name", "relation", "client", "created_at")
    search_fields = ("name", "client__last_name", "client__first_name")
    list_select_related = ("client",)
    readonly_fields = ("client", "created_at")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Assignment)
class AssignmentAdmin(ClientPrivacyMixin, ReadOnlyMixin, admin.ModelAdmin):
    """Started and ended only through ``roles.services``, which keep the
    permission rows in step (R2, R6)."""

    list_display = (
        "case",
        "role",
        "holder",
        "started_at",
        "ended_at",
        "end_reason",
    )
    private_columns = {
        "holder": "holder_number",
        "informal_supporter": "informal_supporter_number",
    }
    list_filter = ("role", "end_reason", ("ended_at", admin.EmptyFieldListFilter))
    search_fields = ("case__reference", "user__username", "user__last_name")
    list_select_related = ("case", "user", "informal_supporter")
    date_hierarchy = "started_at"
    show_full_result_count = False
    fields = (
        "case",
        "role",
        "user",
        "informal_supporter",
        "at_clients_request",
        "started_at",
        "started_by",
        "ended_at",
        "end_reason",
    )

    @admin.display(description=_("ondersteuner"))
    def holder(self, obj: Assignment) -> Any:
        return obj.holder

    @admin.display(description=_("ondersteuner"))
    def holder_number(self, obj: Assignment) -> Any:
        if obj.informal_supporter_id is not None:
            return _informal_supporter_number(obj.informal_supporter_id)
        return obj.user

    @admin.display(description=_("informele ondersteuner"))
    def informal_supporter_number(self, obj: Assignment) -> str:
        if obj.informal_supporter_id is None:
            return "-"
        return _informal_supporter_number(obj.informal_supporter_id)

    def mask_private(self, obj: Assignment) -> None:
        if obj.informal_supporter_id is not None:
            obj.informal_supporter = _masked_informal_supporter(obj.informal_supporter)


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Added and refused only through ``attendance_add``/``attendance_refuse``
    (R5, R12): the status and the refusal's ground, explanation, who and when
    are never edited."""

    list_display = (
        "meeting",
        "assignment",
        "status",
        "requested_by_client",
        "added_at",
        "refusal_ground",
    )
    list_filter = ("status", "refusal_ground")
    search_fields = ("meeting__case__reference",)
    list_select_related = (
        "meeting",
        "assignment__case",
        "assignment__user",
        "assignment__informal_supporter",
    )
    date_hierarchy = "added_at"
    show_full_result_count = False


@admin.register(Consent)
class ConsentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Recorded and withdrawn only through ``consent_record``/``consent_withdraw`` (R11)."""

    list_display = (
        "client",
        "informal_supporter",
        "item",
        "meeting",
        "given_on",
        "withdrawn_on",
    )
    list_filter = ("item",)
    search_fields = ("client__last_name", "informal_supporter__name")
    list_select_related = ("client", "informal_supporter", "meeting")
    date_hierarchy = "given_on"
    show_full_result_count = False


# --- object permission rows (read-only) -------------------------------------------------


class ObjectPermissionAdmin(PermissionColumnsMixin, ReadOnlyMixin, admin.ModelAdmin):
    """Who holds which permission on which object. Written only by
    ``roles.permissions`` from the assignments, never by hand."""

    list_display = ("object_display", "user_display", "permission_display")
    fields = list_display
    readonly_fields = list_display
    list_filter = (("permission", ObjectPermissionFilter),)
    search_fields = ("user__username", "user__last_name")
    list_select_related = ("content_object", "user", "permission__content_type")
    show_full_result_count = False


class GroupObjectPermissionAdmin(ObjectPermissionAdmin):
    list_display = ("object_display", "group_display", "permission_display")
    fields = list_display
    readonly_fields = list_display
    search_fields = ("group__name",)
    list_select_related = ("content_object", "group", "permission__content_type")


class ClientPermissionPrivacyMixin(ClientPrivacyMixin):
    private_columns = {"object_display": "client_number"}

    @admin.display(description=_("cliënt"), ordering="content_object")
    def client_number(self, obj: Any) -> str:
        return client_number(obj.content_object_id)

    def mask_private(self, obj: Any) -> None:
        obj.content_object = masked_client(obj.content_object_id)


@admin.register(CaseUserObjectPermission)
class CaseUserObjectPermissionAdmin(ObjectPermissionAdmin):
    search_fields = ("content_object__reference", "user__username", "user__last_name")


@admin.register(CaseGroupObjectPermission)
class CaseGroupObjectPermissionAdmin(GroupObjectPermissionAdmin):
    search_fields = ("content_object__reference", "group__name")


@admin.register(ClientUserObjectPermission)
class ClientUserObjectPermissionAdmin(
    ClientPermissionPrivacyMixin, ObjectPermissionAdmin
):
    pass


@admin.register(ClientGroupObjectPermission)
class ClientGroupObjectPermissionAdmin(
    ClientPermissionPrivacyMixin, GroupObjectPermissionAdmin
):
    pass


@admin.register(Referral)
class ReferralAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Referrals between organisations (R13), sent and decided through
    ``roles.referrals``. What they hold (the copy of the client's items and
    the message) is not shown here."""

    list_display = (
        "reference",
        "from_organisation",
        "to_organisation",
        "sent_at",
        "status",
    )
    list_filter = ("status",)
    search_fields = ("reference",)
    fields = (
        "reference",
        "from_organisation",
        "to_organisation",
        "items",
        "consent_given_on",
        "status",
        "sent_by",
        "sent_at",
        "decided_by",
        "decided_at",
    )
    list_select_related = ("from_organisation", "to_organisation")
    show_full_result_count = False
