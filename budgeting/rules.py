"""Outcome rules for participatory budgeting: greedy by votes and the Method of Equal Shares.

Pure and ORM-free (numpy only), so the Django layer, the ``pb_outcome`` command, the Celery
tally and anyone with a ``.pb`` file compute the same thing. Outcomes are identical to
pabutools 1.2.3, the field's reference implementation (checked by the tests on the small
pabulib instances and by ``bench/pb_rules.py`` on all of them), and much faster.

Usage::

    from budgeting.rules import Profile, compute

    profile = Profile.from_ballots(
        budget=100, project_ids=["a", "b", "c"], costs=[60, 40, 30],
        ballots=[[0], [0, 1], [2]],                    # approval: project indexes
    )                                                   # cumulative: [{0: 3, 2: 2}, ...]
    outcome = compute(profile, "equal-shares", completion="add1+greedy")
    outcome.selected         # (0, 2): project indexes in selection order
    outcome.shares[0]        # how project 0's cost was shared among its supporters
    outcome.rejections[1]    # why project 1 lost

The profile
-----------
:class:`Profile` holds the budget, the projects' ids (strings, also the tie-breaking key) and
exact costs (``int``/``Decimal``/``Fraction``; money is never a float), and the ballots in
compressed sparse rows: voter ``v`` voted for ``ballot_projects[ballot_starts[v]:ballot_starts[v+1]]``
with ``ballot_points`` (same slice) for cumulative ballots, ``None`` for approval. Build it with
:meth:`Profile.from_ballots` (lists), :meth:`Profile.from_votes` (one row per vote, as a
database query returns them) or :func:`budgeting.pabulib.load`. Empty ballots count as voters.

The rules
---------
``greedy``
    Projects in decreasing order of votes (approvals, or total points for cumulative ballots);
    each is funded if it still fits in what is left of the budget, else skipped, and we carry
    on down the list. This is pabutools' ``greedy_utilitarian_welfare`` with ``Cost_Sat`` for
    approval ballots (its "satisfaction per unit of cost" is then exactly the number of
    approvals; ``Cardinality_Sat`` would rank by approvals per unit of cost instead, which is
    not "most votes wins") and with the additive satisfaction ``points x cost`` for cumulative
    ballots (likewise giving total points). As in pabutools, projects nobody voted for come
    last and are still funded if they fit, and so do free projects (zero cost means zero
    satisfaction in those terms).

``equal-shares``
    The Method of Equal Shares (https://equalshares.net): the budget is split equally among
    the voters; a project is funded when its supporters can pay for it from their shares;
    at each step we fund the project whose supporters pay the least per unit of utility
    (``rho``), each supporter paying ``rho x utility`` or everything they have left if that is
    less. Utility is the project's cost for approval ballots (pabutools' ``Cost_Sat``) and the
    voter's points for cumulative ballots (``Additive_Cardinal_Sat``). Stops when no
    remaining project can be paid for. pabutools: ``method_of_equal_shares``.

Completions (``completion=``, Equal Shares only)
    ``"none"``: the rule as is (it often leaves money unspent).
    ``"add1"``: rerun with every voter's share raised by one currency unit (per-voter budget
    ``budget/n + k`` for ``k = 0, 1, 2...``) until the outcome spends so much that no further
    supported project would fit (return it) or would overspend the real budget (return the
    previous one). pabutools: ``method_of_equal_shares(..., voter_budget_increment=1)``, its
    recommended form of the iterated rule; it equals ``exhaustion_by_budget_increase`` with
    ``budget_step`` = number of voters whenever every project has a supporter.
    ``"add1+greedy"``: then fill what is left greedily by votes, as in Wieliczka and Swiecie.
    pabutools: ``completion_by_rule_combination([method_of_equal_shares,
    greedy_utilitarian_welfare], ...)``.

Ties
    Whenever two projects are exactly tied (same votes for greedy; same ``rho`` for Equal
    Shares, compared exactly), the one whose id comes first in plain string order wins: the
    ids are compared as Python strings, so ``"10" < "9"``. This is pabutools' default
    ``lexico_tie_breaking``. Free projects: with points, those someone supports are funded
    before Equal Shares' first step (in id order); with cost utilities nobody's utility for
    them is positive, so Equal Shares ignores them (pabutools does both).

The outcome
-----------
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

Exactness and speed
-------------------
pabutools computes with exact fractions, and exact ties between projects are common (with
cost utilities two projects whose supporters can all pay have ``rho = 1/supporters``), so a
float implementation that mis-orders one near-tie changes the outcome. We run Equal Shares in
float64 and check every decision: when the best ``rho`` is within a relative 1e-9 of another
candidate's, the tie is settled in exact fractions if both ``rho`` are known exactly, which
they are when every supporter either pays the full share with room to spare or was emptied
earlier by a payment clearly larger than what they had (then ``rho`` = cost / utility of the
others); otherwise that run is redone by the exact engine (:func:`_mes_exact`, fractions
throughout, the same algorithm as pabutools). Affordability within 1e-9 of the boundary is
handled the same way. Budget checks (fits, feasible, exhaustive) use exact integers: money is
scaled to integers by the least common denominator of the costs and the budget.

Speed comes from (1) merging identical ballots (they always pay alike), (2) lazy evaluation:
``rho`` only grows within a run, so a heap of last-known values gives lower bounds and each step
recomputes only the projects that could still be best, and only if a supporter of theirs has
paid since (we precompute which projects share supporters), (3) computing ``rho`` as a "water
level" over numpy arrays (one gather and one minimum when nobody is short), or, for small
elections, where numpy's per-call overhead dominates, in plain Python: over per-voter lists
(builtins fetch, compare and sum a project's supporters' budgets), or, for approval elections
with many supporters per project, over classes of voters with the same budget held as bitsets,
and (4) for add1, skipping
increments that provably give the same outcome: more money never raises a project's ``rho``,
which bounds every budget between two runs (:func:`_certify`). An add1 run also stops as soon
as its spend passes the budget. (5) Equal Shares without completion and without explanation
(``explain=False``, as ``pb_outcome`` and the benchmark ask) on elections that would run on
per-voter lists goes through one fused function, :func:`_equal_shares_small`: the same float
decisions, with preparation and run over local lists (a few hundred votes take about 0.1 ms,
where object and method-call overhead had been most of the time), leaving out from the start
projects whose supporters could not pay for them even with their whole shares. It hands any
case it cannot settle in floats to the general path above.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import accumulate, compress, islice, pairwise
from operator import attrgetter, itemgetter, mul, sub, truediv
from typing import Any, Generic, Literal, TypeVar, cast

import numpy as np

Rule = Literal["greedy", "equal-shares"]
Completion = Literal["none", "add1", "add1+greedy"]
Stage = Literal["equal-shares", "greedy"]
Reason = Literal["no_supporters", "supporters_ran_out", "did_not_fit", "zero_cost"]
Money = int | Decimal | Fraction

RULES: tuple[Rule, ...] = ("greedy", "equal-shares")
COMPLETIONS: tuple[Completion, ...] = ("none", "add1", "add1+greedy")

# Relative gap under which two float results are treated as possibly equal and settled exactly.
# Float errors here are around 1e-13 relative; real differences between rhos are far larger.
TOLERANCE = 1e-9
# Merging identical ballots builds a voters x (ballot length) matrix; skip it when huge.
_MAX_DEDUP_CELLS = 40_000_000
# Precomputing which projects share supporters costs sum(ballot length^2); skip when huge.
_MAX_OVERLAP_PAIRS = 40_000_000
# Elections with at most this many votes run in plain Python rather than on numpy arrays.
_SMALL_VOTES = 2_500
# Small approval elections with more votes than this per project run on bitsets of voter
# classes rather than on per-voter lists (fewer classes than supporters per project).
_BITS_VOTES_PER_PROJECT = 50
# The tests set this to "lists", "bits" or "arrays" to run every election on that wallet.
_FORCE_ENGINE: Literal["lists", "bits", "arrays"] | None = None
# Equal Shares without completion or explanation runs the elections that would be on lists
# through the fused :func:`_equal_shares_small` (the tests switch it off to compare).
_FUSED = True


_T = TypeVar("_T")


class _cached(Generic[_T]):
    """``functools.cached_property`` without its lock (Python < 3.12 takes one on every first
    access, which is a measurable share of the time on small elections)."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: object, owner: type | None = None) -> _T:
        if obj is None:
            return self  # type: ignore[return-value]
        value = obj.__dict__[self.name] = self.func(obj)
        return value


class ProfileError(ValueError):
    """The profile is malformed (the message says how)."""


# -- the profile -------------------------------------------------------------------------------


def _exact(value: object, what: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | Fraction):
        raise ProfileError(f"{what} must be an int, Decimal or Fraction, not {type(value).__name__}.")
    exact = Fraction(value)
    if exact < 0:
        raise ProfileError(f"{what} must not be negative.")
    return exact


