"""The ranking store under real concurrency: a recompute never blocks a rating.

Each test pauses a real recompute at one point (while it computes, or inside the short
transaction that swaps its snapshot in) on a connection of its own, then rates, reads or starts
another run from other connections, and checks who waited for whom in ``pg_stat_activity``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.db import connection, connections, transaction

from conversations import ranking, ranking_runs, ranking_store, services, tasks
from conversations.models import Conversation, Idea, IdeaRanking, RankingSummary, Rating
from conversations.ranking_store import Scope
from tests.conversations.conftest import make_idea, make_people
from vocaleyes.models import User

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 20  # seconds: generous, for a busy machine; a blocked step waits for ever


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        # SQLite has no row locks to wait on (one writer at a time, and the in-memory test
        # database refuses a second writer outright) and no advisory locks: the question these
        # tests ask only exists on Postgres (CI's second run, and the bench database).
        pytest.skip("needs Postgres: concurrent transactions with row and advisory locks")


def _in_thread(target: Callable[[], Any], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _waiting_on_locks() -> list[str]:
    """What backends of this database wait for, seen from a connection of its own."""
    observer = connections.create_connection("default")
    try:
        with observer.cursor() as cursor:
            cursor.execute(
                "SELECT wait_event FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return [event for (event,) in cursor.fetchall()]
    finally:
        observer.close()


@contextmanager
def _paused_run(conversation: Conversation, where: str) -> Iterator[threading.Event]:
    """A recompute in another thread, held at ``where`` ("computing": after it cleared the
    queue marker and took its run lock, while the maths runs; "swapping": inside the swap's
    transaction, after the idea rows were written) until the caller leaves the block."""
    reached, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    first_call = threading.Lock()

    def hold(original: Callable[..., Any]) -> Callable[..., Any]:
        def held(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs) if where == "swapping" else None
            if first_call.acquire(blocking=False):  # only the paused run pauses
                reached.set()
                # Longer than any step of the test waits, so a blocked step is seen blocked.
                assert release.wait(3 * WAIT), "the test never released the paused run"
            return result if where == "swapping" else original(*args, **kwargs)

        return held

    target = (ranking, "rank_arrays") if where == "computing" else (ranking_store, "_write_rows")
    with mock.patch.object(*target, new=hold(getattr(*target))):
        run = _in_thread(lambda: ranking_runs.ranking_recompute(conversation_id=conversation.pk), errors)
        try:
            assert reached.wait(WAIT), f"the recompute never reached {where}"
            yield reached
        finally:
            release.set()
            run.join(WAIT)
    assert not run.is_alive()
    assert errors == []


@contextmanager
def _queued_not_run() -> Iterator[mock.MagicMock]:
    """Queued recomputes are recorded instead of run: tests run tasks eagerly, which would make
    the rating itself run the next recompute (and wait for the paused one's run lock)."""
    with mock.patch.object(tasks.recompute_ranking, "apply_async") as queue:
        yield queue


def _rate_in_thread(idea: Idea, person: User, value: int) -> float:
    """Rate from another connection, as a request would (autocommit, its on-commit queueing
    included); returns how long it took, failing if it does not finish."""
    errors: list[BaseException] = []
    started = time.perf_counter()
    thread = _in_thread(lambda: services.rating_set(idea=idea, user=person, value=value), errors)
    thread.join(WAIT)
    took = time.perf_counter() - started
    assert not thread.is_alive(), (
        f"the rating waited on the recompute; backends waiting: {_waiting_on_locks()}"
    )
    assert errors == []
    return took


@pytest.fixture
def rated(conversation: Conversation, bob: User) -> tuple[list[Idea], list[User]]:
    ideas = [make_idea(conversation, bob, title=title) for title in ("Benches", "Bins")]
    people = make_people(3, "rater")
    for person in people[:2]:
        services.rating_set(idea=ideas[0], user=person, value=5)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    return ideas, people


@pytest.mark.parametrize("where", ["computing", "swapping"])
def test_a_rating_commits_and_queues_the_next_run_while_a_recompute_is_open(
    conversation: Conversation, rated: tuple[list[Idea], list[User]], where: str
) -> None:
    ideas, people = rated
    with _queued_not_run() as queue:
        with _paused_run(conversation, where):
            took = _rate_in_thread(ideas[1], people[2], 4)
            # It committed: another connection sees it, while the run is still open.
            assert Rating.objects.filter(idea=ideas[1], user=people[2]).exists()
            # The run had cleared the marker, so this rating queued the next run.
            assert queue.call_count == 1
            assert queue.call_args.args[0] == (conversation.pk,)
            assert ranking_store.queued_at(Scope.of_conversation(conversation.pk)) is not None
            assert took < WAIT / 2
        # The next run counts it.
        ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    assert IdeaRanking.objects.get(idea=ideas[1]).rating_count == 1
    assert RankingSummary.objects.get(conversation=conversation).rating_count == 3


def test_pages_read_the_old_snapshot_until_the_swap_commits(
    conversation: Conversation, rated: tuple[list[Idea], list[User]], client: Any
) -> None:
    ideas, people = rated
    scope = Scope.of_conversation(conversation.pk)
    before = ranking_store.order(scope)
    with _queued_not_run():
        for person in people:
            services.rating_set(idea=ideas[1], user=person, value=5)
    with _paused_run(conversation, "swapping"):
        # The new rows are written but not committed: readers see the old snapshot whole.
        assert ranking_store.order(scope) == before
        assert IdeaRanking.objects.get(idea=ideas[1]).rating_count == 0
        response = client.get("/conversations/wellbeing/")
        assert response.status_code == 200
        assert _waiting_on_locks() == []
    assert ranking_store.order(scope) == [ideas[1].pk, ideas[0].pk]
    assert IdeaRanking.objects.get(idea=ideas[1]).rating_count == 3


def test_a_second_run_of_the_same_ranking_waits_for_the_first_and_counts_what_came_meanwhile(
    conversation: Conversation, rated: tuple[list[Idea], list[User]]
) -> None:
    ideas, people = rated
    errors: list[BaseException] = []
    with _queued_not_run(), _paused_run(conversation, "computing"):
        _rate_in_thread(ideas[1], people[2], 4)
        second = _in_thread(lambda: ranking_runs.ranking_recompute(conversation_id=conversation.pk), errors)
        deadline = time.monotonic() + WAIT
        while "advisory" not in _waiting_on_locks() and time.monotonic() < deadline:
            time.sleep(0.05)
        # The second run waits on the run lock (an advisory lock), nothing else does.
        assert _waiting_on_locks() == ["advisory"]
        assert second.is_alive()
    second.join(WAIT)
    assert not second.is_alive()
    assert errors == []
    # The second run read after the first swapped: the rating made meanwhile is counted.
    assert IdeaRanking.objects.get(idea=ideas[1]).rating_count == 1
    assert RankingSummary.objects.get(conversation=conversation).rating_count == 3


def test_of_two_ratings_racing_for_the_queue_marker_one_takes_it(
    conversation: Conversation, rated: tuple[list[Idea], list[User]]
) -> None:
    """The first holds its UPDATE of the marker uncommitted; the second waits for that row,
    then finds the marker set and queues nothing: a burst of ratings still queues one run."""
    scope = Scope.of_conversation(conversation.pk)
    ranking_store.take_queued(scope)
    first_took, release = threading.Event(), threading.Event()
    results: dict[str, bool] = {}
    errors: list[BaseException] = []

    def first() -> None:
        with transaction.atomic():
            results["first"] = ranking_store.mark_queued(scope)
            first_took.set()
            release.wait(WAIT)

    def second() -> None:
        results["second"] = ranking_store.mark_queued(scope)

    threads = [_in_thread(first, errors)]
    try:
        assert first_took.wait(WAIT)
        threads.append(_in_thread(second, errors))
        deadline = time.monotonic() + WAIT
        while not _waiting_on_locks() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _waiting_on_locks() == ["transactionid"]  # the second waits for the first's row
    finally:
        release.set()
        for thread in threads:
            thread.join(WAIT)
    assert errors == []
    assert results == {"first": True, "second": False}
