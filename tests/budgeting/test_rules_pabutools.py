"""Our outcomes equal pabutools' (the field's reference implementation), winners and order.

On the small real elections in ``../shared/pabulib`` (those pabutools handles in seconds; the
bench compares all of them), on the worked examples, and on random small elections built to
be full of ties. See ``pabutools_oracle`` for which pabutools call matches which rule.
"""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from budgeting import pabulib, rules
from budgeting.rules import Profile, compute

from . import pabutools_oracle as oracle
from .test_rules_worked_examples import approval_example, cumulative_example, overspending_example

PABULIB = Path(__file__).resolve().parents[3] / "shared" / "pabulib"
COMBOS = [
    ("greedy", "none"),
    ("equal-shares", "none"),
    ("equal-shares", "add1"),
    ("equal-shares", "add1+greedy"),
]

# Instances and rule combinations pabutools computes in a few seconds at most.
SMALL = [
    "Poland_Czestochowa_2020_Grabowka",  # cumulative
    "Netherlands_Assen_2024",  # approval, decided by Equal Shares with add1
    "Switzerland_Zurich_S5",
    "Poland_Krakow_2018_Bienczyce",  # ordinal, counted as approval
    "Poland_Warszawa_2017_Anin",
    "Poland_Gdansk_2020_Piecki_Migowo",  # cumulative
    "Poland_Swiecie_2023",  # decided by Equal Shares with add1
    "Poland_Wieliczka_2023_Green_Budget",  # decided by Equal Shares with add1
]
ITERATED = SMALL[:5]

needs_data = pytest.mark.skipif(not PABULIB.is_dir(), reason="the shared pabulib files are not here")


@cache
def ours(name: str) -> Profile:
    return pabulib.load(PABULIB / f"{name}.pb").profile


@cache
def theirs(name: str) -> tuple[Any, Any]:
    return oracle.load(str(PABULIB / f"{name}.pb"))


def winners(profile: Profile, rule: str, completion: str, *, explain: bool = True) -> list[str]:
    outcome = compute(profile, rule, completion, explain=explain)  # type: ignore[arg-type]
    return [profile.project_ids[j] for j in outcome.selected]


def cases() -> list[Any]:
    return [
        pytest.param(name, rule, completion, id=f"{name}-{rule}-{completion}")
        for name in SMALL
        for rule, completion in COMBOS
        if completion == "none" or name in ITERATED
    ]


@needs_data
@pytest.mark.parametrize(("name", "rule", "completion"), cases())
def test_outcome_equals_pabutools_on_a_real_election(name: str, rule: str, completion: str) -> None:
    instance, profile = theirs(name)
    expected = oracle.outcome(instance, profile, rule, completion)
    assert winners(ours(name), rule, completion) == expected
    # Without explanations Equal Shares takes the fused small-election path.
    assert winners(ours(name), rule, completion, explain=False) == expected


