"""Amounts of time credit: stored as whole minutes, shown as hours and minutes.

Why whole minutes rather than quarter hours: minutes are the unit people actually record
("45 minutes on the phone line", "20 minutes setting up the hall"), so nothing an organiser
confirms has to be rounded away; integers add up exactly (no floats, no decimals), so the ledger's
"sums to zero" checks are exact in SQL and in Python; and a bigint holds any realistic total. An
organisation that prefers quarter hours can still ask for them on a form; going from minutes to
quarter hours later would lose information, going the other way would not.

No ORM here: this module is imported by models, forms, templates and tests alike.
"""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import get_language, gettext, ngettext

MINUTES_PER_HOUR = 60
# One recorded piece of volunteering (or one gift) is at most 100 hours: anything bigger is
# much more likely a typing mistake ("300" hours for 3:00) than a real week of work.
MAX_MINUTES_PER_TRANSFER = 100 * MINUTES_PER_HOUR


def to_minutes(hours: int, minutes: int) -> int:
    """Hours and minutes as entered on a form, as whole minutes."""
    return hours * MINUTES_PER_HOUR + minutes


def split_minutes(minutes: int) -> tuple[int, int]:
    """(hours, minutes) of a non-negative amount."""
    if minutes < 0:
        raise ValueError("split_minutes takes a non-negative amount")
    return divmod(minutes, MINUTES_PER_HOUR)


_formatted: dict[tuple[str, int], str] = {}


def format_minutes(minutes: int) -> str:
    """An amount in words in the active language: "3 hours", "1 hour 30 minutes", "45 minutes".

    Negative amounts (an issuing account's balance) start with a minus sign. Remembered per
    language (a statement page shows 75 amounts, most of them the same few).
    """
    key = (get_language() or "", minutes)
    text = _formatted.get(key)
    if text is None:
        if len(_formatted) > 10_000:
            _formatted.clear()
        text = _formatted[key] = _format_minutes(minutes)
    return text


# For a flash message (``vocaleyes.flash.lazy_message``): the amount in the language of the page
# that shows it.
format_minutes_lazy = lazy(format_minutes, str)


def _format_minutes(minutes: int) -> str:
    sign = "−" if minutes < 0 else ""  # noqa: RUF001 - a real minus sign reads better than a hyphen
    hours, rest = split_minutes(abs(minutes))
    hours_text = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes_text = ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest}
    if hours and rest:
        text = gettext("%(hours)s %(minutes)s") % {"hours": hours_text, "minutes": minutes_text}
    elif rest:
        text = minutes_text
    else:
        text = hours_text
    return sign + text


def format_clock(minutes: int) -> str:
    """An amount as h:mm, the same in every language (CSV files, narrow table cells)."""
    sign = "-" if minutes < 0 else ""
    hours, rest = split_minutes(abs(minutes))
    return f"{sign}{hours}:{rest:02d}"
