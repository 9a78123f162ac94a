"""The ledger's rules, enforced by the database itself.

Whatever writes to the tables (the services, the admin, a shell, raw SQL), these hold:

1. Every transfer's entries sum to zero, there are at least two of them, their positive legs add up
   to the transfer's amount, and they carry the transfer's kind and time.
   - Postgres: deferred constraint triggers on both tables, checked at COMMIT, so the order in which
     a transaction writes the rows does not matter and a later transaction cannot add legs.
   - SQLite has no deferred triggers. The equivalent: the entries are written first (their foreign
     key to the transfer is deferred, so a transfer row must follow in the same transaction), the
     transfer row is checked when it arrives, and once it exists no entry may be added to it.
2. Running balances and line numbers: each new entry states the balance it leads to and its line
   number in the account; a trigger checks that they equal the account's balance plus the amount
   and its entry count plus one, then moves both on. Direct changes to an account's balance or
   count are refused unless they match its latest entry, and accounts open at zero.
   With the CHECK constraint on ``Account.balance`` this keeps people's and partners' balances at
   or above zero in the database, not only in Python.
3. Transfers and entries are append-only: UPDATE and DELETE are refused (record a reversal).

Not covered: TRUNCATE and DROP TRIGGER are schema-owner operations; the application role should not
hold them in production. The test suite's flush uses TRUNCATE on Postgres; on SQLite the tests lift
the append-only triggers just for their own clean-up (``tests/timecredits/conftest.py``).
"""

from __future__ import annotations

from django.db import migrations

POSTGRES_FORWARDS = [
    # --- 2. running balances ---------------------------------------------------------------------
    """
    CREATE FUNCTION timecredits_entry_check_running_balance() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        current_balance bigint;
        current_count bigint;
    BEGIN
        -- The row lock makes two entries on one account queue here, even when the service's
        -- own SELECT ... FOR UPDATE was bypassed.
        SELECT balance, entry_count INTO current_balance, current_count
            FROM timecredits_account WHERE id = NEW.account_id FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'timecredits: account % does not exist', NEW.account_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF NEW.balance_after IS DISTINCT FROM current_balance + NEW.amount THEN
            RAISE EXCEPTION 'timecredits: entry says account % ends at %, but % + % = %',
                NEW.account_id, NEW.balance_after, current_balance, NEW.amount, current_balance + NEW.amount
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.seq IS DISTINCT FROM current_count + 1 THEN
            RAISE EXCEPTION 'timecredits: entry says it is line % of account %, but the next line is %',
                NEW.seq, NEW.account_id, current_count + 1
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER timecredits_entry_check_running_balance BEFORE INSERT ON timecredits_entry
    FOR EACH ROW EXECUTE FUNCTION timecredits_entry_check_running_balance()
    """,
    """
    CREATE FUNCTION timecredits_entry_move_balance() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE timecredits_account SET balance = NEW.balance_after, entry_count = NEW.seq
            WHERE id = NEW.account_id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER timecredits_entry_move_balance AFTER INSERT ON timecredits_entry
    FOR EACH ROW EXECUTE FUNCTION timecredits_entry_move_balance()
    """,
    """
    CREATE FUNCTION timecredits_account_balance_follows_entries() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        latest_balance bigint;
        latest_seq bigint;
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF NEW.balance <> 0 OR NEW.entry_count <> 0 THEN
                RAISE EXCEPTION 'timecredits: an account opens empty'
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END IF;
        IF NEW.balance IS DISTINCT FROM OLD.balance OR NEW.entry_count IS DISTINCT FROM OLD.entry_count THEN
            SELECT balance_after, seq INTO latest_balance, latest_seq FROM timecredits_entry
                WHERE account_id = NEW.id ORDER BY seq DESC LIMIT 1;
            IF NEW.balance IS DISTINCT FROM COALESCE(latest_balance, 0)
               OR NEW.entry_count IS DISTINCT FROM COALESCE(latest_seq, 0) THEN
                RAISE EXCEPTION 'timecredits: the balance and count of account % come from its entries (%, %), not (%, %)',
                    NEW.id, COALESCE(latest_balance, 0), COALESCE(latest_seq, 0), NEW.balance, NEW.entry_count
                    USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER timecredits_account_balance_follows_entries BEFORE INSERT OR UPDATE ON timecredits_account
    FOR EACH ROW EXECUTE FUNCTION timecredits_account_balance_follows_entries()
    """,
    # --- 3. append-only ----------------------------------------------------------------------------
    """
    CREATE FUNCTION timecredits_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'timecredits: % is append-only, % refused: record a reversal instead', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'restrict_violation';
    END $$
    """,
    """
    CREATE TRIGGER timecredits_transfer_append_only BEFORE UPDATE OR DELETE ON timecredits_transfer
    FOR EACH ROW EXECUTE FUNCTION timecredits_append_only()
    """,
    """
    CREATE TRIGGER timecredits_entry_append_only BEFORE UPDATE OR DELETE ON timecredits_entry
    FOR EACH ROW EXECUTE FUNCTION timecredits_append_only()
    """,
    # --- 1. balanced transfers, checked at COMMIT ---------------------------------------------------
    """
    CREATE FUNCTION timecredits_transfer_is_balanced() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        checked uuid;
        transfer_amount bigint;
        transfer_kind varchar;
        transfer_created timestamptz;
        legs integer;
        total bigint;
        moved bigint;
        mismatched integer;
    BEGIN
        IF TG_TABLE_NAME = 'timecredits_entry' THEN
            checked := NEW.transfer_id;
        ELSE
            checked := NEW.id;
        END IF;
        SELECT amount, kind, created INTO transfer_amount, transfer_kind, transfer_created
            FROM timecredits_transfer WHERE id = checked;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'timecredits: entries for transfer % without the transfer', checked
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        SELECT count(*),
               COALESCE(sum(amount), 0),
               COALESCE(sum(amount) FILTER (WHERE amount > 0), 0),
               count(*) FILTER (WHERE kind <> transfer_kind OR created <> transfer_created)
          INTO legs, total, moved, mismatched
          FROM timecredits_entry WHERE transfer_id = checked;
        IF legs < 2 OR total <> 0 OR moved <> transfer_amount OR mismatched > 0 THEN
            RAISE EXCEPTION 'timecredits: transfer % is unbalanced (% legs summing to %, moving % of %)',
                checked, legs, total, moved, transfer_amount
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE CONSTRAINT TRIGGER timecredits_entry_balanced AFTER INSERT ON timecredits_entry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION timecredits_transfer_is_balanced()
    """,
    """
    CREATE CONSTRAINT TRIGGER timecredits_transfer_balanced AFTER INSERT ON timecredits_transfer
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION timecredits_transfer_is_balanced()
    """,
]

