"""The council officers' admin: conversations, and moderation.

Ideas, comments, ratings and rankings are read-only here: changes go through the services. The
moderation queue is two lists, *ideas to review* and *comments to review* (items waiting for
review or with open reports, most reported first, then oldest), with the actions approve, hide
and restore; each asks for a reason on an intermediate page and works on many items at once.
The same actions are on the full idea and comment lists (to restore hidden ones, say). The
moderation log is read-only: nobody can add, change or delete an entry from here.

Seeing the moderation lists is for moderators (``permissions.can_moderate``: staff), without
per-model permissions to hand out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from vocaleyes.admin_site import SettingsAdmin
from vocaleyes.errors import Refusal

from . import permissions, services
from .admin_actions import ReasonForm, confirm_with_reason
from .models import (
    Comment,
    ContentStatus,
    Conversation,
    ExportJob,
    Idea,
    IdeaRanking,
    ModerationDecision,
    RankingSummary,
    Rating,
    Report,
    ReviewRequest,
    SharedSeed,
)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["title_en", "title_cy", "organisation", "status", "visibility", "created", "updated"]
    list_filter = ["status", "visibility", "organisation__kind", "organisation__level", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["title_en", "title_cy", "description_en", "description_cy", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    date_hierarchy = "created"
    autocomplete_fields = ["organisation"]
    readonly_fields = ["created", "updated"]
    fieldsets = [
        (None, {"fields": ["organisation", "slug", "status", "visibility", "target_groups"]}),
        (_("When it ran"), {"fields": ["opened_on", "closed_on"]}),
        (_("English"), {"fields": ["title_en", "description_en"]}),
        (_("Welsh"), {"fields": ["title_cy", "description_cy"]}),
        (_("Taking part"), {"fields": ["posting_open", "rating_open"]}),
        (_("Moderation"), {"fields": ["premoderation", "report_threshold"]}),
        (_("History"), {"fields": ["created", "updated"]}),
    ]

    def save_model(self, request: HttpRequest, obj: Conversation, form: Any, change: bool) -> None:
        # Its page says when it ran: an officer who opens or closes it without giving the date
        # means today, rather than leaving the page to fall back on the day it was set up.
        if "status" in form.changed_data:
            if obj.status == Conversation.Status.OPEN and obj.opened_on is None:
                obj.opened_on = timezone.localdate()
            if obj.status == Conversation.Status.CLOSED and obj.closed_on is None:
                obj.closed_on = timezone.localdate()
        super().save_model(request, obj, form, change)


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Officers see everything here; changes go through the services (and, for hiding and
    restoring, through moderation), never through a bare form save."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class _ModeratorsSee:
    """Any moderator sees these lists, without model permissions handed out one by one."""

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return permissions.can_moderate(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_moderate(request.user)


class _ModerationActions:
    """Approve, hide and restore: as actions on many items, each after a page asking for the
    reason, and as buttons on an item's page, beside the reason field."""

    actions: Any = ["approve_selected", "hide_selected", "restore_selected"]
    change_form_template: Any = "admin/conversations/moderated_change_form.html"

    # The buttons on an item's page: what each does, through which service.
    DECISIONS: Any = {
        "approve": (_("Approve"), services.content_approve),
        "hide": (_("Hide"), services.content_hide),
        "restore": (_("Restore"), services.content_restore),
    }

    def get_urls(self) -> list[URLPattern]:
        opts = self.opts  # type: ignore[attr-defined]
        own = [
            path(
                "<path:object_id>/moderate/",
                self.admin_site.admin_view(self.moderate_view),  # type: ignore[attr-defined]
                name=f"{opts.app_label}_{opts.model_name}_moderate",
            )
        ]
        return own + super().get_urls()  # type: ignore[misc]

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, obj: Any = None, **kwargs: Any
    ) -> Any:
        if obj is not None and obj.pk:
            if obj.status != ContentStatus.HIDDEN:
                decisions = ["approve", "hide"]
            elif obj.review_requests.filter(decision__isnull=True).exists():
                decisions = ["restore", "hide"]  # hiding again, with a new reason, answers the request
            else:
                decisions = ["restore"]
            context["moderation_form"] = ReasonForm(auto_id="id_moderation_%s")
            context["moderation_decisions"] = [(name, self.DECISIONS[name][0]) for name in decisions]
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)  # type: ignore[misc]

    def moderate_view(self, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
        """One item's decision from the buttons on its page. The service checks the officer and
        the reason; a refusal is shown as an error on the page the officer came from."""
        if request.method != "POST":
            raise PermissionDenied
        item = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if item is None:
            raise Http404
        if not self.has_view_permission(request, item):  # type: ignore[attr-defined]
            raise PermissionDenied
        decision = request.POST.get("decision", "")
        if decision not in self.DECISIONS:
            raise PermissionDenied
        title, service = self.DECISIONS[decision]
        opts = self.opts  # type: ignore[attr-defined]
        change_url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[quote(item.pk)],
            current_app=self.admin_site.name,  # type: ignore[attr-defined]
        )
        try:
            service(item=item, officer=request.user, reason=request.POST.get("reason", ""))
        except Refusal as refusal:
            self.message_user(request, str(refusal), messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(change_url)
        self.message_user(  # type: ignore[attr-defined]
            request,
            ngettext("%(action)s: done for %(count)d item.", "%(action)s: done for %(count)d items.", 1)
            % {"action": title, "count": 1},
            messages.SUCCESS,
        )
        if self.get_queryset(request).filter(pk=item.pk).exists():  # type: ignore[attr-defined]
            return HttpResponseRedirect(change_url)
        # Gone from this list (a queue once decided): back to the list, for the next item.
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist", current_app=self.admin_site.name)  # type: ignore[attr-defined]
        )

    def _moderate(
        self, request: HttpRequest, queryset: QuerySet[Any], *, action: str, title: str, service: Any
    ) -> TemplateResponse | None:
        return confirm_with_reason(
            self,  # type: ignore[arg-type]
            request,
            queryset,
            action=action,
            title=title,
            button=title,
            apply=lambda item, form: service(
                item=item, officer=request.user, reason=form.cleaned_data["reason"]
            ),
            form_class=ReasonForm,
        )

    @admin.action(description=_("Approve: show it (or keep it shown) and close its reports"))
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        return self._moderate(
            request,
            queryset,
            action="approve_selected",
            title=gettext("Approve"),
            service=services.content_approve,
        )

    @admin.action(description=_("Hide: take it off every page and tell its author why"))
    def hide_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        return self._moderate(
            request, queryset, action="hide_selected", title=gettext("Hide"), service=services.content_hide
        )

    @admin.action(description=_("Restore: show a hidden item again"))
    def restore_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        return self._moderate(
            request,
            queryset,
            action="restore_selected",
            title=gettext("Restore"),
            service=services.content_restore,
        )


