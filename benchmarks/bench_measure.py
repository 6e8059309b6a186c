"""What ``bench.py`` measures in the process of one size (``--serve``): the
pages with their accounts, the subjects chosen by the same rule at every size,
the visible-cases list against the same SQL written by hand, the client
search's plan, and the nightly count of the municipal reports' figures."""

from __future__ import annotations

import json
import statistics
import time
import urllib.parse
from collections.abc import Callable

from bench_env import summary

# The pages, in the order of the table: (name, account, URL). The account is a
# key of ``accounts(subjects)``, the URL a function of the subjects
# (``pick_subjects``) called in the measuring process, where Django is set up.
# Adding a page is one line here.
PAGES: list[tuple[str, str, Callable[[dict], str]]] = [
    ("dashboard", "caseworker", lambda s: _url("web:dashboard")),
    ("client list p1", "caseworker", lambda s: _url("web:client_list")),
    (
        "client list deep",
        "caseworker",
        lambda s: _url("web:client_list", page=s["last_page"]),
    ),
    ("client search", "caseworker", lambda s: _url("web:client_list", **s["search"])),
    ("case list", "caseworker", lambda s: _url("web:case_list")),
    ("case detail", "caseworker", lambda s: _url("web:case_detail", s["case"].pk)),
    ("meeting form", "caseworker", lambda s: _url("web:meeting_plan", s["case"].pk)),
    (
        "municipal report",
        "manager",
        lambda s: _url("web:report_municipal", s["municipality_id"]),
    ),
    # The team lead's pages (R13: the teams they lead bound what they read).
    ("lead dashboard", "team_lead", lambda s: _url("web:dashboard")),
    ("lead case list", "team_lead", lambda s: _url("web:case_list")),
    (
        "lead cases ?caseworker=",
        "team_lead",
        lambda s: _url("web:case_list", caseworker=s["member"].pk),
    ),
    (
        "lead cases ?caseworker=null",
        "team_lead",
        lambda s: _url("web:case_list", caseworker="null"),
    ),
    (
        "lead cases ?status=",
        "team_lead",
        lambda s: _url("web:case_list", status="not_closed"),
    ),
    (
        "lead cases dashboard cell",
        "team_lead",
        lambda s: _url(
            "web:case_list",
            status="not_closed",
            kind="question",
            caseworker=s["member"].pk,
        ),
    ),
    ("lead complaint list", "team_lead", lambda s: _url("web:complaint_list")),
    (
        "lead complaints ?deadline=",
        "team_lead",
        lambda s: _url(
            "web:complaint_list", deadline="overdue", caseworker=s["member"].pk
        ),
    ),
    ("lead report index", "team_lead", lambda s: _url("web:report_municipal_index")),
    (
        "lead municipal report",
        "team_lead",
        lambda s: _url(
            "web:report_municipal", s["lead_municipality_id"], period=s["period"]
        ),
    ),
    ("lead link requests", "team_lead", lambda s: _url("web:link_request_list")),
    ("lead referral inbox", "team_lead", lambda s: _url("web:referral_inbox")),
    # The privacy officer's pages.
    ("access log", "privacy", lambda s: _url("web:access_log")),
    (
        "access log ?client=",
        "privacy",
        lambda s: _url("web:access_log", client=s["searched"].pk),
    ),
    ("emergency review list", "privacy", lambda s: _url("web:privacy_emergency_list")),
    (
        "client access history",
        "privacy",
        lambda s: _url("web:client_access_history", s["searched"].pk),
    ),
]
PAGE_NAMES = [name for name, _account, _url_of in PAGES]


def _url(view: str, /, *args: object, **query: object) -> str:
    from django.urls import reverse

    path = reverse(view, args=args)
    return f"{path}?{urllib.parse.urlencode(query)}" if query else path


