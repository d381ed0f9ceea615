"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Chromium is never downloaded: the tests use /usr/lib/chromium/chromium (`apt install chromium`).
Without it they are skipped, unless PERCORSI_REQUIRE_BROWSER=1 (as in .ci/run), where they fail.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("PERCORSI_CHROMIUM", "/usr/lib/chromium/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
CHECKOUT = Path(__file__).resolve().parents[2]
AXE_JS = CHECKOUT / "node_modules" / "axe-core" / "axe.min.js"
RESULTS_DIR = CHECKOUT / "test-results"


def _browser_required() -> bool:
    return os.environ.get("PERCORSI_REQUIRE_BROWSER", "") == "1"


def _unavailable(reason: str) -> None:
    if _browser_required():
        pytest.fail(f"{reason} (PERCORSI_REQUIRE_BROWSER=1, so this is a failure)", pytrace=False)
    pytest.skip(f"{reason}; install Debian's chromium (apt install chromium) to run the browser tests")


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    """One Chromium for the whole tests/browser package.

    Playwright's sync API runs an asyncio event loop in this thread, which makes Django refuse
    database access; DJANGO_ALLOW_ASYNC_UNSAFE lifts that for these tests only (restored after).
    """
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import Error, sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Error as exc:
            _unavailable(f"Chromium at {CHROMIUM} did not start: {exc}")
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo_data(transactional_db: None) -> None:
    """The demonstration sites and accounts, exactly as `percorsi demo` creates them."""
    from django.core.management import call_command

    call_command("demo", stdout=io.StringIO())


@pytest.fixture
def page_factory(browser, live_server, request):  # type: ignore[no-untyped-def]
    """New pages in fresh contexts (no cookies), pointed at the live server.

    Every page records its console errors, failed requests and HTTP errors in `page.problems`;
    a screenshot of each page goes to test-results/ when the test ends.
    """
    contexts = []
    pages = []

    def make(*, bypass_csp: bool = False):  # type: ignore[no-untyped-def]
        context = browser.new_context(
            base_url=live_server.url,
            bypass_csp=bypass_csp,
            locale="it-IT",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: page.problems.append(f"request failed: {r.url} {r.failure}"))
        page.on(
            "response",
            lambda r: r.status >= 400 and page.problems.append(f"HTTP {r.status}: {r.url}"),
        )
        pages.append(page)
        return page

    yield make
    RESULTS_DIR.mkdir(exist_ok=True)
    for number, page in enumerate(pages, start=1):
        if not page.is_closed():
            name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
            page.screenshot(path=str(RESULTS_DIR / f"{name}-{number}-end.png"), full_page=True)
    for context in contexts:
        context.close()
