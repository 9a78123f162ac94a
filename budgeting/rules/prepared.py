"""What the rules derive from a profile, once per profile (and reused by every add1 run).

Money is scaled to integers by the least common denominator of the costs and the budget
(``cost_int``, ``budget_int``, ``unit`` = one currency unit), so every budget check (fits,
feasible, exhaustive) is exact integer arithmetic. Greedy needs only the votes. Equal Shares
also needs the ballots arranged by project (:class:`MesData`): identical ballots merged into
weighted groups, since they always pay alike (Łódź 2022: 90,494 voters, 23,571 distinct
ballots), and which projects share a supporter, so a payment only makes the rhos it can change
stale. :func:`prepare` computes this once and keeps it on the profile.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from itertools import pairwise
from operator import mul
from typing import Any, Generic, TypeVar

import numpy as np

from .profile import Profile

# Merging identical ballots builds a voters x (ballot length) matrix; skip it when huge.
_MAX_DEDUP_CELLS = 40_000_000
# Precomputing which projects share supporters costs sum(ballot length^2); skip when huge.
_MAX_OVERLAP_PAIRS = 40_000_000

_T = TypeVar("_T")


class cached(Generic[_T]):
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


def prepare(profile: Profile) -> Prepared:
    """The profile's :class:`Prepared`, computed on first use and kept on the (frozen) profile."""
    found = profile.__dict__.get("_prepared")
    if found is None:
        found = profile.__dict__["_prepared"] = Prepared(profile)
    return found


class Prepared:
    """Scaled money, votes and (for Equal Shares) the arranged ballots of one profile."""

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
        self.supporters: list[int] = profile.supporter_counts().tolist()
        self.scores: list[int] = self.supporters if self.approval else profile.scores().tolist()

    @cached
    def by_name(self) -> list[int]:
        """Project indexes in tie-breaking order (id order)."""
        return sorted(range(self.m), key=self.names.__getitem__)

    def money(self, scaled: int) -> Fraction:
        return Fraction(scaled) if self.unit == 1 else Fraction(scaled, self.unit)

    def per_voter(self, k: int) -> Fraction:
        """The per-voter budget of add1 step k (``budget / n + k`` units), scaled."""
        return Fraction(self.budget_int, self.n) + k * self.unit

    @cached
    def mes(self) -> MesData:
        return MesData(self)

    @cached
    def util_int(self) -> list[int]:
        """Per project, the sum over its supporters of their utility (scaled), exactly."""
        if self.approval:
            return list(map(mul, self.cost_int, self.supporters))
        return list(self.scores)

    @cached
    def free(self) -> list[int]:
        """Free projects Equal Shares funds before its first step, as pabutools does.

        Only with points: a supporter's utility for a free project is then its points, while
        with cost utilities it is its cost, zero, so nobody counts as supporting it and Equal
        Shares ignores it (greedy may still fund it).
        """
        if self.n == 0 or self.approval or 0 not in self.cost_int:
            return []
        return [j for j in self.by_name if self.cost_int[j] == 0 and self.supporters[j] > 0]

    @cached
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

    def rho_known(self, j: int, util: int) -> Fraction:
        """Project j's rho when every supporter pays the full share except those with nothing
        left, and ``util`` is the others' total utility: cost / util, exactly."""
        return Fraction(self.cost_int[j], util)

    def least_rho_exact(self, j: int) -> Fraction:
        """The smallest rho supported project j can ever have: cost / total utility."""
        return self.rho_known(j, self.util_int[j])

    @cached
    def least_rho(self) -> list[float]:
        """:meth:`least_rho_exact` in floats (inf for a project nobody supports)."""
        return [c / u if u else math.inf for c, u in zip(self.cost_int, self.util_int, strict=True)]

    @cached
    def first_share(self) -> list[float]:
        """Per project, the most any supporter pays at rho = cost / utility (inf: unfundable)."""
        if self.approval:
            return [c / s if s else math.inf for c, s in zip(self.cost_int, self.supporters, strict=True)]
        d = self.mes
        assert d.sup_util is not None
        top = [float(d.sup_util[a:b].max()) if b > a else 0.0 for a, b in pairwise(d.sup_start)]
        return [r * t if math.isfinite(r) else math.inf for r, t in zip(self.least_rho, top, strict=True)]

    @cached
    def cost_f(self) -> list[float]:
        return [float(c) for c in self.cost_int]

    @cached
    def touches(self) -> Callable[[int], Sequence[int]] | None:
        """Per project, those sharing a supporter with it (whose rho may change when it is
        paid for); None for "all of them"."""
        overlap = self.mes.overlap
        if overlap is None or overlap.all():
            return None
        return [np.flatnonzero(row).tolist() for row in overlap].__getitem__

    @cached
    def exact_groups(self) -> tuple[list[int], list[list[tuple[int, int]]]]:
        """For the exact engine: group weights, and per project [(group, utility)] (scaled)."""
        d = self.mes
        weights = [int(w) for w in d.weights]
        per_project: list[list[tuple[int, int]]] = []
        groups = d.sup_group.tolist()
        utils = d.sup_util.astype(np.int64).tolist() if d.sup_util is not None else None
        for j in range(self.m):
            lo, hi = d.sup_start[j], d.sup_start[j + 1]
            if utils is None:
                per_project.append([(g, self.cost_int[j]) for g in groups[lo:hi]])
            else:
                per_project.append(list(zip(groups[lo:hi], utils[lo:hi], strict=True)))
        return weights, per_project


class MesData:
    """Ballots arranged for Equal Shares.

    Identical ballots are merged into groups with a weight (their number of voters): they
    always pay alike. For each project, its supporting groups, their weights and utilities
    are stored contiguously: ``sup_group[sup_start[j]:sup_start[j + 1]]`` etc.
    """

    def __init__(self, prep: Prepared) -> None:
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

    @cached
    def overlap(self) -> np.ndarray | None:
        """``overlap[a, b]``: some voter supports both a and b (None: treat all as overlapping)."""
        return _overlap(self.g_starts, self.g_projects, len(self.sup_start) - 1)


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
