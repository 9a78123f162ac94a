"""Rankings keyed by scope (conversations 0011): a database holding rankings keeps every
figure, the order and the queue marker, and going back restores the old tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conversations import ranking_store
from conversations.models import IdeaRanking, RankingQueue, RankingSummary
from conversations.ranking_store import Scope

TARGET = ("conversations", "0010_organisations_move_to_vocaleyes")
COMPUTED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
QUEUED = datetime(2026, 11, 30, 9, 5, tzinfo=UTC)


def _assert_fillfactor_60(table: str) -> None:
    """On Postgres, the table's pages keep room for a run's in-place rewrites (SQLite has no
    such setting)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [table])
        options = cursor.fetchone()[0] or []
    assert "fillfactor=60" in options


def _as_it_was(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """The database as it was at TARGET: in each app, the last migration TARGET stood on, so
    later migrations of other apps (a new column on organisations, say) are undone too and the
    old rows are written against the tables of that time."""
    last: dict[str, tuple[str, str]] = {}
    for app, name in executor.loader.graph.forwards_plan(TARGET):
        last[app] = (app, name)
    return list(last.values())


def _migrate(targets: list[tuple[str, str]] | None = None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


def _old_rows(apps: Any) -> dict[str, Any]:
    """Two conversations as 0010 stored them: one ranked (three ideas, a queued run), and one
    whose ideas have rows but whose summary went missing."""
    person = apps.get_model("vocaleyes", "User").objects.create(
        email="fran@example.org", display_name="Fran", password="!"
    )
    council = apps.get_model("vocaleyes", "Organisation").objects.create(
        name_en="Cardiff Council", slug="cardiff", kind="local_authority"
    )
    Conversation = apps.get_model("conversations", "Conversation")
    Idea = apps.get_model("conversations", "Idea")
    ranked = Conversation.objects.create(organisation=council, title_en="Parks", slug="parks", status="open")
    orphan = Conversation.objects.create(organisation=council, title_en="Roads", slug="roads", status="open")
    ideas = [
        Idea.objects.create(conversation=ranked, author=person, title=title, body="…")
        for title in ("Benches", "Bins", "Trees")
    ]
    late = Idea.objects.create(conversation=orphan, author=person, title="Potholes", body="…")
    OldIdeaRanking = apps.get_model("conversations", "IdeaRanking")
    figures = [  # (rating_count, mean, counts 1..5, score, rank)
        (4, 4.25, (0, 0, 1, 1, 2), 3.51, 1),
        (2, 2.5, (1, 0, 0, 1, 0), 2.2, 3),
        (0, None, (0, 0, 0, 0, 0), 2.4, 2),
    ]
    for idea, (count, mean, counts, score, rank) in zip(ideas, figures, strict=True):
        OldIdeaRanking.objects.create(
            idea=idea,
            conversation=ranked,
            rating_count=count,
            rating_mean=mean,
            **{f"count_{value}": n for value, n in zip(range(1, 6), counts, strict=True)},
            score=score,
            rank=rank,
            computed_at=COMPUTED,
        )
    OldIdeaRanking.objects.create(idea=late, conversation=orphan)
    order = [ideas[0].pk, ideas[2].pk, ideas[1].pk]
    apps.get_model("conversations", "ConversationRanking").objects.create(
        conversation=ranked,
        queued_at=QUEUED,
        computed_at=COMPUTED,
        idea_count=3,
        rating_count=6,
        prior_mean=3.4,
        duration_ms=12,
        ranked_ideas=b"".join(pk.to_bytes(8, "big") for pk in order),
        last_idea_id=ideas[2].pk,
    )
    return {"ranked": ranked, "orphan": orphan, "ideas": ideas, "late": late, "order": order}


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_figure_the_order_and_the_queue_marker() -> None:
    before = _as_it_was(MigrationExecutor(connection))
    executor = _migrate(before)
    old = _old_rows(executor.loader.project_state(before).apps)
    ranked, ideas = old["ranked"], old["ideas"]

    executor = _migrate()

    summary = RankingSummary.objects.get(conversation_id=ranked.pk)
    assert (
        summary.computed_at,
        summary.idea_count,
        summary.rating_count,
        summary.prior_mean,
        summary.duration_ms,
        summary.last_idea_id,
    ) == (COMPUTED, 3, 6, 3.4, 12, ideas[2].pk)
    assert ranking_store.order(Scope.of_conversation(ranked.pk)) == old["order"]
    assert ranking_store.queued_at(Scope.of_conversation(ranked.pk)) == QUEUED
    rows = {
        row.idea_id: row
        for row in IdeaRanking.objects.filter(ranking=summary).select_related("home_of", "ranking")
    }
    assert set(rows) == {idea.pk for idea in ideas}
    first = rows[ideas[0].pk]
    assert (first.rating_count, first.rating_mean, first.score, first.rank, first.computed_at) == (
        4,
        4.25,
        3.51,
        1,
        COMPUTED,
    )
    assert [count for _, _, count in first.distribution] == [2, 1, 1, 0, 0]
    assert (rows[ideas[2].pk].rating_mean, rows[ideas[2].pk].rank) == (None, 2)
    # Each row is its idea's own: what idea.ranking reads.
    assert all(row.home_of_id == idea_id for idea_id, row in rows.items())
    # The conversation whose summary was missing gets an empty one, with its queue row.
    orphan = RankingSummary.objects.get(conversation_id=old["orphan"].pk)
    assert (orphan.computed_at, RankingQueue.objects.get(ranking=orphan).queued_at) == (None, None)
    assert IdeaRanking.objects.get(idea_id=old["late"].pk).ranking == orphan
    _assert_fillfactor_60(IdeaRanking._meta.db_table)

    # And back: the old tables hold the conversations' rankings again.
    _migrate(before)
    apps = MigrationExecutor(connection).loader.project_state(before).apps
    back = apps.get_model("conversations", "ConversationRanking").objects.get(conversation_id=ranked.pk)
    assert (back.queued_at, back.idea_count, back.last_idea_id) == (QUEUED, 3, ideas[2].pk)
    assert bytes(back.ranked_ideas) == b"".join(pk.to_bytes(8, "big") for pk in old["order"])
    OldIdeaRanking = apps.get_model("conversations", "IdeaRanking")
    _assert_fillfactor_60(OldIdeaRanking._meta.db_table)
    old_rows = OldIdeaRanking.objects.order_by("idea_id")
    assert [(row.idea_id, row.conversation_id, row.rank) for row in old_rows] == [
        (ideas[0].pk, ranked.pk, 1),
        (ideas[1].pk, ranked.pk, 3),
        (ideas[2].pk, ranked.pk, 2),
        (old["late"].pk, old["orphan"].pk, None),
    ]
    _migrate()
