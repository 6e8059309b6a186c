"""The access log in the admin: read only, for superusers and privacy
officers (staff) only, and opening it is itself logged.

``PrivacyOfficerReadMixin`` is also the destruction register's
(``retention.admin``).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from accounts.admin_mixins import ReadOnlyMixin
from accounts.models import User

from .log import log_read
from .models import AccessLogEntry


class PrivacyOfficerReadMixin(ReadOnlyMixin):
    """Read only, and only for superusers and privacy officers (staff): the
    access log and the destruction register. Nothing is added, changed or
    deleted here, and there is no "delete selected" action."""

    @staticmethod
    def _may_read(request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and (
            user.is_superuser
            or (user.is_staff and user.role == User.Role.PRIVACY_OFFICER)
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_read(request)

    def has_view_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return self._may_read(request)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(PrivacyOfficerReadMixin, admin.ModelAdmin):
    """The access log, read only, for superusers and privacy officers (staff)
    only: no adding, changing or deleting, and opening it is itself logged."""

    list_display = (
        "timestamp",
        "user_name",
        "user_role",
        "action",
        "outcome",
        "client_id",
        "object_type",
        "object_id",
    )
    list_filter = ("action", "outcome", "user_role")
    date_hierarchy = "timestamp"
    list_select_related = False
    show_full_result_count = False

    def get_readonly_fields(
        self, request: HttpRequest, obj: Model | None = None
    ) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        if self._may_read(request):
            log_read(
                request, object_type="access_log", object_id=request.GET.urlencode()
            )
        return super().changelist_view(request, extra_context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url="", extra_context=None
    ):
        if self._may_read(request):
            log_read(request, object_type="access_log", object_id=object_id)
        return super().change_view(request, object_id, form_url, extra_context)
