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

The databases, settings and gunicorn are set up in ``bench_env.py`` (which
``loadtest.py`` shares); what one size's process measures is in
``bench_measure.py``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time

from bench_env import (
    PORT,
    RESULTS,
    ROOT,
    db_url,
    django_env,
    http_get,
    label,
    prepare,
    session_cookie,
    setup_django,
    start_gunicorn,
    summary,
)
from bench_measure import (
    ACCOUNTS,
    PAGE_NAMES,
    explain_search,
    measure_case_list_sql,
    measure_report_count,
    page_urls,
    pick_subjects,
)


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


def serve(n: int, args: argparse.Namespace) -> None:
    """The child process of one size (see ``Size``): answers one command per
    line on stdin with one marked JSON line on stdout."""
    setup_django()
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
        account: {"Cookie": session_cookie(s[key]), "Host": "127.0.0.1"}
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
                http_get(url, headers[key], args.port)
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
