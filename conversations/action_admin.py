"""The officers' admin for action groups, with their coordinators and updates inline, filtered by
status and organisation.

Groups start from ideas (``services.action_group_create``, on the idea's page), so none is added
here. A change made here goes through the same services as on the site: the name, purpose and
budget project through ``action_group_edit``, the status through ``action_group_set_status``
(which tells followers), coordinators through ``action_group_add_coordinator`` and
``action_group_remove_coordinator`` (a group keeps at least one). Updates are read here; they
are posted on the group's page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from vocaleyes.errors import Refusal

from . import services
from .models import ActionGroup, ActionGroupCoordinator, ActionGroupUpdate


class CoordinatorInline(admin.TabularInline):
    model = ActionGroupCoordinator
    extra = 0
    fields = ["user", "added"]
    readonly_fields = ["added"]
    autocomplete_fields = ["user"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a coordinator is added or removed, not changed into someone else


class UpdateInline(admin.TabularInline):
    model = ActionGroupUpdate
    extra = 0
    fields = ["created", "author", "language", "body"]
    readonly_fields = ["created", "author", "language", "body"]
    ordering = ["-created", "-pk"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ActionGroupAdmin(admin.ModelAdmin):
    list_display = ["__str__", "conversation", "organisation", "status", "created"]
    list_filter = ["status", ("conversation__organisation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["conversation__organisation"]
    search_fields = ["name_en", "name_cy", "purpose_en", "purpose_cy", "conversation__title_en"]
    date_hierarchy = "created"
    autocomplete_fields = ["budget_project"]
    readonly_fields = ["conversation", "idea_links", "created_by", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["conversation", "idea_links", "status", "budget_project"]}),
        (_("English"), {"fields": ["name_en", "purpose_en"]}),
        (_("Welsh"), {"fields": ["name_cy", "purpose_cy"]}),
        (_("History"), {"fields": ["created_by", "created", "updated"]}),
    ]
    inlines = [CoordinatorInline, UpdateInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # groups start from an idea, on its page

    def get_queryset(self, request: HttpRequest) -> QuerySet[ActionGroup]:
        return super().get_queryset(request).select_related("conversation__organisation", "created_by")

    @admin.display(description=_("organisation"), ordering="conversation__organisation__name_en")
    def organisation(self, group: ActionGroup) -> str:
        return str(group.conversation.organisation)

    @admin.display(description=_("ideas it acts on"))
    def idea_links(self, group: ActionGroup) -> str:
        ideas = group.ideas.order_by("pk")
        return render_to_string("admin/conversations/_idea_links.html", {"ideas": ideas})

    def save_model(self, request: HttpRequest, obj: ActionGroup, form: ModelForm, change: bool) -> None:
        """Through the services, so the rules and the followers' events are the site's."""
        before = ActionGroup.objects.get(pk=obj.pk)
        try:
            services.action_group_edit(
                by=request.user,  # type: ignore[arg-type]
                group=obj,
                name_en=obj.name_en,
                name_cy=obj.name_cy,
                purpose_en=obj.purpose_en,
                purpose_cy=obj.purpose_cy,
                budget_project=obj.budget_project,
            )
            if obj.status != before.status:
                services.action_group_set_status(by=request.user, group=obj, status=obj.status)  # type: ignore[arg-type]
        except Refusal as refusal:
            self.message_user(request, refusal.message, messages.ERROR)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        """Coordinators through the services; nothing is saved from the read-only updates."""
        # Not committed: this only sorts the rows into new and deleted (as the change message needs).
        formset.save(commit=False)
        if formset.model is not ActionGroupCoordinator:
            return
        group = form.instance
        by = request.user
        try:
            for role in formset.new_objects:
                services.action_group_add_coordinator(by=by, group=group, person=role.user)  # type: ignore[arg-type]
            for role in formset.deleted_objects:
                services.action_group_remove_coordinator(by=by, group=group, person=role.user)  # type: ignore[arg-type]
        except Refusal as refusal:
            self.message_user(request, refusal.message, messages.ERROR)


admin.site.register(ActionGroup, ActionGroupAdmin)
