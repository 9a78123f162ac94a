"""Issue 14 in the browser: a resident makes an API token on their profile, sees it once, uses it
from a program (a separate request context with no cookies, sending only the Bearer header),
revokes it, and the token then gets 401. Axe on every page, in English and in Welsh; the page
showing the token is checked at 320 px (the long token wraps)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.reflow import PHONE
from tests.conftest import PASSWORD
from vocaleyes.models import ApiToken, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "": {
        "name": "Name",
        "make": "Make a token",
        "once": "you will not see it again",
        "revoke_link": "Revoke the token “Ward map”",
        "revoke": "Revoke the token",
        "revoked": "The API token “Ward map” has been revoked.",
        "status": "Revoked",
    },
    "/cy": {
        "name": "Enw",
        "make": "Creu tocyn",
        "once": "ni fyddwch yn ei weld eto",
        "revoke_link": "Tynnu'n ôl y tocyn “Ward map”",
        "revoke": "Tynnu'r tocyn yn ôl",
        "revoked": "Mae'r tocyn API “Ward map” wedi'i dynnu'n ôl.",
        "status": "Wedi'i dynnu'n ôl",
    },
}


@pytest.mark.parametrize("prefix", ["", "/cy"])
def test_a_resident_makes_uses_and_revokes_an_api_token(
    browser: Any,
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    alice: User,
    prefix: str,
) -> None:
    words = WORDS[prefix]
    sign_in(page, "alice@example.org", PASSWORD)
    page.goto(f"{site}{prefix}/accounts/profile/#api-tokens")
    assert_accessible(page)

    page.get_by_label(words["name"], exact=True).fill("Ward map")
    page.get_by_role("button", name=words["make"]).click()
    page.wait_for_load_state()
    assert words["once"] in page.locator(".govuk-warning-text").inner_text()
    text = page.locator("code").first.inner_text().strip()
    assert text.startswith("ve_")
    assert ApiToken.objects.get(user=alice).prefix == text.split("_")[1]
    assert_accessible(page)
    # The token is one long word: at 320 px it wraps rather than pushing the page sideways.
    page.set_viewport_size(PHONE)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1]
    page.set_viewport_size({"width": 1024, "height": 800})

    # A program, with no cookies: only the token says who it is.
    program = browser.new_context()
    try:
        api = program.request
        used = api.get(f"{site}/api/v1/organisations/", headers={"Authorization": f"Bearer {text}"})
        assert used.status == 200
        assert ApiToken.objects.get(user=alice).last_used_at is not None

        # Shown once: the profile lists the token by name, never its text.
        page.goto(f"{site}{prefix}/accounts/profile/")
        assert text not in page.content()
        assert "Ward map" in page.locator("#api-tokens ~ .govuk-summary-card").first.inner_text()

        page.get_by_role("link", name=words["revoke_link"]).click()
        page.wait_for_load_state()
        assert_accessible(page)
        page.get_by_role("button", name=words["revoke"]).click()
        page.wait_for_load_state()
        assert words["revoked"] in page.locator(".govuk-notification-banner").inner_text()
        assert words["status"] in page.locator(".govuk-summary-card").first.inner_text()
        assert_accessible(page)

        refused = api.get(
            f"{site}/api/v1/organisations/",
            headers={"Authorization": f"Bearer {text}", "Accept-Language": "cy" if prefix else "en"},
        )
        assert refused.status == 401
        body = refused.json()
        assert body["code"] == "authentication_failed"
        assert body["detail"] == (
            "Nid yw'r tocyn API hwnnw'n ddilys, neu mae wedi'i dynnu'n ôl."
            if prefix
            else "That API token is not valid, or has been revoked."
        )
    finally:
        program.close()
