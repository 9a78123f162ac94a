"""Rankings keyed by scope: ``RankingSummary`` (was ``ConversationRanking``, keyed by the
conversation), ``IdeaRanking`` rows unique per (ranking, idea) (were keyed by the idea), and the
queue marker in ``RankingQueue``, a table of its own that a recompute never holds.

Every stored figure is copied: the summaries with their order and queue markers, the idea rows
with their ranks and scores. Going back copies the conversation rankings' rows the other way.
Either way the tables' storage is tuned before the rows go in (``tune_storage``).
"""

import django.db.models.deletion
import django.db.models.expressions
from django.db import migrations, models

BATCH = 5000
FIGURES = (
    "rating_count",
    "rating_mean",
    "count_1",
    "count_2",
    "count_3",
    "count_4",
    "count_5",
    "score",
    "rank",
    "computed_at",
)
SUMMARY = (
    "computed_at",
    "idea_count",
    "rating_count",
    "prior_mean",
    "duration_ms",
    "ranked_ideas",
    "last_idea_id",
)


def _copy(rows, make, model, using):
    batch = []
    for row in rows:
        batch.append(make(row))
        if len(batch) == BATCH:
            model.objects.using(using).bulk_create(batch)
            batch = []
    model.objects.using(using).bulk_create(batch)


def forward(apps, schema_editor):
    using = schema_editor.connection.alias
    Old = apps.get_model("conversations", "ConversationRanking")
    OldIdea = apps.get_model("conversations", "IdeaRanking")
    Summary = apps.get_model("conversations", "RankingSummary")
    Queue = apps.get_model("conversations", "RankingQueue")
    New = apps.get_model("conversations", "IdeaRankingNew")
    summaries = {}
    for old in Old.objects.using(using).order_by("pk"):
        summary = Summary.objects.using(using).create(
            conversation_id=old.conversation_id, **{name: getattr(old, name) for name in SUMMARY}
        )
        Queue.objects.using(using).create(ranking=summary, queued_at=old.queued_at)
        summaries[old.conversation_id] = summary.pk
    # Idea rows of a conversation without a summary (none should exist) get an empty one.
    for conversation_id in (
        OldIdea.objects.using(using)
        .exclude(conversation_id__in=summaries)
        .values_list("conversation_id", flat=True)
        .distinct()
    ):
        summary = Summary.objects.using(using).create(conversation_id=conversation_id)
        Queue.objects.using(using).create(ranking=summary)
        summaries[conversation_id] = summary.pk
    _copy(
        OldIdea.objects.using(using).order_by("pk").iterator(chunk_size=BATCH),
        lambda old: New(
            ranking_id=summaries[old.conversation_id],
            idea_id=old.idea_id,
            home_of_id=old.idea_id,
            **{name: getattr(old, name) for name in FIGURES},
        ),
        New,
        using,
    )


def backward(apps, schema_editor):
    using = schema_editor.connection.alias
    Old = apps.get_model("conversations", "ConversationRanking")
    OldIdea = apps.get_model("conversations", "IdeaRanking")
    _tune(schema_editor, ideas=OldIdea._meta.db_table, summaries=Old._meta.db_table)
    Summary = apps.get_model("conversations", "RankingSummary")
    New = apps.get_model("conversations", "IdeaRankingNew")
    for summary in Summary.objects.using(using).filter(conversation__isnull=False).select_related("queue"):
        Old.objects.using(using).create(
            conversation_id=summary.conversation_id,
            queued_at=summary.queue.queued_at,
            **{name: getattr(summary, name) for name in SUMMARY},
        )
    _copy(
        New.objects.using(using)
        .filter(home_of__isnull=False)
        .select_related("ranking")
        .order_by("pk")
        .iterator(chunk_size=BATCH),
        lambda new: OldIdea(
            idea_id=new.idea_id,
            conversation_id=new.ranking.conversation_id,
            **{name: getattr(new, name) for name in FIGURES},
        ),
        OldIdea,
        using,
    )


def tune_storage(apps, schema_editor):
    """On Postgres, as 0004 did for the tables before, and before the rows are copied in (a
    table's fillfactor applies to the pages written after it is set): leave room in each page
    of the idea rows so a run's rewrites stay on the page (HOT updates, no index work), and
    keep the order uncompressed out of line so a page of twenty reads a 160-byte slice of it."""
    _tune(
        schema_editor,
        ideas=apps.get_model("conversations", "IdeaRankingNew")._meta.db_table,
        summaries=apps.get_model("conversations", "RankingSummary")._meta.db_table,
    )


def _tune(schema_editor, *, ideas, summaries):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {ideas} SET (fillfactor = 60)")
    schema_editor.execute(f"ALTER TABLE {summaries} ALTER COLUMN ranked_ideas SET STORAGE EXTERNAL")


