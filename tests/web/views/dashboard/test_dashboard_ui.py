"""The dashboard per role and the complaint, meeting and application lists,
through HTTP.

Every number on the dashboard is checked against hand-made data and against
the list it links to (the list must show exactly those rows). The lists are
checked for their filters and sorting. The case list (filters, sorting,
pagination, htmx partial updates and bad input, which answers 200 with a
message, never 500) is in ``test_case_list_ui.py``; the query counts that must
not grow with the rows in ``test_list_query_counts.py``.
"""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Municipality, User
from cases import services
from cases.models import (
    Application,
    Client,
    Complaint,
    ContactMoment,
    Meeting,
    SupportCase,
)
from roles import services as role_services
from roles.models import Assignment
from tests.factories import ApplicationFactory, ClientFactory, account, record_contact

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# Days from today to each complaint's decision date: one overdue, three due
# soon (today, in 2 days, in 7 days: DUE_SOON_DAYS), two later.
DUE_OFFSETS = [-8, 0, 2, 7, 8, 35]


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


@pytest.fixture
def deadlines(world) -> dict[int, SupportCase]:
    """vp1's complaints due at ``DUE_OFFSETS`` days from today, and one overdue
    complaint of vp2 that vp1 must never count."""
    vp1 = world.users["vp1"]
    youth = _case(world, "complaint_case").client
    cases = {days: _submitted_complaint(vp1, youth, days) for days in DUE_OFFSETS}
    mother = _case(world, "mother_case").client
    world.objects["vp2_overdue_case"] = _submitted_complaint(
        world.users["vp2"], mother, -3
    ).pk
    return cases


def _week_start() -> datetime.datetime:
    today = _today()
    monday = today - datetime.timedelta(days=today.weekday())
    return datetime.datetime.combine(monday, datetime.time.min, tzinfo=AMSTERDAM)


@pytest.fixture
def week_meetings(world) -> set[int]:
    """Meetings around the current ISO week; returns the pks of vp1's meetings
    in this week (Monday 00:00 up to Sunday 23:59, Amsterdam time)."""
    vp1, vp2 = world.users["vp1"], world.users["vp2"]
    start = _week_start()
    minute = datetime.timedelta(minutes=1)
    week = datetime.timedelta(days=7)
    case = _case(world, "complaint_case")

    def plan(actor, at, on=case):
        return services.meeting_plan(
            actor=actor, case=on, kind="question_complaint", starts_at=at
        ).pk

    inside = {plan(vp1, start), plan(vp1, start + week - minute)}
    plan(vp1, start - minute)  # last Sunday
    plan(vp1, start + week)  # next Monday
    plan(vp2, start + datetime.timedelta(days=1), _case(world, "mother_case"))
    # The world's own meetings: vp1's moved out of this week, co1's into it.
    Meeting.objects.filter(pk=world.objects["complaint_meeting"]).update(
        starts_at=start + datetime.timedelta(days=9)
    )
    Meeting.objects.filter(pk=world.objects["content_meeting"]).update(
        starts_at=start + datetime.timedelta(days=2)
    )
    return inside


def _list_pks(client, url: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    rows = response.context["page"].paginator.object_list
    # The caseworker's case list reads values (web.views.lists.CaseRow).
    return {row["pk"] if isinstance(row, dict) else row.pk for row in rows}


def _list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def _section(html: str, heading: str) -> str:
    """The page from the h2 ``heading`` to the next h2."""
    start = html.index(f">{heading}</h2>")
    end = html.find("<h2", start)
    return html[start : end if end != -1 else None]


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr class=\"utrecht-table__row\">.*?</tr>", html, re.S)


def _row_with(html: str, text: str) -> str:
    (row,) = [row for row in _rows(html) if text in row]
    return row


# --- the caseworker's dashboard ---------------------------------------------------


def test_caseworker_dashboard_counts_overdue_and_due_soon_complaints(
    client, world, deadlines
):
    """R3: the dashboard counts vp1's overdue complaints (decision date past)
    and due-soon ones (today up to 7 days ahead), never vp2's."""
    _login(client, world, "vp1")
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 200
    assert response.context["overdue_count"] == 1
    assert response.context["due_soon_count"] == 3
    assert response.context["running_count"] == len(DUE_OFFSETS)
    html = response.content.decode()
    assert (
        '<a class="utrecht-link" href="/klachten/?deadline=overdue">'
        '<span class="naast-card__number">1</span> klacht te laat</a>'
    ) in html
    assert (
        'href="/klachten/?deadline=due_soon"><span class="naast-card__number">3'
        "</span> klachten binnenkort te beslissen</a>"
    ) in html


