"""Conversations: continuous, not one-off consultations, owned by an organisation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vocaleyes.i18n import Bilingual
from vocaleyes.models import Organisation
from vocaleyes.permissions import facilitator_roles, is_officer

if TYPE_CHECKING:
    from vocaleyes.models import User


class ConversationQuerySet(models.QuerySet["Conversation"]):
    def listed(self) -> ConversationQuerySet:
        """Conversations anyone may find in lists: public and not draft."""
        return self.filter(
            visibility=Conversation.Visibility.PUBLIC,
            status__in=[Conversation.Status.OPEN, Conversation.Status.CLOSED],
        )

    def open(self) -> ConversationQuerySet:
        return self.filter(status=Conversation.Status.OPEN)

    def facilitated_by(self, user: User) -> ConversationQuerySet:
        """The conversations whose facilitator pages this person may open: every one for an
        officer, otherwise those of the organisations they facilitate (``can_facilitate``)."""
        if is_officer(user):
            return self.all()
        return self.filter(organisation__in=facilitator_roles(user.pk).values("organisation_id"))

    def with_moderation_counts(self) -> ConversationQuerySet:
        """With ``ideas_shown``, and ``ideas_pending`` and ``comments_pending`` (waiting for
        review), each a subquery, so a list of conversations costs one query."""
        from .ideas import Comment, ContentStatus, Idea

        def count(queryset: models.QuerySet[Any], group_by: str) -> Coalesce:
            rows = queryset.order_by().values(group_by).annotate(n=Count("*")).values("n")
            return Coalesce(Subquery(rows), 0)

        ideas = Idea.objects.filter(conversation=OuterRef("pk"))
        comments = Comment.objects.filter(idea__conversation=OuterRef("pk"), status=ContentStatus.PENDING)
        return self.annotate(
            ideas_shown=count(ideas.filter(status=ContentStatus.PUBLISHED), "conversation"),
            ideas_pending=count(ideas.filter(status=ContentStatus.PENDING), "conversation"),
            comments_pending=count(comments, "idea__conversation"),
        )

    def with_ranking(self) -> ConversationQuerySet:
        """With its organisation and its ranking's summary in the same query; the stored order
        itself (up to 400 kB) stays in the database, where pages read slices of it."""
        return self.select_related("organisation", "ranking__queue").defer("ranking__ranked_ideas")


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
    target_groups = models.ManyToManyField(
        "vocaleyes.TargetGroup",
        blank=True,
        related_name="conversations",
        verbose_name=_("target groups"),
        help_text=_("For an invitation-only conversation: the members of these groups may take part."),
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
    authors_start_action_groups = models.BooleanField(
        _("authors may start action groups"),
        default=False,
        help_text=_(
            "Whether the author of a published idea may turn it into an action group, as facilitators can."
        ),
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
    # When it ran, as its page says ("3 March 2025 to 27 June 2025"): not ``created``, which is
    # when it was set up (a conversation may be drafted weeks before, or loaded long after).
    opened_on = models.DateField(
        _("opened on"),
        null=True,
        blank=True,
        help_text=_("When residents could first take part. Left empty, it is set to the day it is opened."),
    )
    closed_on = models.DateField(
        _("closed on"),
        null=True,
        blank=True,
        help_text=_("When it stopped taking part. Left empty, it is set to the day it is closed."),
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
            models.CheckConstraint(
                condition=Q(opened_on__isnull=True)
                | Q(closed_on__isnull=True)
                | Q(closed_on__gte=F("opened_on")),
                name="conversation_closes_after_it_opens",
                violation_error_message=_("A conversation cannot close before it opens."),
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
