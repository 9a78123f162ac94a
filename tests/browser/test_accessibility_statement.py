"""The accessibility statement passes axe and reflows at 320 px in English and Welsh (issue 13)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.reflow import check_reflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_statement_is_accessible_in_both_languages(
    page: Any, site: str, assert_accessible: Callable[[Any], None]
) -> None:
    for prefix, heading in (("", "Accessibility statement"), ("/cy", "Datganiad hygyrchedd")):
        page.goto(f"{site}{prefix}/accessibility/")
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert page.get_by_role("link", name="help@vocaleyes.localhost").is_visible()
        assert_accessible(page)
    check_reflow(page, site, "/accessibility/", assert_accessible)
