"""Measure the main pages at two database sizes on PostgreSQL: ``make bench``.

For each size (``--small`` and ``--large`` clients) the script

1. makes sure a PostgreSQL database holds ``seed_demo --clients N`` (it reuses
   one whose client count already matches; ``--reseed`` starts afresh), and
   runs ``migrate`` on it;
2. counts the municipal reports' figures as the nightly job does before the
   pages are read (the report page reads them), and times the nightly count
   and one live count of the measured report;
3. measures every page with the Django test client (server time around
   ``client.get``, SQL queries with ``CaptureQueriesContext``) and over HTTP
   against gunicorn (2 workers on 127.0.0.1, with a logged-in session cookie);
4. times the visible-cases list (the view's queryset and paginator) against
   the same SQL written by hand, and prints ``EXPLAIN ANALYZE`` of the client
   search by name prefix and date of birth.

Then it prints one table comparing the sizes and writes it, with the raw
numbers, to ``benchmarks/results/bench-<date>.json``.

Each size is served by its own process (``--serve``), since Django talks to
one database per process; the parent alternates the sizes request by request
(and which goes first), so that both are measured in the same conditions and
a busy moment of the machine does not fall on one size only.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PORT = int(os.environ.get("BENCH_PORT", "8301"))

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


def label(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def db_url(n: int) -> str:
    return f"{PG}/{os.environ.get('BENCH_DB_PREFIX', 'naast_bench_')}{label(n)}"


def django_env(url: str) -> dict[str, str]:
    """Production-like settings: DEBUG off, no HTTPS redirect on 127.0.0.1,
    no second factor for the measured accounts."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=url,
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        NAAST_REQUIRE_2FA="False",
        SECURE_SSL_REDIRECT="False",
        SESSION_COOKIE_SECURE="False",
        CSRF_COOKIE_SECURE="False",
        SECURE_HSTS_SECONDS="0",
    )
    return env


# --- preparing the databases (parent process) -------------------------------------


def _pg(dbname: str = "postgres"):
    return psycopg.connect(f"{PG}/{dbname}", autocommit=True)


SEEDED = "seed_demo --clients "


def seeded_clients(n: int) -> int | None:
    """The ``--clients`` the size's database was seeded with (a comment on
    the database, written after seeding), or None if it has none (yet). The
    rows do not tell: a client of two organisations has two client files."""
    name = db_url(n).rsplit("/", 1)[1]
    with _pg() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
            " WHERE datname = %s",
            [name],
        ).fetchone()
    if row is None or not (row[0] or "").startswith(SEEDED):
        return None
    return int(row[0].removeprefix(SEEDED))


def prepare(n: int, *, reseed: bool) -> dict:
    """Seed (or reuse) the size's database and migrate it."""
    url = db_url(n)
    name = url.rsplit("/", 1)[1]
    env = django_env(url)
    manage = [sys.executable, str(ROOT / "manage.py")]
    count = seeded_clients(n)
    seeded_seconds = None
    if reseed or count != n:
        print(f"[{label(n)}] seeding {n} clients into {name} (found {count})")
        with _pg() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        started = time.perf_counter()
        subprocess.run(
            [*manage, "seed_demo", "--clients", str(n)], env=env, cwd=ROOT, check=True
        )
        seeded_seconds = round(time.perf_counter() - started, 1)
        with _pg() as conn:
            conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{SEEDED}{int(n)}'")
    else:
        print(f"[{label(n)}] reusing {name} (seeded with {count} clients)")
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    with _pg(name) as conn:
        conn.execute("VACUUM ANALYZE")
    return {"database": name, "seeded_seconds": seeded_seconds}