def pick_subjects() -> dict:
    """The measured accounts and objects, chosen by the same rule at every
    size: the confidant whose caseload is the median one (by visible cases),
    their case with the most notes and meetings, their client whose name and
    date of birth are searched, and the contract manager's municipality."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from accounts.models import User
    from cases.models import Client, SupportCase
    from cases.selectors.conditions import caseworkers_of
    from reports.periods import default_period
    from reports.scope import report_scope, reportable_municipalities
    from roles.models import CaseUserObjectPermission
    from roles.permissions import VIEW_CASE
    from web.views.clients import PAGE_SIZE

    loads = list(
        CaseUserObjectPermission.objects.filter(
            permission__codename=VIEW_CASE, user__role=User.Role.AKJ_CONFIDANT
        )
        .values("user_id")
        .annotate(cases=Count("id"))
        .order_by("cases", "user_id")
    )
    median = loads[len(loads) // 2]
    user = User.objects.get(pk=median["user_id"])
    cases = (
        SupportCase.objects.visible_to(user)
        .open()
        .annotate(
            n_notes=Count("notes", distinct=True),
            n_meetings=Count("meetings", distinct=True),
        )
        .order_by("-n_meetings", "-n_notes", "pk")
    )
    plannable = [
        c for c in cases[:20] if c.kind in {"question", "problem", "complaint"}
    ]
    case = plannable[0] if plannable else cases[0]
    clients = Client.objects.visible_to(user).order_by("last_name", "pk")
    searched = clients[len(clients) // 2]
    manager = User.objects.get(username="contractmanager")
    lead = User.objects.get(username=TEAM_LEAD)
    # Of the team lead's caseworkers, the one with the median open caseload.
    members = list(
        caseworkers_of(lead)
        .annotate(n=Count("assignments", filter=Q(assignments__ended_at__isnull=True)))
        .order_by("n", "pk")
    )
    lead_scope = report_scope(lead)
    lead_municipalities = reportable_municipalities(lead, lead_scope)
    # The team lead's municipality with the most clients of the team's cases.
    lead_municipality = (
        lead_municipalities.annotate(
            n=Count("clients", filter=Q(clients__cases__team__in=lead_scope.teams))
        )
        .order_by("-n", "pk")
        .first()
    )
    last_page = max(1, -(-clients.count() // PAGE_SIZE))
    return {
        "last_page": last_page,
        "search": {
            "name": searched.last_name[:3],
            "date_of_birth": searched.date_of_birth.isoformat(),
        },
        "team_lead": lead,
        "team_members": len(members),
        "member": members[len(members) // 2],
        "lead_municipality_id": lead_municipality.pk,
        "period": default_period(timezone.localdate()).key,
        "privacy": User.objects.get(username=PRIVACY_OFFICER),
        "user": user,
        "user_clients": clients.count(),
        "user_cases": median["cases"],
        "confidants": len(loads),
        "case": case,
        "searched": searched,
        "manager": manager,
        "municipality_id": manager.organisation.municipality_id,
        "all_clients": Client.objects.count(),
        "all_cases": SupportCase.objects.count(),
        "team_cases": SupportCase.objects.visible_to(lead).count(),
    }


#: The measured team lead (the AKJ's first team) and privacy officer.
TEAM_LEAD = "teamleider1"
PRIVACY_OFFICER = "privacyfunctionaris"
#: Which subject logs in as each account of ``PAGES``.
ACCOUNTS = {
    "caseworker": "user",
    "manager": "manager",
    "team_lead": "team_lead",
    "privacy": "privacy",
}


def page_urls(s: dict) -> dict[str, tuple[str, str]]:
    """Page name -> (account, path with query)."""
    return {name: (account, url_of(s)) for name, account, url_of in PAGES}


# The visible-cases list (``case_list`` for a caseworker, default sort: newest
# first) written by hand: page 1 of 25 with the client, the columns of
# ``cases.selectors.lists.CaseRow``, and the number of cases in the same
# query, as the list asks for it (``web.pagination``).
RAW_CASE_LIST = """
SELECT c.id, c.reference, c.title, c.kind, c.status, c.opened_at, c.client_id,
       cl.id, cl.first_name, cl.last_name, count(*) OVER ()
