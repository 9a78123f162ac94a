"""Counting a round: queueing a count, running it (the Celery task's work) and storing both
outcomes, the round's own rule and the other rule for comparison.

A count is a :class:`budgeting.models.Tally`; at most one is live per round (a database
constraint), so a double click, the admin action and the beat task never count twice at once.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vocaleyes.errors import Refusal
from vocaleyes.models import User
from vocaleyes.permissions import check_not_suspended

from ..counting import ProjectInfo, load_round
from ..formatting import format_moment
from ..models import BudgetRound, Outcome, OutcomeProject, Phase, Tally
from ..rules import Outcome as RulesOutcome
from ..rules import Profile, compute

logger = logging.getLogger(__name__)


def tally_request(
    *, budget_round: BudgetRound, requested_by: User | None = None, now: datetime | None = None
) -> Tally:
    """Queue a count of ``budget_round`` (after commit). Idempotent: while a count is queued or
    running, that count is returned and nothing new is queued, so a double click counts once.
    A count is a write: a suspended facilitator or officer is refused."""
    if requested_by is not None:
        check_not_suspended(requested_by)
    if budget_round.phase_at(now or timezone.now()) != Phase.RESULTS:
        raise Refusal(
            _("Votes can be counted once voting has closed, on %(date)s.")
            % {"date": format_moment(budget_round.voting_closes)},
            forbidden=True,
        )
    with transaction.atomic():
        live = Tally.objects.live().filter(round=budget_round).first()
        if live is not None:
            return live
        try:
            with transaction.atomic():
                tally = Tally.objects.create(round=budget_round, requested_by=requested_by)
        except IntegrityError:  # another request queued one a moment ago
            return Tally.objects.live().get(round=budget_round)

        def queue() -> None:
            from ..tasks import tally_round

            tally_round.delay(tally.pk)

        transaction.on_commit(queue)
    return tally


@dataclass
class _Computed:
    outcome: RulesOutcome
    duration_ms: int


def _progress(tally: Tally, progress: int, **fields: int) -> None:
    # Written outside any transaction so the results page sees it at once.
    Tally.objects.filter(pk=tally.pk).update(progress=progress, **fields)


def tally_run(*, tally_id: int) -> Tally:
    """Count a queued tally: load the ballots, compute the round's rule and the other rule for
    comparison, and store both outcomes. Progress is written as it goes. A tally that is not
    queued (already taken by another worker, or redelivered) is left alone. Failures are
    recorded on the tally and logged, never half-stored."""
    claimed = Tally.objects.filter(pk=tally_id, status=Tally.Status.QUEUED).update(
        status=Tally.Status.RUNNING, started=timezone.now(), progress=5
    )
    tally = Tally.objects.select_related("round").get(pk=tally_id)
    if not claimed:
        return tally
    budget_round = tally.round
    started = time.perf_counter()
    try:
        data = load_round(budget_round)
        _progress(tally, 30, ballots=data.profile.num_voters, votes=data.votes)
        primary = _compute(data.profile, budget_round.rule, budget_round.completion)
        _progress(tally, 60)
        other_rule, other_completion = budget_round.comparison_rule
        other = _compute(data.profile, other_rule, other_completion)
        _progress(tally, 85)
        with transaction.atomic():
            _store(tally, data.projects, primary, is_primary=True)
            _store(tally, data.projects, other, is_primary=False)
            Tally.objects.filter(pk=tally.pk).update(
                status=Tally.Status.DONE,
                progress=100,
                finished=timezone.now(),
                duration_ms=int((time.perf_counter() - started) * 1000),
            )
    except Exception as exc:
        logger.exception("Count %s of budget round %s failed", tally.pk, budget_round.pk)
        Tally.objects.filter(pk=tally.pk).update(
            status=Tally.Status.FAILED, finished=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000]
        )
    tally.refresh_from_db()
    return tally


def _compute(profile: Profile, rule: str, completion: str) -> _Computed:
    started = time.perf_counter()
    # The model's choices are the rules' Literal names; mypy cannot see that through a CharField.
    outcome = compute(profile, rule, completion)  # type: ignore[arg-type]
    return _Computed(outcome, int((time.perf_counter() - started) * 1000))


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


def _store(tally: Tally, projects: list[ProjectInfo], computed: _Computed, *, is_primary: bool) -> Outcome:
    result = computed.outcome
    outcome = Outcome.objects.create(
        tally=tally,
        rule=result.rule,
        completion=result.completion,
        is_primary=is_primary,
        budget=_decimal(result.budget),
        spent=_decimal(result.spent),
        per_voter_budget=float(result.per_voter_budget) if result.per_voter_budget is not None else None,
        duration_ms=computed.duration_ms,
    )
    position = {project: place for place, project in enumerate(result.selected, start=1)}
    stage = dict(zip(result.selected, result.stages, strict=True))
    lines = []
    for index, project in enumerate(projects):
        share = result.shares.get(index)
        rejection = result.rejections.get(index)
        lines.append(
            OutcomeProject(
                outcome=outcome,
                project_id=project.pk,
                votes=result.votes[index],
                score=result.scores[index],
                position=position.get(index),
                stage=stage.get(index, ""),
                rho=share.rho if share else None,
                full_share=share.full_share if share else None,
                paid_full_share=share.paid_full_share if share else None,
                paid_all_they_had=share.paid_all_they_had if share else None,
                total_paid=share.total_paid if share else None,
                reason=rejection.reason if rejection else "",
                budget_left=_decimal(rejection.budget_left) if rejection else None,
                supporters_money=rejection.supporters_money if rejection else None,
            )
        )
    OutcomeProject.objects.bulk_create(lines)
    return outcome