def _distribution_adds_up():
    total = models.F("count_1")
    for value in range(2, 6):
        total = django.db.models.expressions.CombinedExpression(total, "+", models.F(f"count_{value}"))
    return models.Q(("rating_count", total))


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0010_organisations_move_to_vocaleyes"),
    ]

    operations = [
        migrations.CreateModel(
            name="RankingSummary",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("computed_at", models.DateTimeField(blank=True, null=True, verbose_name="last computed")),
                ("idea_count", models.PositiveIntegerField(default=0, verbose_name="ideas ranked")),
                ("rating_count", models.PositiveIntegerField(default=0, verbose_name="ratings counted")),
                (
                    "prior_mean",
                    models.FloatField(
                        blank=True, null=True, verbose_name="average rating in the conversation"
                    ),
                ),
                ("duration_ms", models.PositiveIntegerField(default=0, verbose_name="time taken (ms)")),
                (
                    "ranked_ideas",
                    models.BinaryField(default=b"", editable=False, verbose_name="ideas in priority order"),
                ),
                ("last_idea_id", models.BigIntegerField(default=0, verbose_name="last idea counted")),
                (
                    "conversation",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="conversations.conversation",
                        verbose_name="conversation",
                    ),
                ),
            ],
            options={
                "verbose_name": "ranking",
                "verbose_name_plural": "rankings",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("conversation__isnull", False)), name="ranking_names_one_scope"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="RankingQueue",
            fields=[
                (
                    "ranking",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="queue",
                        serialize=False,
                        to="conversations.rankingsummary",
                        verbose_name="ranking",
                    ),
                ),
                ("queued_at", models.DateTimeField(blank=True, null=True, verbose_name="recompute queued")),
            ],
            options={
                "verbose_name": "ranking queue",
                "verbose_name_plural": "ranking queues",
            },
        ),
        migrations.CreateModel(
            name="IdeaRankingNew",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("rating_count", models.PositiveIntegerField(default=0, verbose_name="ratings")),
                ("rating_mean", models.FloatField(null=True, verbose_name="average rating")),
                ("count_1", models.PositiveIntegerField(default=0)),
                ("count_2", models.PositiveIntegerField(default=0)),
                ("count_3", models.PositiveIntegerField(default=0)),
                ("count_4", models.PositiveIntegerField(default=0)),
                ("count_5", models.PositiveIntegerField(default=0)),
                ("score", models.FloatField(null=True, verbose_name="priority score")),
                ("rank", models.PositiveIntegerField(null=True, verbose_name="rank")),
                ("computed_at", models.DateTimeField(null=True, verbose_name="computed")),
                (
                    "home_of",
                    models.OneToOneField(
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="conversations.idea",
                        verbose_name="idea",
                    ),
                ),
                (
                    "idea",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="conversations.idea",
                        verbose_name="idea",
                    ),
                ),
                (
                    "ranking",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="ideas",
                        to="conversations.rankingsummary",
                        verbose_name="ranking",
                    ),
                ),
            ],
            options={
                "verbose_name": "idea ranking",
                "verbose_name_plural": "idea rankings",
            },
        ),
        migrations.RunPython(tune_storage, migrations.RunPython.noop),
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="IdeaRanking"),
        migrations.DeleteModel(name="ConversationRanking"),
        migrations.RenameModel(old_name="IdeaRankingNew", new_name="IdeaRanking"),
        migrations.AlterField(
            model_name="rankingsummary",
            name="conversation",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="ranking",
                to="conversations.conversation",
                verbose_name="conversation",
            ),
        ),
        migrations.AlterField(
            model_name="idearanking",
            name="home_of",
            field=models.OneToOneField(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="ranking",
                to="conversations.idea",
                verbose_name="idea",
            ),
        ),
        migrations.AlterField(
            model_name="idearanking",
            name="idea",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="rankings",
                to="conversations.idea",
                verbose_name="idea",
            ),
        ),
        migrations.AddConstraint(
            model_name="idearanking",
            constraint=models.UniqueConstraint(
                fields=("ranking", "idea"), name="idea_ranked_once_per_ranking"
            ),
        ),
        migrations.AddConstraint(
            model_name="idearanking",
            constraint=models.CheckConstraint(
                condition=models.Q(("home_of__isnull", True), ("home_of", models.F("idea")), _connector="OR"),
                name="idea_ranking_home_is_its_idea",
            ),
        ),
        migrations.AddConstraint(
            model_name="idearanking",
            constraint=models.CheckConstraint(
                condition=_distribution_adds_up(), name="ranking_distribution_adds_up"
            ),
        ),
        migrations.AddConstraint(
            model_name="idearanking",
            constraint=models.CheckConstraint(
                condition=models.Q(("rank__isnull", True), ("rank__gte", 1), _connector="OR"),
                name="ranking_rank_from_1",
            ),
        ),
    ]
