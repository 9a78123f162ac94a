"""What the rules return: the :class:`Outcome`, with a :class:`Share` or :class:`Rejection`
per project to explain it, and the names of the rules, completions and engines.

:class:`Outcome` gives the funded projects in selection order, the stage that funded each
(``"equal-shares"`` or ``"greedy"``), the spend, each project's votes and score, and the data a
results page needs to explain itself: for projects funded by Equal Shares a :class:`Share`
(``rho``, the full share a supporter paid, how many supporters paid it and how many paid all
they had left, the total paid), for every project not funded a :class:`Rejection` (no
supporters; or its supporters had only ``supporters_money`` left when Equal Shares stopped; or
it did not fit in the ``budget_left`` when greedy reached it), and for Equal Shares the
per-voter budget of the run that produced the result. Explanation amounts are floats (to
display); decisions and money totals are exact. ``compute(..., explain=False)`` leaves the
shares and rejections out (the winners, stages, spend and votes only).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .prepared import Prepared

Rule = Literal["greedy", "equal-shares"]
Completion = Literal["none", "add1", "add1+greedy"]
Engine = Literal["fast", "exact"]
Stage = Literal["equal-shares", "greedy"]
Reason = Literal["no_supporters", "supporters_ran_out", "did_not_fit", "zero_cost"]

RULES: tuple[Rule, ...] = ("greedy", "equal-shares")
COMPLETIONS: tuple[Completion, ...] = ("none", "add1", "add1+greedy")
# "fast": float64 with every close decision settled exactly (see budgeting.rules.fast);
# "exact": fractions throughout (budgeting.rules.exact), the reference. Same outcomes.
ENGINES: tuple[Engine, ...] = ("fast", "exact")


@dataclass(frozen=True)
class Share:
    """How Equal Shares split a funded project's cost among its supporters.

    A supporter with utility ``u`` for the project (its cost, or their points) paid
    ``min(rho * u, what they had left)``. ``full_share`` is ``rho * u`` for approval ballots
    (what every supporter who could afford it paid), ``rho`` per point for cumulative ones.
    """

    project: int
    step: int
    rho: float
    full_share: float
    supporters: int
    paid_full_share: int
    paid_all_they_had: int
    total_paid: float


@dataclass(frozen=True)
class Rejection:
    """Why a project was not funded.

    ``reason`` is ``"no_supporters"``; ``"supporters_ran_out"`` when Equal Shares stopped with
    the project's supporters holding only ``supporters_money`` towards its ``cost``;
    ``"did_not_fit"`` when greedy (the rule, or the completion) reached it with only
    ``budget_left`` unspent; or ``"zero_cost"`` for a free project Equal Shares with cost
    utilities ignores. ``supporters_money`` is also set for ``did_not_fit`` after Equal Shares,
    so a page can say both ("its supporters had X left; after that only Y was unspent").
    """

    project: int
    reason: Reason
    cost: Fraction
    budget_left: Fraction
    supporters_money: float | None = None


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    completion: Completion
    selected: tuple[int, ...]
    stages: tuple[Stage, ...]
    budget: Fraction
    spent: Fraction
    votes: tuple[int, ...]
    scores: tuple[int, ...]
    shares: Mapping[int, Share] = field(default_factory=dict)
    rejections: Mapping[int, Rejection] = field(default_factory=dict)
    per_voter_budget: Fraction | None = None
    increments: int = 0
    exact_fallbacks: int = 0

    @property
    def left(self) -> Fraction:
        return self.budget - self.spent


def make_outcome(
    prep: Prepared,
    rule: Rule,
    completion: Completion,
    selected: Sequence[int],
    stages: Sequence[Stage],
    shares: Mapping[int, Share],
    rejections: Mapping[int, Rejection],
    per_voter_budget: Fraction | None = None,
    increments: int = 0,
    exact_fallbacks: int = 0,
) -> Outcome:
    return Outcome(
        rule=rule,
        completion=completion,
        selected=tuple(selected),
        stages=tuple(stages),
        budget=prep.profile.budget,
        spent=prep.money(sum(map(prep.cost_int.__getitem__, selected))),
        votes=tuple(prep.supporters),
        scores=tuple(prep.scores),
        shares=dict(shares) if shares else {},
        rejections=dict(sorted(rejections.items())) if rejections else {},
        per_voter_budget=per_voter_budget,
        increments=increments,
        exact_fallbacks=exact_fallbacks,
    )