POSTGRES_BACKWARDS = [
    "DROP TRIGGER IF EXISTS timecredits_transfer_balanced ON timecredits_transfer",
    "DROP TRIGGER IF EXISTS timecredits_entry_balanced ON timecredits_entry",
    "DROP FUNCTION IF EXISTS timecredits_transfer_is_balanced()",
    "DROP TRIGGER IF EXISTS timecredits_entry_append_only ON timecredits_entry",
    "DROP TRIGGER IF EXISTS timecredits_transfer_append_only ON timecredits_transfer",
    "DROP FUNCTION IF EXISTS timecredits_append_only()",
    "DROP TRIGGER IF EXISTS timecredits_account_balance_follows_entries ON timecredits_account",
    "DROP FUNCTION IF EXISTS timecredits_account_balance_follows_entries()",
    "DROP TRIGGER IF EXISTS timecredits_entry_move_balance ON timecredits_entry",
    "DROP FUNCTION IF EXISTS timecredits_entry_move_balance()",
    "DROP TRIGGER IF EXISTS timecredits_entry_check_running_balance ON timecredits_entry",
    "DROP FUNCTION IF EXISTS timecredits_entry_check_running_balance()",
]

SQLITE_APPEND_ONLY = [
    """
    CREATE TRIGGER timecredits_transfer_no_update BEFORE UPDATE ON timecredits_transfer
    BEGIN SELECT RAISE(ABORT, 'timecredits: timecredits_transfer is append-only, UPDATE refused'); END
    """,
    """
    CREATE TRIGGER timecredits_transfer_no_delete BEFORE DELETE ON timecredits_transfer
    BEGIN SELECT RAISE(ABORT, 'timecredits: timecredits_transfer is append-only, DELETE refused'); END
    """,
    """
    CREATE TRIGGER timecredits_entry_no_update BEFORE UPDATE ON timecredits_entry
    BEGIN SELECT RAISE(ABORT, 'timecredits: timecredits_entry is append-only, UPDATE refused'); END
    """,
    """
    CREATE TRIGGER timecredits_entry_no_delete BEFORE DELETE ON timecredits_entry
    BEGIN SELECT RAISE(ABORT, 'timecredits: timecredits_entry is append-only, DELETE refused'); END
    """,
]

SQLITE_APPEND_ONLY_BACKWARDS = [
    "DROP TRIGGER IF EXISTS timecredits_transfer_no_update",
    "DROP TRIGGER IF EXISTS timecredits_transfer_no_delete",
    "DROP TRIGGER IF EXISTS timecredits_entry_no_update",
    "DROP TRIGGER IF EXISTS timecredits_entry_no_delete",
]

