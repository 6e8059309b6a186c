"""The caseworkers of the load test (``make loadtest``): each simulated user is
one real confidant of the seeded database, logged in with a session cookie the
driver (``benchmarks/loadtest.py``) prepared, reading their dashboard, lists,
cases and clients and writing notes, with 1–3 s between actions."""

from __future__ import annotations

import itertools
import json
import os
import random
import threading

from locust import HttpUser, between, task

with open(os.environ["NAAST_LOAD_ACCOUNTS"], encoding="utf-8") as fh:
    ACCOUNTS = json.load(fh)
_next = itertools.cycle(ACCOUNTS)
_lock = threading.Lock()


class Caseworker(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        with _lock:
            self.account = next(_next)
        self.client.cookies.set(self.account["cookie_name"], self.account["session"])
        self.client.cookies.set("csrftoken", self.account["csrf"])
        self.cases = self.account["cases"]
        self.clients = self.account["clients"]

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    @task(2)
    def client_list(self) -> None:
        self.client.get("/clienten/", name="client list")

    @task(1)
    def client_search(self) -> None:
        self.client.get(
            f"/clienten/?name={self.account['search']}", name="client search"
        )

    @task(2)
    def case_list(self) -> None:
        self.client.get("/zaken/", name="case list")

    @task(4)
    def case_detail(self) -> None:
        self.client.get(f"/zaken/{random.choice(self.cases)}/", name="case detail")

    @task(2)
    def client_detail(self) -> None:
        self.client.get(
            f"/clienten/{random.choice(self.clients)}/", name="client detail"
        )

    @task(1)
    def note_add(self) -> None:
        case = random.choice(self.cases)
        self.client.post(
            f"/zaken/{case}/notities/",
            {"text": "Telefonisch contact gehad; afspraak gemaakt."},
            headers={"X-CSRFToken": self.account["csrf"], "HX-Request": "true"},
            name="note add (write)",
        )
