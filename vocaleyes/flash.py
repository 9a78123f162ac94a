"""Flash messages in the language of the page that shows them.

A message is added on one request and shown on the next page, which may be in the other
language: the sign-in page is English, but a Welsh speaker lands on Welsh pages
(``adapters.AccountAdapter.post_login``). Django's storage keeps a message as the text it was
when added, so ``PageLanguageStorage`` (``MESSAGE_STORAGE``) keeps a message that is still
translatable (a lazy string: ``gettext_lazy``, or the adapter's allauth messages) in every
language, and hands out the one of the page that shows it. Messages added as plain text (already
translated) are kept and shown as they are.

Every flash in our views is lazy: ``lazy_message`` puts names and numbers into a lazy message
when it is shown, so ``lazy_message(gettext_lazy("%(name)s now coordinates the group."),
name=person.public_name)`` is kept in English and in Welsh, each with the name in it.
Refusals (``vocaleyes.errors.Refusal``) are the exception: services build them with ``gettext``
in the language of the request that asked, so a refusal shown as a flash stays in that language.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.fallback import FallbackStorage
from django.utils import translation
from django.utils.functional import Promise, lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, StrPromise

# Marks, in a stored message's extra tags, that its text is a JSON object of language -> text.
IN_EACH_LANGUAGE = "ve-in-each-language"


def _put_in(message: StrOrPromise, values: dict[str, Any]) -> str:
    if not values:
        return str(message)
    # ngettext_lazy(..., "count") chooses its plural form from the values, so % goes to the
    # message itself, not to its text.
    return str(message % {name: str(v) if isinstance(v, Promise) else v for name, v in values.items()})


_lazy_put_in = lazy(_put_in, str)


def lazy_message(message: StrOrPromise, /, **values: Any) -> StrPromise:
    """``message % values``, worked out each time it is shown, in the language active then.

    ``message`` is lazy (``gettext_lazy``, ``pgettext_lazy``, ``ngettext_lazy`` with the name of
    its count); values that are lazy too (a choice's label, ``format_minutes_lazy(...)``) are
    translated when shown; other values (people's names, titles) are put in as they are.
    """
    return cast("StrPromise", _lazy_put_in(message, values))


def _read(instance: object, name: str) -> str:
    return str(getattr(instance, name))


_lazy_read = lazy(_read, str)


def lazy_bilingual(instance: object, name: str) -> StrPromise:
    """A ``Bilingual`` field (``organisation.name``) read when the message is shown, so a value
    for ``lazy_message`` is in the page's language too."""
    return cast("StrPromise", _lazy_read(instance, name))


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