def test_every_caseworker_number_links_to_exactly_its_rows(
    client, world, deadlines, week_meetings
):
    """Each number on a caseworker's dashboard links to a list that shows
    exactly that many rows, and for complaints exactly those complaints."""
    _login(client, world, "vp1")
    context = client.get(reverse("web:dashboard")).context
    pairs = [
        ("open_count", "open_url"),
        ("overdue_count", "overdue_url"),
        ("due_soon_count", "due_soon_url"),
        ("running_count", "running_url"),
    ]
    for count, url in pairs:
        assert _list_count(client, context[url]) == context[count], count
    assert _list_count(client, context["meetings_url"]) == len(context["meetings"])
    overdue = _list_pks(client, context["overdue_url"])
    assert overdue == {Complaint.objects.get(case=deadlines[-8]).pk}
    due_soon = _list_pks(client, context["due_soon_url"])
    assert due_soon == {
        Complaint.objects.get(case=deadlines[days]).pk for days in (0, 2, 7)
    }
    open_cases = _list_pks(client, context["open_url"])
    assert _case(world, "closed_case").pk not in open_cases
    assert _case(world, "complaint_case").pk in open_cases


def test_deadlines_are_listed_by_date_with_a_text_marker(client, world, deadlines):
    """R3: complaint deadlines are ordered by due date; an overdue one says
    "Te laat" and a due-soon one "Binnenkort" in text, not by colour alone."""
    _login(client, world, "vp1")
    html = client.get(reverse("web:dashboard")).content.decode()
    section = _section(html, "Klachttermijnen")
    positions = [section.index(deadlines[days].reference) for days in DUE_OFFSETS]
    assert positions == sorted(positions)
    overdue_row = _row_with(section, deadlines[-8].reference)
    assert '<span class="naast-overdue">Te laat</span>' in overdue_row
    for days in (0, 2, 7):
        row = _row_with(section, deadlines[days].reference)
        assert '<span class="naast-due-soon">Binnenkort</span>' in row
        assert "Te laat" not in row
    for days in (8, 35):
        row = _row_with(section, deadlines[days].reference)
        assert "Binnenkort" not in row and "Te laat" not in row
    due = Complaint.objects.get(case=deadlines[-8]).due_on
    assert due.strftime("%-d-%-m-%Y") in overdue_row  # Dutch short date


def test_meetings_this_week_are_the_visible_ones_of_the_iso_week(
    client, world, week_meetings
):
    """The dashboard lists vp1's meetings from Monday 00:00 to Sunday 23:59
    (Europe/Amsterdam): not last Sunday, not next Monday, not vp2's or co1's."""
    _login(client, world, "vp1")
    response = client.get(reverse("web:dashboard"))
    assert {m.pk for m in response.context["meetings"]} == week_meetings
    html = response.content.decode()
    assert (
        'href="/gesprekken/?period=this_week"><span class="naast-card__number">2'
        "</span> gesprekken deze week</a>"
    ) in html
    listed = _list_pks(client, reverse("web:meeting_list") + "?period=this_week")
    assert listed == week_meetings


def test_dashboard_shows_the_newest_open_cases(client, world):
    """The caseworker's dashboard shows their newest open cases (not closed
    ones) with the total, linking to the list of open cases."""
    vp1 = world.users["vp1"]
    youth = _case(world, "complaint_case").client
    newest = [
        services.case_open(actor=vp1, client=youth, kind="question", title=f"V{i}")
        for i in range(6)
    ]
    _login(client, world, "vp1")
    response = client.get(reverse("web:dashboard"))
    assert response.context["open_count"] == 7
    shown = [case.pk for case in response.context["newest_cases"]]
    assert shown == [case.pk for case in reversed(newest)][:5]
    html = response.content.decode()
    assert 'href="/zaken/?status=not_closed">Alle 7 lopende zaken</a>' in html
    assert _case(world, "closed_case").reference not in html


def test_an_empty_caseworker_dashboard_explains_itself(client, world):
    """Without cases, meetings or deadlines the dashboard says so, with zeros."""
    _login(client, world, "vp2")
    html = client.get(reverse("web:dashboard")).content.decode()
    assert "Deze week staan er geen gesprekken gepland." in html
    assert "Er lopen geen klachttermijnen." in html
    assert '<span class="naast-card__number">0</span> klachten te laat' in html


# --- the team lead's dashboard ----------------------------------------------------


def _row_for(context, label: str) -> dict:
    (row,) = [row for row in context["rows"] if row["label"] == label]
    return row


def _cell(row: dict, kind: str) -> dict:
    (cell,) = [cell for cell in row["cells"] if cell["kind"] == kind]
    return cell


