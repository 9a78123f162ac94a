"""A round's anonymised ballots as a pabulib ``.pb`` file, so anyone can recompute its outcome.

The election is read exactly as the count reads it (:func:`budgeting.counting.load_round`):
eligible projects under their codes, every ballot as one voter. Nothing links a line to a
person: voters are numbered 1..n after sorting the ballots by what they hold (so the order
says nothing about who voted when), and no account, paper reference or time is written.
``python manage.py pb_outcome FILE --rule ...`` or pabutools then give the stored outcome,
and :func:`budgeting.services.round_import_pabulib` reads it back to the same outcome.
"""

from __future__ import annotations

import numpy as np
from django.utils import timezone

from . import pabulib
from .counting import load_round
from .models import BudgetProject, BudgetRound
from .rules import Profile

PABULIB_RULES = {
    ("greedy", "none"): "greedy",
    ("equal-shares", "none"): "equalshares",
    ("equal-shares", "add1"): "equalshares/add1",
    ("equal-shares", "add1+greedy"): "equalshares/add1/greedy",
}


def round_election(budget_round: BudgetRound) -> pabulib.PabulibElection:
    data = load_round(budget_round)
    profile = _anonymised(data.profile)
    titles = {
        p.code: p
        for p in BudgetProject.objects.filter(round=budget_round, eligible=True).only(
            "code", "title_en", "title_cy", "category_en"
        )
    }
    projects = [
        {
            "name": _cell(titles[code].title_en or titles[code].title_cy),
            "category": _cell(titles[code].category_en),
        }
        for code in profile.project_ids
    ]
    cumulative = budget_round.ballot_type == BudgetRound.BallotType.CUMULATIVE
    meta = {
        "description": _cell(budget_round.title_en or budget_round.title_cy),
        "country": "United Kingdom",
        "unit": _cell(
            budget_round.conversation.organisation.name_en or budget_round.conversation.organisation.name_cy
        ),
        "instance": budget_round.slug,
        "vote_type": "cumulative" if cumulative else "approval",
        "rule": PABULIB_RULES[(budget_round.rule, budget_round.completion)],
        "date_begin": timezone.localtime(budget_round.voting_opens).strftime("%d.%m.%Y"),
        "date_end": timezone.localtime(budget_round.voting_closes).strftime("%d.%m.%Y"),
        "currency": budget_round.currency,
        "language": "en",
    }
    if cumulative:
        meta["max_sum_points"] = str(budget_round.points)
    elif budget_round.ballot_type == BudgetRound.BallotType.K_APPROVAL:
        meta["max_length"] = str(budget_round.max_projects)
    return pabulib.PabulibElection.from_profile(profile, meta=meta, projects=projects)


def round_pb_text(budget_round: BudgetRound) -> str:
    return pabulib.dumps(round_election(budget_round))


def _cell(text: str) -> str:
    # One line per record in a .pb file.
    return " ".join(text.split())


def _anonymised(profile: Profile) -> Profile:
    """The same ballots in an order that depends only on their content."""
    starts = profile.ballot_starts.tolist()
    projects = profile.ballot_projects.tolist()
    points = profile.ballot_points.tolist() if profile.ballot_points is not None else None
    keys = []
    for voter in range(profile.num_voters):
        lo, hi = starts[voter], starts[voter + 1]
        ballot = sorted(zip(projects[lo:hi], points[lo:hi] if points else [1] * (hi - lo), strict=True))
        keys.append((ballot, voter))
    keys.sort()
    new_starts = [0]
    new_projects: list[int] = []
    new_points: list[int] = []
    for ballot, _voter in keys:
        new_projects.extend(p for p, _ in ballot)
        new_points.extend(x for _, x in ballot)
        new_starts.append(len(new_projects))
    return Profile(
        budget=profile.budget,
        project_ids=profile.project_ids,
        costs=profile.costs,
        ballot_starts=np.array(new_starts, dtype=np.int64),
        ballot_projects=np.array(new_projects, dtype=np.int64),
        ballot_points=np.array(new_points, dtype=np.int64) if points is not None else None,
    )
