"""The reads behind the budgeting API: which rounds a person may see, rounds by phase, a
round's latest finished count.

Who may see a round is :func:`budgeting.permissions.can_view_round` (as visible as its
conversation); nothing here restates it. Listed conversations are visible to everyone, so
their rounds are taken in SQL; the few rounds of unlisted conversations (drafts, invitation-only)
are each asked of the predicate, which costs no query for anyone but a member of an
invitation-only conversation (one per such conversation, remembered for the request).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from conversations.models import Conversation

from .. import permissions
from ..models import BudgetRound, Phase

if TYPE_CHECKING:
    from vocaleyes.permissions import Person


def rounds_visible_to(user: Person) -> QuerySet[BudgetRound]:
    """Every round this person may see (``permissions.can_view_round``)."""
    listed = Conversation.objects.listed()
    unlisted = BudgetRound.objects.exclude(conversation__in=listed).select_related("conversation")
    seen = [budget_round.pk for budget_round in unlisted if permissions.can_view_round(user, budget_round)]
    return BudgetRound.objects.filter(Q(conversation__in=listed) | Q(pk__in=seen))


def phase_condition(phase: str, now: datetime | None = None) -> Q:
    """The rounds in ``phase`` at ``now``, as a condition on their dates: the SQL form of
    :meth:`BudgetRound.phase_at` (tests/api/test_budgeting_rounds.py checks them against each
    other at every phase)."""
    now = now or timezone.now()
    conditions = {
        Phase.UPCOMING: Q(proposals_open__gt=now),
        Phase.PROPOSALS: Q(proposals_open__lte=now, review_opens__gt=now),
        Phase.REVIEW: Q(review_opens__lte=now, voting_opens__gt=now),
        Phase.VOTING: Q(voting_opens__lte=now, voting_closes__gt=now),
        Phase.RESULTS: Q(voting_closes__lte=now),
    }
    return conditions[Phase(phase)]