def test_team_lead_sees_caseload_per_caseworker(client, world, deadlines):
    """R2: one row per caseworker of the team lead's organisation with open
    cases by kind and overdue complaints; no client names, no content."""
    akj = world.users["tl"].organisation
    User.objects.create_user(
        "vp3",
        role=User.Role.AKJ_CONFIDANT,
        organisation=akj,
        team=world.users["vp1"].team,
        is_active=False,
    )
    _login(client, world, "tl")
    response = client.get(reverse("web:dashboard"))
    context = response.context
    assert [row["label"] for row in context["rows"]] == ["vp1", "vp2"]
    assert [kind.value for kind in context["kinds"]] == [
        "question",
        "problem",
        "complaint",
        "mediation",
    ]
    vp1, vp2 = _row_for(context, "vp1"), _row_for(context, "vp2")
    assert _cell(vp1, "complaint")["count"] == 1 + len(DUE_OFFSETS)
    assert _cell(vp1, "question")["count"] == 0  # the closed one is not open
    assert _cell(vp2, "question")["count"] == 1
    assert _cell(vp2, "complaint")["count"] == 1
    assert vp1["overdue"]["count"] == 1
    assert vp2["overdue"]["count"] == 1
    html = response.content.decode()
    for name in ("Bakker", "Sem", "Anouk", "Klacht over de hulp"):
        assert name not in html
    vp1_pk = world.users["vp1"].pk
    assert (
        f"/zaken/?status=not_closed&amp;kind=complaint&amp;caseworker={vp1_pk}" in html
    )
    assert f"/klachten/?deadline=overdue&amp;caseworker={vp1_pk}" in html


def test_every_team_lead_number_links_to_exactly_its_rows(client, world, deadlines):
    """Each count in the caseload table links to a list with exactly that many
    rows, also for the cases nobody holds."""
    assignment = Assignment.objects.get(
        case_id=world.objects["mother_case"], user=world.users["vp2"]
    )
    role_services.assignment_end(actor=world.users["tl"], assignment=assignment)
    _login(client, world, "tl")
    context = client.get(reverse("web:dashboard")).context
    assert _cell(_row_for(context, "vp2"), "question")["count"] == 0
    assert _cell(context["unassigned"], "question")["count"] == 1
    for row in [*context["rows"], context["unassigned"]]:
        for cell in [*row["cells"], row["overdue"]]:
            assert _list_count(client, cell["url"]) == cell["count"], cell["url"]
    unassigned = _list_pks(client, _cell(context["unassigned"], "question")["url"])
    assert unassigned == {world.objects["mother_case"]}


def test_client_support_team_lead_sees_care_questions_only(client, world):
    """R1: the caseload columns follow the kinds the organisation's supporters
    take on: a client-support team lead gets care questions."""
    mee = world.users["co1"].organisation
    lead = User.objects.create_user("tl-co", role=User.Role.TEAM_LEAD, organisation=mee)
    world.users["co1"].team.leads.add(lead)
    client.force_login(lead)
    context = client.get(reverse("web:dashboard")).context
    assert [kind.value for kind in context["kinds"]] == ["care_question"]
    assert _cell(_row_for(context, "co1"), "care_question")["count"] == 1


# --- the decision-maker's dashboard -----------------------------------------------


@pytest.fixture
def applications(world) -> dict[str, Application]:
    """Besides the world's pending application: one assigned to dm, one decided,
    and one of another municipality."""
    dm = world.users["dm"]
    gemeente = Municipality.objects.get(cbs_code="GM0344")

    def new() -> Application:
        return ApplicationFactory(
            client=ClientFactory(municipality=gemeente), municipality=gemeente
        )

    mine = services.application_assign_decider(actor=dm, application=new(), decider=dm)
    decided = services.application_decide(
        actor=dm, application=new(), decision="granted", reason="Passend"
    )
    elsewhere = ApplicationFactory(client=ClientFactory())
    return {"mine": mine, "decided": decided, "elsewhere": elsewhere}


def test_decision_maker_sees_pending_applications(client, world, applications):
    """R9: the decision-maker's dashboard counts the municipality's pending
    applications, lists them oldest first, and links each to its page."""
    _login(client, world, "dm")
    response = client.get(reverse("web:dashboard"))
    context = response.context
    assert context["pending_count"] == 2
    assert context["mine_count"] == 1
    assert context["unassigned_count"] == 1
    pending = {a.pk for a in context["pending"]}
    assert pending == {world.objects["application"], applications["mine"].pk}
    html = response.content.decode()
    for pk in pending:
        assert reverse("web:application_detail", args=[pk]) in html
    assert applications["elsewhere"].get_absolute_url() not in html
    assert (
        'href="/aanvragen/?decision=pending"><span class="naast-card__number">2'
        "</span> aanvragen in behandeling</a>"
    ) in html
    for count, url in [
        ("pending_count", "pending_url"),
        ("mine_count", "mine_url"),
        ("unassigned_count", "unassigned_url"),
    ]:
        assert _list_count(client, context[url]) == context[count], count
    assert _list_pks(client, context["mine_url"]) == {applications["mine"].pk}


