"""Security probe, issue 14: someone guessing a resident's password through the browser, from
two host names of the same server, is stopped after five tries in English and in Welsh; the
refusal is an accessible error summary, and the sign-in page reflows at 320 px."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import override_settings

from tests.browser.reflow import check_reflow
from tests.conftest import PASSWORD, clear_cache
from vocaleyes.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _allauth_default_rate_limits() -> Iterator[None]:
    """allauth's own limits (off in tests): 5 failed sign-ins an account in 5 minutes."""
    clear_cache()
    with override_settings(ACCOUNT_RATE_LIMITS={}, ALLOWED_HOSTS=["localhost", "127.0.0.1"]):
        yield
    clear_cache()


def other_host(site: str) -> str:
    """The same live server under its other name (localhost <-> 127.0.0.1)."""
    if "localhost" in site:
        return site.replace("localhost", "127.0.0.1")
    return site.replace("127.0.0.1", "localhost")


def try_password(page: Any, url: str, email: str, password: str, labels: tuple[str, str, str]) -> str:
    email_label, password_label, button = labels
    page.goto(url)
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label, exact=True).fill(password)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    return str(summary.inner_text()) if summary.count() else ""


@pytest.mark.parametrize(
    ("prefix", "labels", "locked", "error_title"),
    [
        ("", ("Email", "Password", "Sign in"), "Too many failed login attempts. Try again later.", "Error:"),
        (
            "/cy",
            ("Cyfeiriad e-bost", "Cyfrinair", "Mewngofnodi"),
            "Gormod o ymdrechion aflwyddiannus i fewngofnodi. Rhowch gynnig arall arni nes ymlaen.",
            "Gwall:",
        ),
    ],
)
def test_guessing_a_password_from_two_host_names_is_stopped_after_five_tries(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    alice: User,
    prefix: str,
    labels: tuple[str, str, str],
    locked: str,
    error_title: str,
) -> None:
    hosts = [site, other_host(site)]
    for attempt in range(5):
        summary = try_password(
            page, f"{hosts[attempt % 2]}{prefix}/accounts/login/", alice.email, "guess", labels
        )
        assert summary and locked not in summary
    # The sixth try, even with the right password and from either name, is refused.
    for host in hosts:
        summary = try_password(page, f"{host}{prefix}/accounts/login/", alice.email, PASSWORD, labels)
        assert locked in summary
        assert page.title().startswith(error_title)
        assert_accessible(page)
    assert page.url.endswith(f"{prefix}/accounts/login/")  # still on the sign-in page, not signed in
    check_reflow(page, site, "/accounts/login/", assert_accessible)
