"""Template context for every page: the navigation for the user's role and the
session clock for the timeout warning."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User

# (url name, label, roles that see it; None = every logged-in user)
NAVIGATION = [
    ("dashboard", _("Overzicht"), None),
    (
        "client_list",
        _("Cliënten"),
        {User.Role.AKJ_CONFIDANT, User.Role.CLIENT_SUPPORTER},
    ),
    (
        "case_list",
        _("Zaken"),
        {User.Role.AKJ_CONFIDANT, User.Role.CLIENT_SUPPORTER, User.Role.TEAM_LEAD},
    ),
    (
        "complaint_list",
        _("Klachten"),
        {User.Role.AKJ_CONFIDANT, User.Role.CLIENT_SUPPORTER, User.Role.TEAM_LEAD},
    ),
    (
        "meeting_list",
        _("Gesprekken"),
        {User.Role.AKJ_CONFIDANT, User.Role.CLIENT_SUPPORTER},
    ),
    ("outreach_list", _("Outreach"), {User.Role.AKJ_CONFIDANT, User.Role.TEAM_LEAD}),
    ("application_list", _("Aanvragen"), {User.Role.DECISION_MAKER}),
    ("access_log", _("Toegangslog"), {User.Role.PRIVACY_OFFICER}),
    ("privacy_emergency_list", _("Noodtoegang"), {User.Role.PRIVACY_OFFICER}),
    (
        "report_municipal_index",
        _("Rapportage"),
        {User.Role.TEAM_LEAD, User.Role.CONTRACT_MANAGER},
    ),
    ("retention_register", _("Vernietigingsregister"), {User.Role.PRIVACY_OFFICER}),
]


def naast(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        for name, label, roles in NAVIGATION:
            if roles is not None and user.role not in roles:
                continue
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            current = request.path == url or (
                url != "/" and request.path.startswith(url)
            )
            items.append({"url": url, "label": label, "current": current})
    return {
        "navigation": items,
        "session_seconds": settings.SESSION_COOKIE_AGE,
        "session_warn_seconds": min(120, settings.SESSION_COOKIE_AGE // 4),
    }
