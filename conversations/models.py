"""Conversations, and the ideas, comments and ratings inside them.

An ``Organisation`` (``vocaleyes.models``: every app builds on it) owns ``Conversation``s:
continuous, not one-off consultations. Titles and descriptions are stored in English and Welsh;
``Bilingual`` shows the active language and falls back to the other when one is empty.

Inside a conversation residents post ``Idea``s (or facilitators *seed* them, with a note of where
the idea comes from), discuss them in ``Comment``s (one level of replies) and give each idea one
``Rating`` from 1 to 5 on an importance scale. Ideas and comments are plain text written in one
language, kept exactly as typed and made safe when shown (``conversations.text``). Every public
surface reads them through ``visible()``, the one place moderation decides what may be shown.

The priority ranking is a stored snapshot, never computed by a page: ``IdeaRanking`` holds each
idea's tally and score, ``RankingSummary`` the ranking-wide figures and the order, and
``RankingQueue`` whether a recompute is queued; each ranking counts one *scope* (today a
conversation). Only ``conversations.ranking_store`` reads and writes their storage, fed by
``ranking_runs.ranking_recompute`` from one SQL aggregation over ``Rating`` and the pure maths in
``conversations.ranking``. The snapshot is a table of its own so that rewriting 50,000 scores
touches narrow rows, not the wide, well-indexed idea rows people are reading and editing.

History matters here, so ideas, comments and ratings hold their conversation and authors with
``PROTECT``; the snapshot rows are derived data and go with their idea.

Moderation. Residents ``Report`` an idea or a comment (one report per person per item, held by
unique constraints; an item is either an idea or a comment, never both, held by a check). A
report is *open* until a moderation decision deals with it. When a conversation's
``report_threshold`` of people have open reports on a published item, it is held for review
(status pending) automatically. Conversations with ``premoderation`` hold every new idea from a
resident for review. Council officers (staff) approve, hide or restore items, and suspend
people, in the admin; each of those, and each automatic hold, is one ``ModerationDecision``: the
audit log, written only by ``conversations.services`` and never changed afterwards. Plain foreign
keys to the idea, the comment or the person, not a generic relation, so the database keeps the
log's references intact (``PROTECT``).

Facilitators switch a conversation's ``posting_open`` (new ideas and comments) and
``rating_open`` independently of its status; both only matter while it is open. They export the
prioritised action list; a large export runs in the background as an ``ExportJob`` whose file is
kept under ``MEDIA_ROOT`` (never served directly: a view checks who may download it).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vocaleyes.i18n import Bilingual
from vocaleyes.models import Organisation

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


class ConversationQuerySet(models.QuerySet["Conversation"]):
    def listed(self) -> ConversationQuerySet:
        """Conversations anyone may find in lists: public and not draft."""
        return self.filter(
            visibility=Conversation.Visibility.PUBLIC,
            status__in=[Conversation.Status.OPEN, Conversation.Status.CLOSED],
        )

    def open(self) -> ConversationQuerySet:
        return self.filter(status=Conversation.Status.OPEN)


class Conversation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: open to everyone")
        INVITATION = "invitation", _("Invitation only")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="conversations",
        verbose_name=_("organisation"),
    )
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_cy = models.CharField(_("title (Welsh)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_cy = models.TextField(_("description (Welsh)"), blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(
        _("who can take part"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    posting_open = models.BooleanField(
        _("taking new ideas and comments"),
        default=True,
        help_text=_("Facilitators can pause new ideas and comments while the conversation stays open."),
    )
    rating_open = models.BooleanField(
        _("taking ratings"),
        default=True,
        help_text=_("Facilitators can pause rating while the conversation stays open."),
    )
    premoderation = models.BooleanField(
        _("review new ideas before they appear"),
        default=False,
        help_text=_("New ideas from residents wait for an officer's approval before anyone else sees them."),
    )
    report_threshold = models.PositiveSmallIntegerField(
        _("reports before an item is held for review"),
        default=3,
        help_text=_(
            "When this many people have reported an idea or comment, "
            "it is hidden until an officer reviews it."
        ),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    title = Bilingual("title")
    description = Bilingual("description")

    objects: ClassVar[ConversationQuerySet] = ConversationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "visibility", "-created"], name="conv_listing_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title_en="") | ~Q(title_cy=""),
                name="conversation_has_a_title",
                violation_error_message=_("Give the conversation a title in English or Welsh."),
            ),
            models.CheckConstraint(
                condition=Q(report_threshold__gte=1),
                name="conversation_report_threshold_at_least_1",
                violation_error_message=_("At least one report is needed to hold an item for review."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("conversations:detail", kwargs={"slug": self.slug})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_posting(self) -> bool:
        """Taking new ideas and comments."""
        return self.is_open and self.posting_open

    @property
    def is_rating(self) -> bool:
        return self.is_open and self.rating_open

    @property
    def is_listed(self) -> bool:
        """The Python twin of ``ConversationQuerySet.listed``."""
        return self.visibility == self.Visibility.PUBLIC and self.status in (
            self.Status.OPEN,
            self.Status.CLOSED,
        )


class ContentStatus(models.TextChoices):
    """Where a piece of user content stands. Only published content is shown to the public;
    moderation (pending review, hidden) decides the rest."""

    PUBLISHED = "published", _("Published")
    PENDING = "pending", _("Waiting for review")
    HIDDEN = "hidden", _("Hidden")


_M = TypeVar("_M", bound=models.Model)


class ActivityQuerySet(models.QuerySet[_M]):
    """Activity over time, for the facilitator dashboard."""

    def per_day(self) -> dict[date, int]:
        """How many were created on each (local) day."""
        rows = (
            self.order_by()
            .annotate(day=TruncDate("created"))
            .values("day")
            .annotate(n=Count("*"))
            .values_list("day", "n")
        )
        return dict(rows)

    def first_by_person(self, person_field: str) -> dict[int, datetime]:
        """When each person (``person_field``: author or user) first did this."""
        rows = (
            self.order_by()
            .values(person_field)
            .annotate(first=Min("created"))
            .values_list(person_field, "first")
        )
        return dict(rows)


class IdeaQuerySet(ActivityQuerySet["Idea"]):
    def visible(self) -> IdeaQuerySet:
        """Ideas anyone may see. Every public page, feed and export goes through this one method,
        so moderation has one place to decide what is shown."""
        return self.filter(status=ContentStatus.PUBLISHED)

    def with_listing(self) -> IdeaQuerySet:
        """What an idea card needs, in the same query: its author and its ranking snapshot."""
        return self.select_related("author", "ranking")

    def in_priority_order(self) -> IdeaQuerySet:
        """By rank in their conversation's stored ranking, best first; ideas not ranked yet
        (posted since the last run) after them, oldest first."""
        return self.order_by(F("ranking__rank").asc(nulls_last=True), "pk")

    def for_review(self) -> IdeaQuerySet:
        """The moderation queue: ideas waiting for review or with open reports, with how many
        open reports each has, most reported first, then oldest first."""
        return _review_queue(self, "idea")

    def with_rating_by(self, user: AbstractBaseUser | AnonymousUser) -> IdeaQuerySet:
        """Each idea's ``my_rating``: this person's rating of it (None if none, or signed out)."""
        if not user.is_authenticated:
            return self
        mine = Rating.objects.filter(idea_id=models.OuterRef("pk"), user_id=user.pk).values("value")[:1]
        return self.annotate(my_rating=models.Subquery(mine))


class Idea(models.Model):
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("conversation"),
        db_index=False,  # the listing indexes below all start with the conversation
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("author")
    )
    is_seeded = models.BooleanField(
        _("seeded by a facilitator"),
        default=False,
        help_text=_("Brought in by a facilitator from elsewhere, rather than put forward by a resident."),
    )
    source_note = models.CharField(
        _("where it comes from"),
        max_length=200,
        blank=True,
        help_text=_("For seeded ideas, for example “best practice from Cardiff”."),
    )
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("description"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="en")
    status = models.CharField(
        _("status"), max_length=10, choices=ContentStatus.choices, default=ContentStatus.PUBLISHED
    )
    # Published comments, kept by the services so "most discussed" is an index scan, not a count.
    comment_count = models.PositiveIntegerField(_("comments"), default=0, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects: ClassVar[IdeaQuerySet] = IdeaQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created", "-pk"]
        indexes = [
            # One index per listing order; each begins with the filters every listing applies.
            models.Index(fields=["conversation", "status", "created", "id"], name="idea_newest_idx"),
            models.Index(fields=["conversation", "status", "comment_count", "id"], name="idea_discussed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_seeded=False, source_note="") | (Q(is_seeded=True) & ~Q(source_note="")),
                name="idea_seeded_ideas_say_where_from",
                violation_error_message=_(
                    "A seeded idea needs a note of where it comes from, and only a seeded idea has one."
                ),
            ),
            models.CheckConstraint(condition=~Q(title=""), name="idea_has_a_title"),
            models.CheckConstraint(condition=Q(status__in=ContentStatus.values), name="idea_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("conversations:idea", kwargs={"slug": self.conversation.slug, "pk": self.pk})


class RatingValue(models.IntegerChoices):
    """The importance scale, the same in every conversation."""

    NOT_IMPORTANT = 1, _("Not important")
    SLIGHTLY = 2, _("Slightly important")
    IMPORTANT = 3, _("Important")
    VERY = 4, _("Very important")
    ESSENTIAL = 5, _("Essential")


class RatingQuerySet(ActivityQuerySet["Rating"]):
    def of_visible_ideas(self, conversation: Conversation) -> RatingQuerySet:
        """The conversation's ratings of ideas that are shown: what its figures count."""
        return self.filter(conversation=conversation, idea__status=ContentStatus.PUBLISHED)


