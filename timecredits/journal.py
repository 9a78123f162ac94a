"""The ledger journal: the one module of time credits that writes SQL by hand.

Two things, both on the hot path of every transfer, both run while accounts are locked:

- :func:`lock_accounts` locks the accounts a transfer touches with one ``SELECT ... FOR UPDATE``
  in primary-key order, and returns just the columns a transfer decides on;
- :func:`write` writes a transfer's entries and its row: one statement on Postgres (a
  data-modifying ``WITH``), the entries then the transfer on SQLite.

Everything else (the offer's places, the replay of a repeated key, statements, reconciliation)
is the ORM. Table and column names come from the models' ``_meta``; the database's triggers and
constraints (migration 0002) check these rows exactly as they would check the ORM's.

Why SQL here and not the ORM: from the row lock to COMMIT, every millisecond spent in Python is
a millisecond that every other transfer on a busy account (an organisation's issuing or receiving
account) waits, and the workers of a process share one interpreter lock, so the ORM's query
building costs throughput even outside the locks. Measured on 2026-12-07 with
``bench/credits_torture.py`` (Postgres, 20 threads, 10,000 attempts, every invariant holding in
every run; this 2-core machine shared with other work, load 3 to 12) and, steadier on a shared
machine, the Python CPU time per attempt of the same mix run by one worker:

    variant                                                   transfers/s     CPU per attempt
    the ORM for the lock and the write too                    134, 132        3.1 to 3.5 ms
      (select_for_update().values_list(); bulk_create of the entries, then save() of the transfer)
    this module: SQL for the lock and the write, ORM else     248, 219, 247   1.9 to 2.1 ms
    also SQL for the offer's lock and the replay lookup       206             1.7 to 1.8 ms

The target is 200 transfers/s. The last row's saving (about 0.2 ms of CPU on a spend, a refusal
or a repeated key, never while an account is locked) is lost in the bench's noise, so the offer's
lock and the replay lookup use the ORM (``services.posting``, ``services.once``), and so does
the UPDATE of an offer's places left (only offers with limited places have one; the bench's have
none).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Field

from .ledger import Posting
from .models import Account, Entry, Transfer


@dataclass
class LockedAccount:
    """An account row read under ``SELECT ... FOR UPDATE``: just the columns a transfer decides on
    (no model instance). ``balance`` and ``entry_count`` stay current until commit: :func:`write`
    moves them on as the database's trigger moves the row."""

    pk: int
    kind: str
    user_id: int | None
    organisation_id: int | None
    balance: int
    entry_count: int

    @property
    def may_go_negative(self) -> bool:
        return Account.kind_may_go_negative(self.kind)


class LockedAccounts:
    """The accounts of one transfer, locked, found by primary key or by owner."""

    def __init__(self, accounts: Iterable[LockedAccount]) -> None:
        self.by_pk = {account.pk: account for account in accounts}
        self.people = {account.user_id: account for account in self.by_pk.values() if account.user_id}

    def person(self, user_id: int) -> LockedAccount:
        return self.people[user_id]

    def organisation(self, organisation_id: int, kind: str) -> LockedAccount | None:
        return next(
            (
                account
                for account in self.by_pk.values()
                if account.organisation_id == organisation_id and account.kind == kind
            ),
            None,
        )


_LOCKED_FIELDS = ("id", "kind", "user", "organisation", "balance", "entry_count")
# The entry's own ``id`` is the database's to choose; every other column is written.
_ENTRY_FIELDS = ("transfer", "account", "seq", "amount", "balance_after", "kind", "created")


