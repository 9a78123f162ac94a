"""What every transfer checks before it locks anything, and the refusals it answers with.

A refusal is a :class:`vocaleyes.errors.Refusal`, its message in the active language, with the
form field at fault when there is one (``add_to(form)`` puts it there when the form has that
field, at the top otherwise) and ``forbidden`` when the person may not do this at all.
:class:`InsufficientCredits` is the one kind callers may tell apart: "you do not have enough".
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from vocaleyes.errors import Refusal
from vocaleyes.models import Organisation

from ..amounts import MAX_MINUTES_PER_TRANSFER, format_minutes
from ..models import Transfer

MAX_MEMO_LENGTH = 500


class InsufficientCredits(Refusal):
    """An account that may not go below zero would: the person has too few credits for this."""


def may_not_use_credits() -> Refusal:
    return Refusal(_("Sign in with an open account to use time credits."), forbidden=True)


def may_not_record_hours(organisation: Organisation) -> Refusal:
    return Refusal(
        _("Only an organiser of %(organisation)s can confirm hours for it.")
        % {"organisation": organisation.name},
        forbidden=True,
    )


def may_not_reverse() -> Refusal:
    return Refusal(_("Only a council officer can reverse a transfer."), forbidden=True)


def check_minutes(minutes: int, *, field: str | None = "hours") -> None:
    """Forms take time as hours and minutes, and put a refusal about the amount on "hours"."""
    if minutes <= 0:
        raise Refusal(_("Enter an amount of time greater than zero."), field=field)
    if minutes > MAX_MINUTES_PER_TRANSFER:
        raise Refusal(
            _("Enter at most %(limit)s at a time.") % {"limit": format_minutes(MAX_MINUTES_PER_TRANSFER)},
            field=field,
        )


def check_key(idempotency_key: str) -> None:
    """Forms always send a key (views prefix it): a missing one is a programming error."""
    if not idempotency_key or len(idempotency_key) > Transfer._meta.get_field("idempotency_key").max_length:  # type: ignore[operator]
        raise ValueError("A transfer needs an idempotency key of at most 120 characters.")


def clean_memo(memo: str, *, field: str) -> str:
    memo = memo.strip()
    if len(memo) > MAX_MEMO_LENGTH:
        raise Refusal(
            _("Keep the note to %(limit)d characters or fewer.") % {"limit": MAX_MEMO_LENGTH}, field=field
        )
    return memo
