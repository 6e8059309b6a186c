"""The admin for users, organisations and municipalities.

This is the functional administrators' own work (staff in the group
"Functioneel beheerder", see ``roles/migrations/0002_groups.py``): they add and
change users, organisations and municipalities. What they may not do is make
themselves or anyone else more than that: only a superuser grants superuser
status or single permissions, and only a superuser changes a superuser.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Municipality, Organisation, Team, User

# Granting these is reserved to superusers: with either, a functional
# administrator could give themselves access to client data (R2).
_SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:2],
        (
            _("Organisatie en functie"),
            {"fields": ("organisation", "team", "role", "expertise")},
        ),
        *DjangoUserAdmin.fieldsets[2:],
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (
            _("Organisatie en functie"),
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "email",
                    "organisation",
                    "team",
                    "role",
                )
            },
        ),
    )
    list_display = (
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "organisation",
        "team",
        "is_active",
        "is_staff",
    )
    list_filter = (
        "role",
        "organisation",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
    )
    search_fields = ("username", "first_name", "last_name", "email")
    list_select_related = ("organisation", "team")
    autocomplete_fields = ("organisation", "team")

    def get_readonly_fields(
        self, request: HttpRequest, obj: User | None = None
    ) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += _SUPERUSER_ONLY_FIELDS
        return readonly

    def has_change_permission(
        self, request: HttpRequest, obj: User | None = None
    ) -> bool:
        """Only a superuser changes a superuser (or their password)."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "provider_kind", "municipality", "is_active")
    list_filter = ("kind", "provider_kind", "is_active")
    search_fields = ("name",)
    list_select_related = ("municipality",)
    autocomplete_fields = ("municipality",)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "cbs_code")
    search_fields = ("name", "cbs_code")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """Teams inside an organisation (R13): who is in them is set on the user,
    who leads them here. A team lead sees the caseload of the teams they lead."""

    list_display = ("name", "organisation")
    list_filter = ("organisation",)
    search_fields = ("name", "organisation__name")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    filter_horizontal = ("leads",)

    def get_readonly_fields(self, request: HttpRequest, obj: Team | None = None):
        # Who leads a team decides whose caseload a team lead sees: like the
        # team-lead role itself, that is a superuser's decision.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else (*readonly, "leads")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "leads":
            kwargs["queryset"] = User.objects.filter(role=User.Role.TEAM_LEAD)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
