"""Browser test harness: Playwright for Python driving Debian's Chromium against a live server,
with axe-core accessibility checks at WCAG 2.2 A/AA.

Fixtures:
- ``browser``: one headless Chromium per session (``/usr/bin/chromium``; never a downloaded build).
- ``page``: a fresh browser context and page per test.
- ``site``: the live server's base URL (pytest-django ``live_server``; runs in this process, so
  ``django.core.mail.outbox`` sees the mail the pages send).
- ``assert_accessible(page)``: runs axe on the current page; fails listing every violation.
- ``sign_in(page, email, password)``: signs in through the real form.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.csp import AXE_RUNNING, CspViolations
from tests.browser.reflow import VisitedPages, sideways_pages

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Playwright's sync API keeps an event loop in this thread; Django's ORM refuses to run in a
# thread with a running loop unless told that this (test-only) use is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason="Debian's chromium is not installed at /usr/bin/chromium "
        "(`make test` installs it when run as root)"
    )
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page. When the test used the live server, every page it opened is opened again
    afterwards at 320 px in English and Welsh, and the test fails if any scrolls sideways
    (WCAG 1.4.10 reflow on every page a journey visits). It also fails if the browser refused
    anything under the Content-Security-Policy on any of those pages (issue 14)."""
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    context.set_default_timeout(15_000)
    refused = CspViolations()
    refused.watch(context)
    page = context.new_page()
    visited = VisitedPages()
    visited.watch(page)
    yield page
    try:
        if "site" in request.fixturenames:
            # The live server lasts the session ("site" may be torn down already).
            site = str(request.getfixturevalue("live_server").url)
            wide = sideways_pages(context, site, visited.urls)
            assert not wide, "these pages scroll sideways at 320 px: " + ", ".join(wide)
        assert not refused.found, "the Content-Security-Policy refused:\n" + "\n".join(refused.found)
    finally:
        context.close()


@pytest.fixture
def site(live_server: Any) -> str:
    return str(live_server.url)


@pytest.fixture(scope="session")
def _axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(_axe: Any) -> Callable[[Any], None]:
    def check(page: Any) -> None:
        page.evaluate(f"() => {{ window.{AXE_RUNNING} = true; }}")
        try:
            results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        finally:
            page.evaluate(f"() => {{ window.{AXE_RUNNING} = false; }}")
        violations = results.response["violations"]
        report = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in violations
        )
        assert not violations, f"axe found {len(violations)} violation(s) on {page.url}:\n{report}"

    return check


@pytest.fixture
def sign_in(site: str) -> Callable[[Any, str, str], None]:
    def do_sign_in(page: Any, email: str, password: str) -> None:
        page.goto(f"{site}/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    return do_sign_in
