"""Browser tests: Playwright for Python driving Debian's Chromium against
pytest-django's live server, with axe-core for the accessibility checks.

They run with ``make test-browser`` (which sets ``NAAST_BROWSER_TESTS=1``).
``make test`` collects them too but skips them unless that variable is set, and
they are skipped when ``/usr/bin/chromium`` is missing. Browsers are never
downloaded: Playwright starts the system Chromium. The accessibility checks
need ``node_modules/axe-core`` (``npm ci --no-audit --no-fund --ignore-scripts``).

Every test gets fresh data through the services and factories, a live server
on a transactional database (the server thread must see the test's rows), and
a new browser context (no cookies) at 1280 px wide. The settings are those of
``make test`` (``DEBUG=False``): Chromium keeps ``Secure`` cookies on
``http://localhost``, so the session and CSRF cookies stay as in production.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.browser import (
    AXE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    UI,
    VIEWPORT,
)

HERE = Path(__file__).resolve().parent
ENABLED = os.environ.get("NAAST_BROWSER_TESTS") == "1"
SKIP_DISABLED = (
    "browser tests skipped: they run with NAAST_BROWSER_TESTS=1, "
    "e.g. `make test-browser`"
)
SKIP_NO_CHROMIUM = (
    f"Chromium not found at {CHROMIUM}: browser tests skipped; `apt-get install "
    "chromium` or run `make test-browser` where it is installed"
)
SKIP_NO_AXE = (
    f"axe-core not found at {AXE_JS.relative_to(AXE_JS.parents[2])}: accessibility "
    "checks skipped; run `npm ci --no-audit --no-fund --ignore-scripts` in the "
    "repository root"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "browser: runs in a real browser (Chromium via Playwright); "
        "needs NAAST_BROWSER_TESTS=1",
    )


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Mark every test of this directory ``browser``; skip them all, with the
    reason, unless enabled and Chromium is installed."""
    reason = (
        SKIP_DISABLED
        if not ENABLED
        else SKIP_NO_CHROMIUM
        if not CHROMIUM.exists()
        else None
    )
    for item in items:
        if HERE not in Path(item.path).parents:
            continue
        item.add_marker(pytest.mark.browser)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """One headless Chromium for the whole run (starting it takes seconds)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, so Django takes
    # the tests' ORM calls between page actions for calls from async code.
    # They are plain synchronous calls; allow them while the browser runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def axe_available() -> bool:
    return AXE_JS.exists()


@pytest.fixture
def require_axe(axe_available: bool) -> None:
    """For tests whose point is the accessibility check."""
    if not axe_available:
        pytest.skip(SKIP_NO_AXE)


@pytest.fixture
def open_ui(chromium, live_server, axe_available: bool) -> Iterator[Callable[..., UI]]:
    """``open_ui(language)``: a new browser context (no cookies) on the live
    server, as a ``UI`` that checks every page. Call it again for a second user."""
    contexts = []
    uis: list[UI] = []

    def open_(language: str = "nl", *, axe: bool = True) -> UI:
        context = chromium.new_context(
            viewport=VIEWPORT,
            # The browser asks for Dutch; English comes from the language switch.
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
        )
        contexts.append(context)
        if axe and axe_available:
            context.add_init_script(path=str(AXE_JS))
        elif axe:
            warnings.warn(f"{SKIP_NO_AXE} (this test runs without them)", stacklevel=2)
        ui = UI(context.new_page(), live_server.url, "nl", axe=axe and axe_available)
        if language != "nl":
            # The first page (login) is Dutch; switch with the header's form.
            ui.goto("login")
            ui.switch_language(language)
        uis.append(ui)
        return ui

    yield open_
    for ui in uis:
        if ui.violations or ui.errors:
            # Shown with the test's output when it failed before its own assert.
            print("\n\n".join(ui.violations + ui.errors))
    for context in contexts:
        context.close()
