"""The Django admin at WCAG 2.2 AA (issue 13): axe on every admin page an officer's moderation
day visits, in English and Welsh, at 1024 and 320 px, and the review queues readable at 1024 px
without the page scrolling sideways."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from conversations import services
from conversations.models import Conversation
from tests.browser.reflow import check_reflow
from tests.budgeting.conftest import make_projects, make_round
from tests.conftest import PASSWORD
from tests.conversations.conftest import make_idea
from timecredits import services as time_credits
from timecredits.models import Account
from vocaleyes.models import Organisation, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_BODY = (
    "The library in Llanfair-ym-Muallt should open on Saturday afternoons and Sunday mornings, "
    "because families who work all week cannot get there while it is open. " * 3
)


@pytest.fixture
def officer_day(
    conversation: Conversation, organisation: Organisation, alice: User, bob: User
) -> dict[str, Any]:
    """What an officer meets: a reported idea in the queue, a budget round with projects, an
    organisation's time-credit account, and a resident."""
    idea = make_idea(conversation, bob, title="Shame the lazy librarians", body=LONG_BODY)
    services.report_create(item=idea, reporter=alice, reason="offensive", details="Rude about staff.")
    budget_round = make_round(conversation)
    make_projects(budget_round, ("Playground", 60000), ("Benches", 30000))
    account = time_credits.account_open_for_organisation(organisation=organisation, kind=Account.Kind.ISSUING)
    return {"idea": idea, "round": budget_round, "account": account, "resident": bob}


def officer_paths(day: dict[str, Any]) -> list[str]:
    idea = day["idea"]
    return [
        "/admin/",
        "/admin/conversations/ideatoreview/",
        "/admin/conversations/ideatoreview/?status__exact=published",
        f"/admin/conversations/ideatoreview/{idea.pk}/change/",
        f"/admin/conversations/idea/{idea.pk}/change/",
        "/admin/conversations/commenttoreview/",
        "/admin/conversations/report/",
        "/admin/conversations/report/?decision__isempty=1",
        f"/admin/budgeting/budgetround/{day['round'].pk}/change/",
        "/admin/timecredits/account/add/",
        f"/admin/timecredits/account/{day['account'].pk}/change/",
        f"/admin/vocaleyes/user/{day['resident'].pk}/change/",
    ]


@pytest.mark.parametrize("prefix", ["", "/cy"])
def test_the_admin_pages_an_officer_visits_pass_axe(
    page: Any,
    site: str,
    prefix: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    olwen: User,
    officer_day: dict[str, Any],
) -> None:
    sign_in(page, olwen.email, PASSWORD)
    for path in officer_paths(officer_day):
        response = page.goto(f"{site}{prefix}{path}")
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == ("cy" if prefix else "en")
        assert_accessible(page)


def test_an_added_project_row_is_labelled_too(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    olwen: User,
    officer_day: dict[str, Any],
) -> None:
    sign_in(page, olwen.email, PASSWORD)
    page.goto(f"{site}/admin/budgeting/budgetround/{officer_day['round'].pk}/change/")
    page.wait_for_load_state("load")
    page.get_by_role("button", name=re.compile("Add another budget project", re.IGNORECASE)).click()
    new_row = page.locator("#projects-2")
    assert new_row.get_by_role("textbox", name="Title (English)").is_visible()
    assert_accessible(page)


def test_the_review_queue_fits_1024_px_without_sideways_scroll(
    page: Any,
    site: str,
    sign_in: Callable[[Any, str, str], None],
    olwen: User,
    officer_day: dict[str, Any],
) -> None:
    sign_in(page, olwen.email, PASSWORD)
    page.set_viewport_size({"width": 1024, "height": 768})
    for prefix in ("", "/cy"):
        for queue in ("ideatoreview", "commenttoreview", "report"):
            page.goto(f"{site}{prefix}/admin/conversations/{queue}/")
            page.wait_for_load_state("load")
            widths = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert widths[0] <= widths[1], f"{prefix} {queue} is {widths[0]} px wide at 1024 px"
        row = page.locator("#result_list tbody tr").first
        assert row.is_visible()


def test_the_admin_pages_an_officer_visits_reflow_at_320_px(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    sign_in: Callable[[Any, str, str], None],
    olwen: User,
    officer_day: dict[str, Any],
) -> None:
    sign_in(page, olwen.email, PASSWORD)
    for path in officer_paths(officer_day):
        check_reflow(page, site, path, assert_accessible)
