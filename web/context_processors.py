"""Template context for every page: the navigation and the capabilities of the
user's role (``roles.policy``), and the session clock for the timeout warning."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.session_clock import seconds_left
from roles.policy import Capability, capabilities_of

# (url name, label, the capability it needs; None = every logged-in user).
# The same table (``roles.policy.CAPABILITIES``) decides whether the page opens.
NAVIGATION = [
    ("web:dashboard", _("Overzicht"), None),
    ("web:client_list", _("Cliënten"), Capability.SUPPORT_CLIENTS),
    ("web:case_list", _("Zaken"), Capability.VIEW_CASES),
    ("web:complaint_list", _("Klachten"), Capability.VIEW_COMPLAINTS),
    ("web:meeting_list", _("Gesprekken"), Capability.SUPPORT_CLIENTS),
    ("web:contact_list", _("Contacten"), Capability.RECORD_CONTACTS),
    ("web:outreach_list", _("Outreach"), Capability.VIEW_OUTREACH),
    ("web:link_request_list", _("Mogelijk dezelfde persoon"), Capability.LEAD_TEAMS),
    ("web:referral_inbox", _("Doorverwijzingen"), Capability.LEAD_TEAMS),
    ("web:application_list", _("Aanvragen"), Capability.DECIDE_APPLICATIONS),
    ("web:access_log", _("Toegangslog"), Capability.READ_ACCESS_LOG),
    (
        "web:privacy_emergency_list",
        _("Noodtoegang"),
        Capability.REVIEW_EMERGENCY_ACCESS,
    ),
    (
        "web:privacy_request_list",
        _("AVG-verzoeken"),
        Capability.HANDLE_PRIVACY_REQUESTS,
    ),
    ("web:privacy_breach_list", _("Datalekken"), Capability.HANDLE_PRIVACY_REQUESTS),
    ("web:report_municipal_index", _("Rapportage"), Capability.READ_MUNICIPAL_REPORT),
    ("web:user_audit", _("Wijzigingen gebruikers"), Capability.READ_USER_AUDIT),
    (
        "web:retention_register",
        _("Vernietigingsregister"),
        Capability.READ_DESTRUCTION_REGISTER,
    ),
]


def naast(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    items = []
    capabilities = frozenset()
    if user is not None and user.is_authenticated:
        capabilities = capabilities_of(user)
        for name, label, capability in NAVIGATION:
            if capability is not None and capability not in capabilities:
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
        # ``{% if "register_client" in can %}``: the templates ask the same table.
        "can": capabilities,
        # The real seconds left: the clock is refreshed at most once a minute.
        "session_seconds": (
            seconds_left(request.session)
            if user is not None and user.is_authenticated
            else settings.SESSION_COOKIE_AGE
        ),
        "session_full_seconds": settings.SESSION_COOKIE_AGE,
        "session_warn_seconds": min(120, settings.SESSION_COOKIE_AGE // 4),
    }
