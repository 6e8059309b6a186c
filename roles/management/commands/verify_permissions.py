"""``python manage.py verify_permissions``: do the permission rows agree with
the support assignments?

The rows are derived from assignments in one place (``roles.permissions``, R2);
this command lists every row that is missing or extra and exits non-zero when
there is any, so a deploy or a demo seed can check itself.
"""

from django.core.management.base import BaseCommand, CommandError

from roles.models import CaseUserObjectPermission, ClientUserObjectPermission
from roles.permissions import verify


class Command(BaseCommand):
    help = "Controleer of de objectrechten overeenkomen met de toewijzingen."

    def handle(self, *args, **options) -> None:
        problems = verify()
        if problems:
            for line in problems:
                self.stdout.write(line)
            raise CommandError(
                f"{len(problems)} permission row(s) disagree with the assignments"
            )
        rows = (
            CaseUserObjectPermission.objects.count()
            + ClientUserObjectPermission.objects.count()
        )
        self.stdout.write(
            self.style.SUCCESS(f"Permissions agree with assignments ({rows} rows)")
        )
