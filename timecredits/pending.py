"""A gift waiting on its check-your-answers page: kept in the person's session, nothing moved yet.

The give form stores what was entered here and the check page shows it; "Change" goes back to the
form with these values, and only the check page's confirm button gives. The gift's idempotency key
is made from the form's key and what the gift is (recipient, amount, message), so:

- the confirm button pressed twice, or the check page sent again with Back, gives once (the
  service answers the repeat with the first transfer);
- the give form sent twice with the same answers leads to the same key, as before the check step;
- a check page left open in another tab after the answers changed carries the old key, which no
  longer matches the waiting gift, and is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from .amounts import to_minutes

SESSION_KEY = "timecredits_pending_gift"


@dataclass(frozen=True)
class PendingGift:
    form_key: str  # the give form's idempotency key (32 hex digits)
    recipient_number: str
    hours: int
    minutes: int
    message: str
    # The page's language when the message was typed: what the message is taken to be written in.
    language: str

    @property
    def amount(self) -> int:
        return to_minutes(self.hours, self.minutes)

    @property
    def key(self) -> str:
        """What the confirm form sends back: the form's key and a digest of the gift."""
        digest = hashlib.sha256(
            f"{self.recipient_number}\n{self.amount}\n{self.message}".encode()
        ).hexdigest()[:16]
        return f"{self.form_key}-{digest}"

    def form_initial(self) -> dict[str, Any]:
        return {
            "recipient": self.recipient_number,
            "hours": self.hours,
            "minutes": self.minutes,
            "message": self.message,
            "idempotency_key": self.form_key,
        }


def transfer_key(user_id: int, key: str) -> str:
    """The transfer's idempotency key: the views' "action:person:key" shape."""
    return f"gift:{user_id}:{key}"


def save(session: SessionBase, gift: PendingGift) -> None:
    session[SESSION_KEY] = asdict(gift)


def load(session: SessionBase) -> PendingGift | None:
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        return PendingGift(**data)
    except TypeError:  # stored by an older version of this class
        return None


def clear(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)
