"""Writes to the time-credit ledger. Everything that moves credits goes through these functions,
one module per concern, all importable from here:

- :mod:`.accounts`: ``account_for_person``, ``account_open_for_organisation``, account numbers
  and door references;
- :mod:`.transfers`: ``credits_earn`` / ``credits_earn_many``, ``credits_spend``, ``credits_gift``
  (and ``credits_gift_check``, its checks without the write, for the check-your-answers page);
- :mod:`.reversal`: ``transfer_reverse``;
- :mod:`.receipts`: ``transfer_send_receipts`` (the Celery task's work);
- :mod:`.redaction`: ``gift_memos_redact`` (a deleted account's gift messages, issue 14);
- underneath: :mod:`.checks` (input checks and refusals), :mod:`.posting` (the locked section),
  :mod:`.once` (idempotent replay), and :mod:`timecredits.journal` (the SQL of the locked section).

Each service is keyword-only, typed and atomic, and follows the same steps:

1. check the input (amounts, people, permissions) and refuse with a
   :class:`vocaleyes.errors.Refusal` whose message is in the active language and can be shown to
   the person as it is (``forbidden`` when they may not do this at all, ``field`` when one form
   field is at fault; :class:`InsufficientCredits` when they have too few credits);
2. lock the rows whose balance decides the outcome with ``SELECT ... FOR UPDATE`` (the offer first
   when there is one, then the accounts in primary-key order, so two transfers touching the same
   rows always queue in the same order and cannot deadlock);
3. let ``ledger.post`` decide against the *locked* balances (no read-then-write race: an
   over-spend is refused before anything is written), then write the entries and the transfer;
   the database checks the same rules again;
4. idempotency (:func:`.once.written_once`): the transfer's unique key decides. A repeated request
   either fails on the unique index, because its twin committed first, or is refused because the
   twin already spent the balance; either way the service then looks the key up and answers with
   the first transfer (``transfer.replayed`` is True) and nothing more is written.

Receipts are emailed after commit (``transaction.on_commit``) by a Celery task, in the recipient's
language, and only when a transfer is new.
"""

from __future__ import annotations

from .accounts import (
    CODE_ALPHABET,
    account_for_person,
    account_open_for_organisation,
    new_account_number,
    new_door_reference,
)
from .checks import MAX_MEMO_LENGTH, InsufficientCredits
from .receipts import transfer_send_receipts
from .redaction import gift_memos_redact
from .reversal import transfer_reverse
from .transfers import credits_earn, credits_earn_many, credits_gift, credits_gift_check, credits_spend

__all__ = [
    "CODE_ALPHABET",
    "MAX_MEMO_LENGTH",
    "InsufficientCredits",
    "account_for_person",
    "account_open_for_organisation",
    "credits_earn",
    "credits_earn_many",
    "credits_gift",
    "credits_gift_check",
    "credits_spend",
    "gift_memos_redact",
    "new_account_number",
    "new_door_reference",
    "transfer_reverse",
    "transfer_send_receipts",
]
