"""Time credits in the browser: an organiser records hours, a resident sees them, gives an hour to
a neighbour and spends on a partner's offer; both statements agree; axe finds nothing on any page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.timecredits.conftest import issuer, ledger_cleanup, partner, swim  # noqa: F401 - fixtures
from timecredits import services
from timecredits.models import Account, Entry, PartnerOffer, Transfer
from vocaleyes.models import Organisation, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def balance(page: Any) -> str:
    return str(page.get_by_test_id("balance").inner_text())


def test_a_resident_earns_gives_and_spends_time_credits(
    browser: Any,
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
    swim: PartnerOffer,  # noqa: F811
) -> None:
    # Fran, a facilitator, confirms three hours Alice gave at a citizen panel.
    sign_in(page, fran.email, PASSWORD)
    page.goto(f"{site}/time-credits/")
    page.get_by_role("link", name="Record volunteering hours").click()
    assert_accessible(page)
    page.get_by_label("What was the volunteering?").fill("Citizen panel on buses")
    page.locator("#id_form-0-email").fill("alice@example.org")
    page.locator("#id_form-0-hours").fill("3")
    page.get_by_role("button", name="Record hours").click()
    page.wait_for_load_state()
    assert "Recorded 3 hours for Alice" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    page.context.clear_cookies()

    # Alice sees the credits she earned.
    sign_in(page, alice.email, PASSWORD)
    page.get_by_role("link", name="Time credits", exact=True).click()  # the header's, not the home card
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Your time credits"
    assert balance(page) == "3 hours"
    assert "Volunteering confirmed by Swansea Council" in page.get_by_test_id("statement").inner_text()
    assert_accessible(page)

    # She gives Bob one hour, by his account number. A mistake first: no amount.
    bob_number = services.account_for_person(user=bob).number  # Bob read it to her from his page
    page.get_by_role("link", name="Give time credits").click()
    page.get_by_label("Their account number").fill(bob_number)
    page.get_by_role("button", name="Give credits").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error:")
    assert "Enter an amount of more than 0 minutes" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Hours").fill("1")
    page.get_by_label("Message (optional)").fill("Diolch am y lifft!")
    page.get_by_role("button", name="Give credits").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("recipient-name").inner_text() == "Bob"  # checked before it moves
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and give").click()
    page.wait_for_load_state()
    assert "You gave 1 hour to Bob." in page.get_by_test_id("gift-given").inner_text()
    assert page.get_by_test_id("balance-after").inner_text() == "2 hours"
    assert_accessible(page)
    page.get_by_role("link", name="Back to your time credits").click()
    assert balance(page) == "2 hours"

    # And spends an hour on a swim at the leisure centre.
    page.get_by_role("link", name="Spend time credits").click()
    assert_accessible(page)
    page.get_by_role("link", name="A swim").click()
    assert_accessible(page)
    page.get_by_role("button", name="Spend 1 hour").click()
    page.wait_for_load_state()
    reference = page.get_by_test_id("reference").inner_text()
    assert reference == Transfer.objects.get(kind=Transfer.Kind.SPEND).reference
    assert_accessible(page)

    page.goto(f"{site}/time-credits/")
    assert balance(page) == "1 hour"
    alice_statement = page.get_by_test_id("statement").inner_text()
    assert (
        "Gift Gift" not in alice_statement  # the tag says "Gift"; the words do not repeat it
        and "To Bob" in alice_statement
        and f"(reference {reference})" in alice_statement
    )
    page.context.clear_cookies()

    # Bob's statement shows the same gift, paid in; in Welsh too.
    sign_in(page, bob.email, PASSWORD)
    page.goto(f"{site}/time-credits/")
    assert balance(page) == "1 hour"
    bob_statement = page.get_by_test_id("statement").inner_text()
    assert "From Alice" in bob_statement and "Diolch am y lifft!" in bob_statement
    assert_accessible(page)
    page.goto(f"{site}/cy/time-credits/")
    assert balance(page) == "1 awr"
    assert "Oddi wrth Alice" in page.get_by_test_id("statement").inner_text()
    assert_accessible(page)

    # Both statements agree: one gift transfer, out of Alice's account and into Bob's.
    gift = Transfer.objects.get(kind=Transfer.Kind.GIFT)
    legs = dict(Entry.objects.filter(transfer=gift).values_list("account__user__email", "amount"))
    assert legs == {"alice@example.org": -60, "bob@example.org": 60}
    assert Account.objects.get(user=alice).balance == 60
    assert Account.objects.get(user=bob).balance == 60