FROM cases_supportcase c
JOIN roles_caseuserobjectpermission p ON p.content_object_id = c.id
JOIN auth_permission perm ON perm.id = p.permission_id
JOIN cases_client cl ON cl.id = c.client_id
WHERE p.user_id = %s AND perm.codename = 'view_supportcase'
ORDER BY c.opened_at DESC NULLS LAST, c.id DESC
LIMIT 25
"""
# The same by hand in two queries, as Django's own paginator asks (for
# comparison: the count first, then the page).
RAW_CASE_COUNT = """
SELECT count(*)
FROM cases_supportcase c
JOIN roles_caseuserobjectpermission p ON p.content_object_id = c.id
JOIN auth_permission perm ON perm.id = p.permission_id
WHERE p.user_id = %s AND perm.codename = 'view_supportcase'
"""
RAW_CASE_PAGE = RAW_CASE_LIST.replace(", count(*) OVER ()", "")


def measure_case_list_sql(s: dict, requests: int, warmup: int) -> dict:
    """The visible-cases list as the view reads it (its queryset and
    paginator) against the same SQL by hand, timed alternately in the same
    run; and PostgreSQL's own time for the ORM's SQL and the hand-written."""
    from django.db import connection, reset_queries
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    from cases.models import SupportCase
    from cases.selectors.lists import CaseRow, caseworker_cases
    from web.pagination import CountWithPagePaginator
    from web.views.lists import PAGE_SIZE

    user = s["user"]
    rows = caseworker_cases(SupportCase.objects.visible_to(user)).order_by(
        F("opened_at").desc(nulls_last=True), "-pk"
    )

    def orm() -> None:
        page = CountWithPagePaginator(rows, PAGE_SIZE).get_page(1)
        _rows = [CaseRow.from_values(values) for values in page]

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(RAW_CASE_LIST, [user.pk])
            cursor.fetchall()

    def raw_two_queries() -> None:
        with connection.cursor() as cursor:
            cursor.execute(RAW_CASE_COUNT, [user.pk])
            cursor.fetchall()
            cursor.execute(RAW_CASE_PAGE, [user.pk])
            cursor.fetchall()

    timed = {"orm": orm, "raw_sql": raw, "raw_sql_count_then_page": raw_two_queries}
    for _ in range(warmup):
        for fn in timed.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in timed}
    for _ in range(requests):
        for name, fn in timed.items():
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    reset_queries()
    with CaptureQueriesContext(connection) as sent:
        orm()
    (orm_sql,) = [query["sql"] for query in sent.captured_queries]
    return {
        **{name: summary(samples) for name, samples in times.items()},
        "server": {
            "orm_median_ms": server_time(orm_sql, None, requests),
            "raw_sql_median_ms": server_time(RAW_CASE_LIST, [user.pk], requests),
        },
    }


def server_time(sql: str, params, requests: int) -> float:
    """PostgreSQL's own planning + execution time (``EXPLAIN ANALYZE``) of a
    query, median of ``requests`` runs, in ms: what the database spends,
    without the client and the round trip."""
    from django.db import connection

    samples = []
    for _ in range(requests):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
        samples.append(plan["Planning Time"] + plan["Execution Time"])
    return round(statistics.median(samples), 3)


def explain_search(s: dict) -> dict:
    """EXPLAIN ANALYZE of the client search, as the client list runs it (the
    user's clients) and over all clients (which index serves the name prefix
    and date of birth)."""
    from cases.models import Client
    from web.filters import ClientFilter

    searched = s["searched"]
    data = {
        "name": searched.last_name[:3],
        "date_of_birth": searched.date_of_birth.isoformat(),
    }
    scoped = ClientFilter(
        data, queryset=Client.objects.visible_to(s["user"])
    ).qs.order_by("last_name", "first_name", "pk")
    everyone = ClientFilter(data, queryset=Client.objects.all()).qs.order_by(
        "last_name", "first_name", "pk"
    )
    return {
        "search": data,
        "visible_to_user": scoped.explain(analyze=True),
        "all_clients": everyone.explain(analyze=True),
    }


def measure_report_count(s: dict, requests: int) -> dict:
    """The municipal report's figures: the nightly count of every
    municipality's standard periods (``refresh_report_figures``), and one live
    count of the measured report, which a page does only when its stored
    figures are older than NAAST_REPORT_MAX_AGE_HOURS."""
    from django.utils import timezone

    from accounts.models import Municipality
    from reports.counting import count_report
    from reports.periods import default_period
    from reports.stored import refresh_report_figures

    started = time.perf_counter()
    reports = refresh_report_figures()
    refresh_seconds = time.perf_counter() - started
    # The period the report page shows without ``?period=``: the last ended year.
    period = default_period(timezone.localdate())
    municipality = Municipality.objects.get(pk=s["municipality_id"])
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        count_report(municipality=municipality, period=period)
        times.append(time.perf_counter() - started)
    return {
        "refresh_seconds": round(refresh_seconds, 2),
        "refresh_reports": reports,
        "live_count": summary(times),
    }
