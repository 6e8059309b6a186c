"""PostgreSQL restarted under load: what the users see, and what is left.

Runs gunicorn with the production settings against a local PostgreSQL
database, logs in as a few demo caseworkers and sends requests in a loop
(pages, case details and note writes), restarts PostgreSQL in the middle,
and reports the status codes (503s expected, no 500s), how long until every
request succeeded again, and then checks the invariants: every note the load
wrote has its case event, ``verify_permissions`` and ``verify_access_log``.

Only 127.0.0.1. Bounded in time (``--duration``, default 40 s of load).

    python benchmarks/fault_restart.py                      # restart (pg_ctlcluster 15 main restart)
    python benchmarks/fault_restart.py --fault terminate    # only this database's connections killed
    python benchmarks/fault_restart.py --fault none         # baseline, no fault

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/naast_fault),
PORT (default 8202). Run from the project root with the project's Python.
"""

from __future__ import annotations

import argparse
import collections
import http.cookiejar
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
USERS = ["vertrouwenspersoon1", "vertrouwenspersoon2", "clientondersteuner1"]
MARKER = "Storingstest"


@dataclass
class Result:
    started: float
    ended: float
    kind: str
    status: int


@dataclass
class Log:
    results: list[Result] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)


def environment(port: int, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "False",
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "False",
            "SESSION_COOKIE_SECURE": "False",
            "CSRF_COOKIE_SECURE": "False",
            # The load logs in with passwords; the run is about the database.
            "NAAST_REQUIRE_2FA": "False",
            "AXES_FAILURE_LIMIT": "1000",
            "WEB_CONCURRENCY": env.get("WEB_CONCURRENCY", "2"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_TIMEOUT": "30",
            "DB_CONNECT_TIMEOUT": "3",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode:
        print(done.stdout, done.stderr, sep="\n")
        raise SystemExit(f"manage.py {' '.join(args)} failed ({done.returncode})")
    return done.stdout.strip()


def _server(database_url: str):
    """The database's name, and an autocommit connection to the server's
    ``postgres`` database with the same credentials."""
    import environ
    import psycopg

    db = environ.Env.db_url_config(database_url)
    conn = psycopg.connect(
        dbname="postgres",
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        autocommit=True,
    )
    return db["NAME"], conn


def create_database(database_url: str) -> None:
    from psycopg import sql

    name, conn = _server(database_url)
    with conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class Session:
    """One logged-in browser: cookies, CSRF token, a case it may write on."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.username = username
        self.case_urls: list[str] = []

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = None
        headers = {"Referer": self.base + path}
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.csrf()}
            body = urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
            self.base + path, data=body, headers=headers
        )
        try:
            with self.opener.open(req, timeout=15) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, ""

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def login(self) -> None:
        self.request("/inloggen/")
        status, _ = self.request(
            "/inloggen/", {"username": self.username, "password": "demo"}
        )
        if status != 302:
            raise SystemExit(f"login as {self.username} failed: {status}")
        status, page = self.request("/zaken/")
        candidates = sorted(set(re.findall(r'href="(/zaken/\d+/)"', page)))
        for url in candidates:
            # Only open cases of their own: the page has the note form.
            if f'action="{url}notities/"' in self.request(url)[1]:
                self.case_urls.append(url)
            if len(self.case_urls) == 3:
                break
        if not self.case_urls:
            raise SystemExit(f"{self.username} sees no cases ({status})")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None

    def http_error_302(self, req, fp, code, msg, headers):  # type: ignore[no-untyped-def]
        return fp

    http_error_301 = http_error_303 = http_error_307 = http_error_302


def load(session: Session, log: Log, stop: threading.Event, seq: list[int]) -> None:
    i = 0
    while not stop.is_set():
        case = session.case_urls[i % len(session.case_urls)]
        step = i % 4
        t0 = time.monotonic()
        if step == 0:
            kind, (status, _) = "page", session.request("/")
        elif step == 1:
            kind, (status, _) = "detail", session.request(case)
        elif step == 2:
            seq[0] += 1
            kind = "note"
            status, _ = session.request(
                case + "notities/", {"text": f"{MARKER} {seq[0]}"}
            )
        else:
            kind, (status, _) = "list", session.request("/zaken/")
        log.add(Result(t0, time.monotonic(), kind, status))
        i += 1
        time.sleep(0.05)


def wait_healthy(base: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/gezondheid/", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    return False


def fault(kind: str, database_url: str) -> float:
    """Cause the fault; return the seconds it took."""
    t0 = time.monotonic()
    if kind == "restart":
        version = os.environ.get("PG_CLUSTER", "15 main").split()
        subprocess.run(
            ["pg_ctlcluster", *version, "restart"],  # noqa: S607
            check=True,
            timeout=60,
        )
    elif kind == "terminate":
        name, conn = _server(database_url)
        with conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
    return time.monotonic() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fault", choices=["restart", "terminate", "none"])
    parser.add_argument("--duration", type=float, default=40.0)
    parser.add_argument("--fault-at", type=float, default=10.0)
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()
    kind = args.fault or "restart"
    port = int(os.environ.get("PORT", "8202"))
    database_url = os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/naast_fault"
    )
    if "127.0.0.1" not in database_url and "localhost" not in database_url:
        raise SystemExit("Only a local database (127.0.0.1).")
    env = environment(port, database_url)
    base = f"http://127.0.0.1:{port}"

    create_database(database_url)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    if not args.skip_seed:
        manage(env, "seed_demo")

    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "python:config.gunicorn", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(ROOT / "var" / "fault_restart_gunicorn.log", "w"),  # noqa: SIM115
    )
    log = Log()
    stop = threading.Event()
    try:
        if not wait_healthy(base, 30):
            raise SystemExit("gunicorn did not become healthy")
        sessions = [Session(base, u) for u in USERS]
        for s in sessions:
            s.login()
        seq = [0]
        threads = [
            threading.Thread(target=load, args=(s, log, stop, seq), daemon=True)
            for s in sessions
        ]
        start = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(args.fault_at)
        fault_started = time.monotonic()
        fault_seconds = fault(kind, database_url) if kind != "none" else 0.0
        remaining = args.duration - (time.monotonic() - start)
        time.sleep(max(remaining, 5))
        stop.set()
        for t in threads:
            t.join(timeout=20)
    finally:
        server.terminate()
        server.wait(timeout=30)

    results = sorted(log.results, key=lambda r: r.started)
    codes = collections.Counter(r.status for r in results)
    failed = [r for r in results if r.status not in (200, 302)]
    print(f"fault: {kind}  (took {fault_seconds:.2f} s)")
    print(f"requests: {len(results)}  status codes: {dict(sorted(codes.items()))}")
    per_kind = collections.Counter((r.kind, r.status) for r in results)
    print("per kind:", dict(sorted(per_kind.items())))
    unfriendly = sum(n for code, n in codes.items() if code not in (200, 302, 503))
    print(
        f"503: {codes.get(503, 0)}  500: {codes.get(500, 0)}  "
        f"other than 200, 302 or 503: {unfriendly}"
    )
    if failed:
        first, last = failed[0], failed[-1]
        recovered = next(
            (r for r in results if r.started > last.ended and r.status in (200, 302)),
            None,
        )
        print(
            f"first failure {first.started - fault_started:+.2f} s after the fault began, "
            f"last failure {last.ended - fault_started:+.2f} s"
        )
        if recovered:
            print(
                "recovered (first success after the last failure): "
                f"{recovered.ended - fault_started:.2f} s after the fault began"
            )
    else:
        print("no failed request")

    # Invariants: nothing half written.
    check = (
        "from cases.models import Note, CaseEvent; "
        f"notes = Note.objects.filter(text__startswith={MARKER!r}); "
        "missing = [n.pk for n in notes if not CaseEvent.objects.filter("
        "case_id=n.case_id, kind=CaseEvent.Kind.NOTE_ADDED, actor_id=n.author_id, "
        "at__gte=n.created_at).exists()]; "
        "print(f'load notes in the database: {notes.count()}, without their case event: {len(missing)}')"
    )
    print(manage(env, "shell", "-v", "0", "-c", check))
    posted = sum(1 for r in results if r.kind == "note" and r.status == 302)
    print(f"note posts answered 302: {posted}")
    print(manage(env, "verify_permissions"))
    print(manage(env, "verify_access_log"))
    # The only acceptable failure is the friendly 503 page.
    return 1 if unfriendly else 0


if __name__ == "__main__":
    sys.exit(main())
