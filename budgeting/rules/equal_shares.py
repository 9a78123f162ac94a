"""The Method of Equal Shares (https://equalshares.net), with its completions and explanations.

The budget is split equally among the voters; a project is funded when its supporters can pay
for it from their shares; at each step we fund the project whose supporters pay the least per
unit of utility (``rho``), each supporter paying ``rho x utility`` or everything they have left
if that is less. Utility is the project's cost for approval ballots (pabutools' ``Cost_Sat``)
and the voter's points for cumulative ones (``Additive_Cardinal_Sat``). Stops when no remaining
project can be paid for. pabutools: ``method_of_equal_shares``.

Worked example (cost utilities): 6 voters with 20 each. R (60) is approved by v1, v4, v5, v6:
rho = 60 / (4 x 60) = 1/4, a share of 15 each, and it is funded first. P and Q (30 each) are
both approved by v1, v2, v3 only: the full share would be 10, but v1 has 5 left, so she pays 5
and v2, v3 pay 12.5: rho = 25/60 for both, an exact tie, which goes to the id first in string
order: P. Q's supporters then hold 15 < 30, and Equal Shares stops.

Free projects: with points, those someone supports are funded before the first step (in id
order); with cost utilities nobody's utility for them is positive, so Equal Shares ignores
them (pabutools does both). Each run is made by the engine asked for (``"fast"``, floats with
exact settling, :mod:`budgeting.rules.fast`; or ``"exact"``, :mod:`budgeting.rules.exact`);
the completions are in :mod:`budgeting.rules.completions`. This module turns the chosen run
into an :class:`~budgeting.rules.outcome.Outcome` with its explanations.
"""

from __future__ import annotations

from fractions import Fraction

from . import completions
from .greedy import fill as greedy_fill
from .outcome import COMPLETIONS, ENGINES, Completion, Engine, Outcome, Rejection, Stage, make_outcome
from .prepared import prepare
from .profile import Profile


def equal_shares(
    profile: Profile, *, completion: Completion = "none", explain: bool = True, engine: Engine = "fast"
) -> Outcome:
    """The Method of Equal Shares with the given completion (see the module docstring)."""
    if completion not in COMPLETIONS:
        raise ValueError(f"Unknown completion {completion!r}; choose from {', '.join(COMPLETIONS)}.")
    if engine not in ENGINES:
        raise ValueError(f"Unknown engine {engine!r}; choose from {', '.join(ENGINES)}.")
    prep = prepare(profile)
    search = completions.once if completion == "none" else completions.add1
    run, increments, fallbacks = search(prep, engine, explain)
    selected = list(run.selected)
    stages: list[Stage] = ["equal-shares"] * len(selected)
    rejections: dict[int, Rejection] = {}
    greedy_skipped: dict[int, int] = {}
    if completion == "add1+greedy":
        spent = sum(prep.cost_int[j] for j in selected)
        extra, _, greedy_skipped = greedy_fill(prep, selected, prep.budget_int - spent)
        selected += extra
        stages += ["greedy"] * len(extra)
    if explain:
        chosen = set(selected)
        left = prep.money(prep.budget_int - sum(prep.cost_int[j] for j in selected))
        for j in range(prep.m):
            if j in chosen:
                continue
            money = run.supporters_money.get(j)
            cost = profile.costs[j]
            if j in greedy_skipped:
                rejections[j] = Rejection(j, "did_not_fit", cost, prep.money(greedy_skipped[j]), money)
            elif prep.supporters[j] == 0:
                rejections[j] = Rejection(j, "no_supporters", cost, left)
            elif prep.cost_int[j] == 0:
                rejections[j] = Rejection(j, "zero_cost", cost, left)
            else:
                rejections[j] = Rejection(j, "supporters_ran_out", cost, left, money)
    return make_outcome(
        prep,
        "equal-shares",
        completion,
        selected,
        stages,
        run.shares,
        rejections,
        per_voter_budget=Fraction(prep.budget_int + run.k * prep.unit * prep.n, prep.n * prep.unit)
        if prep.n
        else None,
        increments=increments,
        exact_fallbacks=fallbacks,
    )
