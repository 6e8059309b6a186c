"""The environment of ``make bench`` and ``make loadtest`` (``bench.py``,
``loadtest.py``): the PostgreSQL databases of each size (seeded once with
``seed_demo --clients N`` and reused), production-like settings, gunicorn on
127.0.0.1 with a logged-in session cookie, and the quantiles reported."""

from __future__ import annotations

import http.client
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PORT = int(os.environ.get("BENCH_PORT", "8301"))


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


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def session_cookie(user) -> str:
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
    wait_for(port)
    return server


def http_get(url: str, headers: dict, port: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", url, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {url}: HTTP {response.status}")
    finally:
        conn.close()


def wait_for(port: int) -> None:
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
