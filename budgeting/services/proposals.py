"""Residents' project proposals and their review by facilitators.

``proposal_submit`` takes a proposal during the proposals phase only, from someone signed in
and not suspended. ``proposal_review`` records the facilitators' decision until voting opens:
feasible puts the proposal on the ballot as a project (``project_create``, in the proposal's
language, at the cost the facilitator settles on) and not feasible needs a reason, which the
proposer is shown. A decision may be changed until voting opens; a project made from a proposal
that is then found not feasible leaves the ballot.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vocaleyes.errors import Refusal
from vocaleyes.permissions import is_suspended, suspension_message

from ..models import BudgetRound, Phase, Proposal
from .rounds import full_clean_or_refuse, outcome_fixed_refusal, project_create

if TYPE_CHECKING:
    from vocaleyes.models import User


def proposal_submit_refusal(*, budget_round: BudgetRound, proposer: User) -> Refusal | None:
    """Why this person may not propose a project in this round now, or None."""
    if is_suspended(proposer):
        return Refusal(suspension_message(proposer), forbidden=True)
    phase = budget_round.phase
    if phase == Phase.UPCOMING:
        return Refusal(_("Proposals have not opened yet."), forbidden=True)
    if phase != Phase.PROPOSALS:
        return Refusal(_("Proposals for this round have closed."), forbidden=True)
    return None


def proposal_submit(
    *,
    budget_round: BudgetRound,
    proposer: User,
    title: str,
    description: str,
    estimated_cost: Decimal,
    language: str,
) -> Proposal:
    refusal = proposal_submit_refusal(budget_round=budget_round, proposer=proposer)
    if refusal is not None:
        raise refusal
    if not title.strip():
        raise Refusal(_("Give your project a title."), field="title")
    if not description.strip():
        raise Refusal(_("Say what the project would do."), field="description")
    proposal = Proposal(
        round=budget_round,
        proposer=proposer,
        title=title.strip(),
        description=description.strip(),
        estimated_cost=estimated_cost,
        language=language,
    )
    full_clean_or_refuse(proposal)
    proposal.save()
    return proposal


def proposal_review(
    *, proposal: Proposal, reviewer: User, feasible: bool, reason: str, cost: Decimal | None = None
) -> Proposal:
    """Record the decision. Feasible: the proposal becomes (or stays) a project on the ballot at
    ``cost`` (the proposer's estimate when None). Not feasible: ``reason`` is required, and a
    project made from it earlier is taken off the ballot."""
    if is_suspended(reviewer):
        raise Refusal(suspension_message(reviewer), forbidden=True)
    reason = reason.strip()
    if not feasible and not reason:
        raise Refusal(_("Say why the proposal is not feasible: the proposer will see it."), field="reason")
    with transaction.atomic():
        # Lock the round: voting must not open between the check and the new project.
        budget_round = BudgetRound.objects.select_for_update().get(pk=proposal.round_id)
        refusal = outcome_fixed_refusal(budget_round)
        if refusal is not None:
            raise refusal
        # Only the proposal row: its project is the nullable side of an outer join, which
        # Postgres will not lock.
        locked = (
            Proposal.objects.select_for_update(of=("self",)).select_related("project").get(pk=proposal.pk)
        )
        if locked.moderation != "published":
            raise Refusal(_("This proposal has been taken down by a moderator."), forbidden=True)
        project = locked.project
        if feasible:
            cost = locked.estimated_cost if cost is None else cost
            if project is None:
                welsh = locked.language == "cy"
                project = project_create(
                    budget_round=budget_round,
                    cost=cost,
                    title_en="" if welsh else locked.title,
                    title_cy=locked.title if welsh else "",
                    description_en="" if welsh else locked.description,
                    description_cy=locked.description if welsh else "",
                )
            elif project.cost != cost:
                project.cost = cost
                full_clean_or_refuse(project)
                project.save(update_fields=["cost"])
        elif project is not None:
            project.delete()
            project = None
        locked.decision = Proposal.Decision.FEASIBLE if feasible else Proposal.Decision.NOT_FEASIBLE
        locked.reason = reason
        locked.reviewed_by = reviewer
        locked.reviewed = timezone.now()
        locked.project = project
        full_clean_or_refuse(locked)
        locked.save(update_fields=["decision", "reason", "reviewed_by", "reviewed", "project"])
    return locked
