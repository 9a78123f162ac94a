"""The ledger's arithmetic, without the ORM.

A transfer moves time between accounts as a set of legs (one per account): positive legs are
credits (the account gains minutes), negative legs are debits. ``post`` decides whether a set of
legs may be recorded against the current balances and returns each account's running balance
after it; the services call it while holding row locks on those accounts, and the database
checks the same rules again (triggers and constraints), so a bug here cannot corrupt the ledger.

Rules (double-entry bookkeeping):
- at least two legs, each on a different account, none zero;
- the legs sum to zero, so credits are never created or lost by a transfer;
- only an account allowed to go negative (an organisation's issuing account: where credits come
  from) may end below zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class LedgerRuleError(ValueError):
    """A set of legs that breaks a bookkeeping rule (a programming error, not bad input)."""


class Overdrawn(Exception):
    """An account that may not go negative would: bad input the person can fix."""

    def __init__(self, *, account_id: int, balance: int, needed: int) -> None:
        super().__init__(f"account {account_id} has {balance}, needs {needed}")
        self.account_id = account_id
        self.balance = balance
        self.needed = needed

    @property
    def shortfall(self) -> int:
        return self.needed - self.balance


@dataclass(frozen=True)
class Leg:
    account_id: int
    amount: int
    balance: int  # the account's balance now, read under a row lock
    may_go_negative: bool


@dataclass(frozen=True)
class Posting:
    account_id: int
    amount: int
    balance_after: int


def post(legs: Sequence[Leg]) -> list[Posting]:
    """The postings for ``legs``, or ``Overdrawn`` / ``LedgerRuleError``."""
    if len(legs) < 2:
        raise LedgerRuleError("A transfer has at least two legs.")
    if len({leg.account_id for leg in legs}) != len(legs):
        raise LedgerRuleError("A transfer has one leg per account.")
    if any(leg.amount == 0 for leg in legs):
        raise LedgerRuleError("A leg moves a non-zero amount.")
    if sum(leg.amount for leg in legs) != 0:
        raise LedgerRuleError("The legs of a transfer sum to zero.")
    postings = []
    for leg in legs:
        after = leg.balance + leg.amount
        if after < 0 and not leg.may_go_negative:
            raise Overdrawn(account_id=leg.account_id, balance=leg.balance, needed=-leg.amount)
        postings.append(Posting(account_id=leg.account_id, amount=leg.amount, balance_after=after))
    return postings


def credited(amounts: Sequence[int]) -> int:
    """How much a transfer moves: the sum of its positive legs."""
    return sum(amount for amount in amounts if amount > 0)


def running_balance_breaks(amounts: Sequence[int], balances_after: Sequence[int]) -> list[int]:
    """Positions where a stored running balance does not follow from the amounts before it."""
    breaks = []
    total = 0
    for position, (amount, stored) in enumerate(zip(amounts, balances_after, strict=True)):
        total += amount
        if stored != total:
            breaks.append(position)
    return breaks
