"""pabutools 1.2.3 run the way :mod:`budgeting.rules` documents its rules (tests and bench).

Which pabutools call is "the same rule" as ours:

* greedy: ``greedy_utilitarian_welfare`` with ``Cost_Sat`` for approval (and ordinal) ballots,
  whose satisfaction per unit of cost is the number of approvals, and with the additive
  satisfaction ``points x cost`` for cumulative ballots (total points per project);
* Equal Shares: ``method_of_equal_shares`` with ``Cost_Sat`` (approval, ordinal) or
  ``Additive_Cardinal_Sat`` (cumulative, scoring); add1 is ``voter_budget_increment=1``;
  add1+greedy chains it with the greedy rule through ``completion_by_rule_combination``.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from gmpy2 import mpq
from pabutools.election import (
    AbstractApprovalProfile,
    AbstractCardinalProfile,
    Additive_Cardinal_Sat,
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    CumulativeBallot,
    CumulativeProfile,
    Instance,
    Project,
    parse_pabulib,
)
from pabutools.election.satisfaction.additivesatisfaction import AdditiveSatisfaction
from pabutools.rules import (
    completion_by_rule_combination,
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)

from budgeting.rules import Profile


def _points_times_cost(instance: Any, profile: Any, ballot: Any, project: Any, precomputed: Any) -> Any:
    return ballot.get(project, 0) * project.cost


class PointsTimesCost_Sat(AdditiveSatisfaction):
    """Greedy by total points: satisfaction per unit of cost is the voter's points."""

    def __init__(self, instance: Any, profile: Any, ballot: Any) -> None:
        AdditiveSatisfaction.__init__(self, instance, profile, ballot, _points_times_cost)


def load(path: str) -> tuple[Any, Any]:
    return parse_pabulib(path)


def from_profile(profile: Profile) -> tuple[Any, Any]:
    """The same election as pabutools objects (exact costs, same project names)."""
    projects = [
        Project(name, mpq(cost.numerator, cost.denominator))
        for name, cost in zip(profile.project_ids, profile.costs, strict=True)
    ]
    instance = Instance(projects, budget_limit=mpq(profile.budget.numerator, profile.budget.denominator))
    starts = profile.ballot_starts.tolist()
    chosen = profile.ballot_projects.tolist()
    if profile.ballot_points is None:
        ballots = [ApprovalBallot(projects[p] for p in chosen[a:b]) for a, b in pairwise(starts)]
        return instance, ApprovalProfile(ballots, instance=instance)
    points = profile.ballot_points.tolist()
    cumulative = [
        CumulativeBallot({projects[p]: mpq(x) for p, x in zip(chosen[a:b], points[a:b], strict=True)})
        for a, b in pairwise(starts)
    ]
    return instance, CumulativeProfile(cumulative, instance=instance)


def satisfactions(profile: Any) -> tuple[type, type]:
    """(Equal Shares satisfaction, greedy satisfaction) for this kind of profile."""
    if isinstance(profile, AbstractCardinalProfile) and not isinstance(profile, AbstractApprovalProfile):
        return Additive_Cardinal_Sat, PointsTimesCost_Sat
    return Cost_Sat, Cost_Sat


def outcome(instance: Any, profile: Any, rule: str, completion: str = "none") -> list[str]:
    """Project ids in pabutools' selection order."""
    mes_sat, greedy_sat = satisfactions(profile)
    if rule == "greedy":
        result = greedy_utilitarian_welfare(instance, profile, sat_class=greedy_sat)
    elif completion == "none":
        result = method_of_equal_shares(instance, profile, sat_class=mes_sat)
    elif completion == "add1":
        result = method_of_equal_shares(instance, profile, sat_class=mes_sat, voter_budget_increment=1)
    elif completion == "add1+greedy":
        result = completion_by_rule_combination(
            instance,
            profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": mes_sat, "voter_budget_increment": 1}, {"sat_class": greedy_sat}],
        )
    elif completion == "exhaustion":
        # The general pabutools form of add1: raise the total budget by n per step.
        result = exhaustion_by_budget_increase(
            instance,
            profile,
            method_of_equal_shares,
            {"sat_class": mes_sat},
            budget_step=profile.num_ballots(),
        )
    else:
        raise ValueError(completion)
    return [project.name for project in result]
