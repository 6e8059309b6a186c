"""The destruction register in the admin: read only, for superusers and
privacy officers (staff) only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from accounts.models import User
from cases.admin import ReadOnlyMixin

from .models import DestructionRecord


@admin.register(DestructionRecord)
class DestructionRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "executed_at",
        "rule",
        "term_years",
        "cutoff",
        "record_type",
        "action",
        "count",
        "executed_by",
    )
    # Few filters: each filter on a plain field costs a query of its own.
    list_filter = ("rule", "action")
    list_select_related = ("executed_by",)

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
