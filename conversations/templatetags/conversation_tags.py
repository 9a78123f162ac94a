"""Template helpers for ideas and comments. The markup itself is in the templates
(``conversations/_idea_card.html``, ``_comment.html``, ``_rating_control.html``); these are the
values they need worked out in Python.

``card_figures`` and ``byline`` are the idea card's two lines of text, worked out here rather
than with ``blocktranslate`` and ``date`` in the card: the conversation's list shows 20 cards
on the busiest page of the site, and five ``blocktranslate`` tags a card (plural forms, number
and date formatting) cost more than the page's queries. With them written in the card the
anonymous conversation page took a median 32.9 ms (Django CPU 20.7 ms), over its 30 ms target;
with these two filters it is back near the 13.6 ms it took when the whole card was built in
Python (``bench/ideas.py --only pages``, 1M ratings; figures in the README). The strings are
translated the same way, with gettext and ngettext, each language's looked up once.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from django import template
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext, ngettext

from conversations.models import Idea, RankingSummary, RatingValue
from conversations.text import render_plain_text

register = template.Library()

EXCERPT_LENGTH = 240


@register.filter
def plain_text(value: str) -> SafeString:
    """Plain text a person typed, as safe HTML paragraphs with links (see ``conversations.text``)."""
    return render_plain_text(value or "")


@register.filter
def percent_of(part: int, whole: int) -> int:
    """``part`` as a whole percentage of ``whole`` (0 when there is nothing to divide)."""
    return round(100 * part / whole) if whole else 0


@register.filter
def rating_label(value: int) -> str:
    """What a rating value means ("Essential" for 5), in the active language."""
    return str(RatingValue(value).label)


@register.filter
def rating_not_counted(idea: Idea, summary: RankingSummary | None) -> bool:
    """Whether an idea card's figures leave out the viewer's own rating of it, given since the
    ranking's last run (``summary``: the conversation's own ranking). Nothing is said beside a
    fair order's summary, nor where the page has none (a closed conversation's)."""
    if summary is None or summary.variant_of_id is not None or getattr(idea, "my_rating", None) is None:
        return False
    return not summary.counts_rating_at(getattr(idea, "my_rating_at", None))


@register.simple_tag
def lang_if_other(language: str, current: str) -> str:
    """The ``lang`` attribute for text written in a language other than the page's."""
    return "" if language == current[:2] else format_html(' lang="{}"', language)


@register.filter
def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """The start of a text, cut at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0]
    return f"{cut}…"


@lru_cache(maxsize=8)
def _month_names(language: str) -> tuple[str, ...]:
    """The month names of ``language`` (the active one: it is the cache key)."""
    return ("", *(str(MONTHS[number]) for number in range(1, 13)))


def short_date(moment: datetime) -> str:
    """ "22 November 2026" in local time and the active language: what the ``date:"j F Y"``
    filter gives, at a fraction of its cost, for lists of many."""
    local = localtime(moment)
    return f"{local.day} {_month_names(get_language() or 'en')[local.month]} {local.year}"


@register.filter
def date_and_time(moment: datetime) -> str:
    """ "22 November 2026, 14:05": ``date:"j F Y, H:i"`` for the comments of an idea page."""
    return f"{short_date(moment)}, {localtime(moment):%H:%M}"


# Translations do not change while the process runs, and a page of cards asks for the same
# few strings many times: each language's are looked up once (the language is the cache key).
@lru_cache(maxsize=8)
def _card_texts(language: str) -> dict[str, str]:
    return {
        "rank": gettext("Priority rank %(rank)s"),
        "unranked": gettext("Not ranked yet"),
        "mean": gettext("average %(mean)s out of 5"),
        "seeded_by": gettext("Seeded by %(name)s on %(date)s"),
        "posted_by": gettext("Posted by %(name)s on %(date)s"),
    }


@lru_cache(maxsize=2048)
def _ratings_text(language: str, count: int) -> str:
    return ngettext("%(count)s rating", "%(count)s ratings", count) % {"count": count}


@lru_cache(maxsize=2048)
def _comments_text(language: str, count: int) -> str:
    return ngettext("%(count)s comment", "%(count)s comments", count) % {"count": count}


@register.filter
def card_figures(idea: Idea) -> str:
    """ "Priority rank 3 · 12 ratings, average 4.1 out of 5 · 2 comments" (plain text)."""
    language = get_language() or "en"
    texts = _card_texts(language)
    snapshot = idea.ranking
    figures = texts["rank"] % {"rank": snapshot.rank} if snapshot.rank else texts["unranked"]
    figures += " · " + _ratings_text(language, snapshot.rating_count)
    if snapshot.rating_mean is not None:
        figures += ", " + texts["mean"] % {"mean": f"{snapshot.rating_mean:.1f}"}
    return figures + " · " + _comments_text(language, idea.comment_count)


@register.filter
def byline(idea: Idea) -> str:
    """ "Posted by Alys on 22 November 2026" ("Seeded by …" for a seeded idea), plain text."""
    texts = _card_texts(get_language() or "en")
    message = texts["seeded_by"] if idea.is_seeded else texts["posted_by"]
    return message % {"name": idea.author.public_name, "date": short_date(idea.created)}
