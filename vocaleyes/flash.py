"""Flash messages in the language of the page that shows them.

A message is added on one request and shown on the next page, which may be in the other
language: the sign-in page is English, but a Welsh speaker lands on Welsh pages
(``adapters.AccountAdapter.post_login``). Django's storage keeps a message as the text it was
when added, so ``PageLanguageStorage`` (``MESSAGE_STORAGE``) keeps a message that is still
translatable (a lazy string: ``gettext_lazy``, or the adapter's allauth messages) in every
language, and hands out the one of the page that shows it. Messages added as plain text (already
translated, or with names and numbers put in) are kept and shown as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.fallback import FallbackStorage
from django.utils import translation
from django.utils.functional import Promise

# Marks, in a stored message's extra tags, that its text is a JSON object of language -> text.
IN_EACH_LANGUAGE = "ve-in-each-language"


class PageLanguageStorage(FallbackStorage):
    def add(self, level: int, message: Any, extra_tags: str | None = "") -> None:
        if isinstance(message, Promise):
            texts = {}
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    texts[code] = str(message)
            message = json.dumps(texts, ensure_ascii=False)
            extra_tags = f"{extra_tags or ''} {IN_EACH_LANGUAGE}".strip()
        super().add(level, message, extra_tags)

    def __iter__(self) -> Iterator[Message]:
        return (in_page_language(message) for message in super().__iter__())


def in_page_language(message: Message) -> Message:
    """The message with its text in the active language, when it was kept in each."""
    tags = (message.extra_tags or "").split()
    if IN_EACH_LANGUAGE not in tags:
        return message
    texts: dict[str, str] = json.loads(message.message)
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    text = texts.get(language) or texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()), "")
    return Message(message.level, text, " ".join(tag for tag in tags if tag != IN_EACH_LANGUAGE))
