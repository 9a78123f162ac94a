"""``/api/v1/budget-rounds/{slug}/results/``: the stored outcome with the results page's
explanations, only once published; reading it changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from budgeting.models import BudgetRound, Outcome, OutcomeProject, Tally
from conversations.models import Conversation
from tests.budgeting.conftest import make_projects, make_round, set_phase

from .budgeting_world import cast_example, count

pytestmark = pytest.mark.django_db


def url(budget_round: BudgetRound) -> str:
    return f"/api/v1/budget-rounds/{budget_round.slug}/results/"


@pytest.fixture
def counted(conversation: Conversation) -> BudgetRound:
    """Equal Shares, no completion, over the worked example: A and D funded, B lost with more
    votes than D; greedy would fund A, B and D."""
    budget_round = make_round(conversation, rule="equal-shares", completion="none")
    cast_example(budget_round, "voter")
    set_phase(budget_round, "results")
    count(budget_round)
    return budget_round


def by_title(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["title"]: row for row in rows}


def test_the_results_give_winners_spend_votes_and_the_pages_explanations(counted: BudgetRound) -> None:
    response = APIClient().get(url(counted))
    assert response.status_code == 200
    data = response.json()
    assert data["round"] == "park-fund" and data["ballots"] == 5
    outcome = data["outcome"]
    assert (outcome["rule"], outcome["completion"]) == ("equal-shares", "none")
    assert (outcome["budget"], outcome["spent"], outcome["left"]) == ("100000.00", "70000.00", "30000.00")
    assert [(w["position"], w["title"], w["cost"]) for w in outcome["winners"]] == [
        (1, "A", "60000.00"),
        (2, "D", "10000.00"),
    ]
    rows = by_title(outcome["projects"])
    assert [row["title"] for row in outcome["projects"]] == ["A", "B", "C", "D"]  # most votes, then code
    assert rows["A"]["votes"] == 3 and rows["A"]["votes_text"] == "3 votes" and rows["A"]["funded"]
    shared = "Paid for from its supporters' equal shares: "
    assert rows["A"]["explanation"] == f"{shared}3 supporters paid £20,000 each."
    assert rows["D"]["explanation"] == f"{shared}2 supporters paid £5,000 each."
    assert rows["B"]["funded"] is False and rows["B"]["reason"] == "supporters_ran_out"
    why_b = (
        "When Equal Shares stopped, its supporters had only £0 left of their equal shares, less than "
        "its cost of £30,000: they had already spent their shares on other projects they voted for."
    )
    assert rows["B"]["explanation"] == why_b
    (loser,) = outcome["popular_losers"]
    assert loser["title"] == "B" and loser["beaten_by"]["title"] == "D"
    assert loser["explanation"] == f"It had 3 votes, more than “D” (2 votes), which was funded. {why_b}"
    assert outcome["how_it_works"].startswith("The Method of Equal Shares splits the budget equally")
    assert outcome["equal_split"] == "20000.00" and outcome["share_raised"] is False

    other = data["comparison"]
    assert other["rule"] == "greedy" and other["spent"] == "100000.00"
    assert sorted(w["title"] for w in other["winners"]) == ["A", "B", "D"]
    assert other["how_it_works"].startswith("Greedy counting funds the projects with the most votes first")
    assert data["differs"] == [rows["B"]["code"]]


def test_the_winners_come_in_the_order_they_were_funded(counted: BudgetRound) -> None:
    outcome = APIClient().get(url(counted)).json()["outcome"]
    stored = (
        OutcomeProject.objects.filter(outcome__tally__round=counted, outcome__is_primary=True)
        .exclude(position=None)
        .order_by("position")
        .values_list("project__title_en", flat=True)
    )
    assert [w["title"] for w in outcome["winners"]] == list(stored)
    assert [w["position"] for w in outcome["winners"]] == [1, 2]


def test_the_results_in_welsh(counted: BudgetRound) -> None:
    # The /cy/ prefix decides, whatever the header says.
    for path, header in ((url(counted), "cy"), (f"/cy{url(counted)}", "en")):
        response = APIClient().get(path, HTTP_ACCEPT_LANGUAGE=header)
        assert response.status_code == 200 and response["Content-Language"] == "cy"
        rows = by_title(response.json()["outcome"]["projects"])
        assert rows["A (cy)"]["explanation"] == (
            "Talwyd amdano o gyfrannau cyfartal ei gefnogwyr: talodd 3 o gefnogwyr £20,000 yr un."
        )
        assert "votes" not in rows["A (cy)"]["votes_text"]


def test_results_before_voting_closes_are_409_with_the_date(conversation: Conversation) -> None:
    budget_round = make_round(conversation)
    make_projects(budget_round, ("A", 100))
    response = APIClient().get(url(budget_round))
    assert response.status_code == 409
    data = response.json()
    assert data["code"] == "not_published" and data["fields"] == {}
    assert data["detail"].startswith("The results will be published after voting closes on ")
    welsh = APIClient().get(url(budget_round), HTTP_ACCEPT_LANGUAGE="cy").json()
    assert welsh["detail"].startswith("Caiff y canlyniadau eu cyhoeddi ar ôl i'r pleidleisio gau ar ")
    assert not Tally.objects.exists()


def test_results_not_yet_counted_say_how_the_count_is_going(conversation: Conversation) -> None:
    budget_round = make_round(conversation)
    make_projects(budget_round, ("A", 100))
    set_phase(budget_round, "results")
    response = APIClient().get(url(budget_round))
    assert response.status_code == 409
    assert response.json() == {
        "detail": "The votes have not been counted yet.",
        "code": "not_counted",
        "fields": {},
    }
    tally = Tally.objects.create(round=budget_round)
    assert APIClient().get(url(budget_round)).json()["detail"] == "The count is waiting to start."
    Tally.objects.filter(pk=tally.pk).update(status=Tally.Status.RUNNING, progress=60)
    assert APIClient().get(url(budget_round)).json()["detail"] == "Counting the votes: 60% done."
    welsh = APIClient().get(url(budget_round), HTTP_ACCEPT_LANGUAGE="cy").json()
    assert welsh["detail"] == "Wrthi'n cyfrif y pleidleisiau: 60% wedi'i wneud."
    # Asking does not start a count: that is for the organisers and the beat task.
    assert list(Tally.objects.values_list("pk", "status")) == [(tally.pk, Tally.Status.RUNNING)]


def test_a_recount_under_way_leaves_the_last_results_readable(counted: BudgetRound) -> None:
    Tally.objects.create(round=counted)  # queued after the finished count
    response = APIClient().get(url(counted))
    assert response.status_code == 200
    assert [w["title"] for w in response.json()["outcome"]["winners"]] == ["A", "D"]


def _stored(budget_round: BudgetRound) -> list[tuple[Any, ...]]:
    tallies = list(Tally.objects.filter(round=budget_round).values_list())
    outcomes = list(Outcome.objects.filter(tally__round=budget_round).order_by("pk").values_list())
    lines = OutcomeProject.objects.filter(outcome__tally__round=budget_round).order_by("pk")
    return [*tallies, *outcomes, *lines.values_list()]


def test_reading_the_results_changes_nothing_stored(counted: BudgetRound) -> None:
    before = _stored(counted)
    assert len(before) == 1 + 2 + 8
    for language in ("en", "cy", "en"):
        assert APIClient().get(url(counted), HTTP_ACCEPT_LANGUAGE=language).status_code == 200
    assert _stored(counted) == before


def test_the_results_cost_the_same_queries_for_more_projects(
    conversation: Conversation, counted: BudgetRound, django_assert_num_queries: Any
) -> None:
    big = make_round(conversation, slug="big-fund", rule="equal-shares", completion="none")
    cast_example(big, "big")
    make_projects(big, *((f"Extra {n}", 100 + n) for n in range(20)))
    set_phase(big, "results")
    count(big)
    client = APIClient()
    with django_assert_num_queries(5) as small_queries:
        client.get(url(counted))
    with django_assert_num_queries(len(small_queries.captured_queries)):
        response = client.get(url(big))
    assert len(response.json()["outcome"]["projects"]) == 24
