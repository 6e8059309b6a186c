"""Enqueue today's reminders for the worker (``db_worker``); run it daily
from cron. ``--now`` sends them in this process instead."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cases.tasks import send_daily_reminders


class Command(BaseCommand):
    help = "Enqueue (or with --now: send) today's reminders to caseworkers."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="Send now instead of enqueuing."
        )
        parser.add_argument("--date", help="The day to remind for (YYYY-MM-DD).")

    def handle(self, *args, now: bool = False, date: str | None = None, **options):
        if now:
            sent = send_daily_reminders.call(date)
            self.stdout.write(f"{sent} e-mail(s) sent.")
        else:
            result = send_daily_reminders.enqueue(date)
            self.stdout.write(f"Enqueued task {result.id} ({result.status}).")
