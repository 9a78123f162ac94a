"""Platform-wide predicates about people, for every app to use.

A suspended person (``User.suspended_at`` set, ``suspended_until`` empty or still ahead) keeps
reading and signing in, but takes no part: no ideas, comments, ratings, reports or votes. Apps
check ``is_suspended`` in their own predicates and services, and tell the person why with
``suspension_message``, in the language of the request.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

    Person = User | AnonymousUser


def is_suspended(user: Person, *, now: datetime | None = None) -> bool:
    """Whether this person is suspended right now (no query: the fields are on the user)."""
    if not user.is_authenticated:
        return False
    if user.suspended_at is None:
        return False
    return user.suspended_until is None or user.suspended_until > (now or timezone.now())


def suspension_message(user: User) -> str:
    """What a suspended person is told when they try to take part, in the active language."""
    if user.suspended_until is None:
        message = _(
            "Your account has been suspended by a council officer, so you cannot post ideas, "
            "comment, rate, report or vote. The reason given: %(reason)s"
        )
        return message % {"reason": user.suspension_reason}
    until = date_format(timezone.localtime(user.suspended_until), "j F Y, H:i")
    message = _(
        "Your account has been suspended by a council officer until %(until)s, so until then you "
        "cannot post ideas, comment, rate, report or vote. The reason given: %(reason)s"
    )
    return message % {"until": until, "reason": user.suspension_reason}
