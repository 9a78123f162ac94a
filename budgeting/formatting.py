"""Money as people read it: "£1,250", "£12.50", "€40,000", "25,000 PLN"; and moments, as
"3 March 2027, 18:00" in the local time zone and the active language.

Pure (no ORM) so services, templates, emails and the results explanations format alike.
Whole amounts lose their pence; others keep two decimals. Shares of a cost computed by Equal
Shares are floats for display only and go through the same function.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils import timezone
from django.utils.formats import date_format

SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def format_money(amount: Decimal | Fraction | int | float | None, currency: str = "GBP") -> str:
    if amount is None:
        return ""
    if isinstance(amount, Fraction):
        value = Decimal(amount.numerator) / Decimal(amount.denominator)
    else:
        value = Decimal(str(amount)) if isinstance(amount, float) else Decimal(amount)
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    value = abs(value)
    text = f"{value:,.2f}".removesuffix(".00")
    symbol = SYMBOLS.get(currency.upper())
    if symbol:
        return f"{sign}{symbol}{text}"
    return f"{sign}{text} {currency.upper()}"


def format_moment(value: datetime) -> str:
    """A phase's date and time as the refusals and emails give it."""
    return date_format(timezone.localtime(value), "j F Y, H:i")
