"""Ideas, the ratings they are given and the comments on them, and ``visible()``, the one
place moderation decides what may be shown."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Min, OuterRef, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .conversations import Conversation

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


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
        """What an idea card needs, in the same query: its author, its ranking snapshot, its
        official response (the card's status tag) and whether the author facilitates for the
        conversation's organisation (``author_facilitates``, the badge beside their name)."""
        from vocaleyes.permissions import facilitates_as_subquery  # permissions reads models

        return self.select_related("author", "ranking", "response").annotate(
            author_facilitates=facilitates_as_subquery("author_id", OuterRef("conversation__organisation_id"))
        )

    def with_conversation(self) -> IdeaQuerySet:
        """With its conversation, organisation and ranking summary in the same query (the
        stored order itself left in the database, as ``Conversation.objects.with_ranking()``)."""
        return self.select_related("conversation__organisation", "conversation__ranking__queue").defer(
            "conversation__ranking__ranked_ideas"
        )

    def in_priority_order(self) -> IdeaQuerySet:
        """By rank in their conversation's stored ranking, best first; ideas not ranked yet
        (posted since the last run) after them, oldest first."""
        return self.order_by(F("ranking__rank").asc(nulls_last=True), "pk")

    def for_review(self) -> IdeaQuerySet:
        """The moderation queue: ideas waiting for review or with open reports, with how many
        open reports each has, most reported first, then oldest first."""
        from .moderation import review_queue  # moderation builds on ideas, not the reverse

        return review_queue(self, "idea")

    def with_rating_by(self, user: AbstractBaseUser | AnonymousUser, *, when: bool = False) -> IdeaQuerySet:
        """Each idea's ``my_rating``: this person's rating of it (None if none, or signed out);
        with ``when``, also ``my_rating_at``: when they last gave or changed it."""
        if not user.is_authenticated:
            return self
        mine = Rating.objects.filter(idea_id=models.OuterRef("pk"), user_id=user.pk)
        annotated = self.annotate(my_rating=models.Subquery(mine.values("value")[:1]))
        if when:
            annotated = annotated.annotate(my_rating_at=models.Subquery(mine.values("updated")[:1]))
        return annotated


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
    # The shared seed this idea is a copy of, when it was seeded into several conversations at
    # once (``services.seed_across``); the copies' ratings are compared side by side.
    seed = models.ForeignKey(
        "conversations.SharedSeed",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("shared seed"),
        db_index=False,  # idea_one_copy_of_a_seed_per_conversation starts with the seed
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
            models.CheckConstraint(
                condition=Q(seed__isnull=True) | Q(is_seeded=True), name="idea_copies_of_a_seed_are_seeded"
            ),
            models.UniqueConstraint(
                fields=["seed", "conversation"],
                condition=Q(seed__isnull=False),
                name="idea_one_copy_of_a_seed_per_conversation",
            ),
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
        from .moderation import review_queue

        return review_queue(self, "comment")


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
    # The language of the page the author wrote on, so a Welsh comment on an English page carries
    # lang="cy" (WCAG 3.1.2). Empty for comments written before this was kept: unknown, so no
    # attribute rather than a guess that would make a screen reader mispronounce them.
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, blank=True, default="", db_default=""
    )
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
