from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from config import health
from config.access import shows_no_client_data

# A database connection lost outside a view: the 503 page (config.health).
handler400 = health.bad_request
handler500 = health.server_error

urlpatterns = [
    # NAAST_ADMIN_PATH; staff only, with a second factor (accounts.admin_site).
    path(settings.ADMIN_URL, admin.site.urls),
    # Load-balancer health check: no login, no session, JSON (config.health).
    path("gezondheid/", shows_no_client_data(health.health), name="health"),
    # The language switch is on the login page too.
    path(
        "taal/",
        shows_no_client_data(login_not_required(set_language)),
        name="set_language",
    ),
    path("", include("accounts.urls")),
    # The pages of the caseworkers, team leads and privacy officer (web:…).
    path("", include("web.urls")),
]
