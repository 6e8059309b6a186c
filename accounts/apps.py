from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from config import integer_ids

        from . import audit  # noqa: F401  (connects the audit trail's signals)
        from . import session_clock  # noqa: F401  (starts the clock at login)

        integer_ids.install()
