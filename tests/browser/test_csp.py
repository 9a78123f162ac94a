"""Pages run under the Content-Security-Policy (issue 14): the site's own scripts still start
(GOV.UK Frontend, htmx), the admin's JavaScript still works, and the journeys' check for refused
resources does catch one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.csp import CspViolations
from tests.browser.reflow import check_reflow
from tests.conftest import PASSWORD
from vocaleyes.models import User
from vocaleyes.security_headers import CONTENT_SECURITY_POLICY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_check_names_the_page_and_what_was_refused(browser: Any) -> None:
    """A page with an inline script and a style attribute under the site's policy is caught."""
    context = browser.new_context()
    refused = CspViolations()
    refused.watch(context)
    page = context.new_page()
    html = (
        '<!DOCTYPE html><html lang="en"><title>t</title>'
        '<p style="color: red">Hi</p><script>document.title = "ran";</script>'
    )
    page.route(
        "http://csp.example/",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Type": "text/html", "Content-Security-Policy": CONTENT_SECURITY_POLICY},
            body=html,
        ),
    )
    try:
        page.goto("http://csp.example/")
        page.wait_for_load_state()
        assert page.title() == "t"  # the inline script did not run
        page.evaluate("() => new Promise((done) => setTimeout(done, 100))")
    finally:
        context.close()
    assert any(line.startswith("http://csp.example/: script-src") for line in refused.found), refused.found
    assert any(line.startswith("http://csp.example/: style-src") for line in refused.found), refused.found


@pytest.mark.parametrize(("prefix", "heading"), [("", "Conversations"), ("/cy", "Sgyrsiau")])
def test_the_site_s_scripts_run_under_the_policy(
    page: Any, site: str, assert_accessible: Callable[[Any], None], prefix: str, heading: str
) -> None:
    response = page.goto(f"{site}{prefix}/")
    assert response is not None
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "camera=()" in response.headers["permissions-policy"]
    page.wait_for_load_state()
    # The js-enabled switch (now a file) ran, GOV.UK Frontend started and htmx loaded.
    body_class = page.locator("body").get_attribute("class")
    assert "js-enabled" in body_class and "govuk-frontend-supported" in body_class
    page.wait_for_function("() => window.htmx !== undefined")
    # htmx was told not to add its own inline style element.
    assert page.evaluate("() => document.querySelectorAll('head style').length") == 0
    assert page.get_by_role("link", name=heading, exact=True).first.is_visible()
    assert_accessible(page)
    check_reflow(page, site, "/", assert_accessible)


def test_the_admin_s_javascript_works_under_the_policy(
    page: Any,
    site: str,
    sign_in: Callable[[Any, str, str], None],
    olwen: User,
    assert_accessible: Callable[[Any], None],
) -> None:
    sign_in(page, olwen.email, PASSWORD)
    response = page.goto(f"{site}/admin/vocaleyes/user/")
    assert response is not None and response.status == 200
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    # The changelist's "select all" box is wired by the admin's actions.js.
    page.locator("#action-toggle").check()
    assert page.locator("input.action-select").first.is_checked()
    assert_accessible(page)
    page.goto(f"{site}/cy/admin/vocaleyes/user/")
    assert_accessible(page)
