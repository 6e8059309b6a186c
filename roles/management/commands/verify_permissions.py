"""``python manage.py verify_permissions``: do the permission rows agree with
the support assignments, and does every assignment keep the rules that an
assignment made in another order could have broken?

The rows are derived from assignments in one place (``roles.permissions``, R2);
this command lists every row that is missing or extra, every breach of R4 (one
confidant supporting two family members with conflicting interests, whatever
the order in which it came about) and every assignment across the boundary of
an organisation (R13: a supporter of another organisation than the case's),
and exits non-zero when there is any, so a deploy or a demo seed can check
itself.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F

from roles.models import (
    Assignment,
    CaseUserObjectPermission,
    ClientUserObjectPermission,
)
from roles.permissions import group_rows, verify
from roles.services import r4_breaches


def organisation_breaches() -> list[str]:
    """Active professional assignments whose supporter works for another
    organisation than the case, or whose case belongs to another organisation
    than its client's file (R13)."""
    problems = [
        f"R13 breach: user {user} supports case {case} of another organisation"
        for user, case in Assignment.objects.filter(
            ended_at__isnull=True, user__isnull=False
        )
        .exclude(user__organisation_id=F("case__organisation_id"))
        .values_list("user_id", "case_id")
    ]
    problems += [
        f"R13 breach: case {case} is not of the organisation of its client {client}"
        for case, client in Assignment.objects.filter(ended_at__isnull=True)
        .exclude(case__organisation_id=F("case__client__organisation_id"))
        .values_list("case_id", "case__client_id")
        .distinct()
    ]
    return problems


class Command(BaseCommand):
    help = (
        "Controleer of de objectrechten overeenkomen met de toewijzingen, en of "
        "de toewijzingen de regels R4 en R13 volgen."
    )

    def handle(self, *args, **options) -> None:
        problems = verify() + group_rows() + r4_breaches() + organisation_breaches()
        if problems:
            for line in problems:
                self.stdout.write(line)
            raise CommandError(
                f"{len(problems)} problem(s): permission rows that disagree with "
                "the assignments or are given to a group, or assignments that "
                "break R4 or R13"
            )
        rows = (
            CaseUserObjectPermission.objects.count()
            + ClientUserObjectPermission.objects.count()
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Permissions agree with assignments ({rows} rows); no R4 or R13 breach"
            )
        )
