"""Loading a round's ballots from the database into a :class:`budgeting.rules.Profile`.

The count, the ``.pb`` export and the re-import check all read a round through here, so they
see the same election: the round's eligible projects in code order (the code is the
tie-breaking key, see :mod:`budgeting.rules`) and every ballot, online, paper or imported, as
one voter. Votes for projects that have since been made ineligible are dropped; a ballot left
empty still counts as a voter (it was cast, and Equal Shares gives it its share).

The ballots come in one query straight into numpy arrays, through
:func:`budgeting.tally_store.fetch_votes` (the app's only SQL of its own, and why); this
module turns them into voters and project indexes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .models import BudgetProject, BudgetRound
from .rules import Profile
from .tally_store import fetch_votes


@dataclass(frozen=True)
class ProjectInfo:
    pk: int
    code: str
    cost: Decimal


@dataclass(frozen=True)
class RoundBallots:
    """A round's election: ``profile`` project ``i`` is ``projects[i]``; ``votes`` counted."""

    profile: Profile
    projects: list[ProjectInfo]
    votes: int


def load_round(budget_round: BudgetRound) -> RoundBallots:
    projects = [
        ProjectInfo(pk, code, cost)
        for pk, code, cost in BudgetProject.objects.filter(round=budget_round, eligible=True)
        .order_by("code")
        .values_list("pk", "code", "cost")
    ]
    num_ballots, ballot, project, points = fetch_votes(budget_round.pk)

    # Ballots with votes get voter indexes 0..k-1 in ballot-id order; empty ballots (only
    # imported ones can be) are the voters after them, with no rows.
    _ids, voter = np.unique(ballot, return_inverse=True)
    pks = np.array([p.pk for p in projects], dtype=np.int64)
    order = np.argsort(pks)
    if len(pks):
        where = np.minimum(np.searchsorted(pks[order], project), len(pks) - 1)
        known = pks[order][where] == project  # votes for ineligible projects drop out here
        index = order[where]
    else:
        known = np.zeros(len(project), dtype=bool)
        index = np.zeros(len(project), dtype=np.int64)
    cumulative = budget_round.ballot_type == BudgetRound.BallotType.CUMULATIVE
    profile = Profile.from_votes(
        budget=budget_round.budget,
        project_ids=[p.code for p in projects],
        costs=[p.cost for p in projects],
        num_voters=num_ballots,
        voters=voter[known],
        projects=index[known],
        points=points[known] if cumulative else None,
    )
    return RoundBallots(profile=profile, projects=projects, votes=int(known.sum()))