class Size:
    """One database size, served by a child process (``--serve``) that holds
    Django, logged-in test clients and its own gunicorn, and answers one
    request at a time, so that the parent can alternate the two sizes request
    by request: both see the machine in the same state."""

    MARK = "@@bench "

    def __init__(self, n: int, port: int, args: argparse.Namespace) -> None:
        self.n = n
        cmd = [sys.executable, __file__, "--serve", str(n), "--port", str(port)]
        cmd += ["--requests", str(args.requests), "--warmup", str(args.warmup)]
        if args.no_http:
            cmd.append("--no-http")
        self.process = subprocess.Popen(
            cmd,
            env=django_env(db_url(n)),
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.meta = self._answer()

    def _answer(self):
        for line in self.process.stdout:
            if line.startswith(self.MARK):
                return json.loads(line[len(self.MARK) :])
            sys.stdout.write(line)
        raise RuntimeError(f"[{label(self.n)}] the measuring process ended")

    def ask(self, command: str):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._answer()

    def close(self) -> None:
        if self.process.poll() is None:
            self.ask("quit")
        self.process.wait(timeout=60)


def measure_sizes(sizes: list[int], args: argparse.Namespace) -> dict[int, dict]:
    """Measure every page at every size, alternating the sizes request by
    request (and which size goes first), with the test client and over HTTP."""
    children = {n: Size(n, PORT + i, args) for i, n in enumerate(sizes)}
    try:
        results = {n: dict(children[n].meta) for n in sizes}
        for via in ("client",) if args.no_http else ("client", "http"):
            key = "test_client" if via == "client" else "http"
            for n in sizes:
                results[n][key] = {}
            for page in PAGE_NAMES:
                samples: dict[int, list] = {n: [] for n in sizes}
                for i in range(args.warmup + args.requests):
                    order = sizes if i % 2 == 0 else sizes[::-1]
                    for n in order:
                        answer = children[n].ask(f"{via} {page}")
                        if i >= args.warmup:
                            samples[n].append(answer)
                for n in sizes:
                    entry = summary([a["seconds"] for a in samples[n]])
                    if via == "client":
                        counts = sorted({a["queries"] for a in samples[n]})
                        entry.update(queries=counts[-1], url=samples[n][0]["url"])
                        if len(counts) > 1:
                            entry["queries_seen"] = counts
                    results[n][key][page] = entry
        for n in sizes:
            print(f"[{label(n)}] case list against SQL, search plan")
            results[n].update(children[n].ask("extras"))
        return results
    finally:
        for child in children.values():
            child.close()


# --- measuring one size (child process) --------------------------------------------


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of values, in ms."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(samples: list[float]) -> dict:
    ms = [s * 1000 for s in samples]
    return {
        "median_ms": round(statistics.median(ms), 2),
        "p95_ms": round(pct(ms, 0.95), 2),
        "n": len(ms),
    }


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def pick_subjects() -> dict:
    """The measured accounts and objects, chosen by the same rule at every
    size: the confidant whose caseload is the median one (by visible cases),
    their case with the most notes and meetings, their client whose name and
    date of birth are searched, and the contract manager's municipality."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from accounts.models import User
    from cases.models import Client, SupportCase
    from cases.report_periods import default_period
    from cases.reports import report_scope, reportable_municipalities
    from cases.selectors.conditions import caseworkers_of
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


def _session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client as TestClient

    client = TestClient()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def start_gunicorn(port: int) -> subprocess.Popen:
    """gunicorn (2 workers) on 127.0.0.1 with this process's settings."""
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ,
    )
    _wait_for(port)
    return server


def _get(url: str, headers: dict, port: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", url, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {url}: HTTP {response.status}")
    finally:
        conn.close()


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/inloggen/", headers={"Host": "127.0.0.1"})
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


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
    from cases.report_periods import default_period
    from cases.reports import count_report, refresh_report_figures

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


