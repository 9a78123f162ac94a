"""The results page's wording (issue 13): how much was left when a project's turn came, said
naturally, and why Equal Shares' per-voter share can be more than the budget divided by the
voters (the completion raised everyone's share)."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from budgeting import explain
from budgeting.models import BudgetProject, BudgetRound, Outcome, OutcomeProject, Tally
from conversations.models import Conversation
from tests.budgeting.conftest import make_round, set_phase
from tests.budgeting.test_tally import cast_worked_example
from vocaleyes.models import User


def loser(*, left: str, money: float | None) -> OutcomeProject:
    return OutcomeProject(
        project=BudgetProject(cost=Decimal("30000")),
        reason=OutcomeProject.Reason.DID_NOT_FIT,
        budget_left=Decimal(left),
        supporters_money=money,
    )


def test_nothing_left_is_said_in_words_not_as_zero_pounds() -> None:
    text = explain.lost_text(loser(left="0", money=1200.0), currency="GBP")
    assert "nothing was left by its turn" in text
    assert "£0" not in text and "remained" not in text


def test_some_money_left_says_how_much_was_left_when_its_turn_came() -> None:
    text = explain.lost_text(loser(left="2500", money=1200.0), currency="GBP")
    assert "and only £2,500 was left when its turn came." in text


def test_greedy_with_nothing_left_says_so_in_words() -> None:
    text = explain.lost_text(loser(left="0", money=None), currency="GBP")
    assert text == (
        "When its turn came, in order of votes, nothing was left of the budget to pay its cost of £30,000."
    )


def test_the_wording_in_welsh() -> None:
    with translation.override("cy"):
        nothing = explain.lost_text(loser(left="0", money=1200.0), currency="GBP")
        some = explain.lost_text(loser(left="2500", money=1200.0), currency="GBP")
    assert "nid oedd dim ar ôl erbyn ei dro" in nothing and "£0" not in nothing
    assert "a dim ond £2,500 oedd ar ôl pan ddaeth ei dro." in some


def test_the_share_is_raised_only_above_the_equal_split_with_a_completion() -> None:
    outcome = Outcome(budget=Decimal("9000"), per_voter_budget=1800.0, completion="add1")
    assert explain.share_was_raised(outcome, voters=10)
    assert not explain.share_was_raised(outcome, voters=5)  # 9,000 ÷ 5 is 1,800: nothing to explain
    outcome.completion = "none"
    assert not explain.share_was_raised(outcome, voters=10)
    assert explain.equal_split(outcome, voters=7) == Decimal("1285.71")


@pytest.fixture
def counted_with_add1(
    conversation: Conversation, olwen: User, django_capture_on_commit_callbacks
) -> BudgetRound:
    budget_round = make_round(conversation, rule="equal-shares", completion="add1")
    cast_worked_example(budget_round)
    set_phase(budget_round, "results")
    client = Client()
    client.force_login(olwen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/budgets/{budget_round.slug}/results/count/")
    assert Tally.objects.get(round=budget_round).status == Tally.Status.DONE
    return budget_round


def page_text(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return " ".join(html.unescape(response.content.decode()).split())


@pytest.mark.django_db
def test_the_results_page_says_why_the_share_is_more_than_budget_over_voters(
    client: Client, counted_with_add1: BudgetRound
) -> None:
    outcome = Outcome.objects.get(tally__round=counted_with_add1, is_primary=True)
    assert outcome.per_voter_budget is not None and outcome.per_voter_budget > 20000
    page = page_text(client, f"/budgets/{counted_with_add1.slug}/results/")
    assert "more than the budget divided by the 5 voters (£20,000)" in page
    assert "the count was run again with every voter\N{RIGHT SINGLE QUOTATION MARK}s share raised" in page
    welsh = page_text(client, f"/cy/budgets/{counted_with_add1.slug}/results/")
    assert "mwy na'r gyllideb wedi'i rhannu rhwng y 5 o bleidleiswyr (£20,000)" in welsh
    assert "more than the budget divided" not in welsh
