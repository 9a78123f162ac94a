"""Content in English and Welsh.

Content fields come in pairs (``title_en``, ``title_cy``). ``Bilingual`` is a read-only
descriptor that returns the field in the active language and falls back to the other language
when that one is empty, so a Welsh page never shows a blank where only English was written
(and the other way round).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def content_language() -> str:
    """The active language reduced to one of our content languages ("en" or "cy")."""
    return "cy" if (get_language() or "en").startswith("cy") else "en"


def in_language(english: str | None, welsh: str | None, language: str) -> str:
    """The text in ``language`` ("en" or "cy"), else in the other one ("" if neither has any)."""
    if language == "cy":
        return welsh or english or ""
    return english or welsh or ""


class Bilingual:
    def __init__(self, base: str) -> None:
        self.base = base

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return in_language(
            getattr(instance, f"{self.base}_en", ""),
            getattr(instance, f"{self.base}_cy", ""),
            content_language(),
        )

    def language_of(self, instance: Any) -> str:
        """Which language the value shown now is in (for the ``lang`` attribute)."""
        preferred = content_language()
        if getattr(instance, f"{self.base}_{preferred}", ""):
            return preferred
        return "en" if preferred == "cy" else "cy"
