"""Phone first (WCAG 1.4.10 reflow): the check every browser journey uses on the pages it visits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PHONE = {"width": 320, "height": 640}
LONG_EMAIL = "rhiannon.llewellyn-williams@cyngorsirabertawe.example.org"


def check_reflow(page: Any, site: str, path: str, assert_accessible: Callable[[Any], None]) -> None:
    """Visit ``path`` in English and Welsh at 320 px: nothing wider than the screen, and axe passes."""
    page.set_viewport_size(PHONE)
    for prefix in ("", "/cy"):
        response = page.goto(f"{site}{prefix}{path}")
        assert response is not None and response.status == 200, f"{prefix}{path}"
        page.wait_for_load_state()
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1] == PHONE["width"], (
            f"{prefix}{path} is {widths[0]} px wide at {PHONE['width']} px: it scrolls sideways"
        )
        assert_accessible(page)
