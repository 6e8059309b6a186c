"""``make loadtest``: a stepped constant offered rate (25, 50, 75, 100
requests/s, 60 s each) against gunicorn and PostgreSQL with the 100,000-client
demo data, on 127.0.0.1 only.

Reuses (or seeds) the database of ``make bench`` (``naast_bench_100k``), logs
in the busiest confidants by writing their sessions, collects static files,
starts gunicorn with production settings, runs locust headless with
``benchmarks/locustfile.py`` (its ``Steps`` shape keeps ``--users`` users and
paces them to the step's rate) — reads of the dashboard, lists, cases and
clients, form pages (each writes an access-log row) and note writes. During
the run it samples ``pg_stat_activity`` twice a second: which wait events the
server's connections wait on (an advisory lock is the access log's writer
lock, ``audit.log``) and the CPU time of gunicorn, PostgreSQL and
locust, reported per step as CPU milliseconds per request. Afterwards it
checks the invariants (``verify_permissions``, ``verify_access_log``). Prints
per step the offered and achieved rate, p50/p95/p99 and errors, and the
highest step with p95 < 300 ms and no errors, and writes
``benchmarks/results/load-<date>.json``.
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
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench_env

ROOT = bench_env.ROOT
RESULTS = bench_env.RESULTS


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
        cookie_name, session = bench_env.session_cookie(user).split("=", 1)
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


P95_LIMIT_MS = 300


def pct(values: list[float], q: float) -> float | None:
    return round(bench_env.pct(values, q), 1) if values else None


#: The processes whose CPU time is counted per request (Linux ``/proc``).
CPU_GROUPS = ("gunicorn", "postgres", "locust")


def cpu_by_process() -> dict[str, tuple[str, float]]:
    """CPU seconds (user + system) of every process of ``CPU_GROUPS``, by pid:
    PostgreSQL's processes by their name, gunicorn and locust by their
    command line. Empty where there is no ``/proc``."""
    if not os.path.isdir("/proc"):
        return {}
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
                stat = fh.read()
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                command = fh.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        name = stat.split("(", 1)[1].rsplit(")", 1)[0]
        group = "postgres" if name.startswith("postgres") else None
        for candidate in ("gunicorn", "locust"):
            if candidate in command:
                group = candidate
        if group is None:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        found[pid] = (group, (int(fields[11]) + int(fields[12])) / tick)
    return found


def cpu_in_span(samples: list[dict]) -> dict[str, float]:
    """CPU seconds per group over a run of ``cpu_by_process`` snapshots: per
    process, its last value in the span minus its value in the first snapshot
    (zero if it started in the span). A process that ended in the span (a
    gunicorn worker recycled after ``max_requests``, and its PostgreSQL
    backend) counts up to its last snapshot, so the figures are at most half
    a second per such process low."""
    first, last = samples[0], {}
    for snapshot in samples:
        last.update(snapshot)
    spent = dict.fromkeys(CPU_GROUPS, 0.0)
    for pid, (group, seconds) in last.items():
        spent[group] += seconds - first.get(pid, (group, 0.0))[1]
    return spent


def sample_waits(url: str, stop: threading.Event, out: list) -> None:
    """Twice a second: the active connections to the load test's database by
    wait event (``Lock/advisory`` is a writer waiting for the access log's
    lock), and the CPU time of the processes of ``CPU_GROUPS``, with the
    time since the start."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    started = time.monotonic()
    with psycopg.connect(f"{bench_env.PG}/postgres", autocommit=True) as conn:
        while not stop.is_set():
            rows = conn.execute(
                "SELECT coalesce(wait_event_type, 'CPU'), coalesce(wait_event, ''),"
                " count(*) FROM pg_stat_activity"
                " WHERE datname = %s AND state = 'active' AND pid <> pg_backend_pid()"
                " GROUP BY 1, 2",
                [name],
            ).fetchall()
            out.append(
                (
                    time.monotonic() - started,
                    {f"{t}/{e}": n for t, e, n in rows},
                    cpu_by_process(),
                )
            )
            stop.wait(0.5)


