"""Completions of Equal Shares: the run at ``budget / n`` as is, or add1 (then greedy).

``"none"``: the rule as is (it often leaves money unspent).
``"add1"``: rerun with every voter's share raised by one currency unit (per-voter budget
``budget/n + k`` for ``k = 0, 1, 2...``) until the outcome spends so much that no further
supported project would fit (return it) or would overspend the real budget (return the
previous one). pabutools: ``method_of_equal_shares(..., voter_budget_increment=1)``, its
recommended form of the iterated rule; it equals ``exhaustion_by_budget_increase`` with
``budget_step`` = number of voters whenever every project has a supporter.
``"add1+greedy"``: then fill what is left greedily by votes (:func:`budgeting.rules.greedy.fill`,
called by :func:`budgeting.rules.equal_shares.equal_shares`), as in Wieliczka and Swiecie.
pabutools: ``completion_by_rule_combination([method_of_equal_shares, greedy_utilitarian_welfare], ...)``.

add1 skips increments that provably give the same outcome (:func:`certify`): more money never
raises a project's ``rho``, which brackets every budget between two runs. Small elections
often need hundreds of increments with the same outcome. A run also stops as soon as its
spend passes the budget. Each run is made by the engine asked for (:func:`run`).
"""

from __future__ import annotations

import heapq

from . import exact, fast
from .fast import TOLERANCE, Ambiguous, Wallet
from .outcome import Engine
from .prepared import Prepared
from .runs import Run


def run(
    prep: Prepared, k: int, engine: Engine, *, explain: bool, stop_above: int | None = None
) -> tuple[Run, bool]:
    """One Equal Shares run at per-voter budget ``budget/n + k`` units on ``engine``: (run,
    whether the fast engine had to redo it exactly)."""
    if engine == "exact":
        return exact.run(prep, k, explain=explain, stop_above=stop_above), False
    return fast.run(prep, k, explain=explain, stop_above=stop_above)


def once(prep: Prepared, engine: Engine, explain: bool) -> tuple[Run, int, int]:
    """Equal Shares at ``budget / n``: (run, k = 0, exact fallbacks)."""
    result, fallback = run(prep, 0, engine, explain=explain)
    return result, 0, int(fallback)


def add1(prep: Prepared, engine: Engine, explain: bool) -> tuple[Run, int, int]:
    """Iterated Equal Shares: raise every voter's share by one unit until exhaustive.

    Follows pabutools' ``method_of_equal_shares_scheme`` with ``voter_budget_increment=1``:
    for k = 0, 1, 2... run Equal Shares with per-voter budget ``budget/n + k``; stop at the
    first outcome that overspends the budget (return the previous one) or after which no
    other supported project would fit (return it). Returns (run, k, exact fallbacks).

    Small elections often need hundreds of increments with the same outcome. After a run at
    k whose outcome repeats the previous one, we try to certify (:func:`certify`) that every
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
        result, fallback = run(prep, k, engine, explain=False, stop_above=prep.budget_int)
        fallbacks += fallback
        if result.overspent:
            final = good_k
            break
        spent = sum(prep.cost_int[j] for j in result.selected)
        chosen = set(result.selected)
        if all(j in chosen or spent + prep.cost_int[j] > prep.budget_int for j in candidates):
            final = k
            break
        good_k = k
        if result.certifiable and result.selected == previous:
            if certify(prep, result, k + step):
                good_k = k + step
                step *= 2
            else:
                step = max(1, step // 4)
        previous = result.selected
        k = good_k + 1
    if final < 0:
        # Cannot happen with exact shares (nobody pays more than budget/n); pabutools would
        # return its initial allocation, the free projects.
        return Run(selected=list(prep.free), k=0), 0, fallbacks
    if not explain and final == k:
        return result, final, fallbacks
    # Recompute the chosen run (with explanation data, if wanted): cheap next to the search.
    explained, fallback = run(prep, final, engine, explain=explain)
    return explained, final, fallbacks + fallback


def certify(prep: Prepared, base: Run, k_high: int) -> bool:
    """True if every per-voter budget from ``base``'s up to step k_high gives ``base``'s sequence.

    Monotonicity argument: follow ``base``'s choices with per-voter budget b' between base's
    b and b_high. By induction over the steps, every voter then holds at least as much as in
    ``base`` and at most as much as in a "shadow" run making the same choices from b_high (more
    money never raises a project's rho, and what is left after paying ``min(budget, rho * u)``
    grows with the budget). So at each step the chosen project's rho at b' is at most its rho
    in ``base``, and any other project's rho at b' is at least its rho in the shadow. The choice
    stands at b' if every other project's shadow rho exceeds the chosen rho beyond the float
    tolerance, or if the other project can never beat it: its least possible rho (cost / total
    utility) is larger, or equal with a later id, while the chosen rho is known exactly.
    At the end, every remaining project must be unaffordable even in the shadow. Checked
    lazily as in a run; any doubt answers False (no skipping).
    """
    wallet = Wallet(prep, prep.budget_int / prep.n + k_high * prep.unit)
    names = prep.names
    least_exact = prep.least_rho_exact
    upper = 1.0 + TOLERANCE
    free = len(base.selected) - len(base.rhos)
    heap = list(prep.start_heap)
    fresh = [False] * prep.m
    alive = [True] * prep.m
    try:
        for chosen, rho_c, util_c in zip(base.selected[free:], base.rhos, base.exact_utils, strict=True):
            exact_c = None if util_c is None else prep.rho_known(chosen, util_c)
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
    except Ambiguous:
        return False
    return True
