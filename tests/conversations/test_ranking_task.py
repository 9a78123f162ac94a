"""Queueing the ranking: coalesced after ratings, and the periodic run."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from conversations import ranking_runs, ranking_store, services, tasks
from conversations.models import (
    ContentStatus,
    Conversation,
    Idea,
    IdeaRanking,
    RankingQueue,
    RankingSummary,
    Rating,
)
from conversations.ranking_store import Scope
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea, make_people
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


def test_a_burst_of_ratings_queues_one_run(
    conversation: Conversation, bob: User, django_capture_on_commit_callbacks
) -> None:
    idea = make_idea(conversation, bob)
    RankingQueue.objects.filter(ranking__conversation=conversation).update(queued_at=None)
    with mock.patch.object(tasks.recompute_ranking, "apply_async") as queue:
        for person in make_people(5, "burst"):
            with django_capture_on_commit_callbacks(execute=True):
                services.rating_set(idea=idea, user=person, value=4)
    assert queue.call_count == 1
    assert queue.call_args.args[0] == (conversation.pk,)
    assert ranking_store.queued_at(Scope.of_conversation(conversation.pk)) is not None
    assert Rating.objects.count() == 5


def test_a_run_clears_the_marker_so_the_next_rating_queues_again(
    conversation: Conversation, bob: User, django_capture_on_commit_callbacks
) -> None:
    idea = make_idea(conversation, bob)
    alice, carol = make_people(2, "again")
    with mock.patch.object(tasks.recompute_ranking, "apply_async") as queue:
        with django_capture_on_commit_callbacks(execute=True):
            services.rating_set(idea=idea, user=alice, value=4)
        ranking_runs.ranking_recompute(conversation_id=conversation.pk)
        with django_capture_on_commit_callbacks(execute=True):
            services.rating_set(idea=idea, user=carol, value=2)
    assert queue.call_count == 2


def test_a_marker_left_by_a_lost_task_is_taken_again(
    conversation: Conversation, bob: User, django_capture_on_commit_callbacks, settings
) -> None:
    idea = make_idea(conversation, bob)
    long_ago = timezone.now() - timedelta(seconds=settings.RANKING_QUEUE_STALE_SECONDS + 60)
    RankingQueue.objects.filter(ranking__conversation=conversation).update(queued_at=long_ago)
    (alice,) = make_people(1, "late")
    with (
        mock.patch.object(tasks.recompute_ranking, "apply_async") as queue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.rating_set(idea=idea, user=alice, value=4)
    assert queue.call_count == 1
    queued_at = ranking_store.queued_at(Scope.of_conversation(conversation.pk))
    assert queued_at is not None
    assert queued_at > long_ago


def test_the_task_stores_counts_mean_distribution_score_rank_and_time(
    conversation: Conversation, bob: User
) -> None:
    loved = make_idea(conversation, bob, title="Loved")
    ignored = make_idea(conversation, bob, title="Ignored")
    for value, person in zip([5, 5, 4, 3], make_people(4, "voter"), strict=True):
        Rating.objects.create(idea=loved, user=person, conversation=conversation, value=value)
    before = timezone.now()
    result = tasks.recompute_ranking(conversation.pk)
    assert result == {"conversation": conversation.pk, "ideas": 2, "ratings": 4, "ms": result["ms"]}
    snapshot = IdeaRanking.objects.get(idea=loved)
    assert (snapshot.rating_count, snapshot.rating_mean, snapshot.rank) == (4, 4.25, 1)
    assert [(value, count) for value, _label, count in snapshot.distribution] == [
        (5, 2),
        (4, 1),
        (3, 1),
        (2, 0),
        (1, 0),
    ]
    assert snapshot.computed_at is not None
    assert snapshot.computed_at >= before
    assert snapshot.score is not None
    assert snapshot.score < 4.25
    other = IdeaRanking.objects.get(idea=ignored)
    assert (other.rating_count, other.rating_mean, other.rank) == (0, None, 2)
    summary = RankingSummary.objects.get(conversation=conversation)
    assert (summary.idea_count, summary.rating_count) == (2, 4)
    # c = (0, 0, 1, 1, 2), p = (1, 1, 2, 2, 3)/9: mean = (1 + 2 + 6 + 8 + 15)/9 = 32/9.
    assert summary.prior_mean == pytest.approx(32 / 9)


def test_hidden_ideas_lose_their_rank_and_the_rest_close_up(conversation: Conversation, bob: User) -> None:
    first, second, third = (make_idea(conversation, bob, title=t) for t in ("First", "Second", "Third"))
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    assert IdeaRanking.objects.get(idea=second).rank == 2
    Idea.objects.filter(pk=first.pk).update(status=ContentStatus.HIDDEN)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    assert IdeaRanking.objects.get(idea=first).rank is None
    assert (IdeaRanking.objects.get(idea=second).rank, IdeaRanking.objects.get(idea=third).rank) == (1, 2)
    assert RankingSummary.objects.get(conversation=conversation).idea_count == 2


def test_a_missing_snapshot_row_is_repaired(conversation: Conversation, bob: User) -> None:
    idea = make_idea(conversation, bob)
    IdeaRanking.objects.filter(idea=idea).delete()
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    assert IdeaRanking.objects.get(idea=idea).rank == 1


def test_an_unchanged_conversation_rewrites_nothing(conversation: Conversation, bob: User) -> None:
    idea = make_idea(conversation, bob)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    first = IdeaRanking.objects.get(idea=idea).computed_at
    assert first is not None
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    assert IdeaRanking.objects.get(idea=idea).computed_at == first
    latest = RankingSummary.objects.get(conversation=conversation).computed_at
    assert latest is not None
    assert latest > first


def test_the_periodic_run_covers_open_conversations_and_queued_ones(organisation, bob: User) -> None:
    open_one = make_conversation(organisation, slug="open-one")
    closed_queued = make_conversation(organisation, slug="closed-queued")
    closed_quiet = make_conversation(organisation, slug="closed-quiet")
    for conversation in (open_one, closed_queued, closed_quiet):
        make_idea(conversation, bob)
    Conversation.objects.filter(pk__in=[closed_queued.pk, closed_quiet.pk]).update(
        status=Conversation.Status.CLOSED
    )
    RankingQueue.objects.filter(ranking__conversation=closed_queued).update(queued_at=timezone.now())
    RankingQueue.objects.filter(ranking__conversation=closed_quiet).update(queued_at=None)
    assert tasks.recompute_rankings() == [open_one.pk, closed_queued.pk]
    assert ranking_store.queued_at(Scope.of_conversation(closed_queued.pk)) is None
    assert IdeaRanking.objects.filter(ranking__conversation=closed_quiet, rank__isnull=True).count() == 1


def test_the_beat_schedule_runs_the_periodic_task(settings) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["rankings"]
    assert entry["task"] == "conversations.tasks.recompute_rankings"
    assert float(entry["schedule"]) > 0
