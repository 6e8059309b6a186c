"""Issue a one-time enrolment code for an account's second factor, from the
command line: the first superuser (``createsuperuser``) has no administrator
above them to issue one in the admin.

    python manage.py issue_enrolment_code USERNAME [--email]

Prints the code once (or e-mails it with ``--email``); any earlier code of
the account is void. Recorded in the audit trail without an actor (a
command).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.enrolment import enrolment_code_issue, enrolment_code_send
from accounts.models import User


class Command(BaseCommand):
    help = "Issue a one-time enrolment code for an account's second factor."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--email",
            action="store_true",
            help="E-mail the code to the account's address instead of printing it.",
        )

    def handle(self, *args: object, username: str, email: bool, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named {username!r}.")
        if email and not user.email:
            raise CommandError(f"{username!r} has no e-mail address.")
        code = enrolment_code_issue(user=user, issued_by=None)
        if email:
            enrolment_code_send(user=user, code=code)
            self.stdout.write(f"Enrolment code for {username} sent to {user.email}.")
        else:
            self.stdout.write(code)
