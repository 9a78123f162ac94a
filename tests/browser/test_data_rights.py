"""Issue 14 in the browser: a resident downloads their data and deletes their account, in English
and in Welsh, with axe on every page and the pages checked at 320 px."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.reflow import check_reflow
from tests.conftest import PASSWORD
from vocaleyes.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "": {
        "download": "Download your data (JSON file)",
        "delete": "Delete your account",
        "email": "Your email address",
        "confirm": "Delete my account",
        "wrong": "Enter the email address you sign in with, exactly as it is",
        "done": "Your account has been deleted.",
        "sign_in": "Sign in",
    },
    "/cy": {
        "download": "Lawrlwytho eich data (ffeil JSON)",
        "delete": "Dileu eich cyfrif",
        "email": "Eich cyfeiriad e-bost",
        "confirm": "Dileu fy nghyfrif",
        "wrong": "Rhowch y cyfeiriad e-bost rydych yn mewngofnodi ag ef, yn union fel y mae",
        "done": "Mae eich cyfrif wedi'i ddileu.",
        "sign_in": "Mewngofnodi",
    },
}


@pytest.mark.parametrize("prefix", ["", "/cy"])
def test_a_resident_downloads_their_data_then_deletes_their_account(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    alice: User,
    prefix: str,
) -> None:
    words = WORDS[prefix]
    sign_in(page, "alice@example.org", PASSWORD)
    page.goto(f"{site}{prefix}/accounts/profile/")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=words["download"]).click()
    download = download_info.value
    assert download.suggested_filename.startswith("vocaleyes-data-")
    with open(download.path(), encoding="utf-8") as file:
        assert json.load(file)["profile"]["email"] == "alice@example.org"
    check_reflow(page, site, "/accounts/profile/", assert_accessible)
    check_reflow(page, site, "/accounts/profile/delete/", assert_accessible)

    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(f"{site}{prefix}/accounts/profile/")
    page.get_by_role("link", name=words["delete"]).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == words["delete"]
    assert_accessible(page)

    # A wrong address: the error is in the summary and beside the field, nothing is deleted.
    page.get_by_label(words["email"]).fill("someone@example.org")
    page.get_by_role("button", name=words["confirm"]).click()
    page.wait_for_load_state()
    assert words["wrong"] in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    assert User.objects.get(pk=alice.pk).is_active

    page.get_by_label(words["email"]).fill("alice@example.org")
    page.get_by_role("button", name=words["confirm"]).click()
    page.wait_for_load_state()
    assert words["done"] in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    assert User.objects.get(pk=alice.pk).deleted_at is not None

    # Signed out: the profile now asks them to sign in.
    page.goto(f"{site}{prefix}/accounts/profile/")
    assert page.get_by_role("heading", level=1).inner_text() == words["sign_in"]
