"""Every response carries the Content-Security-Policy and the Permissions-Policy (issue 14)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from vocaleyes.models import User

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def assert_protected(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["Content-Security-Policy"] == POLICY
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in headers["Permissions-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/cy/",
        "/conversations/",
        "/accounts/login/",
        "/admin/login/",
        "/no-such-page/",
        "/healthz",
        "/api/conversations/",
        "/static/css/vocaleyes.css",
    ],
)
def test_every_kind_of_response_carries_both_policies(client: Client, path: str) -> None:
    assert_protected(client.get(path))


@pytest.mark.django_db
def test_the_admin_pages_carry_both_policies(client: Client, olwen: User) -> None:
    client.force_login(olwen)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert_protected(response)


def _templates() -> list[Path]:
    root = Path(settings.BASE_DIR)
    folders = [
        root / "templates",
        *(root / app / "templates" for app in ("conversations", "budgeting", "timecredits", "vocaleyes")),
    ]
    return [path for folder in folders if folder.exists() for path in folder.rglob("*.html")]


def test_no_page_template_has_inline_script_style_or_event_handlers() -> None:
    """The policy refuses them, so a page with one would silently lose it. Emails are not pages
    (mail clients need inline styles), so they are left out."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for path in _templates()
        if "email" not in path.parts
        for match in inline.finditer(path.read_text())
    ]
    assert not found


@pytest.mark.django_db
def test_htmx_is_told_not_to_add_its_inline_style(client: Client) -> None:
    """htmx reads only the first ``htmx-config``: the setting must be in it, or htmx injects a
    <style> the policy refuses (a second meta tag would silently be ignored)."""
    page = client.get("/").content.decode()
    configs = re.findall(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert len(configs) == 1
    assert json.loads(configs[0])["includeIndicatorStyles"] is False
