"""The admin app with Naast's admin site (``accounts.admin_site.NaastAdminSite``)
as the default ``admin.site``, so every ``@admin.register`` lands on it."""

from django.contrib.admin.apps import AdminConfig


class NaastAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.NaastAdminSite"
