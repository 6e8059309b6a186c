"""Helpers for the browser tests: UI text in the page's language, axe-core, and
``UI``, a Playwright page that checks every page it lands on.

The tests find controls the way a screen reader user does: by role and
accessible name (``get_by_role``, ``get_by_label``), so a missing label fails a
test. Names are looked up through Django's own catalogues (``UI.t``), so the
same journey runs in Dutch and in English, and keeps working when English
translations are added.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from playwright.sync_api import (
    ConsoleMessage,
    Locator,
    Page,
    Request,
    Response,
    expect,
)

from tests.factories import DEMO_PASSWORD

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = ["nl", "en"]
VIEWPORT = {"width": 1280, "height": 900}
#: How long ``expect`` and actions wait for the page (ms); the live server is local.
TIMEOUT_MS = 10_000

#: The URL names of the pages the journeys (``test_journeys.py``) pass and
#: check with axe; the accessibility tour leaves them to the journeys.
JOURNEY_PAGES = {
    "login",
    "web:dashboard",
    "web:client_list",
    "web:client_register",
    "web:client_detail",
    "web:informal_supporter_add",
    "web:case_detail",
    "web:meeting_plan",
    "web:informal_assign",
    "web:meeting_detail",
    "web:attendance_add",
    "web:attendance_refuse",
    "web:meeting_status",
    "web:complaint_advance",
    "web:case_close",
    "web:contact_list",
    "web:contact_record",
}

# The page's markup without what changes on every request (CSRF tokens), to
# recognise a page that axe has already checked.
_MARKUP = """
() => {
  const root = document.documentElement.cloneNode(true);
  root.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach((e) => e.remove());
  root.querySelector("body").removeAttribute("hx-headers");
  return root.outerHTML;
}
"""
#: (language, digest of the markup) of every page axe passed in this run.
_PASSED: set[tuple[str, str]] = set()

# Runs axe in the page and returns only what a report needs (smaller payload).
_AXE_RUN = """
async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.join(" "),
      html: n.html,
      summary: n.failureSummary,
    })),
  }));
}
"""


def translate(language: str, text: str | Promise, **params: object) -> str:
    """``text`` (a Dutch msgid or a lazy label) as the UI shows it in ``language``."""
    with translation.override(language):
        result = str(text) if isinstance(text, Promise) else translation.gettext(text)
    return result % params if params else result


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    """An axe report a developer can act on: rule, impact, element, fix."""
    lines = [f"{url}: {len(violations)} axe violation(s)"]
    for violation in violations:
        lines.append(
            f"  [{violation['impact']}] {violation['id']}: {violation['help']}"
            f" ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    - {node['target']}")
            lines.append(f"      {node['html'][:300]}")
            for summary_line in (node["summary"] or "").splitlines():
                lines.append(f"      {summary_line}")
    return "\n".join(lines)


class UI:
    """One user's browser tab on the live server, in one language.

    Every page it lands on (``goto``, ``follow``, ``submit``) is checked: the
    document language, a title, exactly one ``h1``, and — when ``axe`` is on —
    zero axe-core violations of WCAG 2.1 A/AA. Violations are collected, so one
    run reports all of them; ``assert_accessible`` fails the test at the end.
    Failed requests, JavaScript errors and what the Content Security Policy
    blocked are collected the same way.
    """

    def __init__(
        self, page: Page, base_url: str, language: str, *, axe: bool = True
    ) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.language = language
        self.axe = axe
        self.violations: list[str] = []
        self.errors: list[str] = []
        page.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        page.on("pageerror", lambda exc: self.errors.append(f"JavaScript: {exc}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)
        page.on("console", self._console)

    # --- text and URLs ------------------------------------------------------------

    def t(self, text: str | Promise, **params: object) -> str:
        return translate(self.language, text, **params)

    def url(self, name: str, *args: object, query: str = "") -> str:
        return f"{self.base_url}{reverse(name, args=args)}{query}"

    # --- finding things -------------------------------------------------------------

    def field(self, label: str | Promise) -> Locator:
        """The control labelled ``label`` (optional fields carry "(niet verplicht)")."""
        text = re.escape(self.t(label))
        optional = re.escape(self.t("niet verplicht"))
        return self.page.get_by_label(
            re.compile(rf"^\s*{text}(\s*\({optional}\))?\s*$")
        )

    def link(self, name: str | Promise, *, within: Locator | None = None) -> Locator:
        return (within or self.page).get_by_role("link", name=self.t(name), exact=True)

    def button(self, name: str | Promise, *, within: Locator | None = None) -> Locator:
        scope = within or self.page.locator("main")
        return scope.get_by_role("button", name=self.t(name), exact=True)

    def heading(self, name: str | Promise, level: int | None = None) -> Locator:
        kwargs: dict[str, Any] = {"name": self.t(name), "exact": True}
        if level is not None:
            kwargs["level"] = level
        return self.page.get_by_role("heading", **kwargs)

    def radio(self, group: str | Promise, option: str | Promise) -> Locator:
        return self.page.get_by_role("group", name=self.t(group)).get_by_role(
            "radio", name=self.t(option), exact=True
        )

    def nav(self) -> Locator:
        """The main menu in the header."""
        return self.page.get_by_role("navigation", name=self.t("Hoofdmenu"))

    def error_summary(self) -> Locator:
        return self.page.locator("[data-error-summary]")

    def field_error(self, label: str | Promise) -> Locator:
        """The error message shown next to the field labelled ``label``."""
        field_id = self.field(label).get_attribute("id")
        return self.page.locator(f"[id^='{field_id}_error']")

    def status(self) -> Locator:
        """The messages region (``role="status"``) of base.html."""
        return self.page.locator("main [role=status]").filter(
            has=self.page.locator(".utrecht-alert")
        )

    # --- moving around --------------------------------------------------------------

    @contextmanager
    def _navigation(self) -> Iterator[None]:
        with self.page.expect_navigation(wait_until="load"):
            yield
        self.check()

    def goto(
        self, name: str, *args: object, query: str = "", status: int = 200
    ) -> None:
        """Open the page of URL ``name``, expect HTTP ``status`` and check it."""
        response = self.page.goto(self.url(name, *args, query=query))
        assert response is not None and response.status == status, (
            f"{self.page.url}: HTTP {response and response.status}, not {status}"
        )
        self.check()

    def follow(self, name: str | Promise, *, within: Locator | None = None) -> None:
        """Click the link called ``name`` and check the page it leads to."""
        self.click(self.link(name, within=within))

    def click(self, target: Locator) -> None:
        """Click a link or button that loads a page, and check that page."""
        with self._navigation():
            target.click()

    def submit(self, name: str | Promise = "Opslaan") -> None:
        """Press the form's button called ``name`` and check the result page."""
        self.click(self.button(name))

    def switch_language(self, language: str) -> None:
        """Change the language with the form in the page header."""
        header = self.page.locator("header")
        header.get_by_label(self.t("Taal")).select_option(language)
        self.language = language
        with self._navigation():
            header.get_by_role(
                "button", name=translate(self._shown(), "Wijzig")
            ).click()

    def _shown(self) -> str:
        """The language the current page is in (before a switch: the old one)."""
        return self.page.locator("html").get_attribute("lang") or self.language

    def login(self, username: str, password: str = DEMO_PASSWORD) -> None:
        """Log in through the real login form and land on the dashboard."""
        self.goto("login")
        self.fill_login(username, password)
        assert self.page.url == self.url("web:dashboard"), self.page.url

    def fill_login(self, username: str, password: str) -> None:
        """Fill in the login form on this page and press "Inloggen"."""
        from django.contrib.auth.forms import AuthenticationForm

        form = AuthenticationForm()
        with translation.override(self.language):
            # The labels Django gives the login form, in this language.
            labels = [str(form.fields[name].label) for name in ("username", "password")]
        self.field(labels[0]).fill(username)
        self.field(labels[1]).fill(password)
        self.submit("Inloggen")

    # --- checks -------------------------------------------------------------------

    def check(self) -> None:
        """Check the page the browser is on now."""
        page = self.page
        url = page.url.removeprefix(self.base_url)
        expect(page.locator("html")).to_have_attribute("lang", self.language)
        title = page.title()
        assert title.removesuffix("Naast").strip(" –"), f"{url}: no title ({title!r})"
        assert page.locator("h1").count() == 1, f"{url}: not exactly one h1"
        if self.axe:
            self.run_axe(url)

    def run_axe(self, label: str) -> list[dict[str, Any]]:
        """Run axe-core on the page as it is now; collect what it finds.

        A page with the same markup (CSRF tokens aside) in the same language
        that passed before in this run is not checked again: every test logs
        in through the same login page, for one.
        """
        markup = self.page.evaluate(_MARKUP)
        key = (self.language, hashlib.sha256(markup.encode()).hexdigest())
        if key in _PASSED:
            return []
        # ``open_ui`` loads axe in every page of the context (an init script:
        # compiled once, much faster than injecting it into each page).
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(path=str(AXE_JS))
        violations = self.page.evaluate(_AXE_RUN, AXE_TAGS)
        if violations:
            self.violations.append(
                format_violations(f"[{self.language}] {label}", violations)
            )
        else:
            _PASSED.add(key)
        return violations

    def assert_accessible(self) -> None:
        """Fail with every axe violation, failed request and JavaScript error seen."""
        problems = self.violations + self.errors
        assert not problems, "\n\n".join(problems)

    def _request_failed(self, request: Request) -> None:
        self.errors.append(f"request failed: {request.url} ({request.failure})")

    def _console(self, message: ConsoleMessage) -> None:
        # Chromium reports what the Content Security Policy blocked in the console.
        if "Content Security Policy" in message.text:
            self.errors.append(f"CSP: {message.text}")

    def _response(self, response: Response) -> None:
        # 4xx on a page is asserted where expected; a missing asset is a bug.
        if response.status >= 400 and response.request.resource_type != "document":
            self.errors.append(f"HTTP {response.status}: {response.url}")
