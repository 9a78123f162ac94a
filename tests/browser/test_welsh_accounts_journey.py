"""A Welsh-speaking resident signs in, manages their account and resets a forgotten password, all
in Welsh under /cy/, with zero axe violations on every account page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from tests.conftest import PASSWORD
from vocaleyes.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "llwybr-arfordir-penfro-2026"


def test_welsh_resident_manages_their_account_in_welsh(
    page: Any, site: str, assert_accessible: Callable[[Any], None], bob: User
) -> None:
    page.goto(f"{site}/cy/accounts/login/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mewngofnodi"
    assert_accessible(page)

    # A wrong password: a Welsh error summary, the title says so, nobody is signed in.
    page.get_by_label("Cyfeiriad e-bost").fill("bob@example.org")
    page.get_by_label("Cyfrinair", exact=True).fill("not-my-password")
    page.get_by_role("button", name="Mewngofnodi").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert "Mae'r cyfeiriad e-bost neu'r cyfrinair a roesoch yn anghywir." in summary.inner_text()
    assert page.title().startswith("Gwall:")
    assert_accessible(page)

    page.get_by_label("Cyfrinair", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Mewngofnodi").click()
    page.wait_for_load_state()
    assert "Rydych wedi mewngofnodi fel Bob." in page.locator(".govuk-notification-banner").inner_text()

    page.goto(f"{site}/cy/accounts/email/")
    assert page.get_by_role("heading", level=1).inner_text() == "Eich cyfeiriadau e-bost"
    assert_accessible(page)
    page.get_by_label("Cyfeiriad e-bost").fill("bob@cymru.example")
    page.get_by_role("button", name="Ychwanegu'r cyfeiriad e-bost").click()
    page.wait_for_load_state()
    assert "Anfonwyd e-bost cadarnhau at bob@cymru.example." in page.content()
    assert page.get_by_text("Heb ei gadarnhau").is_visible()
    assert EmailAddress.objects.filter(user=bob, email="bob@cymru.example", verified=False).exists()
    assert_accessible(page)

    page.goto(f"{site}/cy/accounts/password/change/")
    page.get_by_label("Cyfrinair presennol").fill(PASSWORD)
    page.get_by_label("Cyfrinair newydd", exact=True).fill("12345")
    page.get_by_label("Cadarnhau'r cyfrinair newydd").fill("12345")
    page.get_by_role("button", name="Newid eich cyfrinair").click()
    page.wait_for_load_state()
    assert "Mae'r cyfrinair hwn yn rhy gyffredin." in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.goto(f"{site}/cy/accounts/logout/")
    assert_accessible(page)
    page.get_by_role("button", name="Allgofnodi").click()
    page.wait_for_load_state()
    assert "Rydych wedi allgofnodi." in page.locator(".govuk-notification-banner").inner_text()


def test_welsh_resident_resets_a_forgotten_password_in_welsh(
    page: Any, site: str, assert_accessible: Callable[[Any], None], bob: User
) -> None:
    page.goto(f"{site}/cy/accounts/login/")
    page.get_by_role("link", name="Wedi anghofio eich cyfrinair?").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Ailosod eich cyfrinair"
    assert_accessible(page)
    page.get_by_label("Cyfeiriad e-bost").fill("bob@example.org")
    page.get_by_role("button", name="Anfon y ddolen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Gwiriwch eich e-bost"
    assert_accessible(page)

    [message] = mail.outbox
    assert message.subject == "Ailosod eich cyfrinair VocalEyes"
    link = re.search(r"https?://\S+/cy/accounts/password/reset/key/\S+", str(message.body))
    assert link, message.body
    page.goto(link.group(0))
    assert page.get_by_role("heading", level=1).inner_text() == "Dewiswch gyfrinair newydd"
    assert_accessible(page)
    page.get_by_label("Cyfrinair newydd", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Cadarnhau'r cyfrinair newydd").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Newid eich cyfrinair").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Mae eich cyfrinair wedi'i newid"
    assert_accessible(page)
    bob.refresh_from_db()
    assert bob.check_password(NEW_PASSWORD)

    # A used link says so, in Welsh, and offers a new one.
    page.goto(link.group(0))
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Mae'r ddolen hon wedi dod i ben neu wedi cael ei defnyddio eisoes"
    )
    assert page.get_by_role("link", name="Gofynnwch am ddolen newydd").is_visible()
    assert_accessible(page)
