"""The account pages: login and logout, two-factor enrolment, verification
and recovery codes, the password reset."""

from django.contrib.auth import views as auth_views
from django.urls import path

from config.access import shows_no_client_data

from .views import urlpatterns as account_urlpatterns

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
    *account_urlpatterns,
]