class _ModeratorsReadOnlyInline(admin.TabularInline):
    """What people sent about an item, shown to moderators beside it and never changed here."""

    extra = 0
    can_delete = False
    ordering = ["created"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return permissions.can_moderate(request.user)


class ReportInline(_ModeratorsReadOnlyInline):
    model = Report
    fields = readonly_fields = ("created", "reporter", "reason", "details", "decision")


class IdeaReportInline(ReportInline):
    fk_name = "idea"


class CommentReportInline(ReportInline):
    fk_name = "comment"


class ReviewRequestInline(_ModeratorsReadOnlyInline):
    """The author's request to look again at their hidden item (read-only, like reports)."""

    model = ReviewRequest
    fields = readonly_fields = ("created", "author", "message", "decision")


class IdeaReviewRequestInline(ReviewRequestInline):
    fk_name = "idea"


class CommentReviewRequestInline(ReviewRequestInline):
    fk_name = "comment"


class DecisionInline(admin.TabularInline):
    model = ModerationDecision
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created", "action", "actor", "reason", "status_before", "status_after")
    ordering = ["created"]
    verbose_name_plural = _("moderation history")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return permissions.can_moderate(request.user)


class IdeaDecisionInline(DecisionInline):
    fk_name = "idea"


class CommentDecisionInline(DecisionInline):
    fk_name = "comment"


_SNAPSHOT_FIELDS = (
    "rank",
    "score",
    "rating_count",
    "rating_mean",
    "count_1",
    "count_2",
    "count_3",
    "count_4",
    "count_5",
    "computed_at",
)


class IdeaRankingInline(admin.StackedInline):
    model = IdeaRanking
    fk_name = "idea"
    can_delete = False
    fields = _SNAPSHOT_FIELDS
    readonly_fields = _SNAPSHOT_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Idea)
