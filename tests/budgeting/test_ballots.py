"""Ballot rules, checked on the server by the ballot service: each refusal has a clear message
(in the voter's language) and writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from budgeting import services
from budgeting.models import Ballot, BudgetProject, BudgetRound, Vote
from conversations.models import Conversation
from tests.budgeting.conftest import make_projects, make_round, set_phase
from vocaleyes.errors import Refusal
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


def choose(*projects: BudgetProject) -> dict[int, int]:
    return {p.pk: 1 for p in projects}


def refusal(budget_round: BudgetRound, voter: User, choices: dict[int, int]) -> str:
    """What the voter is told when the ballot is refused."""
    with pytest.raises(Refusal) as caught:
        services.ballot_submit(budget_round=budget_round, voter=voter, choices=choices)
    return caught.value.message


def test_it_accepts_an_approval_ballot_within_budget(
    round_: BudgetRound, projects: list[BudgetProject], alice: User
) -> None:
    playground, benches, _cycle, trees = projects
    ballot = services.ballot_submit(
        budget_round=round_, voter=alice, choices=choose(playground, benches, trees)
    )
    assert ballot.kind == Ballot.Kind.ONLINE and ballot.voter == alice
    assert sorted(ballot.votes.values_list("project__code", "points")) == [("001", 1), ("002", 1), ("004", 1)]
    assert set(Vote.objects.values_list("round_id", flat=True)) == {round_.pk}


def test_it_refuses_a_ballot_over_budget_and_writes_nothing(
    round_: BudgetRound, projects: list[BudgetProject], alice: User
) -> None:
    playground, benches, cycle, _trees = projects
    message = refusal(round_, alice, choose(playground, benches, cycle))
    assert message == (
        "Your choices cost £140,000, which is more than the budget of £100,000. "
        "Remove a project or choose cheaper ones."
    )
    assert not Ballot.objects.exists() and not Vote.objects.exists()


def test_an_over_budget_change_keeps_the_ballot_as_it_was(
    round_: BudgetRound, projects: list[BudgetProject], alice: User
) -> None:
    playground, benches, cycle, _trees = projects
    services.ballot_submit(budget_round=round_, voter=alice, choices=choose(playground))
    refusal(round_, alice, choose(playground, benches, cycle))
    assert list(Vote.objects.values_list("project", flat=True)) == [playground.pk]


def test_k_approval_refuses_too_many_projects(conversation: Conversation, alice: User) -> None:
    budget_round = make_round(conversation, ballot_type="k_approval", max_projects=2)
    a, b, c = make_projects(budget_round, ("A", 90000), ("B", 90000), ("C", 90000))
    assert refusal(budget_round, alice, choose(a, b, c)) == "You can choose up to 2 projects. You chose 3."
    # Within k the cost does not matter: k-approval has no budget limit on the ballot.
    services.ballot_submit(budget_round=budget_round, voter=alice, choices=choose(a, b))
    assert Vote.objects.count() == 2


def test_cumulative_points_must_add_up(conversation: Conversation, alice: User) -> None:
    budget_round = make_round(conversation, ballot_type="cumulative", points=10)
    a, b = make_projects(budget_round, ("A", 1000), ("B", 2000))
    assert refusal(budget_round, alice, {a.pk: 6, b.pk: 3}) == (
        "You have 10 points to spread and your points add up to 9. Make them add up to exactly 10."
    )
    assert refusal(budget_round, alice, {a.pk: 6, b.pk: 5}).endswith(
        "add up to 11. Make them add up to exactly 10."
    )
    assert not Ballot.objects.exists()
    ballot = services.ballot_submit(budget_round=budget_round, voter=alice, choices={a.pk: 7, b.pk: 3})
    assert sorted(ballot.votes.values_list("project__code", "points")) == [("001", 7), ("002", 3)]


def test_it_refuses_a_project_from_another_round(
    conversation: Conversation, round_: BudgetRound, projects: list[BudgetProject], alice: User
) -> None:
    other = make_round(conversation, slug="other-fund")
    (stranger,) = make_projects(other, ("Elsewhere", 100))
    assert refusal(round_, alice, choose(projects[3], stranger)) == (
        "One or more of the projects you chose are not in this budget round."
    )
    assert refusal(round_, alice, {987654: 1}) == (
        "One or more of the projects you chose are not in this budget round."
    )
    assert not Vote.objects.exists()


def test_it_refuses_an_ineligible_project_and_says_why(
    round_: BudgetRound, projects: list[BudgetProject], alice: User
) -> None:
    trees = projects[3]
    BudgetProject.objects.filter(pk=trees.pk).update(
        eligible=False,
        ineligible_reason_en="The land is privately owned.",
        ineligible_reason_cy="Tir preifat yw e.",
    )
    assert refusal(round_, alice, choose(trees)) == (
        "“Trees” is not eligible, so it cannot be voted for: The land is privately owned."
    )
    assert not Ballot.objects.exists()


def test_a_ballot_with_two_problems_hears_both_at_once(
    round_: BudgetRound, projects: list[BudgetProject], alice: User
) -> None:
    playground, benches, cycle, trees = projects
    BudgetProject.objects.filter(pk=trees.pk).update(
        eligible=False, ineligible_reason_en="The land is privately owned."
    )
    with pytest.raises(Refusal) as caught:
        services.ballot_submit(
            budget_round=round_, voter=alice, choices=choose(playground, benches, cycle, trees)
        )
    assert caught.value.message == (
        "“Trees” is not eligible, so it cannot be voted for: The land is privately owned. "
        "Your choices cost £150,000, which is more than the budget of £100,000. "
        "Remove a project or choose cheaper ones."
    )
    assert caught.value.field == "choices" and not caught.value.forbidden
    assert not Ballot.objects.exists()


def test_an_empty_ballot_is_refused(round_: BudgetRound, projects: list[BudgetProject], alice: User) -> None:
    assert refusal(round_, alice, {}) == "Choose at least one project."


@pytest.mark.parametrize(
    ("phase", "message"),
    [
        ("review", "Voting has not opened yet. It opens on "),
        ("results", "Voting closed on "),
    ],
)
def test_voting_outside_its_phase_is_refused_and_writes_nothing(
    round_: BudgetRound, projects: list[BudgetProject], alice: User, phase: str, message: str
) -> None:
    set_phase(round_, phase)
    refused = refusal(round_, alice, choose(projects[3]))
    assert refused.startswith(message)
    assert not Ballot.objects.exists() and not Vote.objects.exists()


def test_a_closed_round_keeps_the_ballot_cast_before(
    round_: BudgetRound, projects: list[BudgetProject], alice: User
) -> None:
    services.ballot_submit(budget_round=round_, voter=alice, choices=choose(projects[0]))
    set_phase(round_, "results")
    refused = refusal(round_, alice, choose(projects[3]))
    assert "can no longer be cast or changed" in refused
    assert list(Vote.objects.values_list("project", flat=True)) == [projects[0].pk]


def test_a_voter_changes_their_ballot_and_still_has_one(
    round_: BudgetRound, projects: list[BudgetProject], alice: User
) -> None:
    first = services.ballot_submit(budget_round=round_, voter=alice, choices=choose(projects[0], projects[1]))
    second = services.ballot_submit(
        budget_round=round_, voter=alice, choices=choose(projects[2], projects[3])
    )
    assert first.pk == second.pk
    assert Ballot.objects.count() == 1
    assert sorted(Vote.objects.values_list("project__code", flat=True)) == ["003", "004"]


def test_the_database_allows_one_ballot_per_voter_per_round(round_: BudgetRound, alice: User) -> None:
    Ballot.objects.create(round=round_, voter=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(round=round_, voter=alice)


def test_the_messages_are_in_welsh_for_a_welsh_page(
    round_: BudgetRound, projects: list[BudgetProject], bob: User
) -> None:
    playground, benches, cycle, _trees = projects
    with translation.override("cy"):
        message = refusal(round_, bob, choose(playground, benches, cycle))
    assert message == (
        "Mae eich dewisiadau'n costio £140,000, sy'n fwy na'r gyllideb o £100,000. "
        "Tynnwch brosiect neu dewiswch rai rhatach."
    )


def test_the_round_rules_are_checked_by_the_database(conversation: Conversation) -> None:
    with pytest.raises(Refusal) as caught:
        make_round(conversation, ballot_type="k_approval")
    assert "Give the most projects a voter may choose for k-approval ballots" in str(caught.value)
    with pytest.raises(Refusal):
        make_round(conversation, slug="x", budget=Decimal("0"))