def _column(model: type[Account | Entry | Transfer], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column
    return connection.ops.quote_name(field.column)


def _table(model: type[Account | Entry | Transfer]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def _locking_select(vendor: str) -> str:
    """``SELECT {the columns a transfer decides on} FROM {the account table}``."""
    columns = ", ".join(_column(Account, name) for name in _LOCKED_FIELDS)
    return f"SELECT {columns} FROM {_table(Account)}"  # noqa: S608 - names from _meta


def lock_accounts(
    *,
    user_ids: Sequence[int] = (),
    organisation_account: tuple[int, str] | None = None,
    account_ids: Sequence[int] = (),
) -> LockedAccounts:
    """Lock the accounts of a transfer with one ``SELECT ... FOR UPDATE``, in primary-key order.

    Call inside ``transaction.atomic()``; the locks last until it commits. They prevent two races:

    - the over-spend: two transfers from one account that each read its balance before the other
      wrote would both pass the check. Locked, the second waits and decides on the balance the
      first left (the database's trigger would refuse the write anyway; the lock makes the refusal
      a clear message instead of an error);
    - the deadlock: a gift from A to B and one from B to A both lock min(A, B) first (rows are
      locked as the sorted rows come out, so the ORDER BY is the lock order), and so wait for
      each other instead of each holding what the other needs.

    A person without an account yet is simply absent from the result (the services open it).
    """
    conditions: list[str] = []
    params: list[Any] = []
    if account_ids:
        conditions.append(f"{_column(Account, 'id')} IN ({', '.join(['%s'] * len(account_ids))})")
        params += account_ids
    if user_ids:
        conditions.append(f"{_column(Account, 'user')} IN ({', '.join(['%s'] * len(user_ids))})")
        params += user_ids
    if organisation_account is not None:
        conditions.append(f"({_column(Account, 'organisation')} = %s AND {_column(Account, 'kind')} = %s)")
        params += organisation_account
    assert conditions, "lock at least one account"
    # SQLite has no row locks: its IMMEDIATE transactions (settings) serialise writers instead.
    for_update = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = (
        f"{_locking_select(connection.vendor)} WHERE {' OR '.join(conditions)}"
        f" ORDER BY {_column(Account, 'id')}{for_update}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return LockedAccounts(LockedAccount(*row) for row in cursor.fetchall())


@functools.cache
def _insert_sql(vendor: str, entries: int) -> tuple[str, str]:
    """The INSERT of ``entries`` entries, and the INSERT of their transfer (every column)."""
    entry_columns = ", ".join(_column(Entry, name) for name in _ENTRY_FIELDS)
    row = "(" + ", ".join(["%s"] * len(_ENTRY_FIELDS)) + ")"
    values = ", ".join([row] * entries)
    entries_sql = f"INSERT INTO {_table(Entry)} ({entry_columns}) VALUES {values}"  # noqa: S608 - names from _meta
    fields = Transfer._meta.concrete_fields
    transfer_columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    transfer_sql = f"INSERT INTO {_table(Transfer)} ({transfer_columns}) VALUES ({placeholders})"  # noqa: S608
    return entries_sql, transfer_sql


def write(transfer: Transfer, postings: Sequence[Posting], accounts: Sequence[LockedAccount]) -> None:
    """Write ``transfer`` (built, not saved) and one entry per posting.

    Preconditions: inside ``transaction.atomic()``, holding the locks of :func:`lock_accounts` on
    every account of ``postings`` (given as ``accounts``), whose ``balance`` and ``entry_count``
    are the locked values and ``postings`` computed from them (``ledger.post``). The entries carry
    the transfer's kind and time, as the triggers require. Afterwards ``transfer`` is saved as far
    as Django is concerned, and ``accounts`` are moved on like their rows, ready for the next
    transfer in the same transaction (recording hours for several people).
    """
    entries_sql, transfer_sql = _insert_sql(connection.vendor, len(postings))
    transfer_id = Transfer._meta.pk.get_db_prep_save(transfer.pk, connection)
    created = Entry._meta.get_field("created").get_db_prep_save(transfer.created, connection)
    kind = str(transfer.kind)
    by_pk = {account.pk: account for account in accounts}
    entry_params: list[Any] = []
    for posting in postings:
        line = by_pk[posting.account_id].entry_count + 1
        entry_params += [
            transfer_id,
            posting.account_id,
            line,
            posting.amount,
            posting.balance_after,
            kind,
            created,
        ]
    transfer_params = [
        field.get_db_prep_save(getattr(transfer, field.attname), connection)
        for field in Transfer._meta.concrete_fields
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The balance check runs at COMMIT (deferred), so the order of the two inserts inside
            # the statement does not matter.
            cursor.execute(f"WITH entries AS ({entries_sql}) {transfer_sql}", entry_params + transfer_params)
        else:
            # SQLite: entries first; the transfer's insert trigger checks them (migration 0002).
            cursor.execute(entries_sql, entry_params)
            cursor.execute(transfer_sql, transfer_params)
    transfer._state.adding = False
    transfer._state.db = connection.alias
    for posting in postings:
        account = by_pk[posting.account_id]
        account.balance = posting.balance_after
        account.entry_count += 1
