"""The officers' review queues in the admin (imported by ``conversations.admin``): ideas and
comments waiting for review or with open reports, authors' review requests and reports. On the
admin index they are the "To review" group (``vocaleyes.admin_site.ReviewQueue``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vocaleyes.admin_site import ReviewQueue

from .admin import (
    CommentDecisionInline,
    CommentReportInline,
    CommentReviewRequestInline,
    IdeaDecisionInline,
    IdeaReportInline,
    IdeaReviewRequestInline,
    _excerpt,
    _ModerationActions,
    _ModeratorsSee,
    _ReadOnlyAdmin,
)
from .models import Comment, CommentToReview, Idea, IdeaToReview, Report, ReviewRequest


class _QueueAdmin(ReviewQueue, _ModeratorsSee, _ModerationActions, _ReadOnlyAdmin):
    """Items waiting for review or with open reports: most reported first, then oldest."""

    show_full_result_count = False
    list_per_page = 50

    def review_waiting(self, request: HttpRequest) -> int:
        return self.get_queryset(request).count()

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        # Not ``ordering``: the admin's checks look for a model field of that name.
        return [F("open_reports").desc(), "created", "pk"]

    @admin.display(description=_("open reports"), ordering="open_reports")
    def open_reports(self, obj: Any) -> int:
        return int(obj.open_reports)

    @admin.display(description=_("review asked for"), boolean=True, ordering="review_asked")
    def review_asked(self, obj: Any) -> bool:
        return bool(obj.review_asked)

    @admin.display(description=_("waiting since"), ordering="created")
    def waiting_since(self, obj: Any) -> Any:
        return obj.created


@admin.register(IdeaToReview)
class IdeaToReviewAdmin(_QueueAdmin):
    review_order = 10
    list_display = [
        "title",
        "excerpt",
        "status",
        "open_reports",
        "review_asked",
        "conversation",
        "author",
        "waiting_since",
    ]
    list_display_links = ["title"]
    list_filter = ["status", "conversation"]
    list_select_related = ["conversation", "author"]
    search_fields = ["title", "body", "author__email", "author__display_name"]
    fields = ["conversation", "author", "status", "is_seeded", "source_note", "title", "body", "created"]
    inlines = [IdeaReportInline, IdeaReviewRequestInline, IdeaDecisionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return IdeaToReview.objects.for_review()

    @admin.display(description=_("description"))
    def excerpt(self, obj: Idea) -> str:
        return _excerpt(obj.body)


@admin.register(CommentToReview)
class CommentToReviewAdmin(_QueueAdmin):
    review_order = 20
    list_display = [
        "short_body",
        "status",
        "open_reports",
        "review_asked",
        "on_idea",
        "author",
        "waiting_since",
    ]
    list_display_links = ["short_body"]
    list_filter = ["status", "idea__conversation"]
    list_select_related = ["idea", "author"]
    search_fields = ["body", "author__email", "author__display_name"]
    fields = ["idea", "parent", "author", "status", "body", "created"]
    inlines = [CommentReportInline, CommentReviewRequestInline, CommentDecisionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return CommentToReview.objects.for_review()

    @admin.display(description=_("comment"))
    def short_body(self, obj: Comment) -> str:
        return _excerpt(obj.body)

    @admin.display(description=_("on the idea"))
    def on_idea(self, obj: Comment) -> str:
        return obj.idea.title


@admin.register(ReviewRequest)
class ReviewRequestAdmin(ReviewQueue, _ModeratorsSee, _ReadOnlyAdmin):
    """Authors' requests to look again at hidden items, read-only: officers answer them from the
    review queues (restore, or hide again with a new reason), which closes the request. On the
    index, the open ones wait for review."""

    review_filter = "decision__isempty=1"
    review_order = 40

    def review_waiting(self, request: HttpRequest) -> int:
        return ReviewRequest.objects.filter(decision__isnull=True).count()

    list_display = ["created", "author", "about", "conversation", "decision"]
    list_filter = [("decision", admin.EmptyFieldListFilter), "conversation"]
    list_select_related = ["author", "idea", "comment", "conversation", "decision"]
    fields = ["created", "author", "conversation", "idea", "comment", "message", "decision"]
    actions = None

    @admin.display(description=_("about"))
    def about(self, obj: ReviewRequest) -> str:
        return str(obj.item)


@admin.register(Report)
class ReportAdmin(ReviewQueue, _ModeratorsSee, _ReadOnlyAdmin):
    """Every report; on the index, the open ones (no decision yet) wait for review."""

    review_filter = "decision__isempty=1"
    review_order = 30

    list_display = ["created", "reason", "reporter", "item", "conversation", "decision"]
    list_filter = ["reason", ("decision", admin.EmptyFieldListFilter), "conversation"]
    list_select_related = ["reporter", "idea", "comment", "conversation", "decision"]
    search_fields = ["details", "reporter__email", "idea__title", "comment__body"]
    date_hierarchy = "created"
    show_full_result_count = False
    actions = None
    fields = ["created", "reporter", "conversation", "idea", "comment", "reason", "details", "decision"]

    def review_waiting(self, request: HttpRequest) -> int:
        return Report.objects.filter(decision__isnull=True).count()
