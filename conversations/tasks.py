"""Background work for conversations: keeping the priority ranking up to date."""

from __future__ import annotations

from celery import shared_task
from django.db.models import Q

from . import services
from .models import Conversation


@shared_task(name="conversations.tasks.recompute_ranking")
def recompute_ranking(conversation_id: int) -> dict[str, object]:
    """Recompute one conversation's ranking (queued by ``services.ranking_schedule``)."""
    summary = services.ranking_recompute(conversation_id=conversation_id)
    return {
        "conversation": conversation_id,
        "ideas": summary.idea_count,
        "ratings": summary.rating_count,
        "ms": summary.duration_ms,
    }


@shared_task(name="conversations.tasks.recompute_rankings")
def recompute_rankings() -> list[int]:
    """The periodic run (beat): every open conversation, and any other with a run still queued.

    It refreshes rankings even if a queued task was lost, and picks up changes that did not
    come through a rating (an idea hidden by moderation, say).
    """
    ids = list(
        Conversation.objects.filter(Q(status=Conversation.Status.OPEN) | Q(ranking__queued_at__isnull=False))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for conversation_id in ids:
        services.ranking_recompute(conversation_id=conversation_id)
    return ids
