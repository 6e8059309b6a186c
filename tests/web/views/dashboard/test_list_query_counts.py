"""The dashboards and lists are guarded against query counts that grow with
the rows, and still count exactly when grown.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Municipality, User
from audit.models import AccessLogEntry
from cases import services
from cases.models import (
    Client,
    Complaint,
    SupportCase,
)
from tests.factories import ApplicationFactory, ClientFactory
from tests.support.checks import access_log_queries

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _login(client, world, role: str) -> None:
    client.force_login(world.users[role])


def _case(world, key: str) -> SupportCase:
    return SupportCase.objects.get(pk=world.objects[key])


def _today() -> datetime.date:
    return timezone.localdate()


def _submitted_complaint(
    user: User, client: Client, due_in_days: int, **kwargs
) -> SupportCase:
    """A complaint case of ``user`` whose decision is due in ``due_in_days`` days
    (Jeugdwet: 6 weeks after submission)."""
    case = services.case_open(
        actor=user, client=client, kind="complaint", title="Klacht over de hulp"
    )
    services.complaint_advance(
        actor=user,
        complaint=Complaint.objects.get(case=case),
        stage=Complaint.Stage.SUBMITTED,
        submitted_to="Klachtencommissie",
        on=_today() - datetime.timedelta(days=42 - due_in_days),
        **kwargs,
    )
    return case


def _week_start() -> datetime.datetime:
    today = _today()
    monday = today - datetime.timedelta(days=today.weekday())
    return datetime.datetime.combine(monday, datetime.time.min, tzinfo=AMSTERDAM)


def _list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"].paginator.count


# --- query counts -------------------------------------------------------------------


def _grow(world, size: int) -> None:
    """``size`` more of everything the pages list: vp1's complaint cases (half
    submitted), meetings this week, co1's care questions, AKJ confidants with a
    case each, and applications of the municipality."""
    vp1, co1, tl = world.users["vp1"], world.users["co1"], world.users["tl"]
    youth = _case(world, "complaint_case").client
    care_client = _case(world, "care_case").client
    akj = tl.organisation
    gemeente = Municipality.objects.get(cbs_code="GM0344")
    start = _week_start()
    for i in range(size):
        if i % 2:
            case = _submitted_complaint(vp1, youth, i - size // 2)
        else:
            case = services.case_open(
                actor=vp1, client=youth, kind="complaint", title=f"K{i}"
            )
        services.meeting_plan(
            actor=vp1,
            case=case,
            kind="question_complaint",
            starts_at=start + datetime.timedelta(hours=i),
        )
        services.case_open(
            actor=co1, client=care_client, kind="care_question", title=f"Z{i}"
        )
        ApplicationFactory(
            client=ClientFactory(municipality=gemeente), municipality=gemeente
        )
    for i in range(max(1, size // 10)):
        confidant = User.objects.create_user(
            f"vp-extra-{i}",
            role=User.Role.AKJ_CONFIDANT,
            organisation=akj,
            team=world.users["vp1"].team,
        )
        services.client_register(
            actor=confidant,
            first_name="Extra",
            last_name=f"Client {i}",
            date_of_birth=datetime.date(2010, 1, 1),
            kind="youth",
            municipality=gemeente,
            case_kind="question",
            case_title="Vraag",
        )


# (role, url name, query, max queries, writes an access-log row). Each page
# costs 2 queries for the session and user (the session is written at login and
# then at most once a minute, accounts.session_clock); a page that names clients adds the access-log
# row (``access_log_queries()``). A caseworker's and a team lead's dashboard
# add 1 for emergency access (R2); a caseworker's 1 for their registrations
# waiting for the team lead, a team lead's 3 for their teams, the registrations
# and the referrals waiting for them (R13), and 1 for the month's contacts per
# caseworker.
QUERY_BUDGET = [
    ("vp1", "web:dashboard", "", 7, True),
    ("co1", "web:dashboard", "", 7, True),
    ("tl", "web:dashboard", "", 9, False),
    ("dm", "web:dashboard", "", 5, True),
    ("fa", "web:dashboard", "", 2, False),
    ("vp1", "web:case_list", "?status=not_closed&sort=client", 4, True),
    ("tl", "web:case_list", "?caseworker={vp1}&sort=reference", 7, False),
    ("vp1", "web:complaint_list", "?deadline=running", 4, True),
    ("tl", "web:complaint_list", "?caseworker={vp1}", 6, False),
    ("vp1", "web:meeting_list", "?period=this_week", 4, True),
    ("dm", "web:application_list", "?decision=pending&decider=nobody", 5, True),
]


@pytest.mark.parametrize("size", [2, 30])
@pytest.mark.parametrize(("role", "name", "query", "budget", "logged"), QUERY_BUDGET)
def test_query_count_does_not_grow_with_rows(
    client,
    world,
    django_assert_max_num_queries,
    size,
    role,
    name,
    query,
    budget,
    logged,
):
    """Each dashboard and list costs the same number of queries with 2 or 30
    more rows (select_related, prefetches and window counts, no per-row query),
    and a page that names clients writes exactly one access-log row."""
    _grow(world, size)
    _login(client, world, role)
    url = reverse(name) + query.format(vp1=world.users["vp1"].pk)
    before = AccessLogEntry.objects.count()
    with django_assert_max_num_queries(
        budget + (access_log_queries() if logged else 0)
    ):
        response = client.get(url)
    assert response.status_code == 200
    assert AccessLogEntry.objects.count() - before == (1 if logged else 0)


def test_grown_dashboards_still_count_exactly(client, world):
    """After growing, the team lead's and caseworker's numbers still match the
    lists they link to (the window counts equal the list counts)."""
    _grow(world, 30)
    _login(client, world, "vp1")
    context = client.get(reverse("web:dashboard")).context
    assert context["open_count"] == _list_count(client, context["open_url"])
    assert context["running_count"] == 15
    assert context["overdue_count"] == _list_count(client, context["overdue_url"])
    assert len(context["deadlines"]) == 10
    _login(client, world, "tl")
    context = client.get(reverse("web:dashboard")).context
    assert len(context["rows"]) == 2 + 3
    for row in context["rows"]:
        for cell in row["cells"]:
            assert _list_count(client, cell["url"]) == cell["count"]
