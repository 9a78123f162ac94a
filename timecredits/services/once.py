"""Idempotency, written once: a transfer's unique key decides whether a request is new.

Every form that moves credits carries a key made when the form was shown, so a double click or a
retry after a timeout repeats the key. Every service writes through :func:`written_once`:

- the common case costs nothing extra: the locks, the insert, COMMIT;
- a repeat whose twin committed first fails on the key's unique index (``IntegrityError``), or is
  refused because the twin already spent the balance or took the last place (a ``Refusal``).
  Only then is the key looked up: when the ledger holds the same transfer under it, that first
  transfer is the answer (``transfer.replayed`` is True) and nothing more is written;
- the same key for a different transfer is refused rather than answered with the first: it means
  a client bug, and the person must not believe a second transfer happened.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from vocaleyes.errors import Refusal

from ..models import Account, Entry, Transfer


@dataclass(frozen=True)
class Expected:
    """The transfer a request would write under ``key``: a transfer already there under the same
    key answers the request when its kind, amount and accounts are these."""

    key: str
    kind: str
    amount: int
    account_ids: Callable[[], Collection[int]]  # asked only when the key is found


def account_ids(
    *, user_ids: Sequence[int] = (), organisation_account: tuple[int, str] | None = None
) -> set[int]:
    """The ids of these people's accounts and this organisation account (for ``Expected``)."""
    owners = Q(user_id__in=user_ids)
    if organisation_account is not None:
        organisation_id, kind = organisation_account
        owners |= Q(organisation_id=organisation_id, kind=kind)
    return set(Account.objects.filter(owners).values_list("pk", flat=True))


def written_once(write: Callable[[], list[Transfer]], expected: Sequence[Expected]) -> list[Transfer]:
    """``write()`` in one transaction, unless the ledger already holds its transfers.

    ``write`` locks, decides and writes the transfers of ``expected`` (in that order), raising a
    ``Refusal`` for a request it refuses. When it fails on a unique key or refuses, and every key
    of ``expected`` is already in the ledger for the same transfer, those transfers are returned
    (``replayed``); otherwise the error stands. The lookup runs after the rollback, so no lock
    is held while it asks.
    """
    try:
        with transaction.atomic():
            return write()
    except (IntegrityError, Refusal):
        replays = replayed(expected)
        if replays is None:
            raise
        return replays


def replayed(expected: Sequence[Expected]) -> list[Transfer] | None:
    """The transfers already recorded under the keys of ``expected``, or None if any key is not.

    One query on the unique key (it usually finds nothing); a key found with another transfer
    is refused.
    """
    legs: dict[str, tuple[object, str, int, set[int]]] = {}
    rows = (
        Entry.objects.filter(transfer__idempotency_key__in=[one.key for one in expected])
        # No ORDER BY: an entry's default order joins its account, and planning that join took
        # longer than running the whole query.
        .order_by()
        .values_list(
            "transfer__idempotency_key", "transfer_id", "transfer__kind", "transfer__amount", "account_id"
        )
    )
    for key, transfer_id, kind, amount, account_id in rows:
        legs.setdefault(key, (transfer_id, kind, amount, set()))[3].add(account_id)
    for one in expected:
        if one.key not in legs:
            continue
        _transfer_id, kind, amount, accounts = legs[one.key]
        if kind != one.kind or amount != one.amount or accounts != set(one.account_ids()):
            raise Refusal(_("This form was already used for a different transfer. Please start again."))
    if len(legs) < len(expected):
        return None
    transfers = Transfer.objects.in_bulk([legs[one.key][0] for one in expected])
    answers = [transfers[legs[one.key][0]] for one in expected]
    for transfer in answers:
        transfer.replayed = True
    return answers