class IdeaAdmin(_ModeratorsSee, _ModerationActions, _ReadOnlyAdmin):
    list_display = [
        "title",
        "conversation",
        "author",
        "status",
        "is_seeded",
        "rank",
        "ratings",
        "comment_count",
        "created",
    ]
    list_filter = ["status", "is_seeded", "language", "conversation"]
    list_select_related = ["conversation", "author", "ranking"]
    search_fields = ["title", "body", "source_note", "author__email", "author__display_name"]
    date_hierarchy = "created"
    show_full_result_count = False  # no second COUNT(*) over a national conversation
    inlines = [IdeaRankingInline, IdeaReportInline, IdeaDecisionInline]
    fields = [
        "conversation",
        "author",
        "status",
        "is_seeded",
        "source_note",
        "seed",
        "title",
        "body",
        "language",
        "comment_count",
        "created",
        "updated",
    ]

    @admin.display(description=_("rank"), ordering="ranking__rank")
    def rank(self, obj: Idea) -> int | None:
        return obj.ranking.rank

    @admin.display(description=_("ratings"), ordering="ranking__rating_count")
    def ratings(self, obj: Idea) -> int:
        return obj.ranking.rating_count


@admin.register(Comment)
class CommentAdmin(_ModeratorsSee, _ModerationActions, _ReadOnlyAdmin):
    list_display = ["short_body", "idea", "author", "status", "is_reply", "created"]
    list_filter = ["status", "idea__is_seeded", "idea__conversation"]
    list_select_related = ["idea", "author"]
    search_fields = ["body", "author__email", "author__display_name", "idea__title"]
    date_hierarchy = "created"
    show_full_result_count = False
    fields = ["idea", "parent", "author", "status", "body", "created", "updated"]
    inlines = [CommentReportInline, CommentDecisionInline]

    @admin.display(description=_("comment"))
    def short_body(self, obj: Comment) -> str:
        return obj.body[:80]

    @admin.display(description=_("reply"), boolean=True)
    def is_reply(self, obj: Comment) -> bool:
        return obj.parent_id is not None


@admin.register(Rating)
class RatingAdmin(_ReadOnlyAdmin):
    list_display = ["idea", "user", "value", "conversation", "updated"]
    list_filter = ["value", "idea__status", "idea__is_seeded", "conversation"]
    list_select_related = ["idea", "user", "conversation"]
    search_fields = ["idea__title", "user__email", "user__display_name"]
    show_full_result_count = False
    fields = ["conversation", "idea", "user", "value", "created", "updated"]


class SeedCopyInline(admin.TabularInline):
    """A shared seed's copies: one seeded idea per conversation."""

    model = Idea
    fk_name = "seed"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = readonly_fields = ("conversation", "title", "status", "created")
    ordering = ["conversation__title_en", "pk"]
    verbose_name = _("copy")
    verbose_name_plural = _("copies in conversations")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SharedSeed)
