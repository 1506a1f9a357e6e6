"""Browser tests: Playwright drives Debian's chromium (scripts/ensure-chromium) against the app
served by a real HTTP server, on each test database. Screenshots go to tests/browser/screenshots/
(named in the README) so a person can look at the pages at phone and desktop sizes."""

from __future__ import annotations

import os
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
DESKTOP = {"width": 1366, "height": 768}


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

    def make(size: dict | None = None, at: tuple[float, float] | None = None):
        options = {"viewport": size or PHONE, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
        if at is not None:
            options.update(
                geolocation={"latitude": at[0], "longitude": at[1], "accuracy": 12},
                permissions=["geolocation"],
            )
        context = browser.new_context(**options)
        context.set_default_timeout(15000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def shoot(page, name: str) -> Path:
    """A full-page screenshot, one file per page and size (the last run's stays)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
