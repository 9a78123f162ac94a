from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Conversation, Organisation, OrganisationRole


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
