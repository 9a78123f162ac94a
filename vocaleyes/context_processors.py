from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language


def site(request: HttpRequest) -> dict[str, object]:
    """The language switch: the current page in the other language(s)."""
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path()
    alternates = [
        {"code": code, "name": name, "url": translate_url(path, code)}
        for code, name in settings.LANGUAGES
        if code != current
    ]
    # Each language is named in itself ("English", "Cymraeg"), whatever the page's language.
    languages = [
        {"code": code, "name": name, "current": code == current, "url": translate_url(path, code)}
        for code, name in settings.LANGUAGES
    ]
    return {"language_alternates": alternates, "languages": languages, "current_language": current}
