"""The rating upsert, written out: the one write of a rating, and the busiest write there is.

One rating per person per idea is the ``one_rating_per_person_per_idea`` constraint; the write
is an upsert against it (``INSERT … ON CONFLICT DO UPDATE``), so two requests racing for the
same person and idea both succeed and leave one row holding the later value.

Why not the ORM: ``Rating.objects.bulk_create([...], update_conflicts=True, ...)`` writes the
same statement, but wraps it in BEGIN and COMMIT (two more round trips) and builds it through
the ORM each time, and returns the id without the first rating's date; ``update_or_create``
is a locking SELECT and then an INSERT or UPDATE. ``bench/ideas.py`` measured them one at a time
in autocommit, as the view runs them (2026-12-07, 2-core machine shared with other work, load
about 5, medians of three rounds of 1,000 each, new ratings / changed ratings):

    written out (this module)             779 / 706 µs    1 statement
    bulk_create(update_conflicts=True)  1,442 / 1,298 µs  BEGIN, INSERT … ON CONFLICT, COMMIT
    update_or_create                    2,810 / 2,422 µs  4 statements

The 0.6 ms the ORM adds is about a tenth of a whole rating request (6.4 ms in-process, Django
and Postgres CPU together), on the write the throughput target (300 ratings/s while the worker
recomputes) rests on.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import Rating


def upsert(
    *, idea_id: int, user_id: int, conversation_id: int, value: int, now: datetime
) -> tuple[int, datetime]:
    """Give or change the rating; returns its id and when it was first given. One statement,
    atomic on its own: outside a transaction it commits at once, inside a caller's with it."""
    table = Rating._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (idea_id, user_id, conversation_id, value, created, updated) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (user_id, idea_id) "
            "DO UPDATE SET value = excluded.value, updated = excluded.updated RETURNING id, created",
            [idea_id, user_id, conversation_id, value, now, now],
        )
        rating_id, created = cursor.fetchone()
    if not isinstance(created, datetime):  # SQLite hands back text; Postgres a datetime
        parsed = parse_datetime(str(created))
        assert parsed is not None
        created = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)
    return rating_id, created
