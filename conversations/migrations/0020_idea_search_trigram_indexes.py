"""Trigram indexes for searching ideas (conversations/search.py), on Postgres only.

GIN indexes with pg_trgm's operator class on UPPER(title) and UPPER(body): the expressions
Django's ``icontains`` compares, so the conversation page's search (``UPPER(...) LIKE ...``) is
answered from them with the same results as before.

Built with CREATE INDEX CONCURRENTLY, so ``migrate`` on a live database does not stop people
posting or rating ideas while the indexes are built (a plain CREATE INDEX would block writes to
the ideas table for the whole build; 8 to 12 s for the two at 50,000 ideas on the shared,
busy 2-core machine, see bench/search.py). CONCURRENTLY cannot run inside a transaction,
hence ``atomic = False``. A concurrent build that failed part-way leaves an invalid index
behind; it is dropped and built again, so running ``migrate`` again repairs it.

Nothing here is in the model's state (``Meta.indexes``): on SQLite there is nothing to build
(search.py says how SQLite searches), and the model stays the same on both databases. Creating
the pg_trgm extension needs a role allowed to (pg_trgm is a trusted extension since
Postgres 13: the database's owner may).
"""

from django.db import migrations

INDEXES = {"idea_title_trgm_idx": "title", "idea_body_trgm_idx": "body"}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, column in INDEXES.items():
            cursor.execute(
                "SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [name]
            )
            row = cursor.fetchone()
            if row is not None and row[0]:
                cursor.execute(f"DROP INDEX CONCURRENTLY {name}")
            cursor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
                f"ON conversations_idea USING gin (UPPER({column}) gin_trgm_ops)"
            )
        # Statistics on the new expressions, so the planner estimates how many ideas a search
        # matches from the start rather than after autovacuum's next visit.
        cursor.execute("ANALYZE conversations_idea")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        # The extension stays: dropping it could break anything else that came to rely on it.


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("conversations", "0019_conversation_opened_and_closed_dates"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
