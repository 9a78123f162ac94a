"""Giving time credits with a check step, in English and in Welsh (issue 13): the give form, the
check page with the recipient's name, Change to correct the amount, Confirm, the receipt and the
statement; balances right; axe and 320 px reflow on every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.reflow import check_reflow
from tests.conftest import PASSWORD
from tests.timecredits.conftest import issuer, ledger_cleanup  # noqa: F401 - fixtures
from timecredits import services
from timecredits.models import Account, Entry, Transfer
from vocaleyes.models import Organisation, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "": {
        "give": "Give credits",
        "check": "Check your answers before giving time credits",
        "change_amount": "Change how much time",
        "confirm": "Confirm and give",
        "given": "You gave 30 minutes to Bob.",
        "left": "2 hours 30 minutes",
        "back": "Back to your time credits",
        "message": "Thank you for the lift",
        "message_lang": "en",
    },
    "/cy": {
        "give": "Rhoi credydau",
        "check": "Gwiriwch eich atebion cyn rhoi credydau amser",
        "change_amount": "Newid faint o amser",
        "confirm": "Cadarnhau a rhoi",
        "given": "Rydych wedi rhoi 30 munud i Bob.",
        "left": "2 awr 30 munud",
        "back": "Yn ôl i'ch credydau amser",
        "message": "Diolch am y lifft",
        "message_lang": "cy",
    },
}


@pytest.mark.parametrize("prefix", ["", "/cy"], ids=["english", "welsh"])
def test_a_resident_checks_the_recipient_changes_the_amount_and_gives(
    page: Any,
    site: str,
    sign_in: Callable[[Any, str, str], None],
    assert_accessible: Callable[[Any], None],
    ledger_cleanup: None,  # noqa: F811
    alice: User,
    bob: User,
    fran: User,
    organisation: Organisation,
    issuer: Account,  # noqa: F811
    prefix: str,
) -> None:
    words = WORDS[prefix]
    services.credits_earn(
        organisation=organisation,
        person=alice,
        minutes=180,
        recorded_by=fran,
        memo="Panel",
        idempotency_key="e1",
    )
    bob_number = services.account_for_person(user=bob).number  # Bob read it to her from his page
    sign_in(page, alice.email, PASSWORD)
    check_reflow(page, site, "/time-credits/give/", assert_accessible)

    # Alice fills in the form: Bob's number, one hour, a message.
    page.goto(f"{site}{prefix}/time-credits/give/")
    page.locator("#id_recipient").fill(bob_number.lower())
    page.locator("#id_hours").fill("1")
    page.locator("#id_message").fill(words["message"])
    page.get_by_role("button", name=words["give"]).click()
    page.wait_for_load_state()

    # The check page names Bob before anything moves.
    assert page.get_by_role("heading", level=1).inner_text() == words["check"]
    assert page.get_by_test_id("recipient-name").inner_text() == "Bob"
    assert bob_number in page.get_by_test_id("gift-check").inner_text()
    assert not Transfer.objects.filter(kind=Transfer.Kind.GIFT).exists()
    assert_accessible(page)
    check_reflow(page, site, "/time-credits/give/check/", assert_accessible)

    # She meant half an hour: Change goes back to the form with her answers kept.
    page.goto(f"{site}{prefix}/time-credits/give/check/")
    page.get_by_role("link", name=words["change_amount"]).click()
    page.wait_for_load_state()
    assert page.locator("#id_recipient").input_value() == bob_number
    assert page.locator("#id_hours").input_value() == "1"
    assert page.locator("#id_message").input_value() == words["message"]
    assert_accessible(page)
    page.locator("#id_hours").fill("0")
    page.locator("#id_minutes").fill("30")
    page.get_by_role("button", name=words["give"]).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("amount").inner_text() == ("30 minutes" if not prefix else "30 munud")
    assert page.get_by_test_id("recipient-name").inner_text() == "Bob"

    # Confirm: the receipt.
    page.get_by_role("button", name=words["confirm"]).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("gift-given").inner_text() == words["given"]
    assert page.get_by_test_id("balance-after").inner_text() == words["left"]
    assert page.get_by_test_id("gift-message").inner_text() == words["message"]
    assert_accessible(page)
    gift = Transfer.objects.get(kind=Transfer.Kind.GIFT)
    assert gift.memo_language == words["message_lang"]
    receipt_path = f"/time-credits/give/{gift.pk}/"
    check_reflow(page, site, receipt_path, assert_accessible)
    # The message is marked with its language on the receipt in the other language.
    other = "/cy" if not prefix else ""
    page.goto(f"{site}{other}{receipt_path}")
    assert page.get_by_test_id("gift-message").get_attribute("lang") == words["message_lang"]

    # The statement agrees.
    page.goto(f"{site}{prefix}{receipt_path}")
    page.get_by_role("link", name=words["back"]).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("balance").inner_text() == words["left"]
    assert words["message"] in page.get_by_test_id("statement").inner_text()
    check_reflow(page, site, "/time-credits/", assert_accessible)

    # Exactly one gift: 30 minutes out of Alice's account and into Bob's.
    legs = dict(Entry.objects.filter(transfer=gift).values_list("account__user__email", "amount"))
    assert legs == {"alice@example.org": -30, "bob@example.org": 30}
    assert Account.objects.get(user=alice).balance == 150
    assert Account.objects.get(user=bob).balance == 30
