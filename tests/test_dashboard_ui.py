"""The dashboard per role and the list pages, through HTTP.

Every number on the dashboard is checked against hand-made data and against
the list it links to (the list must show exactly those rows). The lists are
checked for their filters, sorting, pagination, htmx partial updates and bad
input (which answers 200 with a message, never 500), and guarded against query
counts that grow with the rows.
"""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Municipality, User
from cases import services
from cases.models import (
    AccessLogEntry,
    Application,
    Client,
    Complaint,
    Meeting,
    SupportCase,
)
from roles import services as role_services
from roles.models import Assignment
from tests.conftest import access_log_queries
from tests.factories import ApplicationFactory, ClientFactory

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
    user = User.objects.create_user("nobody", password="x")
    client.force_login(user)
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Welkom bij Naast" in html
    assert reverse("admin:index") not in html


# --- the case list: filters, sorting, pagination, htmx ---------------------------------


def _refs(response) -> list[str]:
    return [case.reference for case in response.context["page"]]


def test_case_list_filters_on_status(client, world):
    """Status "lopend" means every status but closed; a specific status filters
    on that status."""
    _login(client, world, "vp1")
    url = reverse("web:case_list")
    open_ref = _case(world, "complaint_case").reference
    closed_ref = _case(world, "closed_case").reference
    assert _refs(client.get(url + "?status=not_closed")) == [open_ref]
    assert _refs(client.get(url + "?status=closed")) == [closed_ref]
    assert _refs(client.get(url + "?status=open")) == [open_ref]
    assert _refs(client.get(url + "?status=in_progress")) == []
    assert set(_refs(client.get(url))) == {open_ref, closed_ref}


def test_case_list_filters_on_kind_and_opening_dates(client, world):
    """Cases filter on kind and on the (Amsterdam) date they were opened, both
    ends included."""
    SupportCase.objects.filter(pk=world.objects["closed_case"]).update(
        opened_at=datetime.datetime(2024, 1, 15, 0, 30, tzinfo=AMSTERDAM)
    )
    _login(client, world, "vp1")
    url = reverse("web:case_list")
    closed_ref = _case(world, "closed_case").reference
    assert _refs(client.get(url + "?kind=complaint")) == [
        _case(world, "complaint_case").reference
    ]
    assert _refs(client.get(url + "?opened_from=2024-01-15&opened_to=2024-01-15")) == [
        closed_ref
    ]
    assert _refs(client.get(url + "?opened_to=2024-01-14")) == []
    assert closed_ref not in _refs(client.get(url + "?opened_from=2024-01-16"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?opened_from=gisteren", "Geopend vanaf: Voer een geldige datum in."),
        ("?opened_from=2024-13-45", "Geopend vanaf: Voer een geldige datum in."),
        ("?opened_from=99999-01-01", "Geopend vanaf: Voer een geldige datum in."),
        (
            "?opened_from=2024-02-01&opened_to=2024-01-01",
            "Geopend tot en met: Deze datum ligt vóór de begindatum van de periode.",
        ),
        ("?status=weg", "Status: Selecteer een geldige keuze."),
        ("?kind=%3Cscript%3E", "Soort zaak: Selecteer een geldige keuze."),
        ("?status=" + "x" * 100_000, "Status: Selecteer een geldige keuze."),
        ("?sort=title", "Op deze kolom kan niet worden gesorteerd"),
        ("?sort=-", "Op deze kolom kan niet worden gesorteerd"),
        ("?page=abc", None),
        ("?page=99999", None),
        ("?page=-1", None),
    ],
)
def test_bad_list_input_gets_a_message_not_an_error(client, world, query, message):
    """Invalid dates, unknown choices, huge values, unknown sorts and pages
    answer 200; a bad filter is named in the status region and left out."""
    _login(client, world, "vp1")
    response = client.get(reverse("web:case_list") + query)
    assert response.status_code == 200
    html = response.content.decode()
    if message:
        status = html[html.index('id="case-count"') : html.index('id="case-results"')]
        assert message in status
        assert len(status) < 2000  # a huge value is not repeated in full
        assert "<script>" not in html
    # The other filters (none here) still apply: vp1's two cases are listed.
    if "opened" not in query:
        assert response.context["page"].paginator.count == 2


