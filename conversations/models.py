"""Organisations, their conversations, and the ideas, comments and ratings inside them.

An ``Organisation`` (council, third-sector body, community group) at local, regional or national
level owns ``Conversation``s: continuous, not one-off consultations. Names, titles and
descriptions are stored in English and Welsh; ``Bilingual`` shows the active language and falls
back to the other when one is empty.

``OrganisationRole`` gives a person a role within one organisation (facilitator). Council
officers who moderate are Django staff; that is a platform role, not an organisation one.

Inside a conversation residents post ``Idea``s (or facilitators *seed* them, with a note of where
the idea comes from), discuss them in ``Comment``s (one level of replies) and give each idea one
``Rating`` from 1 to 5 on an importance scale. Ideas and comments are plain text written in one
language, kept exactly as typed and made safe when shown (``conversations.text``). Every public
surface reads them through ``visible()``, the one place moderation decides what may be shown.

The priority ranking is a stored snapshot, never computed by a page: ``IdeaRanking`` holds each
idea's tally and score, ``ConversationRanking`` the conversation-wide figures, when they were
computed and whether a recompute is queued. Only ``services.ranking_recompute`` writes them,
from one SQL aggregation over ``Rating`` and the pure maths in ``conversations.ranking``. The
snapshot is a table of its own so that rewriting 50,000 scores touches narrow rows with two
indexes, not the wide, well-indexed idea rows people are reading and editing.

History matters here, so ideas, comments and ratings hold their conversation and authors with
``PROTECT``; the snapshot rows are derived data and go with their idea.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vocaleyes.i18n import Bilingual

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


class Organisation(models.Model):
    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        THIRD_SECTOR = "third_sector", _("Third-sector organisation")
        COMMUNITY_GROUP = "community_group", _("Community group")

    class Level(models.TextChoices):
        LOCAL = "local", _("Local")
        REGIONAL = "regional", _("Regional")
        NATIONAL = "national", _("National")

    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_cy = models.CharField(_("name (Welsh)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.LOCAL)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    name = Bilingual("name")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_en="") | ~Q(name_cy=""),
                name="organisation_has_a_name",
                violation_error_message=_("Give the organisation a name in English or Welsh."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)


class OrganisationRole(models.Model):
    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("Facilitator")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="roles", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_roles",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.FACILITATOR)
    created = models.DateTimeField(_("given"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation role")
        verbose_name_plural = _("organisation roles")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user", "role"], name="one_role_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


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
        ]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("conversations:detail", kwargs={"slug": self.slug})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

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


class IdeaQuerySet(models.QuerySet["Idea"]):
    def visible(self) -> IdeaQuerySet:
        """Ideas anyone may see. Every public page, feed and export goes through this one method,
        so moderation has one place to decide what is shown."""
        return self.filter(status=ContentStatus.PUBLISHED)

    def with_listing(self) -> IdeaQuerySet:
        """What an idea card needs, in the same query: its author and its ranking snapshot."""
        return self.select_related("author", "ranking")

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


class CommentQuerySet(models.QuerySet["Comment"]):
    def visible(self) -> CommentQuerySet:
        """Comments anyone may see; the one place moderation decides (see ``IdeaQuerySet.visible``)."""
        return self.filter(status=ContentStatus.PUBLISHED)


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
        indexes = [models.Index(fields=["idea", "status", "parent", "created"], name="comment_thread_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_has_a_body"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="comment_not_its_own_reply"),
            models.CheckConstraint(condition=Q(status__in=ContentStatus.values), name="comment_status_valid"),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class IdeaRanking(models.Model):
    """The stored ranking snapshot of one idea (see ``conversations.ranking`` for the formula)."""

    idea = models.OneToOneField(
        Idea, on_delete=models.CASCADE, primary_key=True, related_name="ranking", verbose_name=_("idea")
    )
    # The idea's conversation again, so a run finds its conversation's rows from one index.
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="+", verbose_name=_("conversation")
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
        # The order itself lives in ConversationRanking.ranked_ideas.
        constraints = [
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


class ConversationRanking(models.Model):
    """A conversation's ranking run: when it was computed, its figures, and the queue marker.

    ``queued_at`` coalesces recomputes: the first rating after a run sets it and queues the
    task; later ratings see it set and queue nothing; the task clears it before it reads, so a
    rating committed after that queues the next run. A marker older than
    ``RANKING_QUEUE_STALE_SECONDS`` is treated as lost (a worker died) and is taken again.
    """

    conversation = models.OneToOneField(
        Conversation,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="ranking",
        verbose_name=_("conversation"),
    )
    queued_at = models.DateTimeField(_("recompute queued"), null=True, blank=True)
    computed_at = models.DateTimeField(_("last computed"), null=True, blank=True)
    idea_count = models.PositiveIntegerField(_("ideas ranked"), default=0)
    rating_count = models.PositiveIntegerField(_("ratings counted"), default=0)
    prior_mean = models.FloatField(_("average rating in the conversation"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"), default=0)
    # The priority order: the ranked ideas' ids, best first, as 8-byte big-endian integers, so
    # ranks r to s are bytes 8(r-1) to 8s. Stored uncompressed out of line on Postgres (see the
    # migration), a page of twenty reads one 160-byte slice instead of the whole list.
    ranked_ideas = models.BinaryField(_("ideas in priority order"), default=b"", editable=False)
    # The highest idea id the run saw; ideas after it were posted since and are not ranked yet.
    last_idea_id = models.BigIntegerField(_("last idea counted"), default=0)

    class Meta:
        verbose_name = _("conversation ranking")
        verbose_name_plural = _("conversation rankings")

    def __str__(self) -> str:
        return f"{self.conversation_id} @ {self.computed_at}"

    @staticmethod
    def pack(idea_ids: list[int]) -> bytes:
        return struct.pack(f">{len(idea_ids)}q", *idea_ids)

    @staticmethod
    def unpack(packed: bytes) -> list[int]:
        return list(struct.unpack(f">{len(packed) // 8}q", bytes(packed)))
