"""The council admin for rounds, projects, eligibility and counts."""

from __future__ import annotations

import pytest
from django.test import Client

from budgeting import services
from budgeting.models import BudgetProject, BudgetRound, Tally
from conversations.models import Conversation
from tests.budgeting.conftest import make_projects, make_round
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


def test_the_officer_sees_rounds_projects_and_their_votes(
    client: Client, round_: BudgetRound, projects: list[BudgetProject], olwen: User, alice: User
) -> None:
    services.ballot_submit(budget_round=round_, voter=alice, choices={projects[0].pk: 1, projects[3].pk: 1})
    client.force_login(olwen)
    rounds = client.get("/admin/budgeting/budgetround/").content.decode()
    assert "Parks and paths fund" in rounds and "Voting" in rounds
    change = client.get(f"/admin/budgeting/budgetround/{round_.pk}/change/").content.decode()
    assert "Playground" in change and "Cycle path" in change  # the projects inline
    listing = client.get("/admin/budgeting/budgetproject/?eligible__exact=1").content.decode()
    assert "Trees" in listing and "Benches" in listing


def test_a_project_made_ineligible_needs_a_reason(
    client: Client, round_: BudgetRound, projects: list[BudgetProject], olwen: User
) -> None:
    client.force_login(olwen)
    trees = projects[3]
    data = {
        "round": round_.pk,
        "code": trees.code,
        "cost": "10000",
        "title_en": "Trees",
        "title_cy": "Coed",
        "description_en": "",
        "description_cy": "",
        "category_en": "",
        "category_cy": "",
        "ineligible_reason_en": "",
        "ineligible_reason_cy": "",
    }  # "eligible" unticked
    page = client.post(f"/admin/budgeting/budgetproject/{trees.pk}/change/", data).content.decode()
    assert "Say why the project is not eligible, in English or Welsh." in page
    assert BudgetProject.objects.get(pk=trees.pk).eligible
    data["ineligible_reason_cy"] = "Mae'r tir yn eiddo preifat."
    response = client.post(f"/admin/budgeting/budgetproject/{trees.pk}/change/", data)
    assert response.status_code == 302
    trees.refresh_from_db()
    assert not trees.eligible and trees.ineligible_reason_cy == "Mae'r tir yn eiddo preifat."


def test_the_count_action_counts_closed_rounds_only(
    client: Client, conversation: Conversation, olwen: User, django_capture_on_commit_callbacks
) -> None:
    closed = make_round(conversation, slug="closed", phase="results")
    make_projects(closed, ("A", 100))
    still_open = make_round(conversation, slug="open", phase="voting")
    client.force_login(olwen)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/budgeting/budgetround/",
            {"action": "count_votes", "_selected_action": [closed.pk, still_open.pk]},
            follow=True,
        )
    page = response.content.decode()
    assert "Votes can be counted once voting has closed, on " in page
    assert "The count of 1 round has started." in page
    assert list(Tally.objects.values_list("round__slug", "status")) == [("closed", "done")]
    tallies = client.get("/admin/budgeting/tally/").content.decode()
    assert "Parks and paths fund" in tallies and "Counted" in tallies
