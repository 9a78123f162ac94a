"""Greedy by votes: most votes first, skipping projects that no longer fit.

Projects in decreasing order of votes (approvals, or total points for cumulative ballots);
each is funded if it still fits in what is left of the budget, else skipped, and we carry on
down the list. This is pabutools' ``greedy_utilitarian_welfare`` with ``Cost_Sat`` for
approval ballots (its "satisfaction per unit of cost" is then exactly the number of approvals;
``Cardinality_Sat`` would rank by approvals per unit of cost instead, which is not "most votes
wins") and with the additive satisfaction ``points x cost`` for cumulative ballots (likewise
giving total points). As in pabutools, projects nobody voted for come last and are still
funded if they fit, and so do free projects (zero cost means zero satisfaction in those
terms). Ties go to the project whose id comes first in string order.

Money is scaled to integers (:mod:`budgeting.rules.prepared`), so this is exact with no
engine to choose. :func:`fill` also serves the ``add1+greedy`` completion.
"""

from __future__ import annotations

from collections.abc import Sequence

from .outcome import Outcome, Rejection, make_outcome
from .prepared import Prepared, prepare
from .profile import Profile


def greedy(profile: Profile, *, explain: bool = True) -> Outcome:
    """Greedy by votes: most votes first, skipping projects that no longer fit."""
    prep = prepare(profile)
    selected, _left, skipped = fill(prep, [], prep.budget_int)
    rejections = {
        j: Rejection(j, "did_not_fit", profile.costs[j], prep.money(left_at))
        for j, left_at in (skipped.items() if explain else ())
    }
    return make_outcome(prep, "greedy", "none", selected, ["greedy"] * len(selected), {}, rejections)


def order(prep: Prepared) -> list[int]:
    """Project indexes, most votes first."""

    # pabutools sorts by total satisfaction per unit of cost, which with our satisfactions
    # (cost, or points x cost) is the votes, except for a free project: its satisfaction is 0,
    # so it ranks with the unvoted ones. Ties by project id.
    def key(j: int) -> tuple[int, str]:
        return (-prep.scores[j] if prep.cost_int[j] > 0 else 0, prep.names[j])

    return sorted(range(prep.m), key=key)


def fill(prep: Prepared, already: Sequence[int], left: int) -> tuple[list[int], int, dict[int, int]]:
    """Greedy by votes over the projects not in ``already``: (added, money left, skipped).

    ``skipped`` maps each project that did not fit to the (scaled) money left when greedy
    reached it.
    """
    taken = set(already)
    added: list[int] = []
    skipped: dict[int, int] = {}
    for j in order(prep):
        if j in taken:
            continue
        if prep.cost_int[j] <= left:
            added.append(j)
            left -= prep.cost_int[j]
        else:
            skipped[j] = left
    return added, left, skipped