@dataclass(frozen=True, eq=False)
class Profile:
    """A budget, the projects and the ballots (see the module docstring for the layout)."""

    budget: Fraction
    project_ids: tuple[str, ...]
    costs: tuple[Fraction, ...]
    ballot_starts: np.ndarray
    ballot_projects: np.ndarray
    ballot_points: np.ndarray | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "budget", _exact(self.budget, "The budget"))
        ids = tuple(str(i) for i in self.project_ids)
        if len(set(ids)) != len(ids):
            raise ProfileError("Project ids must be unique.")
        set_(self, "project_ids", ids)
        if len(self.costs) != len(ids):
            raise ProfileError("There must be one cost per project.")
        set_(
            self,
            "costs",
            tuple(_exact(c, f"The cost of project {i}") for i, c in zip(ids, self.costs, strict=True)),
        )

        starts = np.ascontiguousarray(self.ballot_starts, dtype=np.int64)
        projects = np.ascontiguousarray(self.ballot_projects, dtype=np.int64)
        if starts.ndim != 1 or len(starts) == 0 or starts[0] != 0 or starts[-1] != len(projects):
            raise ProfileError("ballot_starts must run from 0 to the number of votes.")
        if np.any(np.diff(starts) < 0):
            raise ProfileError("ballot_starts must not decrease.")
        if len(projects) and (projects.min() < 0 or projects.max() >= len(ids)):
            raise ProfileError("A ballot names a project index out of range.")
        set_(self, "ballot_starts", starts)
        set_(self, "ballot_projects", projects)
        if self.ballot_points is not None:
            points = np.asarray(self.ballot_points)
            if points.shape != projects.shape:
                raise ProfileError("There must be one points value per vote.")
            if points.dtype.kind not in "iu" and not np.all(np.equal(np.mod(points, 1), 0)):
                raise ProfileError("Points must be whole numbers.")
            points = np.ascontiguousarray(points, dtype=np.int64)
            if len(points) and points.min() < 0:
                raise ProfileError("Points must not be negative.")
            set_(self, "ballot_points", points)
        if len(projects):
            voter = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
            key = np.sort(voter * len(ids) + projects)
            if np.any(key[1:] == key[:-1]):
                raise ProfileError("A ballot names the same project twice.")

    # -- construction helpers --

    @classmethod
    def from_ballots(
        cls,
        *,
        budget: Money,
        project_ids: Sequence[str],
        costs: Sequence[Money],
        ballots: Iterable[Sequence[int] | Mapping[int, int]],
    ) -> Profile:
        """Approval ballots as sequences of project indexes, or cumulative ones as {index: points}."""
        starts = [0]
        projects: list[int] = []
        points: list[int] = []
        kinds = set()
        for ballot in ballots:
            if isinstance(ballot, Mapping):
                kinds.add("points")
                projects.extend(ballot.keys())
                points.extend(ballot.values())
            else:
                kinds.add("approval")
                projects.extend(ballot)
            starts.append(len(projects))
        if len(kinds) > 1:
            raise ProfileError("Mix of approval and cumulative ballots.")
        return cls(
            budget=cast(Fraction, budget),
            project_ids=tuple(project_ids),
            costs=cast(tuple[Fraction, ...], tuple(costs)),
            ballot_starts=np.array(starts, dtype=np.int64),
            ballot_projects=np.array(projects, dtype=np.int64),
            ballot_points=np.array(points, dtype=np.int64) if kinds == {"points"} else None,
        )

    @classmethod
    def from_votes(
        cls,
        *,
        budget: Money,
        project_ids: Sequence[str],
        costs: Sequence[Money],
        num_voters: int,
        voters: Sequence[int] | np.ndarray,
        projects: Sequence[int] | np.ndarray,
        points: Sequence[int] | np.ndarray | None = None,
    ) -> Profile:
        """One row per vote (voter index, project index[, points]) in any order.

        Voters are ``0..num_voters-1``; voters without a row have an empty ballot. Within a
        ballot the rows keep their given order.
        """
        voter_arr = np.asarray(voters, dtype=np.int64)
        project_arr = np.asarray(projects, dtype=np.int64)
        if voter_arr.shape != project_arr.shape:
            raise ProfileError("voters and projects must have the same length.")
        if len(voter_arr) and (voter_arr.min() < 0 or voter_arr.max() >= num_voters):
            raise ProfileError("A vote names a voter index out of range.")
        order = np.argsort(voter_arr, kind="stable")
        starts = np.zeros(num_voters + 1, dtype=np.int64)
        np.cumsum(np.bincount(voter_arr, minlength=num_voters), out=starts[1:])
        return cls(
            budget=cast(Fraction, budget),
            project_ids=tuple(project_ids),
            costs=cast(tuple[Fraction, ...], tuple(costs)),
            ballot_starts=starts,
            ballot_projects=project_arr[order],
            ballot_points=None if points is None else np.asarray(points)[order],
        )

    # -- simple facts --

    @property
    def num_voters(self) -> int:
        return len(self.ballot_starts) - 1

    @property
    def num_projects(self) -> int:
        return len(self.project_ids)

    @property
    def is_approval(self) -> bool:
        return self.ballot_points is None

    def supporter_counts(self) -> np.ndarray:
        """Per project, the number of voters who approved it (or gave it points)."""
        projects = self.ballot_projects
        if self.ballot_points is not None:
            projects = projects[self.ballot_points > 0]
        return np.bincount(projects, minlength=self.num_projects)

    def scores(self) -> np.ndarray:
        """Per project, its votes: approvals, or total points for cumulative ballots."""
        if self.ballot_points is None:
            return self.supporter_counts()
        totals = np.bincount(self.ballot_projects, weights=self.ballot_points, minlength=self.num_projects)
        if totals.max(initial=0) < 2**53:  # float sums of whole numbers are exact below this
            return totals.astype(np.int64)
        exact = [0] * self.num_projects
        for project, points in zip(self.ballot_projects.tolist(), self.ballot_points.tolist(), strict=True):
            exact[project] += points
        return np.array(exact, dtype=object)

    @_cached
    def _prepared(self) -> _Prepared:
        return _Prepared(self)


# -- the outcome -------------------------------------------------------------------------------


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


# -- entry points ------------------------------------------------------------------------------


def compute(
    profile: Profile, rule: Rule, completion: Completion = "none", *, explain: bool = True
) -> Outcome:
    """The outcome of ``rule`` (``"greedy"`` or ``"equal-shares"``) on ``profile``.

    ``explain=False`` skips the explanation data (``shares`` and ``rejections`` stay empty):
    the winners, stages, spend and votes alone, as ``pb_outcome`` prints them.
    """
    if rule == "greedy":
        if completion != "none":
            raise ValueError("Completions apply to Equal Shares only.")
        return greedy(profile, explain=explain)
    if rule == "equal-shares":
        return equal_shares(profile, completion=completion, explain=explain)
    raise ValueError(f"Unknown rule {rule!r}; choose from {', '.join(RULES)}.")


def greedy(profile: Profile, *, explain: bool = True) -> Outcome:
    """Greedy by votes: most votes first, skipping projects that no longer fit."""
    prep = profile._prepared
    selected, _left, skipped = _greedy_fill(prep, [], prep.budget_int)
    rejections = {
        j: Rejection(j, "did_not_fit", profile.costs[j], prep.money(left_at))
        for j, left_at in (skipped.items() if explain else ())
    }
    return _outcome(prep, "greedy", "none", selected, ["greedy"] * len(selected), {}, rejections)


