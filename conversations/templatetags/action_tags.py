"""The action groups shown beside a conversation and an idea (one query each), with a link to
start one from the idea for those allowed (``permissions.can_start_action_group``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template

from conversations import permissions
from conversations.models import ActionGroup

if TYPE_CHECKING:
    from conversations.models import Conversation, Idea

register = template.Library()

# Beside a conversation: its newest groups; all of them are on the "Get involved" page.
GROUPS_BESIDE = 10


@register.inclusion_tag("conversations/action/_conversation_groups.html")
def action_groups_for(conversation: Conversation) -> dict[str, Any]:
    """The conversation's action groups, newest first (as visible as the conversation: whoever
    sees its page may see them)."""
    groups = list(
        ActionGroup.objects.filter(conversation_id=conversation.pk)
        .only("pk", "name_en", "name_cy", "status")
        .order_by("-created", "-pk")[: GROUPS_BESIDE + 1]
    )
    return {"groups": groups[:GROUPS_BESIDE], "more": len(groups) > GROUPS_BESIDE}


@register.inclusion_tag("conversations/action/_idea_groups.html", takes_context=True)
def action_groups_for_idea(context: template.Context, idea: Idea) -> dict[str, Any]:
    """The groups acting on this idea, and whether the viewer may start one from it."""
    user = context["user"]
    groups = list(idea.action_groups.only("pk", "name_en", "name_cy", "status").order_by("-created", "-pk"))
    return {"groups": groups, "idea": idea, "can_start": permissions.can_start_action_group(user, idea)}
