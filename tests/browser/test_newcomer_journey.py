"""A newcomer signs up, confirms their email, signs in, and switches to Welsh — with zero axe
violations on every page they visit."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from tests.conftest import make_conversation
from vocaleyes.models import Organisation, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_newcomer_signs_up_signs_in_and_switches_to_welsh(
    page: Any, site: str, assert_accessible: Callable[[Any], None], organisation: Organisation
) -> None:
    make_conversation(organisation, slug="wellbeing", title_en="Better buses", title_cy="Bysiau gwell")

    page.goto(f"{site}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ideas into action, together"
    assert page.get_by_role("link", name="Better buses").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Create an account").first.click()
    assert_accessible(page)
    # Bad input first: the form says what is wrong, next to the field and in a summary.
    page.get_by_role("button", name="Create an account").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    assert not User.objects.exists()

    page.get_by_label("Display name").fill("Megan")
    page.get_by_label("Email").fill("megan@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label(re.compile("Password \\(again\\)")).fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Create an account").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm your email address"
    assert_accessible(page)

    user = User.objects.get(email="megan@example.org")
    assert user.display_name == "Megan"
    assert user.language == "en"
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", str(mail.outbox[0].body))
    assert link, mail.outbox[0].body

    page.goto(link.group(0))
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert EmailAddress.objects.get(user=user).verified

    # Sign out, then sign in again through the form.
    page.goto(f"{site}/")
    page.get_by_role("link", name="Sign out").click()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Sign in").first.is_visible()

    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email").fill("megan@example.org")
    page.get_by_label("Password").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Sign out").is_visible()

    # The language switch is on every page; the Welsh home page is in Welsh.
    page.get_by_role("link", name="Cymraeg").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/cy")
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("heading", level=1).inner_text() == "Troi syniadau'n weithredu, gyda'n gilydd"
    assert page.get_by_role("link", name="Bysiau gwell").is_visible()
    assert page.get_by_role("link", name="Allgofnodi").is_visible()
    assert_accessible(page)

    for path in ("/cy/conversations/", "/cy/conversations/wellbeing/", "/cy/accessibility/", "/cy/privacy/"):
        page.goto(f"{site}{path}")
        assert page.locator("html").get_attribute("lang") == "cy"
        assert_accessible(page)


def test_keyboard_only_sign_in(
    page: Any, site: str, assert_accessible: Callable[[Any], None], alice: User
) -> None:
    from tests.conftest import PASSWORD

    page.goto(f"{site}/accounts/login/")
    # The first Tab lands on the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    page.wait_for_url("**#main-content")
    # Tab to the email field from the main content, type, and submit with Enter.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "login":
            break
    page.keyboard.type(alice.email)
    # The password's hint holds a "forgot your password?" link, so it may take two Tabs.
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "password":
            break
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("link", name="Sign out").is_visible()
    assert_accessible(page)
