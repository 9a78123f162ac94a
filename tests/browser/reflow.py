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


class VisitedPages:
    """Every page a journey's browser opened (main frames only), so that after the journey each
    can be opened again at 320 px, in English and in Welsh (``sideways_pages``)."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def watch(self, page: Any) -> None:
        page.on("framenavigated", self._record)

    def _record(self, frame: Any) -> None:
        if frame.parent_frame is None:
            self.urls.append(frame.url)


def _in_both_languages(url: str, site: str) -> list[str]:
    path = url[len(site) :].split("#", 1)[0]
    english = path[3:] if path.startswith("/cy/") else path
    return [english, "/cy" + english]


def sideways_pages(context: Any, site: str, urls: list[str]) -> list[str]:
    """Open each of the site's ``urls`` again (as the journey's person, in a new tab of its
    browser context) at 320 px in English and Welsh, and say which scroll sideways. Downloads
    (CSV, spreadsheets) and addresses that only answer a form's POST (an empty 405 on GET) are
    not pages and are passed over."""
    paths: list[str] = []
    for url in urls:
        if url.startswith(site):
            paths.extend(path for path in _in_both_languages(url, site) if path not in paths)
    if not paths:
        return []
    page = context.new_page()
    page.set_viewport_size(PHONE)
    wide = []
    try:
        for path in paths:
            # Asked first with the context's cookies: only HTML answers are pages to open.
            answer = context.request.get(f"{site}{path}")
            if not answer.headers.get("content-type", "").startswith("text/html") or not answer.body():
                continue
            page.goto(f"{site}{path}")
            page.wait_for_load_state()
            widths = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if widths[0] > widths[1]:
                wide.append(f"{path} ({widths[0]} px)")
    finally:
        page.close()
    return wide
