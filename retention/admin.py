"""The destruction register in the admin: read only, for superusers and
privacy officers (staff) only."""

from __future__ import annotations

from django.contrib import admin

from audit.admin import PrivacyOfficerReadMixin

from .models import DestructionRecord


@admin.register(DestructionRecord)
class DestructionRecordAdmin(PrivacyOfficerReadMixin, admin.ModelAdmin):
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
