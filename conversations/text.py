"""Showing what people type, safely.

Ideas and comments are plain text, stored exactly as typed. To show them we escape every
character (so ``<script>`` is shown as those eight characters, never run), turn blank lines into
paragraphs and single line breaks into ``<br>``, and make bare http(s) addresses into links that
search engines do not follow. The result then goes through nh3, a well-kept HTML sanitiser, with
an allow-list of three tags: a second, independent line of defence should the first ever slip.
"""

from __future__ import annotations

import re

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
# Punctuation that usually ends the sentence rather than the address.
_TRAILING = ".,;:!?)]}'\""
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

ALLOWED_TAGS = {"p", "br", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
LINK_REL = "nofollow ugc noopener noreferrer"
# Built once: nh3.clean() builds the same configuration on every call, five times the cost of
# the cleaning itself, and an idea page cleans every comment on it.
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https"},
    link_rel=LINK_REL,
)


def _linkify(line: str) -> str:
    """Escape one line of text, turning http(s) addresses in it into links."""
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(line):
        url = match.group(0).rstrip(_TRAILING)
        start, end = match.start(), match.start() + len(url)
        parts.append(escape(line[position:start]))
        parts.append(f'<a href="{escape(url)}">{escape(url)}</a>')
        position = end
    parts.append(escape(line[position:]))
    return "".join(parts)


def render_plain_text(text: str) -> SafeString:
    """HTML for a piece of plain text: paragraphs, line breaks and links, nothing else."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return mark_safe("")
    paragraphs = [
        "<p>" + "<br>".join(_linkify(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in _PARAGRAPH_BREAK.split(text)
    ]
    cleaned = _CLEANER.clean("".join(paragraphs))
    return mark_safe(cleaned)  # noqa: S308 - escaped above, then sanitised by nh3
