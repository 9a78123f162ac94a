"""The stored priority rankings: a summary and its order per ranking, each idea's figures in
it, and the queue marker. Written and read only through ``conversations.ranking_store``; pages
reach the figures through ``conversation.ranking`` and ``idea.ranking``."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .conversations import Conversation
from .ideas import Idea, RatingValue


class RankingSummary(models.Model):
    """A stored ranking: what its last run counted, when, how long it took, and the order.

    One per *scope*, the set of ideas and ratings a ranking counts (``ranking_store.Scope``),
    named by exactly one of three columns (``ranking_names_one_scope``):

    * ``conversation``: the conversation's priority ranking, the one everyone sees
      (``conversation.ranking``; its idea rows are the ideas' own, ``idea.ranking``);
    * ``variant_of``: another order of the same conversation's ideas, by ``order``: one target
      group's priority ranking (``target_group``), the representative order or the consensus
      order (``conversations.group_ranking``);
    * ``organisation``: a regional or national organisation's roll-up of its member
      organisations' open conversations.

    Each is unique: one summary per conversation, per (conversation, order) and per
    (conversation, group), and per organisation.
    """

    class Order(models.TextChoices):
        PRIORITY = "priority", _("Priority")
        GROUP = "group", _("Priority among a group")
        REPRESENTATIVE = "representative", _("Representative")
        CONSENSUS = "consensus", _("Consensus")

    conversation = models.OneToOneField(
        Conversation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ranking",
        verbose_name=_("conversation"),
    )
    variant_of = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="other_rankings",
        verbose_name=_("another order of"),
    )
    order = models.CharField(_("order"), max_length=20, choices=Order.choices, default=Order.PRIORITY)
    target_group = models.ForeignKey(
        "vocaleyes.TargetGroup",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rankings",
        verbose_name=_("target group"),
    )
    organisation = models.ForeignKey(
        "vocaleyes.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rankings",
        verbose_name=_("organisation (roll-up)"),
    )
    computed_at = models.DateTimeField(_("last computed"), null=True, blank=True)
    idea_count = models.PositiveIntegerField(_("ideas ranked"), default=0)
    rating_count = models.PositiveIntegerField(_("ratings counted"), default=0)
    prior_mean = models.FloatField(_("average rating in the conversation"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"), default=0)
    # The ranked ideas' ids, best first, in the store's packed form (``ranking_store``), so a
    # page of twenty reads one small slice. Stored uncompressed out of line on Postgres.
    ranked_ideas = models.BinaryField(_("ideas in priority order"), default=b"", editable=False)
    # A fair order's figures for each idea, in the same order as ``ranked_ideas`` (its idea rows
    # are not kept in IdeaRanking: ``ranking_store`` says why).
    ranked_figures = models.BinaryField(_("figures in that order"), default=b"", editable=False)
    # The highest idea id the run saw; ideas after it were posted since and are not ranked yet.
    last_idea_id = models.BigIntegerField(_("last idea counted"), default=0)
    # What the page says beside the order: for the representative order the weighting (method,
    # effective sample size, groups with no one); for all fair orders the raters counted.
    details = models.JSONField(_("details of the run"), default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(conversation__isnull=False, variant_of__isnull=True, organisation__isnull=True)
                    & Q(order="priority", target_group__isnull=True)
                )
                | (
                    Q(conversation__isnull=True, variant_of__isnull=False, organisation__isnull=True)
                    & (
                        Q(order="group", target_group__isnull=False)
                        | Q(order__in=["representative", "consensus"], target_group__isnull=True)
                    )
                )
                | (
                    Q(
                        conversation__isnull=True,
                        variant_of__isnull=True,
                        organisation__isnull=False,
                        order="priority",
                    )
                    & Q(target_group__isnull=True)
                ),
                name="ranking_names_one_scope",
            ),
            models.UniqueConstraint(
                fields=["variant_of", "order"],
                condition=Q(variant_of__isnull=False, target_group__isnull=True),
                name="one_ranking_per_conversation_and_order",
            ),
            models.UniqueConstraint(
                fields=["variant_of", "target_group"],
                condition=Q(target_group__isnull=False),
                name="one_ranking_per_conversation_and_group",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(organisation__isnull=False),
                name="one_roll_up_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        if self.organisation_id:
            return f"organisation {self.organisation_id} @ {self.computed_at}"
        if self.variant_of_id:
            which = f"group {self.target_group_id}" if self.target_group_id else self.order
            return f"{self.variant_of_id} {which} @ {self.computed_at}"
        return f"{self.conversation_id} @ {self.computed_at}"

    def counts_rating_at(self, moment: datetime | None) -> bool:
        """Whether a rating given or changed at ``moment`` is in these figures: the run began
        reading after it (``computed_at`` is when it began; ``ranking_store.swap``)."""
        return moment is not None and self.computed_at is not None and moment < self.computed_at


class RankingQueue(models.Model):
    """Whether a recompute of a ranking is queued: the marker that coalesces them.

    A table of its own, apart from the summary a run rewrites, so that the rating setting the
    marker never waits on a run in progress. The first rating after a run sets it and queues
    the task; later ratings see it set and queue nothing; the task clears it before it reads,
    so a rating committed after that queues the next run. A marker older than
    ``RANKING_QUEUE_STALE_SECONDS`` is treated as lost (a worker died) and is taken again.
    """

    ranking = models.OneToOneField(
        RankingSummary,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="queue",
        verbose_name=_("ranking"),
    )
    queued_at = models.DateTimeField(_("recompute queued"), null=True, blank=True)

    class Meta:
        verbose_name = _("ranking queue")
        verbose_name_plural = _("ranking queues")

    def __str__(self) -> str:
        return f"{self.ranking_id}: {self.queued_at or '-'}"


class IdeaRanking(models.Model):
    """An idea's figures in one stored ranking (see ``conversations.ranking`` for the formula):
    one row per idea and scope."""

    ranking = models.ForeignKey(
        RankingSummary,
        on_delete=models.CASCADE,
        related_name="ideas",
        verbose_name=_("ranking"),
        db_index=False,  # idea_ranked_once_per_ranking's index starts with the ranking
    )
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="rankings", verbose_name=_("idea"))
    # Set on the row of the idea's own conversation's ranking, the one its pages show, so that
    # ``idea.ranking`` is that row and ``select_related("ranking")`` joins it.
    home_of = models.OneToOneField(
        Idea,
        on_delete=models.CASCADE,
        null=True,
        related_name="ranking",
        editable=False,
        verbose_name=_("idea"),
    )
    rating_count = models.PositiveIntegerField(_("ratings"), default=0)
    rating_mean = models.FloatField(_("average rating"), null=True)
    count_1 = models.PositiveIntegerField(default=0)
    count_2 = models.PositiveIntegerField(default=0)
    count_3 = models.PositiveIntegerField(default=0)
    count_4 = models.PositiveIntegerField(default=0)
    count_5 = models.PositiveIntegerField(default=0)
    score = models.FloatField(_("priority score"), null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    computed_at = models.DateTimeField(_("computed"), null=True)

    class Meta:
        verbose_name = _("idea ranking")
        verbose_name_plural = _("idea rankings")
        # No index on rank or score, deliberately: a run rewrites most rows (one idea moving up
        # shifts every rank below it), and with nothing indexed changing, Postgres rewrites them
        # in place ("HOT" updates, helped by the table's fillfactor) instead of updating indexes.
        # The order itself lives in RankingSummary.ranked_ideas.
        constraints = [
            models.UniqueConstraint(fields=["ranking", "idea"], name="idea_ranked_once_per_ranking"),
            models.CheckConstraint(
                condition=Q(home_of__isnull=True) | Q(home_of=F("idea")), name="idea_ranking_home_is_its_idea"
            ),
            models.CheckConstraint(
                condition=Q(
                    rating_count=F("count_1") + F("count_2") + F("count_3") + F("count_4") + F("count_5")
                ),
                name="ranking_distribution_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1), name="ranking_rank_from_1"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.rank or '-'} {self.idea_id}"

    @property
    def distribution(self) -> list[tuple[int, str, int]]:
        """(value, label, count) from 5 down to 1, the order the page shows them in."""
        return [
            (value, str(RatingValue(value).label), getattr(self, f"count_{value}"))
            for value in range(5, 0, -1)
        ]
