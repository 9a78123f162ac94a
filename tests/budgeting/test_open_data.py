"""Open data (issue 14): a budget round's published results as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from budgeting import open_data
from budgeting.models import BudgetRound
from conversations.models import Conversation
from tests.budgeting.conftest import make_projects, make_round
from tests.budgeting.test_results_page import counted  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

LICENCE_LINK = '<https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/>; rel="license"'


def test_csv_has_each_project_with_cost_votes_and_selection(client: Client, counted: BudgetRound) -> None:  # noqa: F811
    response = client.get(f"/budgets/{counted.slug}/open-data/results.csv")
    assert response.status_code == 200
    assert response["Link"] == LICENCE_LINK
    assert response["Content-Disposition"] == 'attachment; filename="park-fund-results.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == open_data.HEADER
    by_title = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_title) == {"A", "B", "C", "D"}
    assert by_title["A"]["cost"] == "60000.00" and by_title["A"]["votes"] == "3"
    assert by_title["A"]["selected"] == "yes" and by_title["B"]["selected"] == "no"
    assert by_title["D"]["selected"] == "yes" and by_title["D"]["title_cy"] == "D (cy)"
    assert by_title["A"]["rule"] == "equal-shares"
    assert "Majority" not in response.content.decode() and "@example.org" not in response.content.decode()


def test_json_has_the_licence_and_the_projects(client: Client, counted: BudgetRound) -> None:  # noqa: F811
    response = client.get(f"/budgets/{counted.slug}/open-data/results.json")
    assert response["Link"] == LICENCE_LINK
    data = json.loads(response.content)
    assert data["licence"]["name"] == "Open Government Licence v3.0"
    assert data["round"]["ballots"] == 5 and data["round"]["rule"] == "equal-shares"
    selected = {project["title_en"] for project in data["projects"] if project["selected"]}
    assert selected == {"A", "D"}
    assert "Majority" not in response.content.decode()


def test_results_page_links_to_the_open_data_in_welsh(client: Client, counted: BudgetRound) -> None:  # noqa: F811
    page = client.get(f"/cy/budgets/{counted.slug}/results/").content.decode()
    assert "Data agored" in page and "Trwydded Llywodraeth Agored v3.0" in page
    assert f"/cy/budgets/{counted.slug}/open-data/results.csv" in page
    assert f"/cy/budgets/{counted.slug}/open-data/results.json" in page


def test_no_open_data_before_the_results(client: Client, conversation: Conversation) -> None:
    budget_round = make_round(conversation)
    make_projects(budget_round, ("A", 100))
    assert client.get(f"/budgets/{budget_round.slug}/open-data/results.csv").status_code == 404
    assert client.get(f"/budgets/{budget_round.slug}/open-data/results.json").status_code == 404


def test_invitation_only_results_are_not_open_data(client: Client, counted: BudgetRound) -> None:  # noqa: F811
    Conversation.objects.filter(pk=counted.conversation_id).update(
        visibility=Conversation.Visibility.INVITATION
    )
    assert client.get(f"/budgets/{counted.slug}/open-data/results.csv").status_code == 404
    assert client.get(f"/budgets/{counted.slug}/open-data/results.json").status_code == 404