class SharedSeedAdmin(_ReadOnlyAdmin):
    """Ideas seeded into several conversations at once (``services.seed_across``), read only."""

    list_display = ["title", "organisation", "created_by", "created"]
    list_filter = ["organisation"]
    list_select_related = ["organisation", "created_by"]
    search_fields = ["title", "body", "source_note"]
    date_hierarchy = "created"
    fields = ["organisation", "title", "body", "language", "source_note", "created_by", "created"]
    inlines = [SeedCopyInline]


@admin.register(RankingSummary)
class RankingSummaryAdmin(SettingsAdmin, _ReadOnlyAdmin):
    list_display = [
        "conversation",
        "computed_at",
        "idea_count",
        "rating_count",
        "prior_mean",
        "duration_ms",
        "queued_at",
    ]
    list_select_related = ["conversation", "queue"]
    fields = [
        "conversation",
        "computed_at",
        "idea_count",
        "rating_count",
        "prior_mean",
        "duration_ms",
        "queued_at",
    ]

    @admin.display(description=_("recompute queued"))
    def queued_at(self, obj: RankingSummary) -> datetime | None:
        return obj.queue.queued_at


# --- Moderation ----------------------------------------------------------------------------


def _link_to(url: str, kind: str, item: str) -> str:
    """A link from the moderation log to the idea or comment a decision is about."""
    return render_to_string(
        "admin/conversations/_decision_about.html", {"url": url, "kind": kind, "item": item}
    )


def _excerpt(text: str, length: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(_ModeratorsSee, _ReadOnlyAdmin):
    """The audit log: every decision, read-only; nothing here adds, changes or deletes one."""

    list_display = ["created", "action", "decided_by", "about", "person", "conversation", "short_reason"]
    list_filter = ["action", "conversation"]
    list_select_related = ["actor", "person", "idea", "comment", "conversation"]
    search_fields = ["reason", "person__email", "person__display_name", "actor__email", "idea__title"]
    date_hierarchy = "created"
    show_full_result_count = False
    actions = None
    fields = [
        "created",
        "action",
        "actor",
        "person",
        "conversation",
        "idea",
        "comment",
        "status_before",
        "status_after",
        "suspended_until",
        "reason",
    ]

    @admin.display(description=_("decided by"), ordering="actor")
    def decided_by(self, obj: ModerationDecision) -> str:
        return str(obj.actor) if obj.actor_id else gettext("Automatically, after reports")

    @admin.display(description=_("about"))
    def about(self, obj: ModerationDecision) -> str:
        if obj.idea_id:
            url = reverse("admin:conversations_idea_change", args=[obj.idea_id])
            return _link_to(url, gettext("Idea"), str(obj.idea))
        if obj.comment_id:
            url = reverse("admin:conversations_comment_change", args=[obj.comment_id])
            return _link_to(url, gettext("Comment"), _excerpt(str(obj.comment), 60))
        return gettext("The person")

    @admin.display(description=_("reason"))
    def short_reason(self, obj: ModerationDecision) -> str:
        return _excerpt(obj.reason, 80)


@admin.register(ExportJob)
class ExportJobAdmin(SettingsAdmin, _ModeratorsSee, _ReadOnlyAdmin):
    list_display = ["created", "conversation", "requested_by", "format", "language", "status", "progress"]
    list_filter = ["status", "format"]
    list_select_related = ["conversation", "requested_by"]
    actions = None
    fields = [
        "conversation",
        "requested_by",
        "format",
        "language",
        "status",
        "total_rows",
        "rows_done",
        "file",
        "error",
        "created",
        "started_at",
        "finished_at",
    ]

    @admin.display(description=_("progress"))
    def progress(self, obj: ExportJob) -> str:
        return f"{obj.percent}%"


# The review queues (issue 13), action groups, pledges and hours, and responses to ideas
# (issue 12) have modules of their own; importing them registers them with the rest.
from . import action_admin, pledge_admin, queue_admin, response_admin  # noqa: E402, F401
