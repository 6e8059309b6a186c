"""The admin site: staff only, and with a verified second factor when
``NAAST_REQUIRE_2FA`` is on. There is one login page for everyone: the admin's
own login form sends to it (password, lockout and second factor included)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


def second_factor_ok(request: HttpRequest) -> bool:
    """Whether the user has verified a second factor, or it is not required."""
    if not settings.NAAST_REQUIRE_2FA:
        return True
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


class NaastAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and second_factor_ok(request)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Refuse a logged-in non-staff user; send everyone else to the login
        page of the application (which asks for the second factor)."""
        user = request.user
        if user.is_authenticated and not (user.is_active and user.is_staff):
            raise PermissionDenied
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse(
            "admin:index", current_app=self.name
        )
        return redirect_to_login(target)
