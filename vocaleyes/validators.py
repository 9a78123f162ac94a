"""Checks on names people choose for themselves, shown to everyone else.

A display name is printed next to every idea and comment and in email subjects, so it must be
what it looks like:

- no control characters (a line break in a name broke the email header and the email was
  lost), no characters that reverse or isolate the direction of the text that follows (which
  can make a name or the text after it read differently from how it is stored), and no
  zero-width characters (which make two names that look the same different, or hide words);
- no word that claims a role ("Sian (council officer)"): roles are shown as a badge from what
  the person is (staff, facilitator), never from their name.

Used by ``User.display_name`` (so the admin and the profile form check them) and by the
sign-up form.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 and C1 controls and DEL; bidi embeddings and overrides (U+202A to U+202E) and isolates
# (U+2066 to U+2069); zero-width space, non-joiner and joiner, word joiner, byte-order mark.
HIDDEN_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff]")


def validate_visible_characters(value: str) -> None:
    if HIDDEN_CHARACTERS.search(value):
        raise ValidationError(
            _(
                "Display name must not include line breaks, hidden characters or characters "
                "that change the direction of text"
            ),
            code="hidden_characters",
        )


# Words that claim a role, in English and Welsh (with the Welsh mutations a name could use:
# "Gyngor", "Nghyngor", "Chyngor"...), matched as whole words whatever their case.
ROLE_WORDS = (
    "officer",
    "officers",
    "council",
    "councils",
    "councillor",
    "councillors",
    "councilor",
    "staff",
    "admin",
    "admins",
    "administrator",
    "administrators",
    "moderator",
    "moderators",
    "facilitator",
    "facilitators",
    "vocaleyes",
    "swyddog",
    "swyddogion",
    "cyngor",
    "gyngor",
    "nghyngor",
    "chyngor",
    "cynghorydd",
    "gynghorydd",
    "nghynghorydd",
    "chynghorydd",
    "cynghorwyr",
    "gweinyddwr",
    "weinyddwr",
    "gweinyddwyr",
    "cymedrolwr",
    "gymedrolwr",
    "cymedrolwyr",
    "hwylusydd",
    "hwyluswyr",
)
ROLE_WORD = re.compile(r"\b(?:" + "|".join(ROLE_WORDS) + r")\b", re.IGNORECASE)


def validate_no_role_words(value: str) -> None:
    if ROLE_WORD.search(value):
        raise ValidationError(
            _(
                "Display name must not include a word for a role, such as officer, council, staff "
                "or facilitator. If you have a role, it is shown next to your name"
            ),
            code="role_word",
        )