def step_table(raw: dict, waits: list, offset: float) -> list[dict]:
    """Per step: offered and achieved rate, percentiles, failures, and the
    mean number of connections per wait event (samples of the counted part)."""
    seconds = raw["step_seconds"] - raw["settle_seconds"]
    rows = []
    for i, (rate, step) in enumerate(zip(raw["rates"], raw["steps"], strict=True)):
        lo = offset + i * raw["step_seconds"] + raw["settle_seconds"]
        hi = offset + (i + 1) * raw["step_seconds"]
        inside = [w for t, w, _cpu in waits if lo <= t < hi]
        cpu = [(t, c) for t, _w, c in waits if lo <= t < hi]
        events: dict[str, float] = {}
        for sample in inside:
            for key, n in sample.items():
                events[key] = events.get(key, 0) + n
        ms = step["ms"]
        cpu_ms = {}
        if len(cpu) >= 2 and ms:
            span = cpu[-1][0] - cpu[0][0]
            done = len(ms) * span / seconds  # requests in the sampled span
            cpu_ms = {
                group: round(spent * 1000 / done, 1)
                for group, spent in cpu_in_span([c for _t, c in cpu]).items()
            }
        rows.append(
            {
                "offered_rps": rate,
                "achieved_rps": round(len(ms) / seconds, 1),
                "requests": len(ms),
                "failures": step["failures"],
                "p50_ms": pct(ms, 0.50),
                "p95_ms": pct(ms, 0.95),
                "p99_ms": pct(ms, 0.99),
                "max_ms": round(max(ms), 1) if ms else None,
                "by_page": step["names"],
                "active_connections_by_wait_event": {
                    k: round(v / len(inside), 2) for k, v in sorted(events.items())
                }
                if inside
                else {},
                "wait_samples": len(inside),
                # CPU milliseconds per request of each process group.
                "cpu_ms_per_request": cpu_ms,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument(
        "--rates", default="25,50,75,100", help="offered requests/s per step"
    )
    parser.add_argument("--step-seconds", type=int, default=60)
    parser.add_argument("--settle-seconds", type=int, default=5)
    parser.add_argument("--users", type=int, default=120)
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8311)
    parser.add_argument("--accounts-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.accounts_out:
        _accounts(args.accounts, args.accounts_out)
        return

    prepared = bench_env.prepare(args.clients, reseed=False)
    url = bench_env.db_url(args.clients)
    work = Path(tempfile.mkdtemp(prefix="naast-load-"))
    env = bench_env.django_env(url)
    env.update(
        STATIC_ROOT=str(work / "static"),
        NAAST_LOAD_ACCOUNTS=str(work / "a.json"),
        NAAST_LOAD_RATES=args.rates,
        NAAST_LOAD_STEP_SECONDS=str(args.step_seconds),
        NAAST_LOAD_SETTLE_SECONDS=str(args.settle_seconds),
        NAAST_LOAD_USERS=str(args.users),
        NAAST_LOAD_STEPS_OUT=str(work / "steps.json"),
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
    )
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--accounts",
            str(args.accounts),
            "--accounts-out",
            str(work / "a.json"),
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )
    accounts = json.loads((work / "a.json").read_text())
    load_before = os.getloadavg()
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
    waits: list = []
    stop = threading.Event()
    sampler = threading.Thread(target=sample_waits, args=(url, stop, waits))
    try:
        bench_env.wait_for(args.port)
        sampler.start()
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "benchmarks" / "locustfile.py"),
                "--headless",
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
        stop.set()
        server.terminate()
        server.wait(timeout=60)
        if sampler.is_alive():
            sampler.join(timeout=10)
    load_after = os.getloadavg()
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
    redirects = sum(1 for line in log if '" 302 ' in line and "naast-loadtest" in line)
    # The sampler starts just before locust; locust's clock starts a little later.
    steps = step_table(json.loads((work / "steps.json").read_text()), waits, 1.0)
    good = [
        s
        for s in steps
        if s["failures"] == 0
        and s["p95_ms"] is not None
        and s["p95_ms"] < P95_LIMIT_MS
        and s["achieved_rps"] >= 0.95 * s["offered_rps"]
    ]
    clean = all(v["ok"] for v in checks.values())
    highest = good[-1]["offered_rps"] if good and clean else None
    result = {
        "date": datetime.date.today().isoformat(),
        "database": prepared["database"],
        "clients": args.clients,
        "users": args.users,
        "accounts": len(accounts),
        "step_seconds": args.step_seconds,
        "settle_seconds": args.settle_seconds,
        "gunicorn_workers": args.workers,
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "wall_seconds": round(wall, 1),
        "server_5xx": server_errors,
        "redirects": redirects,
        "steps": steps,
        "highest_step_rps": highest,
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
        f"\n{args.users} users, steps of {args.step_seconds} s (first "
        f"{args.settle_seconds} s not counted), {args.workers} gunicorn workers, "
        f"{args.clients} clients; load average before "
        f"{load_before[0]:.2f}, after {load_after[0]:.2f}"
    )
    print(markdown(steps))
    print()
    print(
        f"server 5xx: {server_errors}; redirects to login: {redirects}; "
        + "; ".join(f"{k}: {'ok' if v['ok'] else 'FAILED'}" for k, v in checks.items())
    )
    print(
        f"highest step with p95 < {P95_LIMIT_MS} ms, no errors and the rate "
        f"achieved: {highest if highest is not None else 'none'} requests/s"
    )
    print(f"written to {out}")
    sys.exit(0 if highest is not None and not server_errors and not redirects else 1)


def markdown(steps: list[dict]) -> str:
    lines = [
        "| offered (req/s) | achieved (req/s) | requests | errors | p50 (ms) "
        "| p95 (ms) | p99 (ms) | connections waiting on the advisory lock "
        "| active connections | CPU ms per request: gunicorn / PostgreSQL / locust |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in steps:
        waits = s["active_connections_by_wait_event"]
        lock = waits.get("Lock/advisory", 0)
        lines.append(
            f"| {s['offered_rps']:.0f} | {s['achieved_rps']} | {s['requests']} "
            f"| {s['failures']} | {s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']} "
            f"| {lock:.2f} | {sum(waits.values()):.2f} "
            f"| {cpu_text(s.get('cpu_ms_per_request') or {})} |"
        )
    return "\n".join(lines)


def cpu_text(cpu: dict[str, float]) -> str:
    if not cpu:
        return "–"
    return " / ".join(f"{cpu[group]:.1f}" for group in CPU_GROUPS)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main()
