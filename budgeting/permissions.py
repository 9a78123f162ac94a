"""Who may do what in a budget round, as plain predicates of (person, round, moment).

Used by views, templates (through the flags views pass) and admin alike, and tested as a
role x phase matrix (tests/budgeting/test_permissions.py). Roles: anyone (not signed in), a
resident (signed in), a facilitator of the conversation's organisation, and a council officer
(staff). Who is which comes from the shared predicates (:mod:`vocaleyes.permissions`), and
whether a round may be seen from its conversation
(:func:`conversations.permissions.can_see_conversation`); this module adds only what rounds
add: their phases, from the round's dates (:meth:`BudgetRound.phase_at`).

Results stay hidden until voting closes, for everyone: a count cannot even be requested before
then, so no one sees a running score that could sway the vote.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from conversations.permissions import can_see_conversation
from vocaleyes.permissions import is_facilitator, is_officer, is_suspended

from .models import BudgetRound, Phase

if TYPE_CHECKING:
    from vocaleyes.permissions import Person


def can_manage(user: Person, budget_round: BudgetRound) -> bool:
    """Officers, and facilitators of the organisation running the round's conversation."""
    return is_officer(user) or is_facilitator(user, budget_round.conversation.organisation_id)


def can_change_round(user: Person, budget_round: BudgetRound) -> bool:
    """The facilitator pages' forms: managers who are not suspended (suspended: read-only).
    What may still change once voting starts is the services' rule, whoever asks."""
    return can_manage(user, budget_round) and not is_suspended(user)


def can_view_round(user: Person, budget_round: BudgetRound) -> bool:
    """A round is as visible as its conversation."""
    return can_see_conversation(user, budget_round.conversation)


def can_vote(user: Person, budget_round: BudgetRound, now: datetime | None = None) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and not is_suspended(user)  # an officer's suspension stops voting too
        and budget_round.phase_at(now) == Phase.VOTING
        and can_view_round(user, budget_round)
    )


def can_propose(user: Person, budget_round: BudgetRound, now: datetime | None = None) -> bool:
    """Residents propose projects during the proposals phase (not while suspended)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and not is_suspended(user)
        and budget_round.phase_at(now) == Phase.PROPOSALS
        and can_view_round(user, budget_round)
    )


def can_enter_paper_ballots(user: Person, budget_round: BudgetRound, now: datetime | None = None) -> bool:
    return (
        is_officer(user)
        and not is_suspended(user)
        and budget_round.phase_at(now) in (Phase.VOTING, Phase.RESULTS)
    )


def can_request_tally(user: Person, budget_round: BudgetRound, now: datetime | None = None) -> bool:
    """Start the count: managers, once voting has closed, not while suspended (the service
    tells a suspended manager why)."""
    return (
        budget_round.phase_at(now) == Phase.RESULTS
        and can_manage(user, budget_round)
        and not is_suspended(user)
    )


def can_view_results(user: Person, budget_round: BudgetRound, now: datetime | None = None) -> bool:
    return budget_round.phase_at(now) == Phase.RESULTS and can_view_round(user, budget_round)


def can_download_ballots(user: Person, budget_round: BudgetRound, now: datetime | None = None) -> bool:
    """The anonymised ballots are open data once voting is over, like the results."""
    return can_view_results(user, budget_round, now)
