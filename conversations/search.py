"""How ideas are searched: the one module that knows (the conversation page's ``q`` goes
through ``listing.idea_window`` to ``matching``).

What a search finds. An idea matches when its title or its description contains the words
typed, as one piece of text anywhere (a substring: "shelter" finds "bus shelters", "ŵyl" finds
"Gŵyl"), ignoring capitals in every letter Welsh and English use, circumflexes included ("ŵyl"
finds "Ŵyl Fwyd", "TŶ" finds "tŷ"). Accents are kept: "gwyl" does not find "gŵyl", as before.
Only what ``Idea.objects.visible()`` lets through is searched: nothing moderation hid or holds.
The text typed is always a query parameter, never part of the SQL: ``%``, ``_`` and ``\\``
mean themselves, and a search can never change what the statement does.

Why it is built this way (issue 14, load test finding 2). Searching was
``UPPER(title) LIKE UPPER('%…%') OR UPPER(body) LIKE …``, which no B-tree index can serve: two
scans of every idea (173 ms of Postgres CPU a search in the load test, 10.6 searches/s).
Full-text search (``to_tsvector('simple', …)``) would be cheap to index but matches whole
words only ("shelter" would no longer find "shelters", "ŵyl" not "gŵyl": Welsh mutates the
start of words, so word matching loses far more in Welsh than in English), so it would change
what people find. The same ``LIKE`` can instead be answered by a trigram index: Postgres'
``pg_trgm`` with a GIN index on exactly the expressions Django's ``icontains`` compares,
``UPPER(title)`` and ``UPPER(body)`` (migration ``0020_idea_search_trigram_indexes``). The
planner picks the ideas holding every three-letter piece of the words typed from the two
indexes (a ``BitmapOr``) and checks only those rows, so results stay exactly what they were.
Measured with ``bench/search.py`` on the 50,000-idea national conversation (Postgres 15, the
shared 2-core machine under a load average of 11 to 14, so every time is inflated about
fourfold; medians of 30: the search's own count query, and the whole conversation page
in-process, priority order, anonymous):

    search                         matches   count: before   after   page: before   after
    (the page without a search)                                            64 ms   70 ms
    "(31337)", one idea's number         1          261 ms  4.0 ms         581 ms   59 ms
    "bus shelters in Bangor"           412          259 ms  9.3 ms         519 ms   96 ms
    "Cardiff"                        4,917          233 ms   16 ms         570 ms  100 ms
    "Gŵyl fwyd", no match                0          229 ms  1.4 ms         287 ms   34 ms
    "volunteers are ready"          18,476          226 ms  253 ms         632 ms  635 ms
    "people", in most ideas         36,963          255 ms  237 ms         776 ms  510 ms

A search that finds hundreds or a few thousand ideas now costs the page about what the page
without a search costs (it was eight times as much). The plan for "bus shelters in Bangor" went
from a sequential scan of 50,000 rows (250 ms) to a ``BitmapOr`` of the two trigram indexes
(2.8 ms).

Searches of one or two letters give the index nothing to look up, and a search for a word in
most ideas ("people") must still check those ideas: both cost a scan, as before. New ideas wait
in the indexes' pending list (GIN's fast update) until autovacuum merges them; at the rate
ideas are posted the list stays short.

SQLite (the embedded default, for small installs) has no such index, and its ``LIKE`` and
``UPPER`` fold capitals of ASCII letters only ("ŵyl" would not find "Ŵyl"). There the search
compares ``vocaleyes_upper(title)``: ``upper`` below, registered on each connection, Python's
capitals letter for letter as Postgres makes them, so results mean the same on both. Python is
slow to call for every row (180 to 235 ms for 50,000 ideas), so a plain ``LIKE`` goes first as a
sieve: the query with any one character standing for each letter beyond ASCII, which SQLite
checks in C; only the rows it lets through get the exact test. It still scans: 1 ms at 5,000
ideas, 40 ms at 50,000 (in memory). The sieve lets slip only the few letters that are not ASCII
but whose capital is (the Turkish dotless i, the long s), a difference from Postgres no Welsh
or English search meets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

    from .models import IdeaQuerySet

# Where each searched field is indexed on Postgres (migration 0020): the index is on
# UPPER(field), the expression Django's ``icontains`` compares, with pg_trgm's operator class.
TRIGRAM_INDEXES = {"title": "idea_title_trgm_idx", "body": "idea_body_trgm_idx"}

SQLITE_UPPER = "vocaleyes_upper"


def upper(text: str) -> str:
    """Capitals as Postgres' ``UPPER`` makes them: letter for letter, so a letter whose capital
    is two letters (ß, ŉ) stays as it is rather than becoming "SS"."""
    capitals = text.upper()
    if len(capitals) == len(text):
        return capitals
    return "".join(capital if len(capital := character.upper()) == 1 else character for character in text)


def _sqlite_upper(value: str | None) -> str | None:
    return None if value is None else upper(value)


def _register_sqlite_upper(connection: BaseDatabaseWrapper, **_: Any) -> None:
    if connection.vendor == "sqlite" and connection.connection is not None:
        connection.connection.create_function(SQLITE_UPPER, 1, _sqlite_upper, deterministic=True)


# Every new SQLite connection gets the function; ``matching`` also registers it on a
# connection opened before this module was imported.
connection_created.connect(_register_sqlite_upper, dispatch_uid="conversations.search.sqlite_upper")


class _SQLiteUpper(Func):
    function = SQLITE_UPPER
    output_field = TextField()


class _SQLiteLike(Func):
    """``field LIKE pattern ESCAPE '\\'``: SQLite's own LIKE, with the pattern as given."""

    arg_joiner = " LIKE "
    template = "(%(expressions)s ESCAPE '\\')"
    output_field = BooleanField()


