from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    # NAAST_ADMIN_PATH; staff only, with a second factor (accounts.admin_site).
    path(settings.ADMIN_URL, admin.site.urls),
    # The language switch is on the login page too.
    path("taal/", login_not_required(set_language), name="set_language"),
    path("", include("accounts.urls")),
    path("", include("cases.urls")),
    path("", include("retention.urls")),
]
