"""``make loadtest``: 50 caseworkers for 2 minutes against gunicorn and
PostgreSQL with the 100,000-client demo data, on 127.0.0.1 only.

Reuses (or seeds) the database of ``make bench`` (``naast_bench_100k``), logs
in the busiest confidants by writing their sessions, collects static files,
starts gunicorn with production settings, runs locust headless (bounded in
users and time) with ``benchmarks/locustfile.py`` — reads of the dashboard,
lists, cases and clients and note writes — and afterwards checks the
invariants (``verify_permissions``, ``verify_access_log``). Prints one table
and writes ``benchmarks/results/load-<date>.json``.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import secrets
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench

ROOT = bench.ROOT
RESULTS = bench.RESULTS


def _accounts(users: int, out: Path) -> None:
    """(child process, Django set up) Sessions and objects of the ``users``
    confidants with the most open cases."""
    import django

    django.setup()
    from django.db.models import Count, Q

    from accounts.models import User
    from cases.models import Client, SupportCase

    confidants = (
        User.objects.filter(role=User.Role.AKJ_CONFIDANT, is_active=True)
        .annotate(n=Count("assignments", filter=Q(assignments__ended_at__isnull=True)))
        .order_by("-n", "pk")[:users]
    )
    accounts = []
    alphabet = string.ascii_letters + string.digits
    for user in confidants:
        cases = list(
            SupportCase.objects.visible_to(user)
            .open()
            .order_by("-opened_at")
            .values_list("pk", flat=True)[:30]
        )
        clients = list(
            Client.objects.visible_to(user)
            .order_by("pk")
            .values_list("pk", flat=True)[:30]
        )
        if not cases or not clients:
            continue
        name = Client.objects.get(pk=clients[0]).last_name[:3]
        cookie_name, session = bench._session_cookie(user).split("=", 1)
        accounts.append(
            {
                "username": user.username,
                "cookie_name": cookie_name,
                "session": session,
                "csrf": "".join(secrets.choice(alphabet) for _ in range(32)),
                "cases": cases,
                "clients": clients,
                "search": name,
            }
        )
    out.write_text(json.dumps(accounts))


def _stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8311)
    parser.add_argument("--accounts-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.accounts_out:
        _accounts(args.users, args.accounts_out)
        return

    prepared = bench.prepare(args.clients, reseed=False)
    url = bench.db_url(args.clients)
    work = Path(tempfile.mkdtemp(prefix="naast-load-"))
    env = bench.django_env(url)
    env.update(
        STATIC_ROOT=str(work / "static"), NAAST_LOAD_ACCOUNTS=str(work / "a.json")
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
    )
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--users",
            str(args.users),
            "--accounts-out",
            str(work / "a.json"),
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )
    accounts = json.loads((work / "a.json").read_text())
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "python:config.gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--access-logfile",
            str(work / "access.log"),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "gunicorn.log", "w"),  # noqa: SIM115
    )
    try:
        bench._wait_for(args.port)
        started = time.monotonic()
        subprocess.run(
            [
                str(Path(sys.executable).with_name("locust")),
                "-f",
                str(ROOT / "benchmarks" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{args.port}",
                "--csv",
                str(work / "load"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            cwd=ROOT,
            check=False,
        )
        wall = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=60)
    checks = {}
    for command in ("verify_permissions", "verify_access_log"):
        done = subprocess.run(
            [*manage, command], env=env, cwd=ROOT, capture_output=True, text=True
        )
        checks[command] = {
            "ok": done.returncode == 0,
            "output": done.stdout.strip()[-300:],
        }
    rows = _stats(work / "load")
    log = (work / "access.log").read_text().splitlines()
    server_errors = sum(1 for line in log if '" 5' in line)
    # Every simulated request is logged in: a redirect would be to the login page.
    redirects = sum(1 for line in log if '" 302 ' in line and "python-requests" in line)
    result = {
        "date": datetime.date.today().isoformat(),
        "database": prepared["database"],
        "clients": args.clients,
        "users": args.users,
        "accounts": len(accounts),
        "seconds": args.seconds,
        "gunicorn_workers": args.workers,
        "wall_seconds": round(wall, 1),
        "server_5xx": server_errors,
        "redirects": redirects,
        "rows": [
            {
                "name": r["Name"],
                "requests": int(r["Request Count"]),
                "failures": int(r["Failure Count"]),
                "median_ms": float(r["50%"]),
                "p95_ms": float(r["95%"]),
                "p99_ms": float(r["99%"]),
                "rps": round(float(r["Requests/s"]), 1),
            }
            for r in rows
        ],
        "checks": checks,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"load-{result['date']}.json"
    out.write_text(json.dumps(result, indent=2))
    print(
        f"\n{args.users} users, {args.seconds} s, {args.workers} gunicorn workers, {args.clients} clients"
    )
    print(
        f"{'page':<22} {'requests':>8} {'failures':>8} {'median':>7} {'p95':>6} {'p99':>6} {'req/s':>6}"
    )
    for r in result["rows"]:
        print(
            f"{r['name']:<22} {r['requests']:>8} {r['failures']:>8} {r['median_ms']:>7.0f} "
            f"{r['p95_ms']:>6.0f} {r['p99_ms']:>6.0f} {r['rps']:>6}"
        )
    print(
        f"server 5xx: {server_errors}; redirects to login: {redirects}; "
        + "; ".join(f"{k}: {'ok' if v['ok'] else 'FAILED'}" for k, v in checks.items())
    )
    print(f"written to {out}")
    total = next((r for r in result["rows"] if r["name"] == "Aggregated"), None)
    failed = (
        total is None
        or total["failures"]
        or server_errors
        or redirects
        or not all(v["ok"] for v in checks.values())
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main()
