"""The fast engine: Equal Shares in float64 over numpy arrays, every close call settled exactly.

pabutools computes with exact fractions, and exact ties between projects are common (with
cost utilities two projects whose supporters can all pay have ``rho = 1/supporters``), so a
float implementation that mis-orders one near-tie changes the outcome. We run in float64 and
check every decision: when the best ``rho`` is within a relative :data:`TOLERANCE` of another
candidate's, the tie is settled in exact fractions if both ``rho`` are known exactly, which
they are when every supporter either pays the full share with room to spare or was emptied
earlier by a payment clearly larger than what they had (then ``rho`` = cost / utility of the
others); otherwise :class:`Ambiguous` is raised and :func:`run` redoes that run in the exact
engine (:mod:`budgeting.rules.exact`). Affordability within the tolerance of the boundary is
handled the same way. Float errors here are around 1e-13 relative; real differences between
rhos are far larger.

Speed: (1) ballots are merged into weighted groups (:mod:`budgeting.rules.prepared`);
(2) ``rho`` only grows within a run, so a heap of last-known values gives lower bounds and each
step recomputes only the projects that could still be best, and only if a supporter of theirs
has paid since; (3) ``rho`` is a "water level" over numpy arrays (:meth:`Wallet.rho`, one
gather and one minimum when nobody is short). A payment level for cost utilities, worked:
supporters with budgets 5, 20, 20 of a project costing 30 would pay 10 each; the first cannot,
pays her 5 and drops out, and the level over the other two is 25 / 2 = 12.5, which they can.

This is the only float computation of ``rho`` (:meth:`Wallet.rho` with :func:`water_level`);
the exact one is :func:`budgeting.rules.exact.rho`.
"""

from __future__ import annotations

import heapq
import math
from fractions import Fraction

import numpy as np

from . import exact
from .prepared import Prepared
from .runs import Run, make_share, record_money_left

# Relative gap under which two float results are treated as possibly equal and settled exactly.
TOLERANCE = 1e-9


class Ambiguous(Exception):
    """A float decision was too close to call; the run must be redone exactly."""


def run(prep: Prepared, k: int, *, explain: bool, stop_above: int | None = None) -> tuple[Run, bool]:
    """One Equal Shares run with per-voter budget ``budget/n + k`` units: in floats, or
    redone in fractions when floats cannot decide. Returns (run, whether it was redone)."""
    try:
        return run_float(prep, k, explain=explain, stop_above=stop_above), False
    except Ambiguous:
        return exact.run(prep, k, explain=explain, stop_above=stop_above), True


def run_float(prep: Prepared, k: int, *, explain: bool, stop_above: int | None) -> Run:
    """Equal Shares in float64 with lazily recomputed rhos; raises :class:`Ambiguous` when unsure."""
    result = Run(selected=list(prep.free), k=k)
    if prep.n == 0:
        return result
    wallet = Wallet(prep, prep.budget_int / prep.n + k * prep.unit)
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
                value, known, doubt = wallet.rho(j)
                fresh[j] = True
                if value is not None:  # else unaffordable now, so for the rest of the run
                    exact_util[j], doubtful[j] = known, doubt
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
                chosen = settle_tie(prep, [chosen], exact_util, doubtful)
        else:
            near = [e[2] for e in held if e[0] <= best * upper]
            chosen = settle_tie(prep, near, exact_util, doubtful)
        rho = 0.0
        for entry in held:
            if entry[2] == chosen:
                rho = entry[0]
            else:
                heapq.heappush(heap, entry)
        paid = wallet.pay(chosen, rho, explain)
        if paid is not None:
            result.shares[chosen] = make_share(prep, chosen, len(result.rhos), rho, *paid)
        result.selected.append(chosen)
        result.rhos.append(rho)
        result.exact_utils.append(exact_util[chosen])
        if overlap is None:
            fresh = [False] * m
        else:
            for j in overlap(chosen):
                fresh[j] = False
        spent += prep.cost_int[chosen]
        if stop_above is not None and spent > stop_above:
            result.overspent = True
            return result
    if explain:
        record_money_left(prep, result, wallet.money)
    return result


def settle_tie(prep: Prepared, near: list[int], exact_util: list[int | None], doubtful: list[bool]) -> int:
    """Pick among projects whose float rhos are within the tolerance of the best: exactly."""
    exact_rho: dict[int, Fraction] = {}
    for j in near:
        util = exact_util[j]
        if doubtful[j] or util is None:
            raise Ambiguous
        exact_rho[j] = prep.rho_known(j, util)
    best = min(exact_rho.values())
    return min((j for j in near if exact_rho[j] == best), key=lambda j: prep.names[j])


class Wallet:
    """What every voter group has left during one run, and the per-project computations.

    Remembers which groups were certainly emptied (charged clearly more than they had): their
    budget is exactly 0 in exact arithmetic too, which lets ``rho`` be known exactly after
    they drop out.
    """

    def __init__(self, prep: Prepared, per_voter: float) -> None:
        self.prep = prep
        self.d = d = prep.mes
        self.budgets = np.full(d.groups, per_voter)
        self.emptied = np.zeros(d.groups, dtype=bool)

    def money(self, j: int) -> float:
        """What j's supporters hold in total."""
        d = self.d
        lo, hi = d.sup_start[j], d.sup_start[j + 1]
        return float(np.dot(d.sup_weight[lo:hi], self.budgets[d.sup_group[lo:hi]]))

    def rho(self, j: int) -> tuple[float | None, int | None, bool]:
        """Smallest rho with sum(min(budget, rho * u)) = cost over j's supporters, or None.

        Returns (rho, exact utility, doubtful). The exact utility U, when not None, makes
        rho = cost / U exactly: every supporter either pays the full share with room to spare
        or was certainly emptied earlier, and U is the utility of the former. ``doubtful`` when
        the supporters' money is within the tolerance of the cost (too close to call).
        """
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
        found = water_level(x, weight, total, cost)
        rho = found if d.sup_util is not None else found / cost
        emptied = self.emptied[groups]
        if emptied.any() and bool(np.all(emptied | (x > found * (1.0 + TOLERANCE)))):
            gone = round(float(np.dot(weight, emptied)))  # whole numbers: weights x utilities
            left = util - (gone * self.prep.cost_int[j] if d.sup_util is None else gone)
            if left > 0:
                return cost / left, left, doubtful
        return rho, None, doubtful

    def pay(self, j: int, rho: float, explain: bool) -> tuple[float, float, float] | None:
        """Charge j's supporters; if explain, (paid full share, paid all they had, total)."""
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


def water_level(x: np.ndarray, weight: np.ndarray, total: float, target: float) -> float:
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
