"""The caseworkers of the load test (``make loadtest``): each simulated user is
one real confidant of the seeded database, logged in with a session cookie the
driver (``benchmarks/loadtest.py``) prepared, reading their dashboard, lists,
cases and clients, opening form pages (each writes an access-log row) and
writing notes.

The offered rate is constant per step, not per user: ``Steps`` keeps
``NAAST_LOAD_USERS`` users running and steps the total rate through
``NAAST_LOAD_RATES`` (requests/s), ``NAAST_LOAD_STEP_SECONDS`` each; every user
paces itself at rate / users (a request starts every users / rate seconds; a
user whose request took longer starts the next at once, so an overloaded server
shows as an achieved rate below the offered one). Every request is counted in
its step and written to ``NAAST_LOAD_STEPS_OUT`` when locust stops.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import time
from urllib.parse import urlencode

import gevent
from locust import LoadTestShape, events, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["NAAST_LOAD_ACCOUNTS"], encoding="utf-8") as fh:
    ACCOUNTS = json.load(fh)
RATES = [
    float(r) for r in os.environ.get("NAAST_LOAD_RATES", "25,50,75,100").split(",")
]
STEP_SECONDS = float(os.environ.get("NAAST_LOAD_STEP_SECONDS", "60"))
USERS = int(os.environ.get("NAAST_LOAD_USERS", "120"))
#: Seconds at the start of each step that are not counted (users settle on
#: the new pace).
SETTLE = float(os.environ.get("NAAST_LOAD_SETTLE_SECONDS", "5"))
_next = itertools.cycle(ACCOUNTS)
_lock = threading.Lock()
_start: float | None = None
# Per step: [response times in ms], failures, requests started per name.
_steps: list[dict] = [{"ms": [], "failures": 0, "names": {}} for _ in RATES]


def _step_at(moment: float) -> int | None:
    """The step running at ``moment`` (None before the start, while settling,
    or after the last step)."""
    if _start is None:
        return None
    elapsed = moment - _start
    step = int(elapsed // STEP_SECONDS)
    if step >= len(RATES) or elapsed - step * STEP_SECONDS < SETTLE:
        return None
    return step


@events.test_start.add_listener
def _started(**_kwargs) -> None:
    global _start
    _start = time.monotonic()


@events.request.add_listener
def _counted(response_time, exception, name, **_kwargs) -> None:
    step = _step_at(time.monotonic() - response_time / 1000)
    if step is None:
        return
    bucket = _steps[step]
    bucket["ms"].append(response_time)
    bucket["names"][name] = bucket["names"].get(name, 0) + 1
    if exception is not None:
        bucket["failures"] += 1


@events.quitting.add_listener
def _written(**_kwargs) -> None:
    out = os.environ.get("NAAST_LOAD_STEPS_OUT")
    if not out:
        return
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(
            {
                "rates": RATES,
                "step_seconds": STEP_SECONDS,
                "settle_seconds": SETTLE,
                "users": USERS,
                "steps": _steps,
            },
            fh,
        )


class Steps(LoadTestShape):
    """All users from the start; the rate steps, the users stay."""

    def tick(self):
        if self.get_run_time() >= STEP_SECONDS * len(RATES):
            return None
        return USERS, USERS


def _rate_now() -> float:
    step = 0 if _start is None else int((time.monotonic() - _start) // STEP_SECONDS)
    return RATES[min(step, len(RATES) - 1)]


#: The User-Agent of every simulated request (``loadtest.py`` finds them in
#: gunicorn's access log by it).
USER_AGENT = "naast-loadtest"


class Caseworker(FastHttpUser):
    """geventhttpclient instead of requests: about a third of the client's CPU
    per request, which matters with locust on the server's cores."""

    def wait_time(self) -> float:
        """Constant pacing: one request every USERS / rate seconds per user,
        the users spread over the interval; a late user starts at once and
        does not catch up in a burst."""
        interval = USERS / _rate_now()
        now = time.monotonic()
        self._due = max(getattr(self, "_due", now) + interval, now)
        return self._due - now

    def on_start(self) -> None:
        # The users start spread over one interval: all at once would be a
        # backlog of USERS requests that a server at capacity never works off.
        gevent.sleep(random.uniform(0, USERS / _rate_now()))
        self._due = time.monotonic()
        with _lock:
            self.account = next(_next)
        # The session cookie as prepared, sent as a header (no cookie jar): its
        # key stays the same when the server refreshes the idle clock.
        self.client.client.cookiejar = None
        self.headers = {
            "Cookie": f"{self.account['cookie_name']}={self.account['session']}; "
            f"csrftoken={self.account['csrf']}",
            "User-Agent": USER_AGENT,
        }
        self.cases = self.account["cases"]
        self.clients = self.account["clients"]

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard", headers=self.headers)

    @task(2)
    def client_list(self) -> None:
        self.client.get("/clienten/", name="client list", headers=self.headers)

    @task(1)
    def client_search(self) -> None:
        self.client.get(
            f"/clienten/?name={self.account['search']}",
            name="client search",
            headers=self.headers,
        )

    @task(2)
    def case_list(self) -> None:
        self.client.get("/zaken/", name="case list", headers=self.headers)

    @task(4)
    def case_detail(self) -> None:
        self.client.get(
            f"/zaken/{random.choice(self.cases)}/",
            name="case detail",
            headers=self.headers,
        )

    @task(2)
    def client_detail(self) -> None:
        self.client.get(
            f"/clienten/{random.choice(self.clients)}/",
            name="client detail",
            headers=self.headers,
        )

    # Form pages: each shows client data and writes an access-log row.
    @task(1)
    def client_edit(self) -> None:
        self.client.get(
            f"/clienten/{random.choice(self.clients)}/bewerken/",
            name="client edit (form)",
            headers=self.headers,
        )

    @task(1)
    def meeting_form(self) -> None:
        self.client.get(
            f"/zaken/{random.choice(self.cases)}/gesprekken/nieuw/",
            name="meeting form",
            headers=self.headers,
        )

    @task(1)
    def status_form(self) -> None:
        self.client.get(
            f"/zaken/{random.choice(self.cases)}/status/",
            name="status form",
            headers=self.headers,
        )

    @task(1)
    def note_add(self) -> None:
        case = random.choice(self.cases)
        self.client.post(
            f"/zaken/{case}/notities/",
            data=urlencode({"text": "Telefonisch contact gehad; afspraak gemaakt."}),
            headers={
                **self.headers,
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.account["csrf"],
                "HX-Request": "true",
            },
            name="note add (write)",
        )
