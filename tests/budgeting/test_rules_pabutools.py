"""Our outcomes equal pabutools' (the field's reference implementation), winners and order.

On the small real elections in ``../shared/pabulib`` (those pabutools handles in seconds; the
bench compares all of them), on the worked examples, and on random small elections built to
be full of ties. See ``pabutools_oracle`` for which pabutools call matches which rule.
"""

from __future__ import annotations

import random
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from budgeting import pabulib
from budgeting.rules import Outcome, Profile, completions, compute, exact, fast
from budgeting.rules.prepared import prepare

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


def winners(
    profile: Profile, rule: str, completion: str, *, explain: bool = True, engine: str = "fast"
) -> list[str]:
    outcome = compute(profile, rule, completion, explain=explain, engine=engine)  # type: ignore[arg-type]
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
    # Without explanations too (the path pb_outcome and the bench take).
    assert winners(ours(name), rule, completion, explain=False) == expected


def fast_and_exact(profile: Profile) -> tuple[Outcome, Outcome]:
    """Equal Shares without explanations on both engines, each on a fresh profile; the fast
    one's count of runs it redid exactly set to 0, as the exact engine never redoes any."""
    fast_outcome = compute(Profile(**_fields(profile)), "equal-shares", explain=False, engine="fast")
    exact_outcome = compute(Profile(**_fields(profile)), "equal-shares", explain=False, engine="exact")
    return fast_outcome, exact_outcome


@needs_data
@pytest.mark.parametrize("name", SMALL)
def test_the_fast_engine_equals_the_exact_one_on_a_real_election(name: str) -> None:
    fast_outcome, exact_outcome = fast_and_exact(ours(name))
    assert fast_outcome.exact_fallbacks == 0  # real elections are decided in floats
    assert fast_outcome == exact_outcome


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


@pytest.fixture(params=["fast", "exact"])
def engine(request: pytest.FixtureRequest) -> str:
    """Run on both engines: floats settled exactly where close, and fractions throughout."""
    return str(request.param)


@pytest.mark.parametrize("cumulative", [False, True], ids=["approval", "cumulative"])
@pytest.mark.parametrize("seed", range(40))
def test_random_elections_agree_with_pabutools(seed: int, cumulative: bool, engine: str) -> None:
    profile = random_profile(seed, cumulative=cumulative)
    instance, their_profile = oracle.from_profile(profile)
    for rule, completion in COMBOS:
        expected = oracle.outcome(instance, their_profile, rule, completion)
        assert winners(profile, rule, completion, engine=engine) == expected, (rule, completion)
        fresh = Profile(**_fields(profile))
        assert winners(fresh, rule, completion, explain=False, engine=engine) == expected


def test_the_fast_engine_equals_the_exact_one_on_random_elections() -> None:
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
            fast_outcome, exact_outcome = fast_and_exact(profile)
            if fast_outcome.exact_fallbacks == 0:  # else it redid the run in fractions
                decided += 1
            assert replace(fast_outcome, exact_fallbacks=0) == exact_outcome, (seed, kind)
    assert decided > cases // 2  # the floats decide, rather than hand everything over


@pytest.mark.parametrize("cumulative", [False, True], ids=["approval", "cumulative"])
@pytest.mark.parametrize("seed", range(40))
def test_float_and_exact_engines_agree(seed: int, cumulative: bool) -> None:
    profile = random_profile(seed, cumulative=cumulative)
    prep = prepare(profile)
    for k in (0, 3, 10):
        exact_run = exact.run(prep, k, explain=True, stop_above=None)
        try:
            fast_run = fast.run_float(prep, k, explain=True, stop_above=None)
        except fast.Ambiguous:
            continue  # the float engine declined to decide: that is what the fallback is for
        assert fast_run.selected == exact_run.selected
        for j, share in exact_run.shares.items():
            assert fast_run.shares[j].total_paid == pytest.approx(share.total_paid)
            assert fast_run.shares[j].paid_all_they_had == share.paid_all_they_had


@pytest.mark.parametrize("cumulative", [False, True], ids=["approval", "cumulative"])
@pytest.mark.parametrize("seed", range(40))
def test_skipping_increments_never_changes_the_add1_outcome(
    seed: int, cumulative: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the fast engine skips (an exact run is never the base of a certificate).
    profile = random_profile(seed, cumulative=cumulative)
    skipping = compute(profile, "equal-shares", "add1", engine="fast")
    monkeypatch.setattr(completions, "certify", lambda *args: False)
    one_by_one = compute(Profile(**_fields(profile)), "equal-shares", "add1", engine="fast")
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
def test_rho_is_known_exactly_once_a_short_supporter_was_emptied(cumulative: bool) -> None:
    # 6 voters, 20 each. A (60; v1-v4) goes first at rho 1/4: v1-v4 keep 5. B (40; v1, v5, v6)
    # is next: v1 pays her 5, v5 and v6 17.5 each, so v1 is certainly emptied. C (4; v1, v2)
    # then costs v2 all of it: rho 1 exactly (cost / v2's utility), which the float engine
    # knows from v1 having been emptied, without falling back to fractions. With points equal to
    # the costs, cumulative ballots give the same utilities.
    costs = [60, 40, 4]
    ballots: list[Any] = [[0, 1, 2], [0, 2], [0], [0], [1], [1]]
    if cumulative:
        ballots = [{j: costs[j] for j in b} for b in ballots]
    profile = Profile.from_ballots(budget=120, project_ids=["A", "B", "C"], costs=costs, ballots=ballots)
    instance, their_profile = oracle.from_profile(profile)
    assert oracle.outcome(instance, their_profile, "equal-shares") == ["A", "B", "C"]
    general = compute(Profile(**_fields(profile)), "equal-shares", engine="fast")
    assert general.exact_fallbacks == 0
    assert [profile.project_ids[j] for j in general.selected] == ["A", "B", "C"]
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
    outcome = compute(profile, "equal-shares", engine="fast")
    assert outcome.exact_fallbacks == 1
    assert [profile.project_ids[j] for j in outcome.selected] == ["R", "P"]
    assert compute(Profile(**_fields(profile)), "equal-shares", engine="exact").selected == outcome.selected
    assert outcome.shares[2].rho == pytest.approx(5 / 12)
    assert outcome.shares[2].paid_all_they_had == 1
    instance, their_profile = oracle.from_profile(profile)
    assert oracle.outcome(instance, their_profile, "equal-shares") == ["R", "P"]
