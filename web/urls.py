"""The pages of Naast over the domain apps, in the ``web`` namespace
(``reverse("web:case_detail", …)``); each view module declares its own
``urlpatterns``. Login, logout and the second factor are in ``accounts.urls``."""

from .views import (
    applications,
    cases,
    client_contact,
    clients,
    clocks,
    contacts,
    dashboard,
    emergency,
    link_requests,
    lists,
    meetings,
    outreach,
    printing,
    privacy,
    privacy_registers,
    referrals,
    reports,
    retention,
    session,
    user_audit,
)

app_name = "web"

urlpatterns = [
    *dashboard.urlpatterns,
    *clients.urlpatterns,
    *client_contact.urlpatterns,
    *cases.urlpatterns,
    *meetings.urlpatterns,
    *applications.urlpatterns,
    *lists.urlpatterns,
    *printing.urlpatterns,
    *privacy.urlpatterns,
    *emergency.urlpatterns,
    *reports.urlpatterns,
    *session.urlpatterns,
    *outreach.urlpatterns,
    *contacts.urlpatterns,
    *clocks.urlpatterns,
    *link_requests.urlpatterns,
    *referrals.urlpatterns,
    *user_audit.urlpatterns,
    *retention.urlpatterns,
    *privacy_registers.urlpatterns,
]
