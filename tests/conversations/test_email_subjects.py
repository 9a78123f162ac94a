"""Email subjects are plain text: a name with an apostrophe (common in Welsh: "Trwsio'r") or an
ampersand comes out as written, not as an HTML entity."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

NAME = "Trwsio'r maes chwarae & y ffens"


@pytest.mark.parametrize(
    ("template", "context"),
    [
        ("conversations/email/pledge_bound_subject.txt", {"group": SimpleNamespace(name=NAME)}),
        ("conversations/email/pledge_lapsed_subject.txt", {"group": SimpleNamespace(name=NAME)}),
        ("conversations/email/response_subject.txt", {"idea": SimpleNamespace(title=NAME)}),
        ("timecredits/email/gift_received_subject.txt", {"sender_name": NAME, "amount": "1 hour"}),
    ],
)
def test_subjects_are_not_html_escaped(template: str, context: dict[str, object]) -> None:
    subject = render_to_string(template, context)
    assert NAME in subject
    assert "&#x27;" not in subject and "&amp;" not in subject
