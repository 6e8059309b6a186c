"""Background work (``django.tasks``): the daily reminders to caseworkers (the
nightly count of the municipal reports is ``reports.tasks``).

``send_daily_reminders`` is enqueued once a day (``manage.py send_reminders``
from cron) and run by the worker (``manage.py db_worker``). Each caseworker
gets one e-mail listing their items:

* complaints due within ``DUE_SOON_DAYS`` days, and overdue complaints (R3);
* open cases without activity for ``INACTIVE_DAYS`` days, to be closed when
  the matter is resolved (R6).

Every item is reminded at most once per day: a ``ReminderSent`` row per item,
recipient and day is inserted in the same transaction as the mail is sent,
under a unique constraint, so a second run on the same day sends nothing and
a failed mail leaves nothing recorded. The mails name no client and no case
title — only the case number, the kind of item and the date — as e-mail
leaves the confidential file (R2).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User

from .complaint_clock import DUE_SOON_DAYS
from .models import ReminderSent, SupportCase

#: A case without any event, note or meeting for this long gets a reminder (R6).
INACTIVE_DAYS = 56

_ACTIVE = Q(assignments__ended_at__isnull=True, assignments__user__isnull=False)


def reminder_items(today: datetime.date) -> dict[int, list[dict]]:
    """Per caseworker (user id) the items to remind them of today, from two
    aggregate queries whatever the number of cases."""
    items: dict[int, list[dict]] = defaultdict(list)
    complaints = (
        SupportCase.objects.open()
        .filter(
            _ACTIVE,
            complaint__due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        )
        .values("pk", "reference", "complaint__due_on", "assignments__user")
        .order_by("complaint__due_on", "pk")
    )
    for row in complaints:
        due = row["complaint__due_on"]
        items[row["assignments__user"]].append(
            {
                "kind": ReminderSent.Kind.COMPLAINT_OVERDUE
                if due < today
                else ReminderSent.Kind.COMPLAINT_DUE_SOON,
                "case_id": row["pk"],
                "reference": row["reference"],
                "date": due,
            }
        )
    # Every note, meeting and step writes a case event, so the newest event
    # is the last activity; a meeting planned ahead counts as activity too.
    cutoff = timezone.now() - datetime.timedelta(days=INACTIVE_DAYS)
    inactive = (
        SupportCase.objects.open()
        .filter(_ACTIVE, opened_at__lt=cutoff)
        .values("pk", "reference", "assignments__user")
        .annotate(last_event=Max("events__at"), last_meeting=Max("meetings__starts_at"))
        .filter(Q(last_event__lt=cutoff) | Q(last_event__isnull=True))
        .filter(Q(last_meeting__lt=cutoff) | Q(last_meeting__isnull=True))
        .order_by("last_event", "pk")
    )
    for row in inactive:
        last = row["last_event"]
        items[row["assignments__user"]].append(
            {
                "kind": ReminderSent.Kind.CASE_INACTIVE,
                "case_id": row["pk"],
                "reference": row["reference"],
                "date": timezone.localdate(last) if last else None,
            }
        )
    return items


@task
def send_daily_reminders(today: str | None = None) -> int:
    """Send each caseworker one e-mail with today's reminders; items already
    reminded today are left out. ``today`` is an ISO date (default: today).
    Returns the number of e-mails sent."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    items = reminder_items(day)
    if not items:
        return 0
    already = set(
        ReminderSent.objects.filter(sent_on=day, recipient__in=list(items)).values_list(
            "kind", "case_id", "recipient_id"
        )
    )
    users = User.objects.filter(pk__in=list(items), is_active=True).exclude(email="")
    sent = 0
    for user in users:
        new = [
            item
            for item in items[user.pk]
            if (item["kind"], item["case_id"], user.pk) not in already
        ]
        if new and _send(user, new, day):
            sent += 1
    return sent


def _send(user: User, items: list[dict], day: datetime.date) -> bool:
    """Record and mail one caseworker's new items, all or nothing."""
    with transaction.atomic():
        ReminderSent.objects.bulk_create(
            ReminderSent(
                kind=item["kind"], case_id=item["case_id"], recipient=user, sent_on=day
            )
            for item in items
        )
        with translation.override(settings.LANGUAGE_CODE):
            subject = ngettext(
                "Naast: %(count)s herinnering voor %(day)s",
                "Naast: %(count)s herinneringen voor %(day)s",
                len(items),
            ) % {"count": len(items), "day": day.strftime("%d-%m-%Y")}
            body = render_to_string(
                "cases/email/reminders.txt",
                {
                    "user": user,
                    "day": day,
                    "site": settings.SITE_URL.rstrip("/"),
                    "groups": [
                        (label, [i for i in items if i["kind"] == kind])
                        for kind, label in (
                            (
                                ReminderSent.Kind.COMPLAINT_OVERDUE,
                                _("Klachten te laat"),
                            ),
                            (
                                ReminderSent.Kind.COMPLAINT_DUE_SOON,
                                _("Klachten binnen 7 dagen te beslissen"),
                            ),
                            (
                                ReminderSent.Kind.CASE_INACTIVE,
                                _(
                                    "Zaken zonder activiteit in 8 weken (afsluiten als de vraag is beantwoord)"
                                ),
                            ),
                        )
                    ],
                },
            )
        EmailMessage(subject, body, to=[user.email]).send()
    return True