def sieve_pattern(query: str) -> str:
    """A LIKE pattern every text containing ``query`` (capitals aside) matches: ASCII letters as
    typed (SQLite's LIKE ignores their case), any one character where the query has another
    letter (its LIKE would compare "ŵ" and "Ŵ" as different), ``%``, ``_`` and ``\\`` escaped."""
    pieces = []
    for character in query:
        if character in "\\%_":
            pieces.append("\\" + character)
        elif character.isascii():
            pieces.append(character)
        else:
            pieces.append("_")
    return "%" + "".join(pieces) + "%"


def _contains_sqlite(field: str, query: str) -> Q:
    """``field LIKE sieve AND instr(vocaleyes_upper(field), upper(query)) > 0``: the sieve, in C,
    leaves few rows for the exact test, in Python (SQLite stops at the first false term)."""
    sieve = _SQLiteLike(F(field), Value(sieve_pattern(query), output_field=TextField()))
    folded = Value(upper(query), output_field=TextField())
    exact: GreaterThan = GreaterThan(StrIndex(_SQLiteUpper(field), folded), 0)
    return Q(sieve) & Q(exact)


def matching(ideas: IdeaQuerySet, query: str) -> IdeaQuerySet:
    """Those of ``ideas`` whose title or description contains ``query``, ignoring capitals.

    ``ideas`` should already be ``visible()`` and in one conversation: this only narrows it."""
    if "\x00" in query:
        # No stored text can hold a NUL (Postgres refuses it), and Postgres would refuse the
        # parameter: nothing matches.
        return ideas.none()
    connection = connections[ideas.db]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        _register_sqlite_upper(connection)
        return ideas.filter(_contains_sqlite("title", query) | _contains_sqlite("body", query))
    # Postgres: UPPER(title) LIKE UPPER('%query%') (the query escaped by Django), served by the
    # trigram indexes. Any other database answers the same lookup by scanning.
    return ideas.filter(Q(title__icontains=query) | Q(body__icontains=query))
