"""Responses to ideas ("you said, we did") in the officers' admin: read-only lists with filters
by status and organisation. Responses are given and changed on the idea's page
(``response_views.idea_respond``), through ``services.idea_respond``, so that the author and
followers are told; each row links there."""

from __future__ import annotations

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .admin import _ModeratorsSee, _ReadOnlyAdmin
from .models import IdeaResponse


@admin.register(IdeaResponse)
class IdeaResponseAdmin(_ModeratorsSee, _ReadOnlyAdmin):
    list_display = [
        "idea",
        "status",
        "conversation",
        "action_group",
        "responded_by",
        "updated",
        "on_the_site",
    ]
    list_filter = ["status", "idea__conversation__organisation", "idea__conversation"]
    list_select_related = ["idea__conversation__organisation", "action_group", "responded_by"]
    search_fields = ["idea__title", "text_en", "text_cy"]
    date_hierarchy = "updated"
    fields = [
        "idea",
        "status",
        "text_en",
        "text_cy",
        "action_group",
        "budget_project",
        "responded_by",
        "created",
        "updated",
    ]

    @admin.display(description=_("conversation"), ordering="idea__conversation")
    def conversation(self, obj: IdeaResponse) -> str:
        return str(obj.idea.conversation)

    @admin.display(description=_("change it"))
    def on_the_site(self, obj: IdeaResponse) -> str:
        return render_to_string("admin/conversations/_response_link.html", {"response": obj})
