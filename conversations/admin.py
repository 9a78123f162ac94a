from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import (
    Comment,
    Conversation,
    ConversationRanking,
    Idea,
    IdeaRanking,
    Organisation,
    OrganisationRole,
    Rating,
)


class OrganisationRoleInline(admin.TabularInline):
    model = OrganisationRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_cy", "kind", "level", "conversation_count", "created"]
    list_filter = ["kind", "level"]
    search_fields = ["name_en", "name_cy", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [OrganisationRoleInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return super().get_queryset(request).annotate(conversation_count=Count("conversations"))

    @admin.display(description=_("conversations"), ordering="conversation_count")
    def conversation_count(self, obj: Organisation) -> int:
        return obj.conversation_count  # type: ignore[attr-defined]


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
        (None, {"fields": ["organisation", "slug", "status", "visibility"]}),
        (_("English"), {"fields": ["title_en", "description_en"]}),
        (_("Welsh"), {"fields": ["title_cy", "description_cy"]}),
        (_("History"), {"fields": ["created", "updated"]}),
    ]


@admin.register(OrganisationRole)
class OrganisationRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created"]
    list_filter = ["role", "organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "user__display_name", "organisation__name_en", "organisation__name_cy"]
    autocomplete_fields = ["user", "organisation"]


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Officers see everything here; changes go through the services (and, for hiding and
    restoring, through moderation), never through a bare form save."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


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
    can_delete = False
    fields = _SNAPSHOT_FIELDS
    readonly_fields = _SNAPSHOT_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Idea)
class IdeaAdmin(_ReadOnlyAdmin):
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
    inlines = [IdeaRankingInline]
    fields = [
        "conversation",
        "author",
        "status",
        "is_seeded",
        "source_note",
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
class CommentAdmin(_ReadOnlyAdmin):
    list_display = ["short_body", "idea", "author", "status", "is_reply", "created"]
    list_filter = ["status", "idea__is_seeded", "idea__conversation"]
    list_select_related = ["idea", "author"]
    search_fields = ["body", "author__email", "author__display_name", "idea__title"]
    date_hierarchy = "created"
    show_full_result_count = False
    fields = ["idea", "parent", "author", "status", "body", "created", "updated"]

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


@admin.register(ConversationRanking)
class ConversationRankingAdmin(_ReadOnlyAdmin):
    list_display = [
        "conversation",
        "computed_at",
        "idea_count",
        "rating_count",
        "prior_mean",
        "duration_ms",
        "queued_at",
    ]
    list_select_related = ["conversation"]
    fields = [
        "conversation",
        "computed_at",
        "idea_count",
        "rating_count",
        "prior_mean",
        "duration_ms",
        "queued_at",
    ]
