from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import template

from budgeting.formatting import format_money

if TYPE_CHECKING:
    from conversations.models import Conversation

register = template.Library()


@register.filter
def money(amount: Decimal | float | None, currency: str = "GBP") -> str:
    """``{{ project.cost|money:round.currency }}`` → "£12,500"."""
    return format_money(amount, currency or "GBP")


@register.inclusion_tag("budgeting/_conversation_rounds.html")
def budget_rounds_for(conversation: Conversation) -> dict[str, Any]:
    """The conversation's budget rounds, for its page (one query; a round is as visible as its
    conversation, so whoever sees the page may see them)."""
    return {"rounds": list(conversation.budget_rounds.order_by("-voting_opens"))}
