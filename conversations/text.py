"""Showing what people type, safely.

Ideas and comments are plain text, stored exactly as typed. To show them we split the text into
paragraphs (at blank lines), lines and bare http(s) addresses, and the template
``conversations/_plain_text.html`` writes them out: every character escaped (so a script tag
someone types is shown as the characters they typed, never run), paragraphs, line breaks, and
links that search engines do not follow. The result then goes through nh3, a well-kept HTML
sanitiser, with an allow-list of three tags: a second, independent line of defence should the
first ever slip.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

import nh3
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.template.backends.base import _EngineTemplate

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


@functools.cache
def _template() -> _EngineTemplate:
    # Found once: an idea page renders it for every comment.
    return get_template("conversations/_plain_text.html")


# A line is a list of (text, url) parts: plain text has no url, an address has no text.
Line = list[tuple[str, str]]


def _parts(line: str) -> Line:
    """One line of text, with its http(s) addresses apart."""
    parts: Line = []
    position = 0
    for match in _URL.finditer(line):
        url = match.group(0).rstrip(_TRAILING)
        start, end = match.start(), match.start() + len(url)
        parts.append((line[position:start], ""))
        parts.append(("", url))
        position = end
    parts.append((line[position:], ""))
    return parts


def render_plain_text(text: str) -> SafeString:
    """HTML for a piece of plain text: paragraphs, line breaks and links, nothing else."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return mark_safe("")
    paragraphs = [
        [_parts(line) for line in paragraph.split("\n")] for paragraph in _PARAGRAPH_BREAK.split(text)
    ]
    html = _template().render({"paragraphs": paragraphs})
    cleaned = _CLEANER.clean(html)
    return mark_safe(cleaned)  # noqa: S308 - escaped by the template, then sanitised by nh3
