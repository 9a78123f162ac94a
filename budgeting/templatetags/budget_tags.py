from __future__ import annotations

from typing import Any

from django import template

from budgeting.formatting import format_money

register = template.Library()


@register.filter
def money(amount: Any, currency: str = "GBP") -> str:
    """``{{ project.cost|money:round.currency }}`` → "£12,500"."""
    return format_money(amount, currency or "GBP")
