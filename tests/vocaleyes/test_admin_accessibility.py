"""The admin's controls have names (issue 13, WCAG 1.3.1 and 4.1.2), and its pages load our
accessibility overrides; the browser tests run axe on the same pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conversations.models import Conversation
from tests.budgeting.conftest import make_projects, make_round
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


def test_a_budget_rounds_dates_and_project_rows_are_labelled(
    client: Client, olwen: User, conversation: Conversation
) -> None:
    budget_round = make_round(conversation, phase="proposals")
    make_projects(budget_round, ("Playground", 60000))
    client.force_login(olwen)

    html = client.get(f"/admin/budgeting/budgetround/{budget_round.pk}/change/").content.decode()

    # Each half of a split date and time has its own label.
    assert '<label for="id_voting_opens_0">Date:</label>' in html
    assert '<label for="id_voting_opens_1">Time:</label>' in html
    # A project row's cells are named after their columns, the delete box too.
    assert re.search(r'<input[^>]*aria-label="Code"[^>]*id="id_projects-0-code"', html)
    assert 'aria-label="Title (English)"' in html
    assert re.search(r'<input[^>]*aria-label="Delete\?"[^>]*id="id_projects-0-DELETE"', html)


def test_the_welsh_admin_labels_in_welsh(client: Client, olwen: User, conversation: Conversation) -> None:
    budget_round = make_round(conversation, phase="proposals")
    make_projects(budget_round, ("Playground", 60000))
    client.force_login(olwen)

    html = client.get(f"/cy/admin/budgeting/budgetround/{budget_round.pk}/change/").content.decode()

    assert '<label for="id_voting_opens_0">Dyddiad:</label>' in html
    assert re.search(r'<input[^>]*aria-label="Dileu\?"[^>]*id="id_projects-0-DELETE"', html)


def test_every_admin_page_loads_the_accessibility_overrides(client: Client, olwen: User) -> None:
    client.force_login(olwen)

    html = client.get("/admin/").content.decode()

    assert "admin-overrides/admin-overrides.css" in html
    assert "admin-overrides/admin-accessibility.js" in html


def test_the_search_box_is_labelled_in_the_pages_language(client: Client, olwen: User) -> None:
    client.force_login(olwen)

    html = client.get("/cy/admin/conversations/idea/").content.decode()

    assert re.search(r'<label for="searchbar"><img [^>]*alt="Chwilio"></label>', html)
    assert 'alt="Search"' not in html