class Rating(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("idea"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name=_("person"),
        db_index=False,  # the unique constraint's index starts with the person
    )
    # The idea's conversation, copied here by ``rating_set`` so the ranking aggregation reads one
    # conversation's ratings from one index, without joining ideas.
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("conversation"),
        db_index=False,
    )
    value = models.PositiveSmallIntegerField(_("rating"), choices=RatingValue.choices)
    created = models.DateTimeField(_("first rated"), auto_now_add=True)
    updated = models.DateTimeField(_("last changed"), auto_now=True)

    objects: ClassVar[RatingQuerySet] = RatingQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["user", "idea"], name="one_rating_per_person_per_idea"),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=5), name="rating_value_1_to_5"),
        ]
        indexes = [
            # Covers the ranking aggregation completely (an index-only scan on Postgres).
            models.Index(fields=["conversation", "idea", "value"], name="rating_tally_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.idea}: {self.value}"


class CommentQuerySet(ActivityQuerySet["Comment"]):
    def visible(self) -> CommentQuerySet:
        """Comments anyone may see; the one place moderation decides (see ``IdeaQuerySet.visible``)."""
        return self.filter(status=ContentStatus.PUBLISHED)

    def shown_in(self, conversation: Conversation) -> CommentQuerySet:
        """Visible comments on the conversation's visible ideas."""
        return self.visible().filter(idea__conversation=conversation, idea__status=ContentStatus.PUBLISHED)

    def for_review(self) -> CommentQuerySet:
        """The moderation queue for comments (see ``IdeaQuerySet.for_review``)."""
        return _review_queue(self, "comment")


class Comment(models.Model):
    idea = models.ForeignKey(
        Idea,
        on_delete=models.PROTECT,
        related_name="comments",
        verbose_name=_("idea"),
        db_index=False,  # comment_thread_idx starts with the idea
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments", verbose_name=_("author")
    )
    # One level of replies: ``comment_create`` only accepts a top-level comment of the same idea.
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    body = models.TextField(_("comment"))
    status = models.CharField(
        _("status"), max_length=10, choices=ContentStatus.choices, default=ContentStatus.PUBLISHED
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects: ClassVar[CommentQuerySet] = CommentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created", "pk"]
        indexes = [
            models.Index(fields=["idea", "status", "parent", "created"], name="comment_thread_idx"),
            # A page of an idea's threads in order (created, then id) read straight from an index,
            # not gathered and sorted: a thousand-comment idea answers in under a millisecond.
            models.Index(
                fields=["idea", "created", "id"],
                condition=Q(parent__isnull=True, status=ContentStatus.PUBLISHED),
                name="comment_top_level_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_has_a_body"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="comment_not_its_own_reply"),
            models.CheckConstraint(condition=Q(status__in=ContentStatus.values), name="comment_status_valid"),
        ]

    def __str__(self) -> str:
        return self.body[:60]


# --- Rankings ------------------------------------------------------------------------------
# Written and read only through ``conversations.ranking_store``; pages reach the figures through
# ``conversation.ranking`` and ``idea.ranking``.


class RankingSummary(models.Model):
    """A stored ranking: what its last run counted, when, how long it took, and the order.

    One per *scope*, the set of ideas and ratings a ranking counts (``ranking_store.Scope``).
    Today every scope is a conversation's: ``conversation`` names it, and is unique, so each
    conversation has at most one summary (``conversation.ranking``). A target group's ranking
    or an organisation's roll-up will add a column of their own beside it, one set per row
    (``ranking_names_one_scope``), each unique in the same way.
    """

    conversation = models.OneToOneField(
        Conversation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ranking",
        verbose_name=_("conversation"),
    )
    computed_at = models.DateTimeField(_("last computed"), null=True, blank=True)
    idea_count = models.PositiveIntegerField(_("ideas ranked"), default=0)
    rating_count = models.PositiveIntegerField(_("ratings counted"), default=0)
    prior_mean = models.FloatField(_("average rating in the conversation"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"), default=0)
    # The ranked ideas' ids, best first, in the store's packed form (``ranking_store``), so a
    # page of twenty reads one small slice. Stored uncompressed out of line on Postgres.
    ranked_ideas = models.BinaryField(_("ideas in priority order"), default=b"", editable=False)
    # The highest idea id the run saw; ideas after it were posted since and are not ranked yet.
    last_idea_id = models.BigIntegerField(_("last idea counted"), default=0)

    class Meta:
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")
        constraints = [
            models.CheckConstraint(condition=Q(conversation__isnull=False), name="ranking_names_one_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id} @ {self.computed_at}"


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
        RankingSummary, on_delete=models.CASCADE, related_name="ideas", verbose_name=_("ranking")
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


# --- Moderation ----------------------------------------------------------------------------


class ModerationDecision(models.Model):
    """One entry of the moderation audit log: who decided what, when, why, about which item or
    person. Written once by ``conversations.services`` and never changed: the admin shows it
    read-only and nothing offers to edit or delete it."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        AUTO_HOLD = "auto_hold", _("Held for review after reports")
        SUSPEND = "suspend", _("Person suspended")
        UNSUSPEND = "unsuspend", _("Suspension lifted")

    CONTENT_ACTIONS = (Action.APPROVE, Action.HIDE, Action.RESTORE, Action.AUTO_HOLD)
    PERSON_ACTIONS = (Action.SUSPEND, Action.UNSUSPEND)

    action = models.CharField(_("decision"), max_length=12, choices=Action.choices)
    # Empty only for the automatic hold after reports: no person decided it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moderation_decisions_made",
        verbose_name=_("decided by"),
    )
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moderation_decisions",
        verbose_name=_("conversation"),
    )
    idea = models.ForeignKey(
        Idea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moderation_decisions",
        verbose_name=_("idea"),
    )
    comment = models.ForeignKey(
        Comment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moderation_decisions",
        verbose_name=_("comment"),
    )
    # The author of the idea or comment, or the person suspended: so an officer sees a person's
    # whole history in one list.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="moderation_decisions_about",
        verbose_name=_("person concerned"),
    )
    reason = models.TextField(_("reason"))
    status_before = models.CharField(_("status before"), max_length=10, blank=True)
    status_after = models.CharField(_("status after"), max_length=10, blank=True)
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    created = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation log")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="decision_has_a_reason"),
            models.CheckConstraint(
                condition=Q(action__in=["suspend", "unsuspend"], idea__isnull=True, comment__isnull=True)
                | Q(
                    Q(idea__isnull=False, comment__isnull=True) | Q(idea__isnull=True, comment__isnull=False),
                    action__in=["approve", "hide", "restore", "auto_hold"],
                    conversation__isnull=False,
                ),
                name="decision_is_about_one_item_or_a_person",
            ),
            models.CheckConstraint(
                condition=Q(actor__isnull=False) | Q(action="auto_hold"),
                name="decision_has_an_actor_unless_automatic",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.created:%Y-%m-%d %H:%M}"

    @property
    def item(self) -> Idea | Comment | None:
        return self.idea or self.comment


class Report(models.Model):
    """A resident's report of an idea or a comment. Open until a moderation decision deals with
    it (``decision``); only open reports count towards the conversation's threshold."""

    class Reason(models.TextChoices):
        OFFENSIVE = "offensive", _("It is offensive, abusive or hateful")
        PERSONAL = "personal", _("It shares someone's personal details")
        SPAM = "spam", _("It is spam or advertising")
        OFF_TOPIC = "off_topic", _("It has nothing to do with this conversation")
        OTHER = "other", _("Something else")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reports_made",
        verbose_name=_("reported by"),
        db_index=False,  # the unique constraints start with the reporter
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="reports", verbose_name=_("conversation")
    )
    idea = models.ForeignKey(
        Idea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("idea"),
        db_index=False,  # report_idea_open_idx starts with the idea
    )
    comment = models.ForeignKey(
        Comment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("comment"),
        db_index=False,  # report_comment_open_idx starts with the comment
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    details = models.TextField(_("details"), blank=True)
    created = models.DateTimeField(_("reported"), auto_now_add=True)
    decision = models.ForeignKey(
        ModerationDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("dealt with by"),
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["idea", "decision"], name="report_idea_open_idx"),
            models.Index(fields=["comment", "decision"], name="report_comment_open_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(idea__isnull=False, comment__isnull=True)
                | Q(idea__isnull=True, comment__isnull=False),
                name="report_is_about_one_item",
            ),
            # NULLs are distinct in a unique constraint, so each holds only for its kind of item.
            models.UniqueConstraint(fields=["reporter", "idea"], name="one_report_per_person_per_idea"),
            models.UniqueConstraint(fields=["reporter", "comment"], name="one_report_per_person_per_comment"),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(details=""), name="report_other_reason_is_explained"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=["offensive", "personal", "spam", "off_topic", "other"]),
                name="report_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · {self.created:%Y-%m-%d %H:%M}"

    @property
    def item(self) -> Idea | Comment | None:
        return self.idea or self.comment


_Q = TypeVar("_Q", IdeaQuerySet, CommentQuerySet)


def _review_queue(queryset: _Q, kind: str) -> _Q:
    open_reports = (
        Report.objects.filter(**{kind: OuterRef("pk")}, decision__isnull=True)
        .order_by()
        .values(kind)
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        queryset.annotate(open_reports=Coalesce(Subquery(open_reports), 0))
        .filter(Q(status=ContentStatus.PENDING) | Q(open_reports__gt=0))
        .order_by("-open_reports", "created", "pk")
    )


class IdeaToReview(Idea):
    """The moderation queue's ideas, as their own admin list (a proxy: no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("idea to review")
        verbose_name_plural = _("ideas to review")


class CommentToReview(Comment):
    """The moderation queue's comments (a proxy, like ``IdeaToReview``)."""

    class Meta:
        proxy = True
        verbose_name = _("comment to review")
        verbose_name_plural = _("comments to review")


# --- Exports -------------------------------------------------------------------------------


class ExportJob(models.Model):
    """A prioritised action list too large to make inside a request, made by a Celery task.

    The task counts the rows first (``total_rows``) and moves ``rows_done`` on as it writes, so
    the progress page can show how far it has got. The file lives under ``MEDIA_ROOT`` and is
    handed out only by the download view, to the person who asked for it and to officers. It is
    deleted (the job *expired*) when an idea of the conversation is hidden or held for review,
    so a file made earlier never hands out what moderation has since taken down, and after
    ``EXPORT_KEEP_DAYS`` in any case.
    """

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel spreadsheet (XLSX)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        # The file was deleted: an idea in it has since been hidden, or it was kept long enough.
        EXPIRED = "expired", _("Out of date")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("conversation")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("requested by"),
    )
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    # The language of the headers and labels: the facilitator's when they asked.
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows to write"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("what went wrong"), blank=True)
    created = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(format__in=["csv", "xlsx"]), name="export_format_valid"),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(file=""), name="export_done_has_a_file"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id} {self.format} {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.rows_done * 100 // self.total_rows)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)