def serve(n: int, args: argparse.Namespace) -> None:
    """The child process of one size (see ``Size``): answers one command per
    line on stdin with one marked JSON line on stdout."""
    _setup_django()
    from django.db import connection, reset_queries
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    s = pick_subjects()
    urls = page_urls(s)
    # As every night: the reports' standard periods are counted before the
    # pages are read.
    report_count = measure_report_count(s, args.requests)
    clients = {}
    for account, key in ACCOUNTS.items():
        clients[account] = TestClient()
        clients[account].force_login(s[key])
    server = None if args.no_http else start_gunicorn(args.port)
    headers = {
        account: {"Cookie": _session_cookie(s[key]), "Host": "127.0.0.1"}
        for account, key in ACCOUNTS.items()
    }

    def answer(data) -> None:
        print(Size.MARK + json.dumps(data, default=str), flush=True)

    answer(
        {
            "clients": s["all_clients"],
            "cases": s["all_cases"],
            "confidants": s["confidants"],
            "measured_user": {
                "username": s["user"].username,
                "clients": s["user_clients"],
                "cases": s["user_cases"],
            },
            "report_user": s["manager"].username,
            "team_lead": {
                "username": s["team_lead"].username,
                "caseworkers": s["team_members"],
                "measured_caseworker": s["member"].username,
                "team_cases": s["team_cases"],
            },
            "privacy_officer": s["privacy"].username,
            "report_count": report_count,
        }
    )
    try:
        for line in sys.stdin:
            command, _, page = line.strip().partition(" ")
            if command == "client":
                key, url = urls[page]
                # The log keeps at most 9,000 queries; a full one captures none.
                reset_queries()
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    response = clients[key].get(url)
                    seconds = time.perf_counter() - started
                assert response.status_code == 200, (page, url, response.status_code)
                answer(
                    {
                        "seconds": seconds,
                        "queries": len(ctx.captured_queries),
                        "url": url,
                    }
                )
            elif command == "http":
                key, url = urls[page]
                started = time.perf_counter()
                _get(url, headers[key], args.port)
                answer({"seconds": time.perf_counter() - started})
            elif command == "extras":
                answer(
                    {
                        "case_list_sql": measure_case_list_sql(
                            s, args.requests, args.warmup
                        ),
                        "explain": explain_search(s),
                    }
                )
            elif command == "quit":
                answer({})
                return
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


# --- the table -----------------------------------------------------------------------


def passes(row: dict) -> bool:
    """A page's targets: the same queries at both sizes, and p95 at the large
    size within 1.5x of the small one (test client, and HTTP if measured)."""
    queries = set(row["queries"].values())
    return (
        len(queries) == 1
        and row["p95_ratio"] <= 1.5
        and row.get("http_p95_ratio", 0) <= 1.5
    )


def table(small: dict, large: dict, ls: str, ll: str) -> tuple[str, list[dict]]:
    rows = []
    for name in PAGE_NAMES:
        a, b = small["test_client"][name], large["test_client"][name]
        row = {
            "page": name,
            "url": b["url"],
            "queries": {ls: a["queries"], ll: b["queries"]},
            "test_client": {ls: a, ll: b},
            "p95_ratio": round(b["p95_ms"] / a["p95_ms"], 2),
        }
        if "http" in small and "http" in large:
            ha, hb = small["http"][name], large["http"][name]
            row["http"] = {ls: ha, ll: hb}
            row["http_p95_ratio"] = round(hb["p95_ms"] / ha["p95_ms"], 2)
        row["pass"] = passes(row)
        rows.append(row)
    http = "http" in small and "http" in large
    head = (
        f"| page | queries {ls} / {ll} | test client median / p95 {ls} (ms) "
        f"| test client median / p95 {ll} (ms) | p95 ratio |"
    )
    sep = "|---|---|---|---|---|"
    if http:
        head += f" HTTP median / p95 {ls} (ms) | HTTP median / p95 {ll} (ms) | HTTP p95 ratio |"
        sep += "---|---|---|"
    head += " target |"
    sep += "---|"
    lines = [head, sep]
    for row in rows:
        a, b = row["test_client"][ls], row["test_client"][ll]
        line = (
            f"| {row['page']} | {row['queries'][ls]} / {row['queries'][ll]} "
            f"| {a['median_ms']:.1f} / {a['p95_ms']:.1f} "
            f"| {b['median_ms']:.1f} / {b['p95_ms']:.1f} | {row['p95_ratio']:.2f} |"
        )
        if http:
            ha, hb = row["http"][ls], row["http"][ll]
            line += (
                f" {ha['median_ms']:.1f} / {ha['p95_ms']:.1f} "
                f"| {hb['median_ms']:.1f} / {hb['p95_ms']:.1f} "
                f"| {row['http_p95_ratio']:.2f} |"
            )
        line += " pass |" if row["pass"] else " **FAIL** |"
        lines.append(line)
    return "\n".join(lines), rows


