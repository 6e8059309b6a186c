"""The daily reminders (R3, R6): one e-mail per caseworker with their
complaint deadlines and inactive cases, each item at most once per day.
Tasks run immediately in the tests (``ImmediateBackend``)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import CaseEvent, Complaint, ReminderSent, SupportCase
from cases.tasks import INACTIVE_DAYS, send_daily_reminders
from tests.factories import advance_complaint, close_case, open_case

pytestmark = pytest.mark.django_db


def _complaint_due_in(user, days: int) -> SupportCase:
    """A submitted complaint whose six-week term ends ``days`` from today."""
    case = open_case(user, kind=SupportCase.Kind.COMPLAINT)
    received = timezone.localdate() - datetime.timedelta(weeks=6, days=-days)
    advance_complaint(user, case, Complaint.Stage.SUBMITTED, on=received)
    return case


def _age(case: SupportCase, days: int) -> None:
    """Move all of a case's activity ``days`` into the past."""
    then = timezone.now() - datetime.timedelta(days=days)
    SupportCase.objects.filter(pk=case.pk).update(opened_at=then)
    CaseEvent.objects.filter(case=case).update(at=then)


@pytest.fixture
def confidant_with_mail(confidant):
    confidant.email = "vp1@akj.example"
    confidant.save()
    return confidant


def test_due_soon_and_overdue_complaints_are_reminded_once_per_day(
    confidant_with_mail,
):
    """R3: a run sends the caseworker one mail listing the complaints due
    within 7 days and the overdue ones; a second run the same day sends
    nothing; the next day they are reminded again."""
    soon = _complaint_due_in(confidant_with_mail, 3)
    late = _complaint_due_in(confidant_with_mail, -2)
    _complaint_due_in(confidant_with_mail, 20)  # not yet
    assert send_daily_reminders.enqueue().return_value == 1
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].to == ["vp1@akj.example"]
    assert soon.reference in body and late.reference in body
    assert body.index(late.reference) < body.index(soon.reference)
    assert soon.client.last_name not in body  # no names in e-mail (R2)
    assert set(ReminderSent.objects.values_list("kind", "case_id")) == {
        (ReminderSent.Kind.COMPLAINT_DUE_SOON, soon.pk),
        (ReminderSent.Kind.COMPLAINT_OVERDUE, late.pk),
    }

    assert send_daily_reminders.enqueue().return_value == 0
    assert len(mail.outbox) == 1

    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert send_daily_reminders.enqueue(tomorrow).return_value == 1
    assert len(mail.outbox) == 2


def test_a_new_item_the_same_day_is_sent_alone(confidant_with_mail):
    """Only items not yet reminded today are mailed on a second run."""
    first = _complaint_due_in(confidant_with_mail, 1)
    send_daily_reminders.enqueue()
    second = _complaint_due_in(confidant_with_mail, 2)
    send_daily_reminders.enqueue()
    assert len(mail.outbox) == 2
    assert second.reference in mail.outbox[1].body
    assert first.reference not in mail.outbox[1].body


def test_cases_without_activity_for_8_weeks_are_reminded(confidant_with_mail):
    """R6: an open case without events, notes or meetings for 8 weeks gets a
    reminder to close it; a recent one, a closed one and one with a planned
    meeting ahead do not."""
    stale = open_case(confidant_with_mail)
    _age(stale, INACTIVE_DAYS + 1)
    recent = open_case(confidant_with_mail)
    _age(recent, INACTIVE_DAYS - 1)
    closed = open_case(confidant_with_mail)
    close_case(confidant_with_mail, closed)
    _age(closed, INACTIVE_DAYS + 10)
    send_daily_reminders.enqueue()
    assert list(ReminderSent.objects.values_list("kind", "case_id")) == [
        (ReminderSent.Kind.CASE_INACTIVE, stale.pk)
    ]
    assert stale.reference in mail.outbox[0].body
    assert recent.reference not in mail.outbox[0].body


def test_reminders_go_to_the_current_supporter_only(
    confidant_with_mail, confidant2, team_lead
):
    """R2: the reminder goes to the caseworker who holds the case, not to the
    team lead or another confidant."""
    confidant2.email = "vp2@akj.example"
    confidant2.save()
    _complaint_due_in(confidant_with_mail, 2)
    send_daily_reminders.enqueue()
    assert [m.to for m in mail.outbox] == [["vp1@akj.example"]]


def test_the_query_count_does_not_grow_with_the_number_of_cases(
    confidant_with_mail,
):
    """The reminders are found with aggregate queries, not a query per case."""

    def queries_for_run(day: int) -> int:
        date = (timezone.localdate() + datetime.timedelta(days=day)).isoformat()
        with CaptureQueriesContext(connection) as ctx:
            send_daily_reminders.enqueue(date)
        return len(ctx.captured_queries)

    _complaint_due_in(confidant_with_mail, 8)
    few = queries_for_run(1)
    for days in (3, 4, 5, 6):
        _complaint_due_in(confidant_with_mail, days + 1)
    many = queries_for_run(2)
    assert few == many
    assert many <= 8


def test_the_command_enqueues_the_task(confidant_with_mail, capsys):
    """``manage.py send_reminders`` enqueues the task (here run at once)."""
    _complaint_due_in(confidant_with_mail, 2)
    call_command("send_reminders")
    assert "Enqueued" in capsys.readouterr().out
    assert len(mail.outbox) == 1
    call_command("send_reminders", "--now")
    assert "0 e-mail" in capsys.readouterr().out
