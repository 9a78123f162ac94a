"""The exact engine: Equal Shares in fractions throughout, the reference.

The same algorithm as pabutools' ``method_of_equal_shares``: at each step compute every
remaining project's ``rho`` exactly (:func:`rho`: sort the supporters by budget per utility;
the first who can pay ``rho x utility`` fixes it) and fund the smallest, ties to the id first
in string order. Two shortcuts that change nothing: ballots are merged into weighted groups
(:class:`budgeting.rules.prepared.MesData`), and since a project's ``rho`` only grows within a
run, projects are visited by their last known ``rho`` and the search stops once that exceeds
the best found. Money is scaled to integers, budgets are :class:`~fractions.Fraction`.

Run on its own with ``engine="exact"``, and by the fast engine whenever floats are too close
to call (:mod:`budgeting.rules.fast`).
"""

from __future__ import annotations

from fractions import Fraction

from .prepared import Prepared
from .runs import Run, make_share, record_money_left


def run(prep: Prepared, k: int, *, explain: bool, stop_above: int | None) -> Run:
    """Equal Shares with per-voter budget ``budget/n + k`` units, in exact fractions.

    With ``stop_above`` (scaled money), stops as soon as the spend passes it (``overspent``).
    """
    result = Run(selected=list(prep.free), k=k, certifiable=False)
    if prep.n == 0:
        return result
    per_voter = prep.per_voter(k)
    weights, supporters_of = prep.exact_groups
    budgets = [per_voter] * prep.mes.groups
    remaining = {entry[2] for entry in prep.start_heap}
    lower = {j: prep.least_rho_exact(j) for j in remaining}
    spent = 0
    while remaining:
        best: Fraction | None = None
        tied: list[int] = []
        for j in sorted(remaining, key=lambda p: lower[p]):
            if best is not None and lower[j] > best:
                break
            value = rho(budgets, weights, supporters_of[j], prep.cost_int[j])
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
            step = len(result.rhos)
            result.shares[chosen] = make_share(prep, chosen, step, float(best), full, short, float(total))
        result.selected.append(chosen)
        result.rhos.append(float(best))
        result.exact_utils.append(None)  # exact runs are never the base of a certificate
        remaining.discard(chosen)
        spent += prep.cost_int[chosen]
        if stop_above is not None and spent > stop_above:
            result.overspent = True
            return result
    if explain:
        record_money_left(
            prep, result, lambda j: float(sum(weights[g] * budgets[g] for g, _ in supporters_of[j]))
        )
    return result


def rho(
    budgets: list[Fraction], weights: list[int], supporters: list[tuple[int, int]], cost: int
) -> Fraction | None:
    """The smallest rho with sum(weight x min(budget, rho x utility)) = cost, or None when
    the supporters cannot pay ``cost`` together.

    pabutools' computation: sort by budget per utility, the first who can pay fixes rho.
    Example: cost 30, three supporters with utility 30 holding 5, 20 and 20. At the level
    where nobody is short, rho = 30 / 90, a share of 10: the first (5) cannot pay it, so she
    pays her 5 and the other two share 25: rho = 25 / 60, a share of 12.5 each, which the
    second can pay.
    """
    if sum(weights[g] * budgets[g] for g, _ in supporters) < cost:
        return None
    ordered = sorted(supporters, key=lambda gu: budgets[gu[0]] / gu[1])
    paid = Fraction(0)
    util_left = sum(weights[g] * u for g, u in supporters)
    for g, u in ordered:
        level = (cost - paid) / util_left
        if level * u <= budgets[g]:
            return level
        paid += weights[g] * budgets[g]
        util_left -= weights[g] * u
    return None
