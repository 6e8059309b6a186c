"""The caseworker pages; each view module declares its own ``urlpatterns``."""

from django.contrib.auth import views as auth_views
from django.urls import path

from config.access import shows_no_client_data

from .views import (
    applications,
    cases,
    clients,
    clocks,
    dashboard,
    emergency,
    link_requests,
    lists,
    meetings,
    outreach,
    printing,
    privacy,
    referrals,
    reports,
    session,
    user_audit,
)

urlpatterns = [
    path(
        "inloggen/",
        shows_no_client_data(auth_views.LoginView.as_view()),
        name="login",
    ),
    path(
        "uitloggen/",
        shows_no_client_data(auth_views.LogoutView.as_view()),
        name="logout",
    ),
    *dashboard.urlpatterns,
    *clients.urlpatterns,
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
    *clocks.urlpatterns,
    *link_requests.urlpatterns,
    *referrals.urlpatterns,
    *user_audit.urlpatterns,
]
