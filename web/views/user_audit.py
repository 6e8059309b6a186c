"""The audit trail of changes to users, for the privacy officer: who changed
whose role, organisation, team, flags, groups, password or second factor,
when, from what to what (``accounts.UserAuditEvent``, separation of duties).

Only a privacy officer may open it; everyone else gets **404**, as for the
access log. It shows no client data, so reading it writes no access-log row.
"""

from __future__ import annotations

import django_filters
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.models import User, UserAuditEvent
from config.access import shows_no_client_data
from roles.policy import Capability, require_capability

PAGE_SIZE = 50


class UserAuditFilter(django_filters.FilterSet):
    """The trail of one user (of the privacy officer's organisation), or all."""

    user = django_filters.ModelChoiceFilter(
        label=_("Gebruiker"),
        field_name="subject",
        queryset=User.objects.none(),
        empty_label=_("Alle gebruikers"),
    )
    field = django_filters.ChoiceFilter(
        label=_("Wat"),
        choices=UserAuditEvent.Field.choices,
        empty_label=_("Alle wijzigingen"),
    )

    class Meta:
        model = UserAuditEvent
        fields: list[str] = []

    def __init__(self, *args, officer: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["user"].queryset = User.objects.filter(
            organisation_id=officer.organisation_id
        ).order_by("last_name", "first_name", "username")


@shows_no_client_data
def user_audit(request: HttpRequest) -> HttpResponse:
    """The audit trail of the users of the privacy officer's organisation,
    newest first, filtered by user and kind of change."""
    require_capability(request.user, Capability.READ_USER_AUDIT)
    filterset = UserAuditFilter(
        request.GET,
        queryset=UserAuditEvent.objects.in_scope_of(request.user),
        officer=request.user,
    )
    page = Paginator(filterset.qs.order_by("-at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "web/user_audit.html", {"filterset": filterset, "page": page}
    )


urlpatterns = [
    path("privacy/gebruikers/", user_audit, name="user_audit"),
]
