"""Loading a round's ballots from the database into a :class:`budgeting.rules.Profile`.

The count, the ``.pb`` export and the re-import check all read a round through here, so they
see the same election: the round's eligible projects in code order (the code is the
tie-breaking key, see :mod:`budgeting.rules`) and every ballot, online, paper or imported, as
one voter. Votes for projects that have since been made ineligible are dropped; a ballot left
empty still counts as a voter (it was cast, and Equal Shares gives it its share).

The votes come from the votes' ``(round, ballot)`` index through the ORM, straight into one
numpy array. A count of ``bench/pb_tally.py``'s city round (40,000 ballots, 400,000 votes,
Postgres) loads them in about 0.23 s this way (load average about 4 on 2 cores); hand-written
SQL packing the rows into one ``bytea`` took 0.15 s, a tenth of a second on a count that runs
once per round against a 3 s target, so the ORM it is (figures in this module's commit).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .models import Ballot, BudgetProject, BudgetRound, Vote
from .rules import Profile

# One vote as numpy holds it: (ballot id, project id, points).
_VOTE = np.dtype([("ballot", np.int64), ("project", np.int64), ("points", np.int64)])


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
    num_ballots, ballot, project, points = _fetch_votes(budget_round)

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


def _fetch_votes(budget_round: BudgetRound) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """The number of ballots, and (ballot id, project id, points) for every vote."""
    votes = Vote.objects.filter(round=budget_round).values_list("ballot_id", "project_id", "points")
    # Read as tuples once, then packed by numpy: no model instance, no dict per vote.
    rows = np.fromiter(votes, dtype=_VOTE, count=len(votes))
    ballot, project, points = (np.ascontiguousarray(rows[name]) for name in ("ballot", "project", "points"))
    return Ballot.objects.filter(round=budget_round).count(), ballot, project, points
