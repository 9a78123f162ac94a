"""Open data (issue 14): the conversation page and the results page offer the ideas and the
results as CSV and JSON under the Open Government Licence, in English and Welsh, accessible and
readable at 320 px."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from budgeting.models import BudgetRound
from conversations.models import Conversation
from tests.browser.reflow import check_reflow
from tests.budgeting.test_results_page import counted  # noqa: F401 (a fixture)
from tests.conversations.conftest import make_idea
from vocaleyes.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_finds_the_ideas_as_open_data(
    page: Any, site: str, assert_accessible: Callable[[Any], None], conversation: Conversation, alice: User
) -> None:
    make_idea(conversation, alice, title="Benches by the sea")
    for prefix, heading, licence, link in (
        ("", "Open data", "Open Government Licence v3.0", "Download the ideas (JSON)"),
        ("/cy", "Data agored", "Trwydded Llywodraeth Agored v3.0", "Lawrlwytho'r syniadau (JSON)"),
    ):
        page.goto(f"{site}{prefix}/conversations/wellbeing/")
        section = page.locator("aside", has=page.get_by_role("heading", name=heading))
        expect(section.get_by_role("link", name=licence)).to_have_attribute("rel", "license")
        assert_accessible(page)
        href = section.get_by_role("link", name=link).get_attribute("href")
        data = json.loads(page.request.get(f"{site}{href}").body())
        assert [idea["title"] for idea in data["ideas"]] == ["Benches by the sea"]
    check_reflow(page, site, "/conversations/wellbeing/", assert_accessible)


def test_a_visitor_finds_the_budget_results_as_open_data(
    page: Any,
    site: str,
    assert_accessible: Callable[[Any], None],
    counted: BudgetRound,  # noqa: F811
) -> None:
    for prefix, heading, link in (
        ("", "Open data", "Download the results (CSV)"),
        ("/cy", "Data agored", "Lawrlwytho'r canlyniadau (CSV)"),
    ):
        page.goto(f"{site}{prefix}/budgets/{counted.slug}/results/")
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert_accessible(page)
        href = page.get_by_role("link", name=link).get_attribute("href")
        response = page.request.get(f"{site}{href}")
        assert response.ok and 'rel="license"' in response.headers["link"]
    check_reflow(page, site, f"/budgets/{counted.slug}/results/", assert_accessible)
