"""Template comments stay in the templates: Django's ``{# #}`` ends at the line's end, so a
comment spread over lines is sent to the browser as text (base.html's was, in every page's head,
where a browser shows it at the top of the body)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]


def test_no_template_opens_a_one_line_comment_it_does_not_close_on_that_line() -> None:
    spread = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for folder in TEMPLATE_DIRS
        for path in folder.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "{#" in line and "#}" not in line[line.index("{#") :]
    ]
    assert spread == []


@pytest.mark.django_db
def test_the_home_page_sends_no_template_comment(client: Client) -> None:
    page = client.get("/").content.decode()
    assert "{#" not in page and "htmx reads the first" not in page