def targets(small: dict, large: dict, rows: list[dict], ls: str, ll: str) -> dict:
    sql = large["case_list_sql"]
    case_page = large["test_client"]["case list"]
    plan = large["explain"]["visible_to_user"] + large["explain"]["all_clients"]
    return {
        "pages_pass": {r["page"]: r["pass"] for r in rows},
        "queries_identical": all(r["queries"][ls] == r["queries"][ll] for r in rows),
        "p95_within_1_5x": {r["page"]: r["p95_ratio"] <= 1.5 for r in rows},
        "http_p95_within_1_5x": {
            r["page"]: r["http_p95_ratio"] <= 1.5 for r in rows if "http" in r
        },
        "case_list_orm_vs_raw_sql_median": round(
            sql["orm"]["median_ms"] / sql["raw_sql"]["median_ms"], 2
        ),
        "case_list_page_vs_raw_sql_median": round(
            case_page["median_ms"] / sql["raw_sql"]["median_ms"], 2
        ),
        "search_uses_index": "Index" in plan,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=PORT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve, args)
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    ls, ll = label(args.small), label(args.large)
    prepared = {n: prepare(n, reseed=args.reseed) for n in (args.large, args.small)}
    # DEBUG is off: the pages need the collected static files and their manifest.
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=django_env(db_url(args.small)),
        cwd=ROOT,
        check=True,
    )
    print(f"measuring {ls} and {ll}, alternating request by request")
    measured = measure_sizes([args.small, args.large], args)
    small, large = measured[args.small], measured[args.large]
    text, rows = table(small, large, ls, ll)
    goals = targets(small, large, rows, ls, ll)
    sql = {label(n): measured[n]["case_list_sql"] for n in measured}
    print()
    print(text)
    print()
    for size, timing in sql.items():
        print(
            f"case list at {size}: ORM (queryset and paginator of the view) "
            f"median/p95 {timing['orm']['median_ms']:.2f}/"
            f"{timing['orm']['p95_ms']:.2f} ms; the same SQL by hand "
            f"{timing['raw_sql']['median_ms']:.2f}/"
            f"{timing['raw_sql']['p95_ms']:.2f} ms (count, then page: "
            f"{timing['raw_sql_count_then_page']['median_ms']:.2f}/"
            f"{timing['raw_sql_count_then_page']['p95_ms']:.2f} ms); in "
            f"PostgreSQL (plan + execute) {timing['server']['orm_median_ms']:.2f} "
            f"ms as the ORM writes it, {timing['server']['raw_sql_median_ms']:.2f} "
            "ms by hand"
        )
    for n in measured:
        count = measured[n]["report_count"]
        print(
            f"municipal report figures at {label(n)}: nightly count of "
            f"{count['refresh_reports']} reports {count['refresh_seconds']:.2f} s; "
            f"one live count median/p95 {count['live_count']['median_ms']:.1f}/"
            f"{count['live_count']['p95_ms']:.1f} ms"
        )
    print()
    print(f"EXPLAIN ANALYZE client search at {ll} {large['explain']['search']}:")
    print("-- as the client list runs it (the measured user's clients):")
    print(large["explain"]["visible_to_user"])
    print("-- over all clients:")
    print(large["explain"]["all_clients"])
    print()
    print("targets:", json.dumps(goals, indent=2))
    failed = [page for page, ok in goals["pages_pass"].items() if not ok]
    print(
        f"pages: {len(goals['pages_pass']) - len(failed)} pass, {len(failed)} fail"
        + (f" ({', '.join(failed)})" if failed else "")
    )
    now = datetime.datetime.now(datetime.UTC)
    path = RESULTS / f"bench-{now:%Y-%m-%d}.json"
    path.write_text(
        json.dumps(
            {
                "measured_at": now.isoformat(timespec="seconds"),
                "requests": args.requests,
                "warmup": args.warmup,
                "cpus": os.cpu_count(),
                "databases": {label(n): p for n, p in prepared.items()},
                "sizes": {label(n): measured[n] for n in measured},
                "table": rows,
                "table_markdown": text,
                "targets": goals,
            },
            indent=2,
            default=str,
        )
    )
    print(f"\nwritten to {path.relative_to(ROOT)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
