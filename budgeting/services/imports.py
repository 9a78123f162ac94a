"""Importing a past election from a pabulib ``.pb`` file as a round, ready to count.

The file's ballots are the election's record: they are stored as imported, anonymous ballots
and are not held to our ballot rules (a file may have ballots over budget, say).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conversations.models import Conversation
from vocaleyes.errors import Refusal

from .. import pabulib
from ..models import Ballot, BudgetProject, BudgetRound, Vote
from .rounds import round_create


def _pabulib_date(text: str | None) -> datetime | None:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            parsed = datetime.strptime((text or "").strip(), pattern)
        except ValueError:
            continue
        return timezone.make_aware(parsed)
    return None


def _pabulib_rule(text: str) -> tuple[str, str]:
    text = text.strip().lower()
    if text.startswith("equalshares") or text.startswith("mes"):
        if "add1" in text or "completion" in text:
            return BudgetRound.Rule.EQUAL_SHARES, BudgetRound.Completion.ADD1_GREEDY
        return BudgetRound.Rule.EQUAL_SHARES, BudgetRound.Completion.NONE
    return BudgetRound.Rule.GREEDY, BudgetRound.Completion.NONE


def round_import_pabulib(
    *,
    conversation: Conversation,
    election: pabulib.PabulibElection,
    slug: str,
    title_en: str = "",
    title_cy: str = "",
    rule: str = "",
    completion: str = "",
    now: datetime | None = None,
    batch_size: int = 5000,
) -> BudgetRound:
    """Create a round from a past election read from a ``.pb`` file: its projects (ids kept as
    codes, so ties break as in the file) and its ballots as imported, anonymous ballots. The
    round's phases are the election's dates when the file has them, and in any case already
    over, so it can be counted at once. The ballots are the election's record and are not held
    to our ballot rules."""
    meta = election.meta
    profile = election.profile
    now = now or timezone.now()
    begins = _pabulib_date(meta.get("date_begin"))
    ends = _pabulib_date(meta.get("date_end"))
    if ends is None or ends > now:
        ends = now
    if begins is None or begins >= ends:
        begins = ends - timedelta(days=14)
    vote_type = election.vote_type
    fields: dict[str, Any] = {}
    if vote_type in pabulib.POINTS_TYPES:
        sums = (
            [int(s) for s in _ballot_sums(profile.ballot_starts, profile.ballot_points)]
            if profile.ballot_points is not None
            else []
        )
        max_points = meta.get("max_sum_points", "").strip()
        fields["ballot_type"] = BudgetRound.BallotType.CUMULATIVE
        fields["points"] = (int(max_points) if max_points.isdigit() else 0) or max(sums or [1]) or 1
    elif vote_type == "choose-1":
        fields.update(ballot_type=BudgetRound.BallotType.K_APPROVAL, max_projects=1)
    elif meta.get("max_length", "").strip().isdigit() and int(meta["max_length"]) < profile.num_projects:
        fields.update(ballot_type=BudgetRound.BallotType.K_APPROVAL, max_projects=int(meta["max_length"]))
    else:
        fields["ballot_type"] = BudgetRound.BallotType.APPROVAL
    file_rule, file_completion = _pabulib_rule(meta.get("rule", ""))
    fields["rule"] = rule or file_rule
    fields["completion"] = completion or (
        file_completion if fields["rule"] == file_rule else BudgetRound.Completion.NONE
    )
    if fields["rule"] == BudgetRound.Rule.GREEDY:
        fields["completion"] = BudgetRound.Completion.NONE
    description = meta.get("description", "")
    place = ", ".join(x for x in (meta.get("unit", ""), meta.get("instance", "")) if x)
    if not title_en and not title_cy:
        title_en = (description or place or slug)[:200]

    with transaction.atomic():
        budget_round = round_create(
            conversation=conversation,
            slug=slug,
            title_en=title_en,
            title_cy=title_cy,
            description_en=_import_note(meta),
            budget=_money(profile.budget),
            currency=(meta.get("currency") or "GBP")[:3].upper(),
            proposals_open=begins,
            review_opens=begins,
            voting_opens=begins,
            voting_closes=ends,
            **fields,
        )
        projects = BudgetProject.objects.bulk_create(
            BudgetProject(
                round=budget_round,
                code=project_id,
                title_en=(row.get("name") or project_id)[:200],
                description_en=row.get("description", ""),
                category_en=row.get("category", "")[:100],
                cost=_money(profile.costs[index]),
            )
            for index, (project_id, row) in enumerate(
                zip(profile.project_ids, election.projects, strict=True)
            )
        )
        project_pks = [p.pk for p in projects]
        if any(pk is None for pk in project_pks):  # backends without RETURNING
            by_code = dict(budget_round.projects.values_list("code", "pk"))
            project_pks = [by_code[code] for code in profile.project_ids]
        _import_ballots(budget_round, election, project_pks, batch_size)
    return budget_round


def _ballot_sums(starts: np.ndarray, points: np.ndarray) -> list[int]:
    totals = np.add.reduceat(points, starts[:-1]) if len(points) else np.zeros(len(starts) - 1)
    empty = starts[:-1] == starts[1:]
    totals = np.where(empty, 0, totals)
    return [int(t) for t in totals]


def _money(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    rounded = exact.quantize(Decimal("0.01"))
    if rounded != exact:
        raise Refusal(
            _("The file has an amount (%(amount)s) that is not whole pence or cents.") % {"amount": exact}
        )
    return rounded


def _import_note(meta: Mapping[str, str]) -> str:
    parts = [meta.get("description", "")]
    details = [
        f"{key}: {meta[key]}"
        for key in ("country", "unit", "instance", "date_begin", "date_end")
        if meta.get(key)
    ]
    if details:
        parts.append("; ".join(details))
    parts.append("Imported from a pabulib .pb file.")
    return "\n".join(p for p in parts if p)


def _import_ballots(
    budget_round: BudgetRound, election: pabulib.PabulibElection, project_pks: list[int], batch_size: int
) -> None:
    profile = election.profile
    starts = profile.ballot_starts.tolist()
    projects = profile.ballot_projects.tolist()
    points = profile.ballot_points.tolist() if profile.ballot_points is not None else None
    seen: set[str] = set()
    references = []
    for number, voter_id in enumerate(election.voter_ids, start=1):
        reference = (voter_id or str(number))[:60]
        if reference in seen:  # files are not always careful about unique voter ids
            reference = f"{reference[:50]}#{number}"
        seen.add(reference)
        references.append(reference)
    for first in range(0, profile.num_voters, batch_size):
        last = min(first + batch_size, profile.num_voters)
        ballots = Ballot.objects.bulk_create(
            Ballot(round=budget_round, kind=Ballot.Kind.IMPORTED, paper_reference=references[v])
            for v in range(first, last)
        )
        ids = [b.pk for b in ballots]
        if any(pk is None for pk in ids):
            by_reference = dict(
                Ballot.objects.filter(
                    round=budget_round, paper_reference__in=references[first:last]
                ).values_list("paper_reference", "pk")
            )
            ids = [by_reference[references[v]] for v in range(first, last)]
        votes = []
        for offset, voter in enumerate(range(first, last)):
            for at in range(starts[voter], starts[voter + 1]):
                value = 1 if points is None else points[at]
                if value > 0:  # a zero on a points ballot is no support (and no vote row)
                    votes.append(
                        Vote(
                            ballot_id=ids[offset],
                            round_id=budget_round.pk,
                            project_id=project_pks[projects[at]],
                            points=value,
                        )
                    )
        Vote.objects.bulk_create(votes, batch_size=batch_size)
