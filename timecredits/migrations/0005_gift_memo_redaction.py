"""The ledger lets one thing change after the fact: a gift's message may be blanked.

Issue 14 (people's data rights): a gift's message is something a person wrote to another person,
and when they delete their account it goes with the rest of what they wrote. The append-only
triggers of migration 0002 refused every UPDATE, so they are replaced by ones that allow exactly
one: on a *gift*, ``memo`` and ``memo_language`` set to ``''`` with every other column unchanged.
Amounts, accounts, entries, kinds, times and keys still cannot change, DELETE is still refused,
and entries stay wholly append-only, so balances, statements and the reconciliation are exactly
what they were. ``timecredits.services.gift_memos_redact`` is the one caller.

- Postgres: the row with its memo blanked must be NOT DISTINCT FROM the new row, so a column
  added later is covered without editing this trigger.
- SQLite has no row values in triggers: the WHEN clause names every column.
"""

from __future__ import annotations

import importlib

from django.db import migrations

ledger = importlib.import_module("timecredits.migrations.0002_ledger_triggers")

POSTGRES_FORWARDS = [
    "DROP TRIGGER IF EXISTS timecredits_transfer_append_only ON timecredits_transfer",
    """
    CREATE FUNCTION timecredits_transfer_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        redacted timecredits_transfer%ROWTYPE;
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.kind = 'gift' THEN
            redacted := OLD;
            redacted.memo := '';
            redacted.memo_language := '';
            IF NEW IS NOT DISTINCT FROM redacted THEN
                RETURN NEW;
            END IF;
        END IF;
        RAISE EXCEPTION 'timecredits: % is append-only, % refused: record a reversal instead', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'restrict_violation';
    END $$
    """,
    """
    CREATE TRIGGER timecredits_transfer_append_only BEFORE UPDATE OR DELETE ON timecredits_transfer
    FOR EACH ROW EXECUTE FUNCTION timecredits_transfer_append_only()
    """,
]

POSTGRES_BACKWARDS = [
    "DROP TRIGGER IF EXISTS timecredits_transfer_append_only ON timecredits_transfer",
    "DROP FUNCTION IF EXISTS timecredits_transfer_append_only()",
    """
    CREATE TRIGGER timecredits_transfer_append_only BEFORE UPDATE OR DELETE ON timecredits_transfer
    FOR EACH ROW EXECUTE FUNCTION timecredits_append_only()
    """,
]

_UNCHANGED = " AND ".join(
    f"NEW.{column} IS OLD.{column}"
    for column in (
        "id",
        "idempotency_key",
        "kind",
        "amount",
        "recorded_by_id",
        "created",
        "organisation_id",
        "conversation_id",
        "offer_id",
        "reverses_id",
        "reference",
    )
)

# The same four triggers as 0002's SQLITE_APPEND_ONLY, the UPDATE one on transfers now letting a
# gift's memo be blanked. Kept under the same names (tests/timecredits/conftest.py lifts them).
SQLITE_APPEND_ONLY = [
    f"""
    CREATE TRIGGER timecredits_transfer_no_update BEFORE UPDATE ON timecredits_transfer
    WHEN NOT (OLD.kind = 'gift' AND NEW.memo = '' AND NEW.memo_language = '' AND {_UNCHANGED})
    BEGIN SELECT RAISE(ABORT, 'timecredits: timecredits_transfer is append-only, UPDATE refused'); END
    """,
    *ledger.SQLITE_APPEND_ONLY[1:],
]
SQLITE_APPEND_ONLY_BACKWARDS = ledger.SQLITE_APPEND_ONLY_BACKWARDS

SQLITE_FORWARDS = ["DROP TRIGGER IF EXISTS timecredits_transfer_no_update", SQLITE_APPEND_ONLY[0]]
SQLITE_BACKWARDS = ["DROP TRIGGER IF EXISTS timecredits_transfer_no_update", ledger.SQLITE_APPEND_ONLY[0]]


class Migration(migrations.Migration):
    dependencies = [
        ("timecredits", "0004_transfer_memo_language"),
    ]

    operations = [
        ledger.RunSQLOn("postgresql", POSTGRES_FORWARDS, POSTGRES_BACKWARDS),
        ledger.RunSQLOn("sqlite", SQLITE_FORWARDS, SQLITE_BACKWARDS),
    ]
