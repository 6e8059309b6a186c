"""The admin for users, organisations and municipalities.

This is the functional administrators' own work (staff in the group
"Functioneel beheerder", see ``roles/migrations/0002_groups.py``): they add and
change users, organisations and municipalities. Separation of duties (ASVS
8.2) keeps them from making themselves or anyone else more than that:

* only a superuser grants superuser status or single permissions, changes a
  superuser, assigns or removes the privileged roles (privacy officer, team
  lead, functional administrator), the staff flag and groups, and changes a
  privileged user's organisation, e-mail address or active flag;
* nobody, a superuser included, changes their own role, organisation, team,
  staff or superuser flag, groups or permissions;
* no user's organisation changes while they support clients (an assignment
  without an end) or lead teams of it: their cases stay with the organisation;
* only a superuser sets another user's password; a functional administrator
  sends a reset link by e-mail instead, and creates accounts without a
  password (the new user sets it with the link);
* a new account enrols its second factor with a one-time enrolment code,
  shown once to the administrator who made it (``accounts.enrolment``).

Every change of these is recorded in the audit trail (``accounts.audit``),
which the admin shows read only.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UsernameField
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .admin_mixins import ReadOnlyMixin
from .enrolment import enrolment_code_issue, enrolment_code_send
from .models import ROLE_TRAITS, Municipality, Organisation, Team, User, UserAuditEvent
from .passwords import password_reset_link_send

#: Roles only a superuser assigns or removes (``ROLE_TRAITS``).
PRIVILEGED_ROLES = frozenset(
    role for role, traits in ROLE_TRAITS.items() if traits.privileged
)
# Granting these is reserved to superusers: with any of them, a functional
# administrator could give themselves (or an accomplice) access to client data.
_SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions", "is_staff", "groups")
#: Of a privileged user, only a superuser changes these (switching off the
#: privacy officer who audits the administrators is not theirs to do either).
_PRIVILEGED_USER_FIELDS = ("role", "organisation", "email", "is_active")
#: Nobody changes these of their own account.
_OWN_ACCOUNT_FIELDS = (
    "role",
    "organisation",
    "team",
    "is_staff",
    "is_superuser",
    "groups",
    "user_permissions",
)


def is_privileged(user: User) -> bool:
    """A superuser, a member of staff, or a holder of a privileged role."""
    return user.is_superuser or user.is_staff or user.role in PRIVILEGED_ROLES


class SeparationOfDutiesForm(forms.ModelForm):
    """The checks of the user forms that depend on who is editing (set on the
    class by ``UserAdmin.get_form``)."""

    editor: User

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        original = self.instance
        if "role" in self.fields and "role" in cleaned:
            role = cleaned["role"]
            old_role = original.role if original.pk else ""
            if (
                role != old_role
                and (role in PRIVILEGED_ROLES or old_role in PRIVILEGED_ROLES)
                and not self.editor.is_superuser
            ):
                self.add_error(
                    "role",
                    _(
                        "Alleen een superuser kent de functies privacyfunctionaris, "
                        "teamleider en functioneel beheerder toe of neemt ze af."
                    ),
                )
        if original.pk and "organisation" in self.fields and "organisation" in cleaned:
            organisation = cleaned["organisation"]
            organisation_id = organisation.pk if organisation is not None else None
            if organisation_id != original.organisation_id:
                self._check_organisation_change(original)
        return cleaned

    def _check_organisation_change(self, user: User) -> None:
        # ``assignments`` is the reverse accessor of ``roles.Assignment.user``:
        # accounts asks without importing roles.
        if user.assignments.filter(ended_at__isnull=True).exists():
            self.add_error(
                "organisation",
                _(
                    "Deze gebruiker ondersteunt nog cliënten van de huidige "
                    "organisatie. Laat de teamleider die zaken eerst overdragen; "
                    "daarna kan de organisatie wijzigen."
                ),
            )
        elif user.led_teams.exists():
            self.add_error(
                "organisation",
                _(
                    "Deze gebruiker leidt nog teams van de huidige organisatie. Haal "
                    "de gebruiker eerst weg als teamleider van die teams."
                ),
            )


class AccountInvitationForm(forms.ModelForm):
    """A new account made by an administrator who is not a superuser: no
    password is chosen for the user; they get a link to set it by e-mail."""

    class Meta:
        model = User
        fields = ("username", "email")
        field_classes = {"username": UsernameField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _(
            "De nieuwe gebruiker krijgt hier een link om een wachtwoord in te stellen."
        )

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        # A usable password nobody knows: the reset link sets the real one.
        user.set_password(secrets.token_urlsafe(32))
        if commit:
            user.save()
            self.save_m2m()
        return user


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
    #: The add form of an administrator who is not a superuser: no password.
    invitation_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email")}),
        (
            _("Organisatie en functie"),
            {"fields": ("first_name", "last_name", "organisation", "team", "role")},
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
    actions = (
        "send_password_reset_link",
        "issue_enrolment_code",
        "mail_enrolment_code",
    )

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None):
        if obj is None and not request.user.is_superuser:
            return self.invitation_fieldsets
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not request.user.is_superuser:
            # No password field, so no link to the page that sets one.
            fieldsets = [
                (name, {**options, "fields": _without(options["fields"], "password")})
                for name, options in fieldsets
            ]
        return fieldsets

    def get_form(self, request: HttpRequest, obj: User | None = None, **kwargs):
        if obj is None and not request.user.is_superuser:
            kwargs["form"] = AccountInvitationForm
        form = super().get_form(request, obj, **kwargs)
        # The rules that depend on who edits, with the editor on the class.
        return type(
            form.__name__,
            (SeparationOfDutiesForm, form),
            {"editor": request.user},
        )

    def get_readonly_fields(
        self, request: HttpRequest, obj: User | None = None
    ) -> tuple[str, ...]:
        readonly = list(super().get_readonly_fields(request, obj))
        editor = request.user
        if not editor.is_superuser:
            readonly += _SUPERUSER_ONLY_FIELDS
            if obj is not None and is_privileged(obj):
                readonly += _PRIVILEGED_USER_FIELDS
        if obj is not None and obj.pk == editor.pk:
            readonly += _OWN_ACCOUNT_FIELDS
        return tuple(dict.fromkeys(readonly))

    def has_change_permission(
        self, request: HttpRequest, obj: User | None = None
    ) -> bool:
        """Only a superuser changes a superuser."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Only a superuser sets a password here; a functional administrator
        sends a reset link instead (``send_password_reset_link``)."""
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def response_add(
        self, request: HttpRequest, obj: User, post_url_continue: str | None = None
    ) -> HttpResponse:
        # The enrolment code of the new account, shown this once.
        code = enrolment_code_issue(user=obj, issued_by=request.user)
        self.message_user(request, _enrolment_code_message(obj, code), messages.WARNING)
        if not request.user.is_superuser and password_reset_link_send(
            user=obj, request=request
        ):
            self.message_user(
                request,
                gettext(
                    "%(user)s krijgt per e-mail een link om een wachtwoord in te stellen."
                )
                % {"user": obj.get_username()},
            )
        return super().response_add(request, obj, post_url_continue)

    def _changeable(self, request: HttpRequest, queryset: QuerySet[User]) -> list[User]:
        """The selected users this administrator may act on; the others are
        named in an error message."""
        allowed, refused = [], []
        for user in queryset:
            ok = (
                self.has_change_permission(request, user) and user.pk != request.user.pk
            )
            (allowed if ok else refused).append(user)
        if refused:
            self.message_user(
                request,
                gettext("Niet voor: %(users)s.")
                % {"users": ", ".join(u.get_username() for u in refused)},
                messages.ERROR,
            )
        return allowed

    @admin.action(
        description=_("Link om het wachtwoord opnieuw in te stellen e-mailen"),
        permissions=["change"],
        location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
    )
    def send_password_reset_link(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> None:
        sent, without = [], []
        for user in self._changeable(request, queryset):
            if password_reset_link_send(user=user, request=request):
                sent.append(user.get_username())
            else:
                without.append(user.get_username())
        if sent:
            self.message_user(
                request,
                gettext("Herstellink verstuurd aan: %(users)s.")
                % {"users": ", ".join(sent)},
            )
        if without:
            self.message_user(
                request,
                gettext("Geen e-mailadres of niet actief, niets verstuurd: %(users)s.")
                % {"users": ", ".join(without)},
                messages.WARNING,
            )

    def _enrolment_targets(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> list[User]:
        users = self._changeable(request, queryset)
        if request.user.is_superuser:
            return users
        # A privileged account's second factor is a superuser's business.
        privileged = [u for u in users if is_privileged(u)]
        if privileged:
            self.message_user(
                request,
                gettext(
                    "Alleen een superuser geeft een activeringscode aan: %(users)s."
                )
                % {"users": ", ".join(u.get_username() for u in privileged)},
                messages.ERROR,
            )
        return [u for u in users if not is_privileged(u)]

    @admin.action(
        description=_("Nieuwe activeringscode voor de tweede factor tonen"),
        permissions=["change"],
        location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
    )
    def issue_enrolment_code(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> None:
        for user in self._enrolment_targets(request, queryset):
            code = enrolment_code_issue(user=user, issued_by=request.user)
            self.message_user(
                request, _enrolment_code_message(user, code), messages.WARNING
            )

    @admin.action(
        description=_("Nieuwe activeringscode voor de tweede factor e-mailen"),
        permissions=["change"],
        location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
    )
    def mail_enrolment_code(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> None:
        sent = []
        for user in self._enrolment_targets(request, queryset):
            if not user.email:
                continue
            code = enrolment_code_issue(user=user, issued_by=request.user)
            enrolment_code_send(user=user, code=code)
            sent.append(user.get_username())
        self.message_user(
            request,
            gettext("Activeringscode gemaild aan: %(users)s.")
            % {"users": ", ".join(sent) or "-"},
        )


def _without(fields: Any, name: str) -> tuple[str, ...]:
    return tuple(f for f in fields if f != name)


def _enrolment_code_message(user: User, code: str) -> str:
    return gettext(
        "Activeringscode voor %(user)s: %(code)s. Geef deze code persoonlijk of "
        "per telefoon door; hij wordt maar één keer getoond en is %(hours)s uur "
        "geldig."
    ) % {
        "user": user.get_username(),
        "code": code,
        "hours": settings.NAAST_ENROLMENT_CODE_HOURS,
    }


@admin.register(UserAuditEvent)
class UserAuditEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The audit trail of changes to users, read only: never added, changed or
    deleted here (nor anywhere: the model refuses it)."""

    list_display = (
        "at",
        "subject_name",
        "field",
        "old_value",
        "new_value",
        "actor_name",
    )
    list_filter = ("field",)
    search_fields = ("subject_name", "actor_name")
    date_hierarchy = "at"
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None):
        return [field.name for field in self.model._meta.fields]


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

    def get_readonly_fields(
        self, request: HttpRequest, obj: Team | None = None
    ) -> tuple[str, ...]:
        # Who leads a team decides whose caseload a team lead sees: like the
        # team-lead role itself, that is a superuser's decision.
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None:
            # A team never moves: its members and cases are its organisation's.
            readonly = (*readonly, "organisation")
        return readonly if request.user.is_superuser else (*readonly, "leads")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "leads":
            kwargs["queryset"] = User.objects.filter(role=User.Role.TEAM_LEAD)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