def test_decision_maker_dashboard_shows_no_cases(client, world):
    """R2: a decision-maker's dashboard shows applications, no cases."""
    _login(client, world, "dm")
    html = client.get(reverse("web:dashboard")).content.decode()
    assert _case(world, "complaint_case").reference not in html
    assert "Aanvragen van mijn gemeente" in html


# --- other roles ----------------------------------------------------------------------


def test_functional_administrator_gets_an_explanation_and_the_admin(client, world):
    """A functional administrator sees no client data, only a way to the admin."""
    _login(client, world, "fa")
    html = client.get(reverse("web:dashboard")).content.decode()
    assert "Welkom bij Naast" in html
    assert f'href="{reverse("admin:index")}"' in html
    assert _case(world, "complaint_case").reference not in html


def test_a_user_without_role_gets_an_explanation_without_admin_link(client, world):
    """A user without a role (and not staff) gets the explanation only."""
    user = account("nobody")
    client.force_login(user)
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Welkom bij Naast" in html
    assert reverse("admin:index") not in html


# --- the complaint list -------------------------------------------------------------


def test_complaint_list_filters_on_deadline_stage_and_regime(client, world, deadlines):
    """Complaints filter on deadline (overdue, due soon, running), stage and
    regime."""
    vp1 = world.users["vp1"]
    youth = _case(world, "complaint_case").client
    wkkgz = _submitted_complaint(vp1, youth, 20, regime="wkkgz")
    _login(client, world, "vp1")
    url = reverse("web:complaint_list")

    def cases(query: str) -> set[int]:
        return {c.case_id for c in client.get(url + query).context["page"]}

    assert cases("?deadline=overdue") == {deadlines[-8].pk}
    assert cases("?deadline=due_soon") == {deadlines[d].pk for d in (0, 2, 7)}
    assert cases("?deadline=running") == {c.pk for c in deadlines.values()} | {wkkgz.pk}
    assert cases("?stage=formulating") == {world.objects["complaint_case"]}
    assert cases("?regime=wkkgz") == {wkkgz.pk}
    assert cases("?regime=wkkgz&deadline=overdue") == set()
    response = client.get(url + "?deadline=later")
    assert response.status_code == 200
    assert "Termijn: Selecteer een geldige keuze." in response.content.decode()


def test_complaint_list_marks_deadlines_in_text_and_sorts_by_due_date(
    client, world, deadlines
):
    """R3: each complaint's due date is shown with "Te laat" or "Binnenkort" as
    text; by default the earliest deadline comes first and complaints without a
    deadline last."""
    _login(client, world, "vp1")
    response = client.get(reverse("web:complaint_list"))
    order = [c.case_id for c in response.context["page"]]
    assert order == [deadlines[d].pk for d in DUE_OFFSETS] + [
        world.objects["complaint_case"]
    ]
    html = response.content.decode()
    assert '<span class="naast-overdue">Te laat</span>' in _row_with(
        html, deadlines[-8].reference
    )
    assert '<span class="naast-due-soon">Binnenkort</span>' in _row_with(
        html, deadlines[7].reference
    )
    assert "Binnenkort" not in _row_with(html, deadlines[8].reference)
    assert "Geen termijn" in _row_with(html, _case(world, "complaint_case").reference)
    reverse_order = client.get(reverse("web:complaint_list") + "?sort=-due")
    order = [c.case_id for c in reverse_order.context["page"]]
    assert order == [deadlines[d].pk for d in reversed(DUE_OFFSETS)] + [
        world.objects["complaint_case"]
    ]


def test_team_lead_complaint_list_filters_on_caseworker(client, world, deadlines):
    """A team lead narrows the complaints to one caseworker's, without ever
    seeing a client name (R2)."""
    _login(client, world, "tl")
    vp2 = world.users["vp2"]
    response = client.get(reverse("web:complaint_list") + f"?caseworker={vp2.pk}")
    assert {c.case_id for c in response.context["page"]} == {
        world.objects["vp2_overdue_case"]
    }
    html = response.content.decode()
    assert "Anouk" not in html and "Bakker" not in html


