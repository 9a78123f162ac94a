"""Template helpers for our admin template overrides (issue 13: the admin at WCAG 2.2 AA)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.text import capfirst

register = template.Library()


@register.simple_tag
def labelled_widget(bound_field: Any, label: Any) -> SafeString | str:
    """A form field's control named by ``label`` (``aria-label``): for controls in a table row,
    whose only visible label is the column's heading (a tabular inline's cells)."""
    if bound_field.field.widget.is_hidden:
        return str(bound_field)
    rendered = bound_field.as_widget(attrs={"aria-label": capfirst(str(label))})
    if bound_field.field.show_hidden_initial:
        rendered += bound_field.as_hidden(only_initial=True)
    return rendered
