"""Template helpers for ideas and comments. The markup itself is in the templates
(``conversations/_idea_card.html``, ``_comment.html``, ``_rating_control.html``); these are the
few values they need worked out in Python."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from conversations.models import RatingValue
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
