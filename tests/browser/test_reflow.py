"""Phone first (WCAG 1.4.10 reflow): at 320 CSS px no page scrolls sideways. Wide tables scroll
inside their own labelled region and long words and email addresses wrap, so the page itself
never grows wider than the screen. Every page is visited in English and Welsh, with axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from budgeting.models import Tally
from budgeting.services import ballot_submit, tally_request, tally_run
from conversations.models import Conversation
from tests.browser.reflow import LONG_EMAIL, check_reflow
from tests.budgeting.conftest import make_projects, make_round, set_phase
from tests.conftest import PASSWORD, make_user
from tests.conversations.conftest import make_idea
from tests.timecredits.conftest import issuer, ledger_cleanup  # noqa: F401 - fixtures
from timecredits import services as credit_services
from timecredits.models import Account
from vocaleyes.models import Organisation, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_budget_results_reflow(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    conversation: Conversation,
    alice: User,
) -> None:
    budget_round = make_round(conversation, slug="park-fund", rule="equal-shares", completion="none")
    projects = make_projects(
        budget_round,
        ("Playground refurbishment and accessible equipment", 60000),
        ("Benches", 30000),
        ("Cycle path", 50000),
        ("Trees", 10000),
    )
    ballot_submit(budget_round=budget_round, voter=alice, choices={projects[0].pk: 1, projects[3].pk: 1})
    set_phase(budget_round, "results")
    tally = tally_request(budget_round=budget_round)
    if Tally.objects.get(pk=tally.pk).status != Tally.Status.DONE:
        tally_run(tally_id=tally.pk)
    assert Tally.objects.get(pk=tally.pk).status == Tally.Status.DONE

    sign_in(page, alice.email, PASSWORD)
    check_reflow(page, site, "/budgets/park-fund/results/", assert_accessible)


def test_time_credit_statement_reflows(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    ledger_cleanup: None,  # noqa: F811
    alice: User,
    bob: User,
    fran: User,
    organisation: Organisation,
    issuer: Account,  # noqa: F811
) -> None:
    credit_services.credits_earn(
        organisation=organisation,
        person=alice,
        minutes=180,
        recorded_by=fran,
        memo="Citizen panel on buses and the Swansea to Mumbles coastal cycleway",
        idempotency_key="reflow-earn",
    )
    credit_services.credits_gift(
        sender=alice, recipient=bob, minutes=60, message="Diolch am bopeth", idempotency_key="reflow-gift"
    )

    sign_in(page, alice.email, PASSWORD)
    check_reflow(page, site, "/time-credits/", assert_accessible)


def test_facilitator_dashboard_and_printable_action_list_reflow(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    conversation: Conversation,
    alice: User,
    bob: User,
    fran: User,
) -> None:
    make_idea(conversation, alice, title="Longer library opening hours on Saturdays and Sundays")
    make_idea(conversation, bob, title="Benches by the sea")

    sign_in(page, fran.email, PASSWORD)
    facilitate = f"/conversations/{conversation.slug}/facilitate/"
    check_reflow(page, site, facilitate, assert_accessible)
    # The printable list at 200 % zoom is, to the layout, a 320 px-wide screen.
    check_reflow(page, site, f"{facilitate}export/print/", assert_accessible)


@pytest.mark.parametrize("path", ["/accounts/profile/", "/accounts/email/", "/accounts/password/reset/"])
def test_signed_in_account_pages_reflow(
    path: str,
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
) -> None:
    # A long address and name, as real people have, must wrap rather than widen the page.
    person = make_user(LONG_EMAIL, "Rhiannon Llewellyn-Williams-Pritchard")
    sign_in(page, person.email, PASSWORD)
    check_reflow(page, site, path, assert_accessible)
