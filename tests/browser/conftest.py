"""Browser tests: Playwright drives Debian's chromium (scripts/ensure-chromium) against the app
served by a real HTTP server, on each test database. Screenshots go to tests/browser/screenshots/
(named in the README) so a person can look at the pages at phone and desktop sizes."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..live import live_server

CHROMIUM = os.environ.get("INSPECTOR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 900}
# Everything not served by the test server: the pages must never reach for it (no CDN, no tiles
# with INSPECTOR_MAP_TILES=none). Such requests are blocked and the test fails at its end.
OUTSIDE = re.compile(r"^(?!(?:https?|wss?)://(?:127\.0\.0\.1|localhost)[:/])[a-z]+://")
# Reported by the page itself (an init script is not subject to the page's CSP): any resource,
# script or style that the Content-Security-Policy refused, e.g. a style Leaflet could not set.
CSP_WATCH = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error(`CSP-VIOLATION ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium (scripts/test does)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def server(demo_app) -> Iterator[str]:
    with live_server(demo_app) as url:
        yield url


@pytest.fixture
def new_context(browser):
    """Browser contexts (one per person: own storage) closed at the end of the test."""
    made = []
    outside: list[str] = []
    refused: list[str] = []

    def block(route) -> None:  # noqa: ANN001
        outside.append(route.request.url)
        route.abort("blockedbyclient")

    def watch(page) -> None:  # noqa: ANN001
        page.on("console", lambda m: refused.append(m.text) if "CSP-VIOLATION" in m.text else None)

    def make(size: dict | None = None, at: tuple[float, float] | None = None):
        options = {"viewport": size or PHONE, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
        if at is not None:
            options.update(
                geolocation={"latitude": at[0], "longitude": at[1], "accuracy": 12},
                permissions=["geolocation"],
            )
        context = browser.new_context(**options)
        context.set_default_timeout(15000)
        context.route(OUTSIDE, block)
        context.add_init_script(CSP_WATCH)
        context.on("page", watch)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
    assert outside == [], f"pages tried to reach outside hosts: {outside}"
    assert refused == [], f"the Content-Security-Policy refused: {refused}"


def once(app) -> None:  # noqa: ANN001
    """Skip on all but SQLite: a page that only reads (or the same API, tested on both databases
    by tests/integration) looks the same either way, and the browser part must stay quick."""
    if app.config["TEST_BACKEND"] != "sqlite":
        pytest.skip("the page is the same on either database; checked once (SQLite)")


def shoot(page, name: str) -> Path:
    """A full-page screenshot, one file per page and size (the last run's stays)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")  # else the sticky bar lands mid-page
    page.screenshot(path=str(path), full_page=True)
    return path
