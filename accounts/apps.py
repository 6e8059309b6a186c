from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from config import integer_ids

        # Connect the audit trail's signals, and start the idle clock at login.
        from . import audit, session_clock  # noqa: F401

        integer_ids.install()
