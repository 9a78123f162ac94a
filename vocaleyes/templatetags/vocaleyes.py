from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from vocaleyes import permissions
from vocaleyes.i18n import content_language

register = template.Library()


@register.simple_tag
def lang_attr(obj: Any, field: str) -> str:
    """` lang="en"` when a bilingual field falls back to the other language, so screen readers
    pronounce it right (WCAG 3.1.2); nothing when it is in the page's language."""
    descriptor = getattr(type(obj), field)
    shown = descriptor.language_of(obj)
    if shown == content_language():
        return ""
    return format_html(' lang="{}"', shown)


@register.filter
def input_type(bound_field: Any) -> str:
    """The HTML input type a form field asks for: an explicit ``type`` attribute (allauth sets
    ``type="email"`` on text inputs) wins over the widget's own; "" for widgets that are not
    input elements (textarea, select)."""
    widget = bound_field.field.widget
    return str(widget.attrs.get("type") or getattr(widget, "input_type", "") or "")


@register.filter
def facilitates_any(user: Any) -> bool:
    """Whether the header offers "Your conversations" (``permissions.facilitates_any``)."""
    return permissions.facilitates_any(user)
