"""A resident votes in a participatory budget: an over-budget basket is refused with a clear
message, the ballot is cast within budget and changed, and after voting closes and the count
runs, the results explain themselves, in English and Welsh, with zero axe violations."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from budgeting.models import Ballot, Tally
from conversations.models import Conversation
from tests.budgeting.conftest import make_projects, make_round, set_phase
from tests.conftest import PASSWORD
from vocaleyes.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def chosen(user: User) -> list[str]:
    return sorted(Ballot.objects.get(voter=user).votes.values_list("project__title_en", flat=True))


def test_a_resident_votes_within_budget_changes_the_ballot_and_sees_the_results(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    conversation: Conversation,
    alice: User,
    olwen: User,
) -> None:
    budget_round = make_round(conversation, slug="park-fund", rule="equal-shares", completion="none")
    make_projects(
        budget_round, ("Playground", 60000), ("Benches", 30000), ("Cycle path", 50000), ("Trees", 10000)
    )

    sign_in(page, alice.email, PASSWORD)
    page.goto(f"{site}/budgets/park-fund/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Parks and paths fund")
    assert_accessible(page)

    page.get_by_role("link", name="Vote").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot")
    assert_accessible(page)

    # Over budget: the running total says so as the boxes are ticked (htmx) ...
    for title in ("Playground", "Benches", "Cycle path"):
        page.get_by_label(title).check()
    total = page.locator("#basket-total")
    expect(total).to_contain_text("Cost: £140,000 of the £100,000 budget")
    expect(total).to_contain_text("That is £40,000 over the budget")
    # ... and the server refuses it with a clear message, next to the choices and in a summary.
    page.get_by_role("button", name="Review my choices").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Your choices cost £140,000, which is more than the budget of £100,000.")
    expect(page).to_have_title(re.compile(r"^Error: Your ballot: Parks and paths fund"))
    assert_accessible(page)
    assert not Ballot.objects.exists()

    page.get_by_label("Cycle path").uncheck()
    expect(total).to_contain_text("£10,000 left.")
    page.get_by_role("button", name="Review my choices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your ballot")
    assert_accessible(page)
    page.get_by_role("button", name="Submit my ballot").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your ballot has been saved.")
    assert_accessible(page)
    assert chosen(alice) == ["Benches", "Playground"]
    assert mail.outbox[-1].to == [alice.email]

    # She changes her mind before the deadline.
    page.get_by_role("link", name="Change your ballot").click()
    expect(page.get_by_label("Playground")).to_be_checked()
    page.get_by_label("Playground").uncheck()
    page.get_by_label("Cycle path").check()
    page.get_by_label("Trees").check()
    page.get_by_role("button", name="Review my choices").click()
    expect(page.get_by_text("This replaces the ballot you cast before.")).to_be_visible()
    page.get_by_role("button", name="Submit my ballot").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your ballot has been saved.")
    assert chosen(alice) == ["Benches", "Cycle path", "Trees"]
    assert Ballot.objects.count() == 1

    # The ballot page in Welsh.
    page.get_by_role("link", name="Change your ballot").click()
    page.get_by_role("link", name="Cymraeg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eich pleidlais")
    assert page.locator("html").get_attribute("lang") == "cy"
    assert_accessible(page)

    # Voting closes; the officer counts the votes.
    set_phase(budget_round, "results")
    page.context.clear_cookies()
    sign_in(page, olwen.email, PASSWORD)
    page.goto(f"{site}/budgets/park-fund/results/")
    assert_accessible(page)
    page.get_by_role("button", name="Count the votes").click()
    expect(page.locator(".govuk-panel")).to_contain_text("projects funded")
    assert Tally.objects.get().status == Tally.Status.DONE

    # The resident sees the results, with the cost sharing and the other rule for comparison.
    page.context.clear_cookies()
    sign_in(page, alice.email, PASSWORD)
    page.goto(f"{site}/budgets/park-fund/results/")
    expect(page.locator(".govuk-panel")).to_contain_text("£90,000 of £100,000 spent")
    expect(page.get_by_text("Paid for from its supporters' equal shares").first).to_be_visible()
    expect(page.get_by_role("heading", name="The same votes under the other rule")).to_be_visible()
    expect(page.get_by_role("link", name="Download the ballots (park-fund.pb)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Cymraeg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Canlyniadau")
    expect(page.locator(".govuk-panel")).to_contain_text("£90,000 o £100,000 wedi'i wario")
    assert_accessible(page)
