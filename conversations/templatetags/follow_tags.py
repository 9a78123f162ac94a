"""Whether the viewer follows an idea or an action group (for ``action/_follow_button.html``)."""

from __future__ import annotations

from typing import Any

from django import template

from vocaleyes.permissions import is_suspended

from ..models import Follow

register = template.Library()


@register.simple_tag
def is_following(user: Any, idea: Any = None, group: Any = None) -> bool:
    """One query, for someone signed in; False for everyone else."""
    idea, group = idea or None, group or None  # a template passes "" for a name it lacks
    if not getattr(user, "is_authenticated", False) or (idea is None and group is None):
        return False
    target = {"idea_id": idea.pk} if idea is not None else {"group_id": group.pk}
    return Follow.objects.filter(person_id=user.pk, **target).exists()


@register.filter
def can_follow(user: Any) -> bool:
    """Signed in and not suspended (a suspended person reads, and does nothing else)."""
    return bool(getattr(user, "is_authenticated", False)) and not is_suspended(user)
