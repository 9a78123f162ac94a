"""The background ranking: a recompute queued after a rating, an idea or a moderation decision
commits, and the run itself, the maths (``conversations.ranking``) between the store's
``counts`` and ``swap`` (``conversations.ranking_store``, which says why a run never blocks a
rating). The Celery tasks (``conversations.tasks``) call ``ranking_recompute`` and, for the
periodic run, ``recompute``.

A conversation with target groups (``conversations.audience``) gets its fair orders in the same
run (``conversations.group_ranking``): the priority ranking among each group's members, the
representative order and the consensus order, each stored as a scope of its own. They need
who rated what, not just how many ratings of each value, so such a run reads the ratings one
by one (``ranking_store.person_ratings``) and counts the overall ranking from them too.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings

from . import audience, group_ranking, ranking, ranking_store
from .models import Conversation, RankingSummary
from .ranking_store import Scope

# The most a recompute should take at national size (the README's benchmark: target 5 s, median
# 1.7 s for a conversation with fair orders), added to the countdown to say how soon a rating
# shows in the figures.
RUN_SECONDS = 5


def seconds_until_counted() -> int:
    """Roughly how long after a rating the ranking's figures include it, as pages tell people:
    the countdown before the queued run starts, plus the run itself."""
    return math.ceil(settings.RANKING_DELAY_SECONDS + RUN_SECONDS)


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
    # wrote plus anything newer, instead of racing it to swap in an older snapshot. The lock
    # covers the conversation's fair orders too: only this run writes them.
    with ranking_store.running(scope) as held:
        started = time.perf_counter()
        conversation = Conversation.objects.only("pk", "organisation_id").get(pk=conversation_id)
        groups = audience.groups_of(conversation)
        if not groups:
            ranking_store.drop_variants(conversation_id, keep_groups=[])
            idea_ids, counts = ranking_store.counts(scope)
            result = ranking.rank_arrays(idea_ids, counts)
            return ranking_store.swap(scope, result, held=held, started=started)
        ratings, person_ids = ranking_store.person_ratings(scope)
        overall = ratings.overall()
        home = ranking_store.swap(scope, overall, held=held, started=started)
        _fair_orders(conversation_id, groups, ratings, person_ids, overall)
        return home


def _fair_orders(
    conversation_id: int,
    groups: list[Any],
    ratings: group_ranking.Ratings,
    person_ids: npt.NDArray[np.int64],
    overall: ranking.Ranking,
) -> None:
    """Compute and store the per-group, representative and consensus orders (inside the
    conversation's run, under its lock)."""
    started = time.perf_counter()
    # Names go with the ids into the summaries' details, so a page shows them without a query.
    names = {group.pk: {"id": group.pk, "en": group.name_en, "cy": group.name_cy} for group in groups}
    dimensions = audience.dimensions(groups, person_ids, *ranking_store.memberships(groups))
    one_of = [dimension for dimension in dimensions if dimension.name in audience.ONE_OF_KINDS]
    raters = ratings.raters()

    rated: dict[int, int] = {}  # per group, how many of its members rated
    for group_id, result in group_ranking.per_group(ratings, dimensions).items():
        rated[group_id] = sum(
            int((raters & (d.groups == group_id)).sum()) for d in dimensions if group_id in d.sizes
        )
        details = {"raters": rated[group_id], "group": names[group_id]}
        _store(Scope.of_group(conversation_id, group_id), result, started, details=details)

    fair = group_ranking.representative(ratings, one_of)
    weights = fair.weights
    representative = ranking.Ranking(
        idea_ids=overall.idea_ids,
        counts=overall.counts,
        rating_count=overall.rating_count,
        rating_mean=fair.weighted_mean,
        posterior_mean=fair.posterior_mean,
        score=fair.score,
        ranks=fair.ranks,
        order=fair.order,
        prior=fair.prior,
    )
    details = {
        "method": weights.method,
        "dimensions": list(weights.dimensions),
        "effective_size": round(weights.n_eff, 1),
        "raters": weights.sample_size,
        # Every group nobody from has rated (those of one-of kinds with a size cannot be
        # weighted up; the page names them all).
        "missing_groups": [names[group.pk] for group in groups if rated.get(group.pk, 0) == 0],
        "converged": weights.converged,
    }
    _store(Scope.representative(conversation_id), representative, started, fair.n_eff, details)

    agreed = group_ranking.consensus(ratings, one_of)
    consensus = ranking.Ranking(
        idea_ids=overall.idea_ids,
        counts=overall.counts,
        rating_count=overall.rating_count,
        rating_mean=overall.rating_mean,
        posterior_mean=agreed.score,
        score=agreed.score,
        ranks=agreed.ranks,
        order=agreed.order,
        prior=overall.prior,
    )
    present = [group for group in agreed.groups if group != group_ranking.NO_ANSWER]
    _store(
        Scope.consensus(conversation_id), consensus, started, details={"groups": [names[g] for g in present]}
    )
    ranking_store.drop_variants(conversation_id, keep_groups=[group.pk for group in groups])


def _store(
    scope: Scope,
    result: ranking.Ranking,
    started: float,
    effective_size: npt.NDArray[np.float64] | None = None,
    details: dict[str, Any] | None = None,
) -> RankingSummary:
    held = ranking_store.fair_summary(scope)
    return ranking_store.swap(
        scope, result, held=held, started=started, effective_size=effective_size, details=details
    )


def roll_up_recompute(*, organisation_id: int) -> RankingSummary:
    """Recompute an organisation's roll-up: the ideas of the open public conversations of it
    and its member organisations, ranked together with the same priority score (one prior
    across them all). A person rates an idea once, so each person counts once per idea."""
    scope = Scope.of_organisation(organisation_id)
    with ranking_store.running(scope) as held:
        started = time.perf_counter()
        idea_ids, counts = ranking_store.counts(scope)
        result = ranking.rank_arrays(idea_ids, counts)
        return ranking_store.swap(scope, result, held=held, started=started)


def recompute(scope: Scope) -> RankingSummary:
    """The periodic run's step for one scope from ``ranking_store.scopes_due``."""
    if scope.kind == "organisation":
        return roll_up_recompute(organisation_id=scope.pk)
    return ranking_recompute(conversation_id=scope.pk)
