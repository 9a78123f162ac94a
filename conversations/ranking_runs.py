"""The background ranking: a recompute queued after a rating, an idea or a moderation decision
commits, and the run itself, the maths (``conversations.ranking``) between the store's
``counts`` and ``swap`` (``conversations.ranking_store``, which says why a run never blocks a
rating). The Celery tasks (``conversations.tasks``) call ``ranking_recompute``.
"""

from __future__ import annotations

import time

from django.conf import settings

from . import ranking, ranking_store
from .models import RankingSummary
from .ranking_store import Scope


def ranking_schedule(*, conversation_id: int) -> bool:
    """Queue a ranking recompute for the conversation unless one is queued already.

    Called after a rating (or a new idea, or a moderation decision) commits. Of a burst of
    ratings only the first finds the queue marker clear and queues the task; the rest find it
    set and do nothing (``ranking_store.mark_queued``). Returns whether it queued.
    """
    from .tasks import recompute_ranking

    if not ranking_store.mark_queued(Scope.of_conversation(conversation_id)):
        return False
    recompute_ranking.apply_async((conversation_id,), countdown=settings.RANKING_DELAY_SECONDS)
    return True


def ranking_recompute(*, conversation_id: int) -> RankingSummary:
    """Recompute and store a conversation's priority ranking (the snapshot pages read).

    Visible ideas are ranked; ideas that are not visible lose their rank and their ratings are
    left out. Only snapshot rows whose figures changed are written. Ratings and page reads go
    on at full speed meanwhile: nothing here holds a lock they wait for (see ranking_store).
    """
    scope = Scope.of_conversation(conversation_id)
    # Clear the queue marker *before* reading, so any rating committed from now on queues the
    # next run: no rating can miss both this run and the next.
    ranking_store.take_queued(scope)
    # One run per conversation at a time: a second run waits here, then reads what the first
    # wrote plus anything newer, instead of racing it to swap in an older snapshot.
    with ranking_store.running(scope) as held:
        started = time.perf_counter()
        idea_ids, counts = ranking_store.counts(scope)
        result = ranking.rank_arrays(idea_ids, counts)
        return ranking_store.swap(scope, result, held=held, started=started)