SQLITE_FORWARDS = [
    # --- 1 and 2 on the way in -----------------------------------------------------------------------
    """
    CREATE TRIGGER timecredits_entry_check BEFORE INSERT ON timecredits_entry
    BEGIN
        SELECT RAISE(ABORT, 'timecredits: entries are written before their transfer, never added to a recorded one')
        WHERE EXISTS (SELECT 1 FROM timecredits_transfer WHERE id = NEW.transfer_id);
        SELECT RAISE(ABORT, 'timecredits: the running balance does not follow from the account balance')
        WHERE NEW.balance_after IS NOT
            (SELECT balance FROM timecredits_account WHERE id = NEW.account_id) + NEW.amount;
        SELECT RAISE(ABORT, 'timecredits: the line number does not follow from the account')
        WHERE NEW.seq IS NOT (SELECT entry_count FROM timecredits_account WHERE id = NEW.account_id) + 1;
    END
    """,
    """
    CREATE TRIGGER timecredits_entry_move_balance AFTER INSERT ON timecredits_entry
    BEGIN
        UPDATE timecredits_account SET balance = NEW.balance_after, entry_count = NEW.seq
        WHERE id = NEW.account_id;
    END
    """,
    """
    CREATE TRIGGER timecredits_account_opens_empty BEFORE INSERT ON timecredits_account
    WHEN NEW.balance <> 0 OR NEW.entry_count <> 0
    BEGIN SELECT RAISE(ABORT, 'timecredits: an account opens empty'); END
    """,
    """
    CREATE TRIGGER timecredits_account_balance_follows_entries
    BEFORE UPDATE OF balance, entry_count ON timecredits_account
    WHEN NEW.balance IS NOT OLD.balance OR NEW.entry_count IS NOT OLD.entry_count
    BEGIN
        SELECT RAISE(ABORT, 'timecredits: an account balance and count come from its entries')
        WHERE NEW.balance IS NOT COALESCE(
            (SELECT balance_after FROM timecredits_entry WHERE account_id = NEW.id ORDER BY seq DESC LIMIT 1), 0
        )
        OR NEW.entry_count IS NOT COALESCE(
            (SELECT seq FROM timecredits_entry WHERE account_id = NEW.id ORDER BY seq DESC LIMIT 1), 0
        );
    END
    """,
    # --- 1. the transfer row arrives after its entries, and is checked against them ------------------
    """
    CREATE TRIGGER timecredits_transfer_balanced AFTER INSERT ON timecredits_transfer
    BEGIN
        SELECT RAISE(ABORT, 'timecredits: unbalanced transfer')
        WHERE (SELECT count(*) FROM timecredits_entry WHERE transfer_id = NEW.id) < 2
           OR COALESCE((SELECT sum(amount) FROM timecredits_entry WHERE transfer_id = NEW.id), 0) <> 0
           OR COALESCE((SELECT sum(amount) FROM timecredits_entry WHERE transfer_id = NEW.id AND amount > 0), 0)
              <> NEW.amount
           OR EXISTS (
               SELECT 1 FROM timecredits_entry
               WHERE transfer_id = NEW.id AND (kind IS NOT NEW.kind OR created IS NOT NEW.created)
           );
    END
    """,
    *SQLITE_APPEND_ONLY,
]

SQLITE_BACKWARDS = [
    *SQLITE_APPEND_ONLY_BACKWARDS,
    "DROP TRIGGER IF EXISTS timecredits_transfer_balanced",
    "DROP TRIGGER IF EXISTS timecredits_account_balance_follows_entries",
    "DROP TRIGGER IF EXISTS timecredits_account_opens_empty",
    "DROP TRIGGER IF EXISTS timecredits_entry_move_balance",
    "DROP TRIGGER IF EXISTS timecredits_entry_check",
]


class RunSQLOn(migrations.RunSQL):
    """RunSQL for one database vendor only (the trigger dialects differ)."""

    def __init__(self, vendor: str, sql: list[str], reverse_sql: list[str]) -> None:
        self.vendor = vendor
        super().__init__(sql, reverse_sql)

    def deconstruct(self):  # type: ignore[no-untyped-def]
        name, args, kwargs = super().deconstruct()
        kwargs["vendor"] = self.vendor
        return name, args, kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("timecredits", "0001_accounts_transfers_and_offers"),
    ]

    operations = [
        RunSQLOn("postgresql", POSTGRES_FORWARDS, POSTGRES_BACKWARDS),
        RunSQLOn("sqlite", SQLITE_FORWARDS, SQLITE_BACKWARDS),
    ]
