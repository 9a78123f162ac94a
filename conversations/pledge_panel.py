"""What the pledge panel on an action group's page shows (placeholder: the pledges helper
replaces this module and ``conversations/action/_pledge_panel.html`` with the real ones)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vocaleyes.permissions import Person

    from .models import ActionGroup


def panel(group: ActionGroup, viewer: Person) -> dict[str, Any]:
    """The panel's context, merged into the page's."""
    return {"pledges_shown": False}