def equal_shares(profile: Profile, *, completion: Completion = "none", explain: bool = True) -> Outcome:
    """The Method of Equal Shares with the given completion (see the module docstring)."""
    if completion not in COMPLETIONS:
        raise ValueError(f"Unknown completion {completion!r}; choose from {', '.join(COMPLETIONS)}.")
    if completion == "none" and not explain and _FUSED and _fused_suits(profile):
        fused = _equal_shares_small(profile)
        if fused is not None:
            return fused
    prep = profile._prepared
    run, increments, fallbacks = (_mes_once if completion == "none" else _mes_add1)(prep, explain)
    selected = list(run.selected)
    stages: list[Stage] = ["equal-shares"] * len(selected)
    rejections: dict[int, Rejection] = {}
    greedy_skipped: dict[int, int] = {}
    if completion == "add1+greedy":
        spent = sum(prep.cost_int[j] for j in selected)
        extra, _, greedy_skipped = _greedy_fill(prep, selected, prep.budget_int - spent)
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
    return _outcome(
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


def _outcome(
    prep: _Prepared,
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


# -- preparation -------------------------------------------------------------------------------


class _Prepared:
    """Everything the rules need, derived once per profile (and reused by every add1 run).

    Money is scaled to integers (``cost_int``, ``budget_int``, ``unit`` = one currency unit).
    Greedy needs only the votes; Equal Shares also needs :attr:`mes` (see :class:`_MesData`).
    """

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.m = profile.num_projects
        self.n = profile.num_voters
        self.names = profile.project_ids
        self.approval = profile.is_approval
        scale = 1
        denominators = [value.denominator for value in (profile.budget, *profile.costs)]
        if any(d != 1 for d in denominators):
            for d in denominators:
                scale = scale * d // math.gcd(scale, d)
        self.unit = scale
        self.budget_int = profile.budget.numerator * (scale // denominators[0])
        if scale == 1:
            self.cost_int = [c.numerator for c in profile.costs]
        else:
            pairs = zip(profile.costs, denominators[1:], strict=True)
            self.cost_int = [c.numerator * (scale // d) for c, d in pairs]
        self.supporters = profile.supporter_counts().tolist()
        self.scores = self.supporters if self.approval else profile.scores().tolist()

    @_cached
    def by_name(self) -> list[int]:
        """Project indexes in tie-breaking order (id order)."""
        return sorted(range(self.m), key=self.names.__getitem__)

    def money(self, scaled: int) -> Fraction:
        return Fraction(scaled) if self.unit == 1 else Fraction(scaled, self.unit)

    @_cached
    def mes(self) -> _MesData:
        return _MesData(self)

    @_cached
    def bits(self) -> _BitData:
        return _BitData(self)

    @_cached
    def small(self) -> _SmallData:
        return _SmallData(self)

    @_cached
    def engine(self) -> Literal["lists", "bits", "arrays"]:
        """Which wallet Equal Shares runs on: numpy's per-call overhead dominates on small
        elections, so those run in plain Python, on per-voter lists, or for approval ballots
        with many supporters per project, on classes of voters (bitsets)."""
        if _FORCE_ENGINE is not None and (self.approval or _FORCE_ENGINE != "bits"):
            return _FORCE_ENGINE
        votes = len(self.profile.ballot_projects)
        if votes > _SMALL_VOTES:
            return "arrays"
        return "bits" if self.approval and votes > _BITS_VOTES_PER_PROJECT * self.m else "lists"

    def wallet(self, per_voter: float) -> _Wallet:
        engine = self.engine
        if engine == "bits":
            return _BitWallet(self, per_voter)
        if engine == "lists":
            return _ListWallet(self, per_voter)
        return _ArrayWallet(self, per_voter)

    @_cached
    def util_int(self) -> list[int]:
        """Per project, the sum over its supporters of their utility (scaled), exactly."""
        if self.approval:
            return list(map(mul, self.cost_int, self.supporters))
        return list(self.scores)

    @_cached
    def free(self) -> list[int]:
        """Free projects Equal Shares funds before its first step, as pabutools does.

        Only with points: a supporter's utility for a free project is then its points, while
        with cost utilities it is its cost, zero, so nobody counts as supporting it and Equal
        Shares ignores it (greedy may still fund it).
        """
        if self.n == 0 or self.approval or 0 not in self.cost_int:
            return []
        return [j for j in self.by_name if self.cost_int[j] == 0 and self.supporters[j] > 0]

    @_cached
    def start_heap(self) -> list[tuple[float, str, int]]:
        """Every project Equal Shares can fund, keyed by its least possible rho, as a heap."""
        free = self.free
        least, names, costs = self.least_rho, self.names, self.cost_int
        heap = [
            (least[j], names[j], j)
            for j, s in enumerate(self.supporters)
            if s and costs[j] and (not free or j not in free)
        ]
        heapq.heapify(heap)
        return heap

    def least_rho_exact(self, j: int) -> Fraction:
        """The smallest rho supported project j can ever have: cost / total utility."""
        return Fraction(self.cost_int[j], self.util_int[j])

    @_cached
    def first_share(self) -> list[float]:
        """Per project, the most any supporter pays at rho = cost / utility (inf: unfundable)."""
        if self.approval:
            return [c / s if s else math.inf for c, s in zip(self.cost_int, self.supporters, strict=True)]
        top: Sequence[float]
        if self.engine == "lists":
            top = self.small.top
        else:
            d = self.mes
            assert d.sup_util is not None
            starts = d.sup_start
            top = [float(d.sup_util[a:b].max()) if b > a else 0.0 for a, b in pairwise(starts)]
        return [r * t if math.isfinite(r) else math.inf for r, t in zip(self.least_rho, top, strict=True)]

    @_cached
    def least_rho(self) -> list[float]:
        return [c / u if u else math.inf for c, u in zip(self.cost_int, self.util_int, strict=True)]

    @_cached
    def cost_f(self) -> list[float]:
        return [float(c) for c in self.cost_int]

    @_cached
    def touches(self) -> Callable[[int], Sequence[int]] | None:
        """Per project, those sharing a supporter with it (whose rho may change when it is
        paid for); None for "all of them"."""
        if self.engine == "bits":
            return self.bits.touching
        if self.engine == "lists":
            return None  # on small elections recomputing a few rhos costs less than finding which
        overlap = self.mes.overlap
        if overlap is None or overlap.all():
            return None
        return [np.flatnonzero(row).tolist() for row in overlap].__getitem__


class _MesData:
    """Ballots arranged for Equal Shares.

    Identical ballots are merged into groups with a weight (their number of voters): they
    always pay alike. For each project, its supporting groups, their weights and utilities
    are stored contiguously: ``sup_group[sup_start[j]:sup_start[j + 1]]`` etc.
    """

    def __init__(self, prep: _Prepared) -> None:
        profile = prep.profile
        m = prep.m
        starts, projects, points = profile.ballot_starts, profile.ballot_projects, profile.ballot_points
        if points is not None and not np.all(points > 0):
            # Zero points is no support: drop those votes (the voter still counts).
            keep = points > 0
            owner = np.repeat(np.arange(prep.n), np.diff(starts))
            lengths = np.bincount(owner[keep], minlength=prep.n)
            projects, points = projects[keep], points[keep]
            starts = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        g_starts, g_projects, g_points, weights = _group_ballots(starts, projects, points, m)
        self.groups = len(g_starts) - 1
        self.g_starts, self.g_projects = g_starts, g_projects
        self.weights = weights
        self.g_of_vote = np.repeat(np.arange(self.groups, dtype=np.int64), np.diff(g_starts))

        order = np.argsort(g_projects, kind="stable")
        self.sup_group = self.g_of_vote[order]
        w_int = weights[self.sup_group]
        self.sup_weight = w_int.astype(np.float64)
        counts = np.bincount(g_projects, minlength=m)
        self.sup_start = np.concatenate(([0], np.cumsum(counts))).astype(np.int64).tolist()
        self.sup_util: np.ndarray | None = None if g_points is None else g_points[order].astype(np.float64)
        self.cost_f = np.array(prep.cost_int, dtype=np.float64)
        self.util_f = np.array(prep.util_int, dtype=np.float64)
        self.weight_f = np.array(prep.supporters, dtype=np.float64)
        # weight x utility per supporter, for the ratio form of rho with points.
        self.sup_wu: np.ndarray | None = None if self.sup_util is None else self.sup_weight * self.sup_util

    @_cached
    def overlap(self) -> np.ndarray | None:
        """``overlap[a, b]``: some voter supports both a and b (None: treat all as overlapping)."""
        return _overlap(self.g_starts, self.g_projects, len(self.sup_start) - 1)

    def exact_groups(self, prep: _Prepared) -> tuple[list[int], list[list[tuple[int, int]]]]:
        """For the exact engine: group weights, and per project [(group, utility)] (scaled)."""
        cached = self.__dict__.get("_exact_groups")
        if cached is not None:
            return cast(tuple[list[int], list[list[tuple[int, int]]]], cached)
        weights = [int(w) for w in self.weights]
        per_project: list[list[tuple[int, int]]] = []
        groups = self.sup_group.tolist()
        utils = self.sup_util.astype(np.int64).tolist() if self.sup_util is not None else None
        for j in range(prep.m):
            lo, hi = self.sup_start[j], self.sup_start[j + 1]
            if utils is None:
                per_project.append([(g, prep.cost_int[j]) for g in groups[lo:hi]])
            else:
                per_project.append(list(zip(groups[lo:hi], utils[lo:hi], strict=True)))
        self.__dict__["_exact_groups"] = (weights, per_project)
        return weights, per_project


def _group_ballots(
    starts: np.ndarray, projects: np.ndarray, points: np.ndarray | None, m: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray]:
    """Merge identical ballots (same projects, same points): group CSR arrays and weights.

    Ballots are bucketed by a 64-bit hash of their (project, points) set, then every ballot is
    checked against its bucket's first ballot, so a hash collision can never merge two
    different ballots (we then simply do not merge).
    """
    n = len(starts) - 1
    lengths = np.diff(starts)
    unmerged = (starts, projects, points, np.ones(n, dtype=np.int64))
    if n < 2 or len(projects) == 0:
        return unmerged
    mix = _splitmix64(np.arange(1, 2 * m + 1, dtype=np.uint64)).reshape(2, m)
    with np.errstate(over="ignore"):
        value = mix[0][projects]
        if points is not None:
            value = value + mix[1][projects] * points.astype(np.uint64)
        sums = np.concatenate(([np.uint64(0)], np.cumsum(value, dtype=np.uint64)))
        key = (sums[starts[1:]] - sums[starts[:-1]]) ^ _splitmix64(lengths.astype(np.uint64))
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    new_group = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    group_sorted = np.cumsum(new_group) - 1
    groups = int(group_sorted[-1]) + 1
    if groups == n or groups * m > _MAX_DEDUP_CELLS:
        return unmerged
    group_of = np.empty(n, dtype=np.int64)
    group_of[order] = group_sorted
    first = order[new_group]  # the representative ballot of each group
    # Check every ballot against its representative: same length, same (project, points).
    table = np.zeros((groups, m), dtype=np.int64)
    rep_votes = _rows(starts, first)
    rep_owner = np.repeat(np.arange(groups), lengths[first])
    table[rep_owner, projects[rep_votes]] = 1 if points is None else points[rep_votes] + 1
    voter = np.repeat(np.arange(n), lengths)
    expected = 1 if points is None else points + 1
    if not (
        np.array_equal(lengths, lengths[first][group_of])
        and np.all(table[group_of[voter], projects] == expected)
    ):
        return unmerged
    g_lengths = lengths[first]
    g_starts = np.concatenate(([0], np.cumsum(g_lengths))).astype(np.int64)
    weights = np.bincount(group_of, minlength=groups).astype(np.int64)
    return g_starts, projects[rep_votes], None if points is None else points[rep_votes], weights


def _overlap(starts: np.ndarray, projects: np.ndarray, m: int) -> np.ndarray | None:
    """``overlap[a, b]``: some ballot names both a and b (None when that is too costly to list)."""
    lengths = np.diff(starts)
    pairs = int(np.dot(lengths, lengths))
    if pairs > _MAX_OVERLAP_PAIRS:
        return None
    owner = np.repeat(np.arange(len(lengths)), lengths)
    per_vote_len = lengths[owner]
    rep = np.repeat(np.arange(len(projects)), per_vote_len)
    offset = np.repeat(np.cumsum(per_vote_len) - per_vote_len, per_vote_len)
    partner = starts[owner[rep]] + (np.arange(pairs) - offset)
    flat = np.zeros(m * m, dtype=bool)
    flat[projects[rep] * m + projects[partner]] = True
    return flat.reshape(m, m)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """A fixed, well-mixed 64-bit hash of each value (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        z = x * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _rows(starts: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Indexes of the entries of the given CSR rows, concatenated in row order."""
    lengths = starts[rows + 1] - starts[rows]
    total = int(lengths.sum())
    offsets = np.repeat(starts[rows] - (np.cumsum(lengths) - lengths), lengths)
    return np.arange(total, dtype=np.int64) + offsets


# -- greedy ------------------------------------------------------------------------------------


def _greedy_order(prep: _Prepared) -> list[int]:
    # pabutools sorts by total satisfaction per unit of cost, which with our satisfactions
    # (cost, or points x cost) is the votes, except for a free project: its satisfaction is 0,
    # so it ranks with the unvoted ones. Ties by project id.
    def key(j: int) -> tuple[int, str]:
        return (-prep.scores[j] if prep.cost_int[j] > 0 else 0, prep.names[j])

    return sorted(range(prep.m), key=key)


def _greedy_fill(prep: _Prepared, already: Sequence[int], left: int) -> tuple[list[int], int, dict[int, int]]:
    """Greedy by votes over the projects not in ``already``: (added, money left, skipped)."""
    taken = set(already)
    added: list[int] = []
    skipped: dict[int, int] = {}
    for j in _greedy_order(prep):
        if j in taken:
            continue
        if prep.cost_int[j] <= left:
            added.append(j)
            left -= prep.cost_int[j]
        else:
            skipped[j] = left
    return added, left, skipped


# -- Equal Shares ------------------------------------------------------------------------------


class _Ambiguous(Exception):
    """A float decision was too close to call; the run must be redone exactly."""


@dataclass
class _Run:
    selected: list[int]
    k: int  # the per-voter budget was budget / n + k units
    overspent: bool = False
    # For each step after the free projects: rho, and U with rho == cost / U exactly, if known.
    rhos: list[float] = field(default_factory=list)
    exact_utils: list[int | None] = field(default_factory=list)
    certifiable: bool = True
    shares: dict[int, Share] = field(default_factory=dict)
    supporters_money: dict[int, float] = field(default_factory=dict)


def _mes_once(prep: _Prepared, explain: bool) -> tuple[_Run, int, int]:
    run, fallback = _mes(prep, 0, explain=explain)
    return run, 0, int(fallback)


def _mes_add1(prep: _Prepared, explain: bool) -> tuple[_Run, int, int]:
    """Iterated Equal Shares: raise every voter's share by one unit until exhaustive.

    Follows pabutools' ``method_of_equal_shares_scheme`` with ``voter_budget_increment=1``:
    for k = 0, 1, 2... run Equal Shares with per-voter budget ``budget/n + k``; stop at the
    first outcome that overspends the budget (return the previous one) or after which no
    other supported project would fit (return it). Returns (run, k, exact fallbacks).

    Small elections often need hundreds of increments with the same outcome. After a run at
    k whose outcome repeats the previous one, we try to certify (:func:`_certify`) that every
    budget up to ``k + step`` gives the same sequence, and if so jump past them, doubling
    ``step`` while that keeps working. A failed certificate costs about one run.
    """
    fallbacks = 0
    candidates = [entry[2] for entry in prep.start_heap]
    k = 0
    good_k = -1  # the largest k known to give a complete, non-stopping outcome
    previous: list[int] | None = None
    step = 1
    while True:
        run, fallback = _mes(prep, k, explain=False, stop_above=prep.budget_int)
        fallbacks += fallback
        if run.overspent:
            final = good_k
            break
        spent = sum(prep.cost_int[j] for j in run.selected)
        chosen = set(run.selected)
        if all(j in chosen or spent + prep.cost_int[j] > prep.budget_int for j in candidates):
            final = k
            break
        good_k = k
        if run.certifiable and run.selected == previous:
            if _certify(prep, run, k + step):
                good_k = k + step
                step *= 2
            else:
                step = max(1, step // 4)
        previous = run.selected
        k = good_k + 1
    if final < 0:
        # Cannot happen with exact shares (nobody pays more than budget/n); pabutools would
        # return its initial allocation, the free projects.
        return _Run(selected=list(prep.free), k=0), 0, fallbacks
    if not explain and final == k:
        return run, final, fallbacks
    # Recompute the chosen run (with explanation data, if wanted): cheap next to the search.
    explained, fallback = _mes(prep, final, explain=explain)
    return explained, final, fallbacks + fallback


def _mes(prep: _Prepared, k: int, *, explain: bool, stop_above: int | None = None) -> tuple[_Run, bool]:
    """One Equal Shares run with per-voter budget ``budget/n + k`` units: floats, exact if needed."""
    try:
        return _mes_float(prep, k, explain=explain, stop_above=stop_above), False
    except _Ambiguous:
        return _mes_exact(prep, k, explain=explain, stop_above=stop_above), True


def _per_voter(prep: _Prepared, k: int) -> Fraction:
    """The per-voter budget of add1 step k, in scaled units."""
    return Fraction(prep.budget_int, prep.n) + k * prep.unit


def _mes_float(prep: _Prepared, k: int, *, explain: bool, stop_above: int | None) -> _Run:
    """Equal Shares in float64 with lazily recomputed rhos; raises _Ambiguous when unsure."""
    run = _Run(selected=list(prep.free), k=k)
    if prep.n == 0:
        return run
    wallet = prep.wallet(prep.budget_int / prep.n + k * prep.unit)
    names = prep.names
    m = prep.m
    upper = 1.0 + TOLERANCE
    # heap of (lower bound of rho, name, project); rho only grows within a run, so a value
    # computed at an earlier step is a lower bound, and exact until a supporter pays.
    heap = list(prep.start_heap)
    # Before anyone pays, a project whose every supporter can afford the full share with room
    # to spare has rho = cost / utility exactly: the heap already holds it.
    per_voter = prep.budget_int / prep.n + k * prep.unit
    fresh = [share * (1.0 + TOLERANCE) < per_voter for share in prep.first_share]
    exact_util: list[int | None] = [u if ok else None for u, ok in zip(prep.util_int, fresh, strict=True)]
    doubtful = [False] * m
    overlap = prep.touches
    spent = 0
    while heap:
        best = math.inf
        held: list[tuple[float, str, int]] = []
        while heap and heap[0][0] <= best * upper:
            entry = heapq.heappop(heap)
            j = entry[2]
            if not fresh[j]:
                value, exact, doubt = wallet.rho(j)
                fresh[j] = True
                if value is not None:  # else unaffordable now, so for the rest of the run
                    exact_util[j], doubtful[j] = exact, doubt
                    heapq.heappush(heap, (value, names[j], j))
                continue
            if not held:
                best = entry[0]
            held.append(entry)
        if not held:
            break
        if len(held) == 1 or held[1][0] > best * upper:
            chosen = held[0][2]
            if doubtful[chosen]:
                chosen = _settle_tie(prep, [chosen], exact_util, doubtful)
        else:
            near = [e[2] for e in held if e[0] <= best * upper]
            chosen = _settle_tie(prep, near, exact_util, doubtful)
        rho = 0.0
        for entry in held:
            if entry[2] == chosen:
                rho = entry[0]
            else:
                heapq.heappush(heap, entry)
        paid = wallet.pay(chosen, rho, explain)
        if paid is not None:
            run.shares[chosen] = _share(prep, chosen, len(run.rhos), rho, *paid)
        run.selected.append(chosen)
        run.rhos.append(rho)
        run.exact_utils.append(exact_util[chosen])
        if overlap is None:
            fresh = [False] * m
        else:
            for j in overlap(chosen):
                fresh[j] = False
        spent += prep.cost_int[chosen]
        if stop_above is not None and spent > stop_above:
            run.overspent = True
            return run
    if explain:
        _record_money_left(prep, run, wallet.money)
    return run


def _share(
    prep: _Prepared, project: int, step: int, rho: float, full: float, short: float, total: float
) -> Share:
    if prep.approval:
        rho_real, full_share = rho, rho * prep.cost_int[project] / prep.unit
    else:
        rho_real = full_share = rho / prep.unit
    return Share(
        project=project,
        step=step,
        rho=rho_real,
        full_share=full_share,
        supporters=prep.supporters[project],
        paid_full_share=round(full),
        paid_all_they_had=round(short),
        total_paid=total / prep.unit,
    )


def _record_money_left(prep: _Prepared, run: _Run, money: Callable[[int], float]) -> None:
    """What each unfunded project's supporters still hold when the run stops."""
    chosen = set(run.selected)
    for j in range(prep.m):
        if j not in chosen and prep.supporters[j] > 0:
            run.supporters_money[j] = money(j) / prep.unit


def _settle_tie(prep: _Prepared, near: list[int], exact_util: list[int | None], doubtful: list[bool]) -> int:
    """Pick among projects whose float rhos are within the tolerance of the best: exactly."""
    exact: dict[int, Fraction] = {}
    for j in near:
        util = exact_util[j]
        if doubtful[j] or util is None:
            raise _Ambiguous
        exact[j] = Fraction(prep.cost_int[j], util)
    best = min(exact.values())
    return min((j for j in near if exact[j] == best), key=lambda j: prep.names[j])


def _certify(prep: _Prepared, run: _Run, k_high: int) -> bool:
    """True if every per-voter budget from ``run``'s up to step k_high gives ``run``'s sequence.

    Monotonicity argument: follow ``run``'s choices with per-voter budget b' between run's
    b and b_high. By induction over the steps, every voter then holds at least as much as in
    ``run`` and at most as much as in a "shadow" run making the same choices from b_high (more
    money never raises a project's rho, and what is left after paying ``min(budget, rho * u)``
    grows with the budget). So at each step the chosen project's rho at b' is at most its rho
    in ``run``, and any other project's rho at b' is at least its rho in the shadow. The choice
    stands at b' if every other project's shadow rho exceeds the chosen rho beyond the float
    tolerance, or if the other project can never beat it: its least possible rho (cost / total
    utility) is larger, or equal with a later id, while the chosen rho is known exactly.
    At the end, every remaining project must be unaffordable even in the shadow. Checked
    lazily as in a run; any doubt answers False (no skipping).
    """
    wallet = prep.wallet(prep.budget_int / prep.n + k_high * prep.unit)
    names = prep.names
    least_exact = prep.least_rho_exact
    upper = 1.0 + TOLERANCE
    free = len(run.selected) - len(run.rhos)
    heap = list(prep.start_heap)
    fresh = [False] * prep.m
    alive = [True] * prep.m
    try:
        for chosen, rho_c, util_c in zip(run.selected[free:], run.rhos, run.exact_utils, strict=True):
            exact_c = None if util_c is None else Fraction(prep.cost_int[chosen], util_c)
            held: list[tuple[float, str, int]] = []
            limit = rho_c * upper
            while heap and heap[0][0] <= limit:
                entry = heapq.heappop(heap)
                j = entry[2]
                if j == chosen:
                    continue  # leaves the race now
                if exact_c is not None and (
                    (least_j := least_exact(j)) > exact_c or (least_j == exact_c and names[chosen] < names[j])
                ):
                    held.append(entry)  # can never beat the chosen project at this step
                    continue
                if fresh[j]:
                    return False
                value, _, doubt = wallet.rho(j)
                if doubt:
                    return False
                fresh[j] = True
                if value is None:
                    alive[j] = False
                    continue
                heapq.heappush(heap, (value, names[j], j))
            for entry in held:
                heapq.heappush(heap, entry)
            heap = [e for e in heap if e[2] != chosen]
            heapq.heapify(heap)
            value, _, doubt = wallet.rho(chosen)
            if value is None or doubt:
                return False
            wallet.pay(chosen, value, False)
            if prep.touches is None:
                fresh = [False] * prep.m
            else:
                for j in prep.touches(chosen):
                    fresh[j] = False
        remaining = {e[2] for e in heap}
        for j in remaining:
            if alive[j] and wallet.money(j) >= prep.cost_f[j] * (1.0 - TOLERANCE):
                return False
    except _Ambiguous:
        return False
    return True


class _Wallet:
    """What every voter (group) has left during one run, and the per-project computations.

    Three implementations with the same interface: :class:`_ArrayWallet` (numpy, for large
    elections), and for small ones, where numpy's per-call overhead dominates,
    :class:`_ListWallet` (per-voter lists) and :class:`_BitWallet` (bitsets of voter classes,
    for approval ballots with many supporters per project); :attr:`_Prepared.engine` chooses.
    All remember which voters were certainly emptied (charged clearly more than they had):
    their budget is exactly 0 in exact arithmetic too, which lets ``rho`` be known exactly
    after they drop out.
    """

    def rho(self, j: int) -> tuple[float | None, int | None, bool]:
        """Smallest rho with sum(min(budget, rho * u)) = cost over j's supporters, or None.

        Returns (rho, exact utility, doubtful). The exact utility U, when not None, makes
        rho = cost / U exactly: every supporter either pays the full share with room to spare
        or was certainly emptied earlier, and U is the utility of the former. ``doubtful`` when
        the supporters' money is within the tolerance of the cost (too close to call).
        """
        raise NotImplementedError

    def pay(self, j: int, rho: float, explain: bool) -> tuple[float, float, float] | None:
        """Charge j's supporters; if explain, (paid full share, paid all they had, total)."""
        raise NotImplementedError

    def money(self, j: int) -> float:
        """What j's supporters hold in total."""
        raise NotImplementedError


class _ArrayWallet(_Wallet):
    def __init__(self, prep: _Prepared, per_voter: float) -> None:
        self.prep = prep
        self.d = d = prep.mes
        self.budgets = np.full(d.groups, per_voter)
        self.emptied = np.zeros(d.groups, dtype=bool)

    def money(self, j: int) -> float:
        d = self.d
        lo, hi = d.sup_start[j], d.sup_start[j + 1]
        return float(np.dot(d.sup_weight[lo:hi], self.budgets[d.sup_group[lo:hi]]))

    def rho(self, j: int) -> tuple[float | None, int | None, bool]:
        # In "ratio" terms x = budget / utility, rho is the water level L with
        # sum(w * u * min(x, L)) = cost. With cost utilities every u is the cost, so we work
        # with budgets and the full share L * cost directly (one division less per supporter).
        d = self.d
        lo, hi = d.sup_start[j], d.sup_start[j + 1]
        groups = d.sup_group[lo:hi]
        b = self.budgets[groups]
        cost = float(d.cost_f[j])
        util = self.prep.util_int[j]
        if d.sup_util is None or d.sup_wu is None:
            x, weight, total = b, d.sup_weight[lo:hi], float(d.weight_f[j])
        else:
            x, weight, total = b / d.sup_util[lo:hi], d.sup_wu[lo:hi], float(d.util_f[j])
        level = cost / total
        lowest = float(x.min())
        if lowest > level * (1.0 + TOLERANCE):
            # Everyone pays the full share with room to spare (so their money exceeds the cost
            # by more than the tolerance too).
            return cost / util, util, False
        money = float(np.dot(weight, x))
        if money < cost * (1.0 - TOLERANCE):
            return None, None, False
        doubtful = money <= cost * (1.0 + TOLERANCE)
        if lowest >= level:
            return cost / util, None, doubtful
        found = _water_level(x, weight, total, cost)
        rho = found if d.sup_util is not None else found / cost
        emptied = self.emptied[groups]
        if emptied.any() and bool(np.all(emptied | (x > found * (1.0 + TOLERANCE)))):
            gone = round(float(np.dot(weight, emptied)))  # whole numbers: weights x utilities
            left = util - (gone * self.prep.cost_int[j] if d.sup_util is None else gone)
            if left > 0:
                return cost / left, left, doubtful
        return rho, None, doubtful

    def pay(self, j: int, rho: float, explain: bool) -> tuple[float, float, float] | None:
        d = self.d
        lo, hi = d.sup_start[j], d.sup_start[j + 1]
        groups = d.sup_group[lo:hi]
        b = self.budgets[groups]
        due = rho * (d.cost_f[j] if d.sup_util is None else d.sup_util[lo:hi])
        pay = np.minimum(b, due)
        self.budgets[groups] = b - pay
        self.emptied[groups[b < due * (1.0 - TOLERANCE)]] = True
        if not explain:
            return None
        w = d.sup_weight[lo:hi]
        short = b < due
        return float(w[~short].sum()), float(w[short].sum()), float(np.dot(w, pay))


def _water_level(x: np.ndarray, weight: np.ndarray, total: float, target: float) -> float:
    """The level L with sum(weight * min(x, L)) = target, given some x lie below target / total.

    Those below the level cannot pay it: they pay all they have, drop out, and the level is
    recomputed over the rest. The level only rises, so this converges, usually in two or
    three rounds over ever smaller arrays; past eight rounds the rest is sorted instead.
    """
    level = target / total
    paid, rich = 0.0, total
    for _ in range(8):
        short = x < level
        if not short.any():
            return level
        paid += float(np.dot(weight[short], x[short]))
        rich -= float(weight[short].sum())  # whole numbers, so exact
        keep = ~short
        x, weight = x[keep], weight[keep]
        if rich <= 0 or len(x) == 0:
            return level  # everyone pays all they have (money equals the cost)
        level = (target - paid) / rich
    order = np.argsort(x, kind="stable")
    x, weight = x[order], weight[order]
    paid_before = paid + np.concatenate(([0.0], np.cumsum(weight * x)[:-1]))
    weight_from = np.cumsum(weight[::-1])[::-1]
    levels = (target - paid_before) / weight_from
    fits = np.flatnonzero(levels <= x)
    return float(levels[fits[0]]) if len(fits) else float(x[-1])


class _BitWallet(_Wallet):
    """Bitsets of voters (Python ints), for small approval elections: no numpy, no per-voter loop.

    Voters are kept in classes: a bitset of the voters with the same budget, who behave alike
    for every project (in no particular order), plus one bitset ``gone`` of the voters
    certainly emptied (charged clearly more than they had: budget exactly 0 in exact
    arithmetic too). There is one class at the start; paying for a project splits the classes
    it touches into its supporters and the others. A project's supporters in a class are
    counted with one ``&`` and ``bit_count``, so a step costs (classes x projects) word
    operations, whatever the number of voters. Cost utilities only: every supporter of a
    project has the same utility, its cost, so "ratios" are budgets, compared with the full
    share ``rho x cost``.
    """

    def __init__(self, prep: _Prepared, per_voter: float) -> None:
        self.prep = prep
        self.d = prep.bits
        self.masks = [(1 << prep.n) - 1]
        self.budgets = [per_voter]
        self.gone = 0

    def money(self, j: int) -> float:
        sup = self.d.sup[j]
        return sum(map(mul, self.budgets, [(mask & sup).bit_count() for mask in self.masks]))

    def rho(self, j: int) -> tuple[float | None, int | None, bool]:
        # The same computation as _ArrayWallet.rho, over the classes holding supporters.
        d = self.d
        sup = d.sup[j]
        budgets = self.budgets
        if not budgets:
            return None, None, False  # everyone was emptied
        cost = d.cost[j]
        util = self.prep.util_int[j]
        rho = cost / d.util[j]
        due = rho * cost
        gone = (self.gone & sup).bit_count()
        # Shortcuts from the budgets alone: everyone can pay the full share with room to
        # spare, or even the richest could not raise the cost together.
        if not gone and min(budgets) > due * (1.0 + TOLERANCE):
            return rho, util, False
        if (d.count[j] - gone) * max(budgets) * (1.0 + 1e-12) < cost * (1.0 - TOLERANCE):
            return None, None, False
        counts = [(mask & sup).bit_count() for mask in self.masks]
        parts = [(b, c) for b, c in zip(budgets, counts, strict=True) if c]
        if not parts:
            return None, None, False  # every supporter was emptied
        lowest = 0.0 if gone else min(parts)[0]
        if lowest > due * (1.0 + TOLERANCE):
            return rho, util, False
        money = sum(map(mul, budgets, counts))
        if money < cost * (1.0 - TOLERANCE):
            return None, None, False
        doubtful = money <= cost * (1.0 + TOLERANCE)
        if lowest >= due:
            return rho, None, doubtful
        # Water level: those below it pay all they have (the emptied: nothing); the first
        # class, by budget, that can pay the level fixes it.
        parts.sort()
        paid, left, found = 0.0, d.count[j] - gone, parts[-1][0] / cost
        for b, c in parts:
            level = (cost - paid) / (left * cost)
            if level * cost <= b:
                found = level
                break
            paid += b * c
            left -= c
        # Exact when every supporter who cannot pay the full share was certainly emptied.
        if gone and parts[0][0] > found * cost * (1.0 + TOLERANCE):
            rest = util - gone * self.prep.cost_int[j]
            if rest > 0:
                return cost / rest, rest, doubtful
        return found, None, doubtful

    def pay(self, j: int, rho: float, explain: bool) -> tuple[float, float, float] | None:
        sup = self.d.sup[j]
        due = rho * self.d.cost[j]
        cutoff = due * (1.0 - TOLERANCE)
        masks, budgets = self.masks, self.budgets
        full = 0
        short = (self.gone & sup).bit_count() if explain else 0  # they pay all they have: 0
        total = 0.0
        dropped = False
        for i in [i for i, mask in enumerate(masks) if mask & sup]:
            mask = masks[i]
            inside = mask & sup
            b = budgets[i]
            if b >= due:
                if inside != mask:  # split: the others keep their budget in a class of their own
                    masks.append(mask ^ inside)
                    budgets.append(b)
                masks[i] = inside
                budgets[i] = b - due
                if explain:
                    c = inside.bit_count()
                    full += c
                    total += due * c
                continue
            if b < cutoff:  # certainly emptied
                masks[i] = mask ^ inside
                dropped |= inside == mask
                self.gone |= inside
            else:  # pays all it has, which is within the tolerance of the share
                if inside != mask:
                    masks.append(mask ^ inside)
                    budgets.append(b)
                masks[i] = inside
                budgets[i] = 0.0
            if explain:
                c = inside.bit_count()
                short += c
                total += b * c
        if dropped:
            self.budgets = [b for b, mask in zip(budgets, masks, strict=True) if mask]
            self.masks = [mask for mask in masks if mask]
        return (full, short, total) if explain else None


class _BitData:
    """Per project, its supporters as a bitset of voters (for :class:`_BitWallet`).

    ``sup[j]`` has bit v set when voter v approves j; ``count[j]`` is their number.
    """

    def __init__(self, prep: _Prepared) -> None:
        profile = prep.profile
        n, m = prep.n, prep.m
        width = (n + 7) // 8 * 8
        voter = np.repeat(np.arange(n), np.diff(profile.ballot_starts))
        self.sup = _bitsets(voter + profile.ballot_projects * width, m, width)
        self.count = prep.supporters
        self.cost = [float(c) for c in prep.cost_int]
        self.util = [c * s for c, s in zip(self.cost, prep.supporters, strict=True)]
        self._touching: dict[int, list[int]] = {}

    def touching(self, j: int) -> list[int]:
        """The projects sharing a supporter with j (computed when first asked)."""
        found = self._touching.get(j)
        if found is None:
            sup = self.sup[j]
            found = self._touching[j] = [k for k, other in enumerate(self.sup) if other & sup]
        return found


def _bitsets(cells: np.ndarray, rows: int, width: int) -> list[int]:
    """Python-int bitsets: row r has bit b set for every cell r * width + b."""
    flat = np.zeros(rows * width, dtype=bool)
    flat[cells] = True
    raw = np.packbits(flat, bitorder="little").tobytes()
    size = width // 8
    return [int.from_bytes(raw[r * size : (r + 1) * size], "little") for r in range(rows)]


def _cost_level(ordered: list[float], cost: float) -> float:
    """The water level, in budget terms, at which supporters with budgets ``ordered`` (ascending)
    pay ``cost`` together: those below it pay all they have, those with nothing left pay nothing.
    Shared by the list wallet and the fused small-election path (cost utilities)."""
    start = bisect_right(ordered, 0.0)
    paid, left = 0.0, len(ordered) - start
    for x in islice(ordered, start, None):
        level = (cost - paid) / left
        if level <= x:
            return level
        paid += x
        left -= 1
    return ordered[-1]


class _ListWallet(_Wallet):
    """Plain Python lists, one budget per voter, for small elections.

    A project's supporters' budgets are fetched with an ``itemgetter`` and the minimum, sum
    and sort run at C speed; only the water level walks through those who cannot pay the
    full share, skipping those with nothing left.
    """

    def __init__(self, prep: _Prepared, per_voter: float) -> None:
        self.prep = prep
        self.d = d = prep.small
        self.budgets = [per_voter] * d.n
        self.emptied = [False] * d.n

    def money(self, j: int) -> float:
        return sum(self.d.gather[j](self.budgets))

    def rho(self, j: int) -> tuple[float | None, int | None, bool]:
        # The same computation as _ArrayWallet.rho.
        d = self.d
        have = d.gather[j](self.budgets)
        cost = d.cost[j]
        util = self.prep.util_int[j]
        rho = cost / d.util[j]
        points = d.sup_points[j]
        if points is None:
            # Cost utilities: compare budgets with the full share rho * cost directly.
            due = rho * cost
            lowest = min(have)
            if lowest > due * (1.0 + TOLERANCE):
                return rho, util, False
            money = sum(have)
            if money < cost * (1.0 - TOLERANCE):
                return None, None, False
            doubtful = money <= cost * (1.0 + TOLERANCE)
            if lowest >= due:
                return rho, None, doubtful
            ordered = sorted(have)
            found = _cost_level(ordered, cost)
            low = bisect_right(ordered, found * (1.0 + TOLERANCE))
            gone = sum(d.gather_flags[j](self.emptied)) if low else 0
            # Exact when those who cannot pay the full share were all certainly emptied.
            if gone and low == gone:
                rest = util - gone * self.prep.cost_int[j]
                if rest > 0:
                    return cost / rest, rest, doubtful
            return found / cost, None, doubtful
        # Points: in ratio terms (budget per point), compared with rho. First a cheaper test:
        # the poorest supporter can pay the largest share.
        if min(have) > rho * d.top[j] * (1.0 + TOLERANCE):
            return rho, util, False
        # (When everyone can pay, the money exceeds the cost: the two tests never both hold,
        # so the cheap one goes first.)
        money = sum(have)
        if money < cost * (1.0 - TOLERANCE):
            return None, None, False
        ratios = list(map(truediv, have, points))
        lowest = min(ratios)
        if lowest > rho * (1.0 + TOLERANCE):
            return rho, util, False
        doubtful = money <= cost * (1.0 + TOLERANCE)
        if lowest >= rho:
            return rho, None, doubtful
        ordered_parts = sorted(zip(ratios, have, points, strict=True))
        paid, util_left, found = 0.0, d.util[j], ordered_parts[-1][0]
        for ratio, x, u in ordered_parts:
            level = (cost - paid) / util_left
            if level <= ratio:
                found = level
                break
            paid += x
            util_left -= u
        emptied = d.gather_flags[j](self.emptied)
        if any(emptied):
            limit = found * (1.0 + TOLERANCE)
            if all(e or r > limit for e, r in zip(emptied, ratios, strict=True)):
                left_util = util - round(sum(compress(points, emptied)))
                if left_util > 0:
                    return cost / left_util, left_util, doubtful
        return found, None, doubtful

    def pay(self, j: int, rho: float, explain: bool) -> tuple[float, float, float] | None:
        d = self.d
        b = self.budgets
        voters = d.sup_voters[j]
        points = d.sup_points[j]
        have = d.gather[j](b)
        if points is None:
            due = rho * d.cost[j]
            if min(have) >= due:  # everyone pays the full share (the common case)
                for v, x in zip(voters, have, strict=True):
                    b[v] = x - due
                return (len(voters), 0, due * len(voters)) if explain else None
            dues: Sequence[float] = [due] * len(have)
        else:
            dues = [rho * p for p in points]
            left = list(map(sub, have, dues))
            if min(left) >= 0.0:  # everyone pays their full share
                for v, x in zip(voters, left, strict=True):
                    b[v] = x
                return (len(voters), 0, sum(dues)) if explain else None
        cutoff = 1.0 - TOLERANCE
        emptied = self.emptied
        short = 0
        total = 0.0
        for v, x, y in zip(voters, have, dues, strict=True):
            if x >= y:
                b[v] = x - y
                total += y
            else:
                b[v] = 0.0
                total += x
                short += 1
                if x < y * cutoff:
                    emptied[v] = True
        return (len(voters) - short, short, total) if explain else None


class _SmallData:
    """Per project, its supporters as Python lists (for :class:`_ListWallet`)."""

    def __init__(self, prep: _Prepared) -> None:
        profile = prep.profile
        self.n = prep.n
        projects = profile.ballot_projects
        points = profile.ballot_points
        if points is not None and not points.all():
            keep = np.flatnonzero(points)  # zero points is no support
            projects, points = projects[keep], points[keep]
        else:
            keep = None
        order = np.argsort(projects, kind="stable")
        vote = order if keep is None else keep[order]  # the votes, grouped by project
        # The voter of each vote: its row in the compressed ballots.
        voters = np.searchsorted(profile.ballot_starts[1:], vote, side="right").tolist()
        cuts = list(accumulate(prep.supporters, initial=0))
        spans = list(pairwise(cuts))
        self.sup_voters = [voters[a:b] for a, b in spans]
        # itemgetter fetches a project's supporters' budgets at C speed (as a tuple).
        self.gather = [
            itemgetter(*supporters) if len(supporters) > 1 else _getter(supporters)
            for supporters in self.sup_voters
        ]
        self.gather_flags = cast("list[Callable[[list[bool]], Sequence[bool]]]", self.gather)
        self.cost = [float(c) for c in prep.cost_int]
        if points is None:
            self.sup_points: list[list[int] | None] = [None] * prep.m
            self.top: list[float] = []
            self.util = list(map(mul, self.cost, prep.supporters))
        else:
            pts = points[order].tolist()
            by_project = [pts[a:b] for a, b in spans]
            self.sup_points = list(by_project)
            self.top = [max(p, default=0) for p in by_project]
            self.util = [float(s) for s in prep.scores]


_numerator = attrgetter("numerator")
_denominator = attrgetter("denominator")


def _getter(indexes: list[int]) -> Callable[[list[float]], Sequence[float]]:
    if len(indexes) == 1:
        only = indexes[0]
        return lambda values: (values[only],)
    return itemgetter(*indexes) if indexes else lambda values: ()


def _fused_suits(profile: Profile) -> bool:
    """Whether the general path would run ``profile`` on per-voter lists, which the fused path
    beats; approval elections with many votes per project are faster on bitsets (see
    :attr:`_Prepared.engine`), and large ones on arrays (:func:`_equal_shares_small` checks)."""
    if _FORCE_ENGINE is not None:
        return _FORCE_ENGINE == "lists"
    votes = len(profile.ballot_projects)
    return profile.ballot_points is not None or votes <= _BITS_VOTES_PER_PROJECT * len(profile.project_ids)


def _equal_shares_small(profile: Profile) -> Outcome | None:
    """Equal Shares without completion or explanation on a small election, in one function.

    The same algorithm and float decisions as :func:`_mes_float` on a :class:`_ListWallet`
    (heap of lower bounds, water level, exactness bookkeeping), fused so that preparation and
    run are plain Python over local lists: no :class:`_Prepared`, no wallet object, no
    method calls or attribute lookups in the loop, and only the few numpy calls that group
    the votes by project. On elections of a few hundred votes that overhead was most of the
    time. Three shortcuts the general path does not take (it also serves add1 and the
    explanations): projects their supporters could not pay for even with their whole shares
    never enter the race; when rho showed every supporter has room for the full share, the
    payment does not look at their budgets first; and the last payment, with nothing left to
    fund, is skipped (nobody reads the budgets afterwards).

    Returns None when it cannot decide for sure (a near tie whose ``rho`` is not known
    exactly, or money within the tolerance of a cost) or the election is outside its scope
    (fractional money, free projects, no voters, too many votes): the general path then
    computes the outcome, redoing the run in exact fractions if need be.
    """
    starts, projects, points = profile.ballot_starts, profile.ballot_projects, profile.ballot_points
    n = len(starts) - 1
    budget = profile.budget
    costs = profile.costs
    if n == 0 or not 0 < len(projects) <= _SMALL_VOTES or budget.denominator != 1:
        return None
    cost_int = list(map(_numerator, costs))
    if 0 in cost_int or max(map(_denominator, costs)) != 1:
        return None
    m = len(cost_int)

    # Supporters of each project (voter indexes), and their points, as Python lists.
    scored = points
    if points is not None and not points.all():
        keep = np.flatnonzero(points)  # zero points is no support (the voter still counts)
        projects, points = projects[keep], points[keep]
        if not len(keep):
            return None
        order = projects.argsort(kind="stable")  # the votes kept, by project
        sup_all = starts[1:].searchsorted(keep[order], side="right").tolist()
    else:
        order = projects.argsort(kind="stable")  # the votes, by project
        # The voter of each vote: its row in the compressed ballots.
        sup_all = starts[1:].searchsorted(order, side="right").tolist()
    counts = np.bincount(projects, minlength=m).tolist()
    cuts = list(pairwise(accumulate(counts, initial=0)))
    sup = [sup_all[a:b] for a, b in cuts]
    gather: list[Callable[[list[Any]], Sequence[Any]]] = [
        itemgetter(*g) if len(g) > 1 else _getter(g) for g in sup
    ]
    cost_f = list(map(float, cost_int))
    if points is None:
        utl: list[list[int]] = []
        scores = counts
        util_int = list(map(mul, cost_int, counts))
        least = [1.0 / c if c else math.inf for c in counts]  # cost / (cost x supporters)
        first = [c / s if s else math.inf for c, s in zip(cost_f, counts, strict=True)]
    else:
        pts_all = points[order].tolist()
        utl = [pts_all[a:b] for a, b in cuts]
        util_int = list(map(sum, utl))
        scores = util_int if scored is points else profile.scores().tolist()
        least = [c / u if u else math.inf for c, u in zip(cost_int, util_int, strict=True)]
        # An upper bound of the full share of any supporter: rho x the most points anyone gave
        # (cheaper than each project's own maximum; the bound only serves the shortcuts).
        top = float(points.max())
        first = [r * top for r in least]

    per_voter = budget.numerator / n
    upper = 1.0 + TOLERANCE
    lower = 1.0 - TOLERANCE
    names = profile.project_ids
    bud = [per_voter] * n
    emptied = [False] * n

    def rho_cost(j: int) -> tuple[float | None, int | None, bool]:
        # _ListWallet.rho with cost utilities: budgets against the full share rho x cost.
        have = gather[j](bud)
        due = first[j]
        lowest = min(have)
        if lowest > due * upper:
            return least[j], util_int[j], False
        cost = cost_f[j]
        money = sum(have)
        if money < cost * lower:
            return None, None, False
        doubtful = money <= cost * upper
        if lowest >= due:
            return least[j], None, doubtful
        ordered = sorted(have)
        found = _cost_level(ordered, cost)
        low = bisect_right(ordered, found * upper)
        gone = sum(gather[j](emptied)) if low and any_emptied else 0
        if gone and low == gone:  # exact: those who cannot pay were all certainly emptied
            rest = util_int[j] - gone * cost_int[j]
            if rest > 0:
                return cost / rest, rest, doubtful
        return found / cost, None, doubtful

    def rho_points(j: int) -> tuple[float | None, int | None, bool]:
        # _ListWallet.rho with points: budget per point against rho.
        have = gather[j](bud)
        rho = least[j]
        if min(have) > first[j] * upper:  # even the largest share fits with room to spare
            return rho, util_int[j], False
        cost = cost_f[j]
        money = sum(have)
        if money < cost * lower:
            return None, None, False
        p = utl[j]
        ratios = list(map(truediv, have, p))
        lowest = min(ratios)
        if lowest > rho * upper:
            return rho, util_int[j], False
        doubtful = money <= cost * upper
        if lowest >= rho:
            return rho, None, doubtful
        parts = sorted(zip(ratios, have, p, strict=True))
        paid, util_left, found = 0.0, float(util_int[j]), parts[-1][0]
        for ratio, x, u in parts:
            level = (cost - paid) / util_left
            if level <= ratio:
                found = level
                break
            paid += x
            util_left -= u
        if any_emptied and any(flags := gather[j](emptied)):
            limit = found * upper
            if all(e or r > limit for e, r in zip(flags, ratios, strict=True)):
                rest = util_int[j] - sum(compress(p, flags))
                if rest > 0:
                    return cost / rest, rest, doubtful
        return found, None, doubtful

    rho = rho_cost if points is None else rho_points
    any_emptied = False  # until then no need to look who was
    # Projects whose supporters cannot pay for them even with their whole shares (exactly:
    # supporters x budget / n < cost) never can: they stay out of the race from the start.
    budget_int = budget.numerator
    heap = [(least[j], names[j], j) for j, c in enumerate(counts) if c and c * budget_int >= cost_int[j] * n]
    heapq.heapify(heap)
    # Before anyone pays, least[j] is exact for a project whose supporters all have room.
    fresh = [share * upper < per_voter for share in first]
    exact_util: list[int | None] = [u if ok else None for u, ok in zip(util_int, fresh, strict=True)]
    doubtful = [False] * m
    selected: list[int] = []
    heappop, heappush, heapreplace = heapq.heappop, heapq.heappush, heapq.heapreplace
    while heap:
        best = limit = math.inf
        held: list[tuple[float, str, int]] = []
        while heap:
            entry = heap[0]
            if entry[0] > limit:
                break
            j = entry[2]
            if not fresh[j]:  # recompute in place: its rho can only have grown
                value, exact, doubt = rho(j)
                fresh[j] = True
                if value is None:  # unaffordable now, so for the rest of the run
                    heappop(heap)
                else:
                    exact_util[j], doubtful[j] = exact, doubt
                    heapreplace(heap, (value, entry[1], j))
                continue
            heappop(heap)
            if not held:
                best = entry[0]
                limit = best * upper
            held.append(entry)
        if not held:
            break
        if len(held) == 1:  # (held: every entry within the tolerance of the best)
            chosen = held[0][2]
            if doubtful[chosen]:
                return None
            value = best
        else:  # a near tie: settle it exactly, if every rho involved is known exactly
            near = [e[2] for e in held]
            exact_rho: dict[int, Fraction] = {}
            for j in near:
                util_j = exact_util[j]
                if doubtful[j] or util_j is None:
                    return None
                exact_rho[j] = Fraction(cost_int[j], util_j)
            chosen = min(near, key=lambda j: (exact_rho[j], names[j]))
            value = 0.0
            for entry in held:
                if entry[2] == chosen:
                    value = entry[0]
                else:
                    heappush(heap, entry)
        selected.append(chosen)
        if not heap:
            break  # nothing else could be funded: the payment would change nothing read again
        # _ListWallet.pay: each supporter pays rho x utility, or all they have if less.
        g = sup[chosen]
        if exact_util[chosen] == util_int[chosen]:
            # rho = cost / utility, every supporter having room for their full share (the first
            # shortcut of rho, or nobody had paid yet): no need to look at their budgets.
            if points is None:
                due = value * cost_f[chosen]
                for v in g:
                    bud[v] -= due
            else:
                for v, u in zip(g, utl[chosen], strict=True):
                    bud[v] -= value * u
        elif points is None:
            have = gather[chosen](bud)
            due = value * cost_f[chosen]
            if min(have) >= due:  # everyone pays the full share (the common case)
                for v in g:
                    bud[v] -= due
            else:
                for v, x in zip(g, have, strict=True):
                    if x >= due:
                        bud[v] = x - due
                    else:
                        bud[v] = 0.0
                        if x < due * lower:
                            emptied[v] = any_emptied = True
        else:
            have = gather[chosen](bud)
            p = utl[chosen]
            for v, x, u in zip(g, have, p, strict=True):  # everyone pays their full share...
                y = x - value * u
                if y < 0.0:
                    break
                bud[v] = y
            else:
                y = 0.0
            if y < 0.0:  # ...but one cannot: start again from what they had
                for v, x, y in zip(g, have, [value * u for u in p], strict=True):
                    if x >= y:
                        bud[v] = x - y
                    else:
                        bud[v] = 0.0
                        if x < y * lower:
                            emptied[v] = any_emptied = True
        fresh = [False] * m
    # The frozen dataclass's __init__ sets 13 fields one object.__setattr__ at a time (a few
    # percent of this whole function); fill the instance's dict at once instead.
    outcome = object.__new__(Outcome)
    outcome.__dict__.update(
        rule="equal-shares",
        completion="none",
        selected=tuple(selected),
        stages=("equal-shares",) * len(selected),
        budget=budget,
        spent=Fraction(sum(map(cost_int.__getitem__, selected))),
        votes=tuple(counts),
        scores=tuple(scores),
        shares={},
        rejections={},
        per_voter_budget=Fraction(budget.numerator, n),
        increments=0,
        exact_fallbacks=0,
    )
    return outcome


def _mes_exact(prep: _Prepared, k: int, *, explain: bool, stop_above: int | None) -> _Run:
    """Equal Shares in exact fractions (the reference; used when floats cannot decide)."""
    run = _Run(selected=list(prep.free), k=k, certifiable=False)
    if prep.n == 0:
        return run
    data = prep.mes
    per_voter = _per_voter(prep, k)
    weights, supporters_of = data.exact_groups(prep)
    budgets = [per_voter] * data.groups
    remaining = {entry[2] for entry in prep.start_heap}
    lower = {j: prep.least_rho_exact(j) for j in remaining}
    spent = 0
    while remaining:
        best: Fraction | None = None
        tied: list[int] = []
        for j in sorted(remaining, key=lambda p: lower[p]):
            if best is not None and lower[j] > best:
                break
            value = _rho_exact(budgets, weights, supporters_of[j], prep.cost_int[j])
            if value is None:
                remaining.discard(j)
                continue
            lower[j] = value
            if best is None or value < best:
                best, tied = value, [j]
            elif value == best:
                tied.append(j)
        if best is None:
            break
        chosen = min(tied, key=lambda j: prep.names[j])
        full = short = 0
        total = Fraction(0)
        for g, u in supporters_of[chosen]:
            due = best * u
            if budgets[g] < due:
                short += weights[g]
                total += weights[g] * budgets[g]
                budgets[g] = Fraction(0)
            else:
                full += weights[g]
                total += weights[g] * due
                budgets[g] -= due
        if explain:
            run.shares[chosen] = _share(prep, chosen, len(run.rhos), float(best), full, short, float(total))
        run.selected.append(chosen)
        run.rhos.append(float(best))
        run.exact_utils.append(None)  # exact runs are never the base of a certificate
        remaining.discard(chosen)
        spent += prep.cost_int[chosen]
        if stop_above is not None and spent > stop_above:
            run.overspent = True
            return run
    if explain:
        _record_money_left(
            prep, run, lambda j: float(sum(weights[g] * budgets[g] for g, _ in supporters_of[j]))
        )
    return run


def _rho_exact(
    budgets: list[Fraction], weights: list[int], supporters: list[tuple[int, int]], cost: int
) -> Fraction | None:
    """pabutools' computation: sort by budget per utility, the first who can pay fixes rho."""
    if sum(weights[g] * budgets[g] for g, _ in supporters) < cost:
        return None
    ordered = sorted(supporters, key=lambda gu: budgets[gu[0]] / gu[1])
    paid = Fraction(0)
    util_left = sum(weights[g] * u for g, u in supporters)
    for g, u in ordered:
        rho = (cost - paid) / util_left
        if rho * u <= budgets[g]:
            return rho
        paid += weights[g] * budgets[g]
        util_left -= weights[g] * u
    return None
