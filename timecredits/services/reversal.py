"""Correcting a mistake: ``transfer_reverse``, an officer's new transfer with every leg negated."""

from __future__ import annotations

from django.db import IntegrityError
from django.utils.translation import gettext as _

from vocaleyes.errors import Refusal
from vocaleyes.models import User
from vocaleyes.permissions import check_not_suspended

from .. import ledger, permissions
from ..amounts import format_minutes
from ..models import Account, Entry, Transfer
from .checks import InsufficientCredits, check_key, clean_memo, may_not_reverse
from .once import Expected, written_once
from .posting import lock, lock_offer, move_places, record


def _already_reversed() -> Refusal:
    return Refusal(_("This transfer has already been reversed."))


def transfer_reverse(*, transfer: Transfer, reversed_by: User, reason: str, idempotency_key: str) -> Transfer:
    """An officer corrects a mistake: a new transfer with every leg of ``transfer`` negated.

    The original stays in the ledger; ``reverses`` (one-to-one) links the two and stops a second
    reversal. Refused when it would take someone below zero (they have spent the credits since).
    """
    check_not_suspended(reversed_by)
    if not permissions.can_reverse(reversed_by):
        raise may_not_reverse()
    reason = clean_memo(reason, field="reason")
    if not reason:
        raise Refusal(_("Give the reason for the reversal: it is shown on the statements."), field="reason")
    if transfer.kind == Transfer.Kind.REVERSAL:
        raise Refusal(_("A reversal cannot itself be reversed. Record a new transfer instead."))
    check_key(idempotency_key)
    original_legs = list(
        Entry.objects.filter(transfer=transfer).order_by("id").values_list("account_id", "amount")
    )
    account_ids = [account_id for account_id, _amount in original_legs]

    def write() -> list[Transfer]:
        places_left = None
        if transfer.offer_id is not None:
            places_left = lock_offer(transfer.offer_id).places_left
        locked = lock(account_ids=account_ids)
        # Under the locks, so two officers reversing the same transfer queue here and the second
        # sees the first's reversal; the one-to-one ``reverses`` column is the database's backstop.
        if Transfer.objects.filter(reverses=transfer).exists():
            raise _already_reversed()
        try:
            reversal = record(
                kind=Transfer.Kind.REVERSAL,
                legs=[(locked.by_pk[account_id], -amount) for account_id, amount in original_legs],
                idempotency_key=idempotency_key,
                recorded_by=reversed_by,
                memo=reason,
                organisation_id=transfer.organisation_id,
                conversation_id=transfer.conversation_id,
                offer_id=transfer.offer_id,
                reverses=transfer,
            )
        except ledger.Overdrawn as overdrawn:
            short = Account.objects.with_owner().get(pk=overdrawn.account_id)
            raise InsufficientCredits(
                _(
                    "%(name)s has %(balance)s left, less than the %(amount)s this would take back, "
                    "so the transfer cannot be reversed. Nothing has changed."
                )
                % {
                    "name": short.owner_name,
                    "balance": format_minutes(overdrawn.balance),
                    "amount": format_minutes(overdrawn.needed),
                }
            ) from None
        if places_left is not None and transfer.kind == Transfer.Kind.SPEND:
            assert transfer.offer_id is not None
            move_places(transfer.offer_id, +1)
        return [reversal]

    expected = Expected(
        key=idempotency_key,
        kind=Transfer.Kind.REVERSAL,
        amount=transfer.amount,
        account_ids=lambda: account_ids,
    )
    try:
        [reversal] = written_once(write, [expected])
    except IntegrityError:
        # Not a repeat of this request: the backstop refused a second reversal of the transfer.
        if Transfer.objects.filter(reverses=transfer).exists():
            raise _already_reversed() from None
        raise
    return reversal