@needs_data
@pytest.mark.parametrize("name", SMALL)
def test_the_fused_path_equals_the_general_path_on_a_real_election(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = ours(name)
    fused = rules._equal_shares_small(Profile(**_fields(profile)))
    if len(profile.ballot_projects) <= rules._SMALL_VOTES:
        assert fused is not None
    monkeypatch.setattr(rules, "_FUSED", False)
    general = compute(Profile(**_fields(profile)), "equal-shares", explain=False)
    assert fused is None or fused == general


PUBLISHED = [
    # (file, our rule, completion): cities whose published winners ("selected" column) these
    # rules reproduce. Greedy by votes (approvals; total points in Katowice's cumulative vote)
    # is what most Polish cities use; Assen and Swiecie used Equal Shares with add1.
    ("Poland_Warszawa_2017_Anin", "greedy", "none"),
    ("Poland_Katowice_2023", "greedy", "none"),
    ("Poland_Lodz_2022", "greedy", "none"),
    ("Netherlands_Assen_2024", "equal-shares", "add1"),
    ("Poland_Swiecie_2023", "equal-shares", "add1"),
]


@needs_data
@pytest.mark.parametrize(("name", "rule", "completion"), PUBLISHED)
def test_it_reproduces_the_published_winners(name: str, rule: str, completion: str) -> None:
    election = pabulib.load(PABULIB / f"{name}.pb")
    published = {row["project_id"] for row in election.projects if row.get("selected") == "1"}
    assert set(winners(election.profile, rule, completion)) == published


@needs_data
def test_add1_equals_pabutools_budget_increase_when_every_project_has_support() -> None:
    # The general pabutools form of add1 (raise the total budget by one unit per voter)
    # agrees whenever every project has a supporter, as here.
    name = "Netherlands_Assen_2024"
    assert all(votes > 0 for votes in ours(name).supporter_counts())
    instance, profile = theirs(name)
    expected = oracle.outcome(instance, profile, "equal-shares", "exhaustion")
    assert winners(ours(name), "equal-shares", "add1") == expected


@pytest.mark.parametrize("example", [approval_example, cumulative_example, overspending_example])
@pytest.mark.parametrize(("rule", "completion"), COMBOS)
def test_worked_examples_agree_with_pabutools(example: Any, rule: str, completion: str) -> None:
    profile = example()
    instance, their_profile = oracle.from_profile(profile)
    assert winners(profile, rule, completion) == oracle.outcome(instance, their_profile, rule, completion)


def random_profile(seed: int, *, cumulative: bool) -> Profile:
    """A small election with few distinct costs and vote counts, so ties abound."""
    rng = random.Random(seed)
    m = rng.randint(2, 11)
    n = rng.randint(1, 14)
    costs = [rng.choice([10, 10, 20, 30, 40]) for _ in range(m)]
    if rng.random() < 0.2:
        costs[rng.randrange(m)] = 0  # a free project (one at most: see the module docstring)
    ballots: list[Any] = []
    for _ in range(n):
        chosen = rng.sample(range(m), rng.randint(0, min(m, 4)))
        ballots.append({p: rng.randint(1, 3) for p in chosen} if cumulative else chosen)
    return Profile.from_ballots(
        budget=rng.choice([30, 50, 60, 100]),
        project_ids=[f"p{i + 1}" for i in range(m)],  # "p10" < "p2": string order matters
        costs=costs,
        ballots=ballots,
    )


@pytest.fixture(params=["lists", "bits", "arrays"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run on every kind of wallet: these small elections get per-voter lists, approval
    elections with many supporters per project bitsets of voter classes (approval only:
    cumulative ones stay on lists), and large elections numpy arrays."""
    monkeypatch.setattr(rules, "_FORCE_ENGINE", request.param)
    return str(request.param)


@pytest.mark.parametrize("cumulative", [False, True], ids=["approval", "cumulative"])
@pytest.mark.parametrize("seed", range(40))
def test_random_elections_agree_with_pabutools(seed: int, cumulative: bool, engine: str) -> None:
    profile = random_profile(seed, cumulative=cumulative)
    instance, their_profile = oracle.from_profile(profile)
    for rule, completion in COMBOS:
        expected = oracle.outcome(instance, their_profile, rule, completion)
        assert winners(profile, rule, completion) == expected, (rule, completion)
        # explain=False: Equal Shares on the fused path (with the "lists" engine, or unforced).
        assert winners(Profile(**_fields(profile)), rule, completion, explain=False) == expected


def test_the_fused_path_equals_the_general_path_on_random_elections(monkeypatch: pytest.MonkeyPatch) -> None:
    decided = 0
    cases = 0
    for seed in range(300):
        for kind in ("approval", "cumulative", "zero points"):
            profile = random_profile(seed, cumulative=kind != "approval")
            if kind == "zero points":
                if profile.ballot_points is None or not len(profile.ballot_points):
                    continue
                points = profile.ballot_points.copy()
                points[::3] = 0  # zero points is no support
                profile = Profile(**{**_fields(profile), "ballot_points": points})
            cases += 1
            fused = rules._equal_shares_small(Profile(**_fields(profile)))
            with monkeypatch.context() as patch:
                patch.setattr(rules, "_FUSED", False)
                general = compute(Profile(**_fields(profile)), "equal-shares", explain=False)
            if fused is not None:  # else it left the election to the general path
                decided += 1
                assert fused == general, (seed, kind)
    assert decided > cases // 2  # the path is exercised, not bypassed


@pytest.mark.parametrize("cumulative", [False, True], ids=["approval", "cumulative"])
@pytest.mark.parametrize("seed", range(40))
def test_float_and_exact_engines_agree(seed: int, cumulative: bool, engine: str) -> None:
    profile = random_profile(seed, cumulative=cumulative)
    prep = profile._prepared
    assert prep.engine == ("lists" if cumulative and engine == "bits" else engine)
    for k in (0, 3, 10):
        exact = rules._mes_exact(prep, k, explain=True, stop_above=None)
        try:
            fast = rules._mes_float(prep, k, explain=True, stop_above=None)
        except rules._Ambiguous:
            continue  # the float engine declined to decide: that is what the fallback is for
        assert fast.selected == exact.selected
        for j, share in exact.shares.items():
            assert fast.shares[j].total_paid == pytest.approx(share.total_paid)
            assert fast.shares[j].paid_all_they_had == share.paid_all_they_had


@pytest.mark.parametrize("cumulative", [False, True], ids=["approval", "cumulative"])
@pytest.mark.parametrize("seed", range(40))
def test_skipping_increments_never_changes_the_add1_outcome(
    seed: int, cumulative: bool, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = random_profile(seed, cumulative=cumulative)
    skipping = compute(profile, "equal-shares", "add1")
    monkeypatch.setattr(rules, "_certify", lambda *args: False)
    one_by_one = compute(Profile(**_fields(profile)), "equal-shares", "add1")
    assert skipping.selected == one_by_one.selected
    assert skipping.increments == one_by_one.increments


def _fields(profile: Profile) -> dict[str, Any]:
    return {
        "budget": profile.budget,
        "project_ids": profile.project_ids,
        "costs": profile.costs,
        "ballot_starts": profile.ballot_starts,
        "ballot_projects": profile.ballot_projects,
        "ballot_points": profile.ballot_points,
    }


@pytest.mark.parametrize("cumulative", [False, True], ids=["approval", "cumulative"])
def test_rho_is_known_exactly_once_a_short_supporter_was_emptied(
    cumulative: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 6 voters, 20 each. A (60; v1-v4) goes first at rho 1/4: v1-v4 keep 5. B (40; v1, v5, v6)
    # is next: v1 pays her 5, v5 and v6 17.5 each, so v1 is certainly emptied. C (4; v1, v2)
    # then costs v2 all of it: rho 1 exactly (cost / v2's utility), which the float engines
    # know from v1 having been emptied, without falling back to fractions. With points equal to
    # the costs, cumulative ballots give the same utilities.
    costs = [60, 40, 4]
    ballots: list[Any] = [[0, 1, 2], [0, 2], [0], [0], [1], [1]]
    if cumulative:
        ballots = [{j: costs[j] for j in b} for b in ballots]
    profile = Profile.from_ballots(budget=120, project_ids=["A", "B", "C"], costs=costs, ballots=ballots)
    instance, their_profile = oracle.from_profile(profile)
    assert oracle.outcome(instance, their_profile, "equal-shares") == ["A", "B", "C"]
    fused = rules._equal_shares_small(Profile(**_fields(profile)))
    assert fused is not None
    assert [profile.project_ids[j] for j in fused.selected] == ["A", "B", "C"]
    monkeypatch.setattr(rules, "_FUSED", False)
    general = compute(Profile(**_fields(profile)), "equal-shares")
    assert general.exact_fallbacks == 0
    assert general.selected == fused.selected
    assert general.shares[2].rho == pytest.approx(1.0)


def test_a_tie_floats_cannot_settle_is_settled_exactly() -> None:
    # 6 voters, 20 each. R (60) is approved by v1, v4, v5, v6: rho 1/4, 15 each, first.
    # P and Q (30 each) are both approved by v1, v2, v3 and nobody else. Their full share
    # would be 10, but v1 has 5 left, so she pays 5 and v2, v3 pay 12.5: rho = 25/60 for both,
    # an exact tie that is no longer cost / utility, so floats cannot confirm it and the run
    # is redone in fractions. "P" < "Q": P is funded; then Q's supporters hold 15 < 30.
    profile = Profile.from_ballots(
        budget=120,
        project_ids=["R", "Q", "P"],
        costs=[60, 30, 30],
        ballots=[[0, 1, 2], [1, 2], [1, 2], [0], [0], [0]],
    )
    outcome = compute(profile, "equal-shares")
    assert outcome.exact_fallbacks == 1
    assert [profile.project_ids[j] for j in outcome.selected] == ["R", "P"]
    assert outcome.shares[2].rho == pytest.approx(5 / 12)
    assert outcome.shares[2].paid_all_they_had == 1
    instance, their_profile = oracle.from_profile(profile)
    assert oracle.outcome(instance, their_profile, "equal-shares") == ["R", "P"]
