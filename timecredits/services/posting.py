"""The locked section of a transfer: lock the rows that decide it, decide, write.

The services call these inside ``transaction.atomic()`` (through :func:`.once.written_once`), in
this order: the offer first when there is one (:func:`lock_offer`), then the accounts
(:func:`lock`), then :func:`record` once per transfer. Always the same order, so two transfers
touching the same rows queue instead of deadlocking.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from vocaleyes.models import User

from .. import journal, ledger
from ..models import PartnerOffer, Transfer
from .accounts import account_for_person


def lock(
    *,
    people: Sequence[User] = (),
    organisation_account: tuple[int, str] | None = None,
    account_ids: Sequence[int] = (),
) -> journal.LockedAccounts:
    """Lock these accounts (:func:`journal.lock_accounts`), opening a person's on first use."""
    user_ids = [person.pk for person in people]
    locked = journal.lock_accounts(
        user_ids=user_ids, organisation_account=organisation_account, account_ids=account_ids
    )
    missing = [person for person in people if person.pk not in locked.people]
    if not missing:
        return locked
    for person in missing:  # new accounts: nobody else can be holding them yet
        account_for_person(user=person)
    return journal.lock_accounts(
        user_ids=user_ids, organisation_account=organisation_account, account_ids=account_ids
    )


class LockedOffer(NamedTuple):
    price: int
    places_left: int | None
    is_listed: bool


def lock_offer(offer_id: int) -> LockedOffer:
    """Lock an offer's row: its price, places left and whether it is listed, as they stand until
    commit. Prevents two spends taking the last place (both would see one left); taken before the
    accounts, by spends and by their reversals alike."""
    row = (
        PartnerOffer.objects.select_for_update()
        .values_list("price", "places_left", "is_listed")
        .get(pk=offer_id)
    )
    return LockedOffer(*row)


def move_places(offer_id: int, change: int) -> None:
    """Take a place (-1) or give one back (+1); call while holding :func:`lock_offer`'s lock."""
    PartnerOffer.objects.filter(pk=offer_id).update(places_left=F("places_left") + change)


def record(
    *,
    kind: str,
    legs: Sequence[tuple[journal.LockedAccount, int]],
    idempotency_key: str,
    recorded_by: User,
    memo: str = "",
    memo_language: str = "",
    reference: str | None = None,
    **links: Any,
) -> Transfer:
    """Decide and write one balanced transfer.

    Preconditions: inside ``transaction.atomic()``, holding the locks of :func:`lock` on every
    account in ``legs``. Raises ``ledger.Overdrawn`` before writing anything when an account may
    not go that low. ``links`` are the transfer's foreign keys (``organisation``, ``offer_id``,
    ``reverses``...), as objects or ids; ids are enough, nothing is fetched for them.
    """
    postings = ledger.post(
        [
            ledger.Leg(
                account_id=account.pk,
                amount=amount,
                balance=account.balance,
                may_go_negative=account.may_go_negative,
            )
            for account, amount in legs
        ]
    )
    transfer = Transfer(
        id=uuid.uuid4(),
        idempotency_key=idempotency_key,
        kind=kind,
        amount=ledger.credited([posting.amount for posting in postings]),
        memo=memo,
        memo_language=memo_language,
        recorded_by=recorded_by,
        # Taken under the locks, so an account's entries are in time order as well as line order.
        created=timezone.now(),
        reference=reference,
        **links,
    )
    journal.write(transfer, postings, [account for account, _amount in legs])
    return transfer


def enqueue_receipts(transfer: Transfer) -> None:
    """Email the receipt after commit (only a transfer that commits has one)."""
    from ..tasks import send_transfer_receipts

    transfer_id = str(transfer.pk)
    # robust: a receipt that cannot be sent (mail server down) must never make a recorded
    # transfer look failed to the person who made it; the error is logged.
    transaction.on_commit(lambda: send_transfer_receipts.delay(transfer_id), robust=True)
