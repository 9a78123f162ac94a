"""Moderation: reports, the moderation log, and the review queue's lists."""

from __future__ import annotations

from typing import TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .conversations import Conversation
from .ideas import Comment, CommentQuerySet, ContentStatus, Idea, IdeaQuerySet


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


def review_queue(queryset: _Q, kind: str) -> _Q:
    """Items waiting for review, with open reports (``for_review``) or hidden with an open review
    request, with how many open reports each has, most reported first, then oldest first."""
    open_reports = (
        Report.objects.filter(**{kind: OuterRef("pk")}, decision__isnull=True)
        .order_by()
        .values(kind)
        .annotate(n=Count("*"))
        .values("n")
    )
    # Hidden items whose authors asked for a review wait here too (``ReviewRequest``).
    review_asked = ReviewRequest.objects.filter(**{kind: OuterRef("pk")}, decision__isnull=True)
    return (
        queryset.annotate(open_reports=Coalesce(Subquery(open_reports), 0), review_asked=Exists(review_asked))
        .filter(Q(status=ContentStatus.PENDING) | Q(open_reports__gt=0) | Q(review_asked=True))
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


class ReviewRequest(models.Model):
    """An author's request that moderators look again at their hidden idea or comment (issue 13).
    Open until a moderation decision about the item deals with it (``decision``: restoring it, or
    hiding it again with a new reason); one per person per item, so asking twice is refused."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_requests",
        verbose_name=_("asked by"),
        db_index=False,  # the unique constraints start with the author
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="review_requests", verbose_name=_("conversation")
    )
    idea = models.ForeignKey(
        Idea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_requests",
        verbose_name=_("idea"),
    )
    comment = models.ForeignKey(
        Comment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_requests",
        verbose_name=_("comment"),
    )
    message = models.TextField(_("why it should be shown"), blank=True)
    created = models.DateTimeField(_("asked"), auto_now_add=True)
    decision = models.ForeignKey(
        ModerationDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_requests",
        verbose_name=_("answered by"),
    )

    class Meta:
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(idea__isnull=False, comment__isnull=True)
                | Q(idea__isnull=True, comment__isnull=False),
                name="review_request_is_about_one_item",
            ),
            # NULLs are distinct in a unique constraint, so each holds only for its kind of item.
            models.UniqueConstraint(fields=["author", "idea"], name="one_review_request_per_idea"),
            models.UniqueConstraint(fields=["author", "comment"], name="one_review_request_per_comment"),
        ]

    def __str__(self) -> str:
        return f"{self.author} · {self.created:%Y-%m-%d %H:%M}"

    @property
    def item(self) -> Idea | Comment | None:
        return self.idea or self.comment