def test_unknown_sort_falls_back_to_the_default_order(client, world):
    """An unknown sort uses the default order (newest first), marked with
    aria-sort on its column."""
    _login(client, world, "vp1")
    html = client.get(reverse("web:case_list") + "?sort=bestaatniet").content.decode()
    assert re.search(r'scope="col" aria-sort="descending"><a [^>]*>Geopend</a>', html)


def test_case_list_sorts_with_aria_sort(client, world):
    """?sort= orders the list; the sorted column carries aria-sort and its link
    reverses the order."""
    vp1 = world.users["vp1"]
    youth = _case(world, "complaint_case").client
    for i in range(3):
        services.case_open(actor=vp1, client=youth, kind="problem", title=f"P{i}")
    _login(client, world, "vp1")
    url = reverse("web:case_list")
    ascending = client.get(url + "?sort=reference&status=not_closed")
    refs = _refs(ascending)
    assert refs == sorted(refs) and len(refs) == 4
    html = ascending.content.decode()
    assert re.search(
        r'aria-sort="ascending"><a class="utrecht-link" '
        r'href="\?sort=-reference&amp;status=not_closed">Kenmerk</a>',
        html,
    )
    assert '<input type="hidden" name="sort" value="reference">' in html
    descending = client.get(url + "?sort=-reference&status=not_closed")
    assert _refs(descending) == list(reversed(refs))
    assert 'aria-sort="descending"' in descending.content.decode()
    by_kind = _refs(client.get(url + "?sort=kind&status=not_closed"))
    assert by_kind[0] == _case(world, "complaint_case").reference  # complaint < problem
    assert _refs(client.get(url + "?sort=-opened"))[0] == refs[-1]


def test_team_lead_cannot_sort_on_client(client, world):
    """R2: a team lead has no client column, so no client sort either."""
    _login(client, world, "tl")
    html = client.get(reverse("web:case_list") + "?sort=client").content.decode()
    assert "Op deze kolom kan niet worden gesorteerd" in html
    assert "Bakker" not in html


def test_case_list_paginates_by_25_and_keeps_filters(client, world):
    """The list shows 25 rows a page; the page links keep the filters."""
    vp1 = world.users["vp1"]
    youth = _case(world, "complaint_case").client
    for i in range(30):
        services.case_open(actor=vp1, client=youth, kind="question", title=f"V{i}")
    _login(client, world, "vp1")
    url = reverse("web:case_list") + "?status=not_closed&sort=reference"
    first = client.get(url)
    assert len(first.context["page"]) == 25
    html = first.content.decode()
    assert "31 zaken gevonden" in html
    assert "Pagina 1 van 2" in html
    assert 'href="?status=not_closed&amp;sort=reference&amp;page=2"' in html
    second = client.get(url + "&page=2")
    assert len(second.context["page"]) == 6
    assert not set(_refs(first)) & set(_refs(second))


def test_htmx_request_gets_only_the_results_and_the_count(client, world):
    """With htmx only the results are rendered, with the count for the live
    region (swapped out of band); the response varies on HX-Request."""
    _login(client, world, "vp1")
    url = reverse("web:case_list") + "?status=closed"
    response = client.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert '<div id="case-count" hx-swap-oob="innerHTML">' in html
    assert "1 zaak gevonden" in html
    assert _case(world, "closed_case").reference in html
    assert "HX-Request" in response["Vary"]
    full = client.get(url)
    assert "<html" in full.content.decode()
    assert "HX-Request" in full["Vary"]
    restore = client.get(
        url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.content.decode()


def test_the_count_sits_in_a_status_region_and_the_form_works_without_js(client, world):
    """The result count is in a role=status region; the filter form is a plain
    GET form with labelled controls and a submit button."""
    _login(client, world, "vp1")
    html = client.get(reverse("web:case_list")).content.decode()
    assert '<div id="case-count" role="status" aria-live="polite">' in html
    assert '<form method="get" action="/zaken/"' in html
    assert 'hx-get="/zaken/"' in html
    for name in ("status", "kind", "opened_from", "opened_to"):
        assert f'<label class="utrecht-form-label" for="id_{name}">' in html
    assert (
        '<button class="utrecht-button utrecht-button--primary-action" type="submit">'
        in html
    )
    assert html.count("<h1") == 1


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
# and the referrals waiting for them (R13).
QUERY_BUDGET = [
    ("vp1", "web:dashboard", "", 7, True),
    ("co1", "web:dashboard", "", 7, True),
    ("tl", "web:dashboard", "", 8, False),
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