# --- the meeting list ----------------------------------------------------------------


def test_meeting_list_filters_on_period_kind_and_status(client, world, week_meetings):
    """Meetings filter on this week, from today, a date range, kind and status."""
    _login(client, world, "vp1")
    url = reverse("web:meeting_list")
    start = _week_start()
    all_vp1 = _list_pks(client, url)
    assert week_meetings < all_vp1
    upcoming = _list_pks(client, url + "?period=upcoming")
    assert all(
        Meeting.objects.get(pk=pk).starts_at.astimezone(AMSTERDAM).date() >= _today()
        for pk in upcoming
    )
    monday = start.date().isoformat()
    sunday = (start.date() + datetime.timedelta(days=6)).isoformat()
    assert (
        _list_pks(client, url + f"?starts_from={monday}&starts_to={sunday}")
        == week_meetings
    )
    assert _list_pks(client, url + "?kind=content") == set()
    assert _list_pks(client, url + "?status=cancelled") == set()
    assert _list_pks(client, url + "?status=planned") == all_vp1
    response = client.get(url + "?period=gisteren&starts_from=1-2-3")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Periode: Selecteer een geldige keuze." in html
    assert "Vanaf datum: Voer een geldige datum in." in html


def test_meeting_list_sorts_by_date(client, world, week_meetings):
    """Meetings are listed by date, earliest first, or the other way round."""
    _login(client, world, "vp1")
    url = reverse("web:meeting_list")
    first = [m.starts_at for m in client.get(url).context["page"]]
    assert first == sorted(first)
    last = [m.starts_at for m in client.get(url + "?sort=-starts").context["page"]]
    assert last == sorted(first, reverse=True)


# --- the application list ------------------------------------------------------------


def test_application_list_filters_on_decision_decider_and_dates(
    client, world, applications
):
    """Applications filter on decision, decider (me, nobody) and the date they
    were submitted; another municipality's never show."""
    _login(client, world, "dm")
    url = reverse("web:application_list")
    world_app = world.objects["application"]
    assert _list_pks(client, url) == {
        world_app,
        applications["mine"].pk,
        applications["decided"].pk,
    }
    assert _list_pks(client, url + "?decision=granted") == {applications["decided"].pk}
    assert _list_pks(client, url + "?decider=me") == {
        applications["mine"].pk,
        applications["decided"].pk,
    }
    assert _list_pks(client, url + "?decider=nobody") == {world_app}
    Application.objects.filter(pk=world_app).update(
        submitted_on=datetime.date(2023, 5, 1)
    )
    assert _list_pks(
        client, url + "?submitted_from=2023-05-01&submitted_to=2023-05-01"
    ) == {world_app}
    response = client.get(url + "?decider=iemand&submitted_to=morgen")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Beslisser: Selecteer een geldige keuze." in html
    assert "Ingediend tot en met: Voer een geldige datum in." in html


def test_application_list_sorts_on_submission_date(client, world, applications):
    """Applications sort on the submission date; the default is newest first."""
    _login(client, world, "dm")
    url = reverse("web:application_list")
    dates = [a.submitted_on for a in client.get(url).context["page"]]
    assert dates == sorted(dates, reverse=True)
    dates = [
        a.submitted_on for a in client.get(url + "?sort=submitted").context["page"]
    ]
    assert dates == sorted(dates)


def test_team_lead_counts_the_months_contacts_without_seeing_them(client, world):
    """Each caseworker's contacts of this month are a number on the team
    lead's dashboard; last month's and the client supporter's (another
    organisation) do not count; no contact's content or link is shown."""
    vp1, vp2, co1 = (world.users[r] for r in ("vp1", "vp2", "co1"))
    case = SupportCase.objects.get(pk=world.objects["complaint_case"])
    # Mid-month, so that "a quarter of an hour ago" is this month too.
    with time_machine.travel(timezone.now().replace(day=15, hour=12), tick=False):
        record_contact(vp1, notes="Vraag over het recht op een second opinion.")
        record_contact(vp1, case=case)
        record_contact(vp2)
        record_contact(co1)
        old = record_contact(vp2)
        ContactMoment.objects.filter(pk=old.pk).update(
            started_at=timezone.now() - datetime.timedelta(days=40)
        )
        _login(client, world, "tl")
        response = client.get(reverse("web:dashboard"))
    rows = {row["label"]: row["contacts"] for row in response.context["rows"]}
    assert rows == {"vp1": 2, "vp2": 1}
    assert response.context["unassigned"]["contacts"] is None
    html = response.content.decode()
    assert "second opinion" not in html and "/contacten/" not in html
