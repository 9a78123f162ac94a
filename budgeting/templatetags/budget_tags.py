from __future__ import annotations

from typing import Any

from django import template

from budgeting.formatting import format_money

register = template.Library()


@register.filter
def money(amount: Any, currency: str = "GBP") -> str:
    """``{{ project.cost|money:round.currency }}`` → "£12,500"."""
    return format_money(amount, currency or "GBP")


@register.inclusion_tag("budgeting/_conversation_rounds.html")
def budget_rounds_for(conversation: Any) -> dict[str, Any]:
    """The conversation's budget rounds, for its page (one query; a round is as visible as its
    conversation, so whoever sees the page may see them)."""
    return {"rounds": list(conversation.budget_rounds.order_by("-voting_opens"))}
