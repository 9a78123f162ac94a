"""Greedy and Equal Shares on small elections worked out by hand (the arithmetic is in comments)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from budgeting.rules import Profile, ProfileError, compute, equal_shares, greedy


def approval_example() -> Profile:
    # Budget 100 shared by 4 voters: 25 each.
    #   A costs 60, approved by v1 v2 v3;  B costs 40, by v3 v4;  C costs 30, by v4.
    return Profile.from_ballots(
        budget=100,
        project_ids=["A", "B", "C"],
        costs=[60, 40, 30],
        ballots=[[0], [0], [0, 1], [1, 2]],
    )


def cumulative_example() -> Profile:
    # Budget 90 shared by 3 voters: 30 each.
    #   X costs 60, Y costs 30.  v1 gives X 3 points; v2 gives X 1 and Y 2; v3 gives Y 3.
    return Profile.from_ballots(
        budget=90,
        project_ids=["X", "Y"],
        costs=[60, 30],
        ballots=[{0: 3}, {0: 1, 1: 2}, {1: 3}],
    )


def ids(profile: Profile, selected: tuple[int, ...]) -> list[str]:
    return [profile.project_ids[j] for j in selected]


def test_greedy_funds_the_most_voted_projects_that_still_fit() -> None:
    profile = approval_example()
    # Votes A 3, B 2, C 1: A (60 left 40), B (40, left 0), C no longer fits.
    outcome = greedy(profile)
    assert ids(profile, outcome.selected) == ["A", "B"]
    assert outcome.spent == 100
    assert outcome.votes == (3, 2, 1)
    assert outcome.rejections[2].reason == "did_not_fit"
    assert outcome.rejections[2].budget_left == 0


def test_greedy_skips_a_project_that_does_not_fit_and_carries_on() -> None:
    profile = Profile.from_ballots(
        budget=100,
        project_ids=["big", "mid", "small"],
        costs=[70, 50, 30],
        ballots=[[0, 1, 2], [0, 1], [0], [1, 2]],
    )
    # Votes big 3, mid 3, small 2. Tie big/mid by id: "big" < "mid", so big (30 left); mid
    # (50) is skipped; small (30) still fits.
    outcome = greedy(profile)
    assert ids(profile, outcome.selected) == ["big", "small"]
    assert outcome.rejections[1].reason == "did_not_fit"
    assert outcome.rejections[1].budget_left == 30


def test_equal_shares_worked_example_with_cost_utilities() -> None:
    profile = approval_example()
    # With cost utilities a supporter of project p pays rho * cost(p); rho = payment / cost.
    #   A: 60 / 3 supporters = 20 each <= 25, so rho_A = 20/60 = 1/3.
    #   B: 40 / 2 = 20 each, rho_B = 1/2.   C: v4 alone would pay 30 > 25: unaffordable.
    # Step 1 funds A (smallest rho): v1, v2, v3 keep 5 each, v4 keeps 25.
    # Step 2: B's supporters hold 5 + 25 = 30 < 40 and C's 25 < 30: nothing is affordable.
    outcome = equal_shares(profile)
    assert ids(profile, outcome.selected) == ["A"]
    assert outcome.per_voter_budget == 25
    share = outcome.shares[0]
    assert share.rho == pytest.approx(1 / 3)
    assert share.full_share == pytest.approx(20)
    assert (share.supporters, share.paid_full_share, share.paid_all_they_had) == (3, 3, 0)
    assert share.total_paid == pytest.approx(60)
    # Why B lost although it had two votes: its supporters had only 30 left for its 40.
    assert outcome.rejections[1].reason == "supporters_ran_out"
    assert outcome.rejections[1].supporters_money == pytest.approx(30)
    assert outcome.rejections[2].supporters_money == pytest.approx(25)
    assert outcome.rejections[1].budget_left == 40


def test_equal_shares_add1_raises_the_share_until_the_budget_is_exhausted() -> None:
    profile = approval_example()
    # Per-voter budget 25 + k. A stays first (20 each, rho 1/3) and leaves v3 with 5 + k, v4
    # with 25 + k. B then needs 40: v3 pays all 5 + k and v4 the other 35 - k, which v4 can
    # afford only once 35 - k <= 25 + k, i.e. k >= 5. C (30 from v4 alone, rho 1) needs k >= 5
    # too but B's rho at k = 5 is 30/40 = 0.75 < 1.
    # k = 0..4: outcome {A}, which is not exhaustive (B still fits in 100 - 60): go on.
    # k = 5: A then B (v3 pays 10, v4 pays exactly her 30); spent 100: exhaustive. Stop.
    outcome = equal_shares(profile, completion="add1")
    assert ids(profile, outcome.selected) == ["A", "B"]
    assert outcome.increments == 5
    assert outcome.per_voter_budget == 30
    share_b = outcome.shares[1]
    assert share_b.rho == pytest.approx(0.75)
    assert share_b.full_share == pytest.approx(30)
    assert (share_b.paid_full_share, share_b.paid_all_they_had) == (1, 1)
    assert share_b.total_paid == pytest.approx(40)
    assert outcome.rejections[2].reason == "supporters_ran_out"
    assert outcome.rejections[2].supporters_money == pytest.approx(0)
    assert outcome.spent == 100


def test_equal_shares_worked_example_with_points() -> None:
    profile = cumulative_example()
    # Utilities are points; a supporter pays rho * points.
    #   Y: 30 / (2 + 3 points) = rho 6: v2 pays 12, v3 pays 18, both can.
    #   X: rho 60 / 4 = 15 would ask v1 for 45 > 30, so v1 pays all 30 and v2 the other 30
    #      at rho 30 (exactly her 30): rho_X = 30.
    # Step 1 funds Y (6 < 30): v1 30, v2 18, v3 12 left.
    # Step 2: X's supporters hold 30 + 18 = 48 < 60: stop.
    outcome = equal_shares(profile)
    assert ids(profile, outcome.selected) == ["Y"]
    assert outcome.shares[1].rho == pytest.approx(6)
    assert outcome.shares[1].full_share == pytest.approx(6)  # per point
    assert outcome.rejections[0].supporters_money == pytest.approx(48)
    # Greedy by total points: Y 5, X 4; both fit (30 + 60 = 90).
    assert ids(profile, greedy(profile).selected) == ["Y", "X"]


def test_equal_shares_add1_with_points() -> None:
    profile = cumulative_example()
    # Per-voter budget 30 + k; Y is always first (rho 6) and leaves v1 30 + k, v2 18 + k.
    # X then: v1 is short for rho 15 while 30 + k < 45, pays all, and v2 must cover 30 - k,
    # possible once 30 - k <= 18 + k, i.e. k >= 6. At k = 6 X is funded (rho 24, v2 pays
    # exactly her 24) and 30 + 60 = 90 exhausts the budget.
    outcome = equal_shares(profile, completion="add1")
    assert ids(profile, outcome.selected) == ["Y", "X"]
    assert outcome.increments == 6
    assert outcome.per_voter_budget == 36
    assert outcome.shares[0].rho == pytest.approx(24)


def overspending_example() -> Profile:
    # The approval example plus D (cost 10) approved by v1 alone.
    return Profile.from_ballots(
        budget=100,
        project_ids=["A", "B", "C", "D"],
        costs=[60, 40, 30, 10],
        ballots=[[0, 3], [0], [0, 1], [1, 2]],
    )


def test_add1_returns_the_last_outcome_within_budget() -> None:
    profile = overspending_example()
    # D alone would cost v1 her whole 10 (rho 1), more than A's 1/3, so A goes first and v1
    # keeps 5 + k: D is affordable once 5 + k >= 10.
    # k = 0..4: only A (B needs k >= 5, as in the approval example), not exhaustive.
    # k = 5: A, then B (rho 0.75 < 1), then D (v1 has exactly 10): 110 > 100 overspends, so
    # the previous outcome, k = 4, is the answer.
    outcome = equal_shares(profile, completion="add1")
    assert ids(profile, outcome.selected) == ["A"]
    assert outcome.increments == 4
    assert outcome.per_voter_budget == 29


def test_add1_then_greedy_fills_what_is_left_by_votes() -> None:
    profile = overspending_example()
    # After add1 funds A (40 left), greedy by votes: B (2 votes, 40) fits; C and D do not.
    outcome = equal_shares(profile, completion="add1+greedy")
    assert ids(profile, outcome.selected) == ["A", "B"]
    assert outcome.stages == ("equal-shares", "greedy")
    assert outcome.rejections[2].reason == "did_not_fit"
    assert outcome.rejections[3].budget_left == 0
    # Equal Shares left D's only supporter 29 - 20 = 9 of its 10: a page can say both.
    assert outcome.rejections[3].supporters_money == pytest.approx(9)


def test_ties_go_to_the_id_first_in_string_order() -> None:
    # "10" comes before "9" as strings (pabutools' lexicographic tie-breaking).
    profile = Profile.from_ballots(
        budget=50,
        project_ids=["9", "10"],
        costs=[50, 50],
        ballots=[[0, 1], [0, 1]],
    )
    assert ids(profile, greedy(profile).selected) == ["10"]
    assert ids(profile, equal_shares(profile).selected) == ["10"]


def test_free_and_unvoted_projects_follow_pabutools() -> None:
    profile = Profile.from_ballots(
        budget=50,
        project_ids=["a", "free", "nobody"],
        costs=[40, 0, 5],
        ballots=[[0, 1], [0]],
    )
    # Greedy: a (2 votes, 10 left); then the free project and the unvoted one, both with
    # zero satisfaction in pabutools' terms, in id order; both fit.
    assert ids(profile, greedy(profile).selected) == ["a", "free", "nobody"]
    # Equal Shares with cost utilities: the free project's utility is its cost, 0, so it has
    # no supporters in Equal Shares' eyes and is left out.
    outcome = equal_shares(profile)
    assert ids(profile, outcome.selected) == ["a"]
    assert outcome.rejections[1].reason == "zero_cost"
    assert outcome.rejections[2].reason == "no_supporters"


def test_free_projects_with_points_are_funded_before_equal_shares_starts() -> None:
    profile = Profile.from_ballots(
        budget=50,
        project_ids=["x", "free"],
        costs=[40, 0],
        ballots=[{0: 1, 1: 2}, {0: 3}],
    )
    # Equal Shares (25 each): the free project first; then x at rho 40/4 = 10 would ask v2 for
    # 30 > 25, so v2 pays 25 and v1 the other 15 (rho 15, her 1 point).
    outcome = equal_shares(profile)
    assert ids(profile, outcome.selected) == ["free", "x"]
    assert outcome.shares[0].rho == pytest.approx(15)
    # Greedy: x has 4 points; the free project ranks last but fits.
    assert ids(profile, greedy(profile).selected) == ["x", "free"]


def test_money_is_exact_with_decimal_costs() -> None:
    profile = Profile.from_ballots(
        budget=Decimal("100.50"),
        project_ids=["a", "b"],
        costs=[Decimal("60.25"), Decimal("40.25")],
        ballots=[[0], [0, 1], [1]],
    )
    outcome = greedy(profile)
    assert outcome.spent == Fraction("100.50")
    assert outcome.left == 0


def test_no_voters_means_equal_shares_funds_nothing() -> None:
    profile = Profile.from_ballots(budget=10, project_ids=["a"], costs=[5], ballots=[])
    assert equal_shares(profile).selected == ()
    assert equal_shares(profile, completion="add1+greedy").selected == (0,)


def test_profile_from_votes_matches_from_ballots() -> None:
    by_ballots = approval_example()
    by_votes = Profile.from_votes(
        budget=100,
        project_ids=["A", "B", "C"],
        costs=[60, 40, 30],
        num_voters=5,  # the fifth voter cast an empty ballot: one more share of the budget
        voters=[3, 0, 2, 1, 2, 3],
        projects=[1, 0, 0, 0, 1, 2],
    )
    assert by_votes.num_voters == 5
    assert greedy(by_votes).selected == greedy(by_ballots).selected
    assert equal_shares(by_votes).per_voter_budget == 20


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"costs": [60, 40]}, "one cost per project"),
        ({"costs": [60, 40, -1]}, "must not be negative"),
        ({"costs": [60, 40, 30.5]}, "int, Decimal or Fraction"),
        ({"project_ids": ["A", "A", "C"]}, "unique"),
        ({"ballot_projects": np.array([0, 0, 0, 1, 3, 2])}, "out of range"),
        ({"ballot_projects": np.array([0, 0, 0, 0, 1, 2])}, "same project twice"),
        ({"ballot_starts": np.array([0, 1, 2, 4, 5])}, "from 0 to the number of votes"),
        ({"ballot_points": np.array([1, 1, 1, 1, -1, 2])}, "must not be negative"),
    ],
)
def test_it_rejects_a_malformed_profile(change: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "budget": 100,
        "project_ids": ["A", "B", "C"],
        "costs": [60, 40, 30],
        "ballot_starts": np.array([0, 1, 2, 4, 6]),
        "ballot_projects": np.array([0, 0, 0, 1, 1, 2]),
        "ballot_points": None,
    }
    fields.update(change)
    with pytest.raises(ProfileError, match=message):
        Profile(**fields)  # type: ignore[arg-type]


def test_it_refuses_unknown_rules_completions_and_engines() -> None:
    profile = approval_example()
    with pytest.raises(ValueError, match="Unknown rule"):
        compute(profile, "borda")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Unknown completion"):
        compute(profile, "equal-shares", "add2")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Equal Shares only"):
        compute(profile, "greedy", "add1")
    with pytest.raises(ValueError, match="Unknown engine"):
        compute(profile, "equal-shares", engine="floats")  # type: ignore[arg-type]


def test_the_example_in_the_module_documentation_holds() -> None:
    profile = Profile.from_ballots(
        budget=100, project_ids=["a", "b", "c"], costs=[60, 40, 30], ballots=[[0], [0, 1], [2]]
    )
    outcome = compute(profile, "equal-shares", completion="add1+greedy")
    assert outcome.selected == (0, 2)
    assert outcome.shares[0].supporters == 2
    assert outcome.rejections[1].reason == "did_not_fit"
