"""Email subjects: plain text on one line.

A subject is a mail header, not HTML: rendered with Django's autoescaping it showed a name like
"O'Brien & Co" as ``O&#x27;Brien &amp; Co``, and a line break in it (from a template's layout,
or a name or title typed with one) made ``send_mail`` raise ``BadHeaderError``, so the email was
never sent. Every subject the services send goes through :func:`render_subject` (a template) or
:func:`one_line` (a subject built in Python).
"""

from __future__ import annotations

from typing import Any

from django.template import Context
from django.template.loader import get_template


def one_line(text: object) -> str:
    """The text with every run of white space, line breaks included, as one space."""
    return " ".join(str(text).split())


def render_subject(template_name: str, context: dict[str, Any]) -> str:
    """Render a ``*_subject.txt`` template unescaped, as one line, in the active language."""
    template = get_template(template_name)
    # The backend's wrapper always autoescapes; the Django template under it takes a Context.
    return one_line(template.template.render(Context(context, autoescape=False)))  # type: ignore[attr-defined]
