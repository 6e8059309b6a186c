from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cliënten en zaken")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks
