"""Searching a national conversation's ideas, before and after the trigram indexes (issue 14,
load test finding 2). Not a test: it prints figures.

Uses ``bench/ideas.py``'s national conversation (50,000 ideas; generated there on first use)
and migrates the database, which builds the search indexes (migration 0020; the time it takes
is printed by building them again). Then, for a few searches from rare to common, the number
of matching ideas and the median time of

* the search's own query: counting the visible matching ideas, as the page does first;
* the whole conversation page with ``?q=`` (priority order, anonymous), in-process through the
  test client as ``bench/ideas.py`` measures pages;

first "before", inside a transaction that drops the two indexes (and is rolled back, so they
are back afterwards: Postgres can drop an index in a transaction), then "after", with them.
Then ``EXPLAIN ANALYZE`` of one search's count, before and after. ``--sqlite`` adds the SQLite
fallback (``search.py``'s registered ``vocaleyes_upper``) timed on in-memory copies of the
ideas' titles and descriptions, 5,000 and 50,000 of them, next to SQLite's own ASCII-only LIKE.

    flock /tmp/vocaleyes-bench.lock \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocaleyes_bench .venv/bin/python bench/search.py

Options: ``--repeat 30`` searches or pages measured for each figure, ``--scale`` for the
generated size (only used when it generates), ``--sqlite``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import time
from collections.abc import Callable
from typing import Any

import ideas  # sets Django up as bench/ideas.py does
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client

from conversations import ranking_runs, search
from conversations.models import Conversation, Idea

# From rare to common in the generated text (titles such as "Safer bus shelters in Bangor
# (123)", descriptions from eight sentences), and a Welsh one that is in none of them.
SEARCHES = [
    ("one idea's number", "(31337)"),
    ("a title's place and thing", "bus shelters in Bangor"),
    ("a place", "Cardiff"),
    ("Welsh, no match", "Gŵyl fwyd"),
    ("a phrase in an eighth of descriptions", "volunteers are ready"),
    ("a word in most descriptions", "people"),
]


def _median_ms(repeat: int, run: Callable[[], Any]) -> float:
    run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _searched(conversation: Conversation, query: str) -> Any:
    return search.matching(Idea.objects.visible().filter(conversation=conversation), query)


def _measure(conversation: Conversation, repeat: int) -> dict[str, tuple[int, float, float]]:
    """Per search: (matches, ms of the count query, ms of the page); first the page without a
    search, for comparison."""
    client = Client()
    url = f"/conversations/{conversation.slug}/"
    figures = {"": (0, 0.0, _median_ms(repeat, lambda: client.get(url)))}
    for label, query in SEARCHES:
        matches = _searched(conversation, query).count()
        counted = _median_ms(repeat, lambda query=query: _searched(conversation, query).count())
        url = f"/conversations/{conversation.slug}/?q={query}"
        status = client.get(url).status_code
        if status != 200:
            raise SystemExit(f"{url} answered {status}")
        page = _median_ms(repeat, lambda url=url: client.get(url))
        figures[label] = (matches, counted, page)
    return figures


def _explain(conversation: Conversation, query: str) -> str:
    return str(_searched(conversation, query).explain(analyze=True))


def _drop_indexes() -> None:
    with connection.cursor() as cursor:
        for name in search.TRIGRAM_INDEXES.values():
            cursor.execute(f"DROP INDEX {name}")


def measure_postgres(conversation: Conversation, repeat: int) -> None:
    explained = SEARCHES[1][1]
    ideas.log("Before: the two indexes dropped inside a transaction, rolled back afterwards...")
    with transaction.atomic():
        _drop_indexes()
        before = _measure(conversation, repeat)
        plan_before = _explain(conversation, explained)
        transaction.set_rollback(True)
    ideas.log("After: with the trigram indexes...")
    after = _measure(conversation, repeat)
    plan_after = _explain(conversation, explained)

    print()
    header = f"{'count before':>12} {'after':>8}  {'page before':>11} {'after':>8}"
    print(f"{'Search':<60} {'matches':>7}  {header}")
    page_plain_before, page_plain_after = before[""][2], after[""][2]
    print(f"{'The page without a search':<92} {page_plain_before:>8.1f} ms {page_plain_after:>5.1f} ms")
    for label, query in SEARCHES:
        matches, count_before, page_before = before[label]
        _, count_after, page_after = after[label]
        print(
            f"{label + ' (' + query + ')':<60} {matches:>7,}  {count_before:>9.1f} ms {count_after:>5.1f} ms"
            f"  {page_before:>8.1f} ms {page_after:>5.1f} ms"
        )
    print(f"\nEXPLAIN ANALYZE of the search for {explained!r}, before:\n{plan_before}")
    print(f"\nAfter:\n{plan_after}")


def measure_index_build() -> None:
    """Drop the indexes and run the migration's build again (CREATE INDEX CONCURRENTLY)."""
    from importlib import import_module

    migration = import_module("conversations.migrations.0020_idea_search_trigram_indexes")
    with connection.schema_editor(atomic=False) as editor:
        migration.drop_indexes(None, editor)
        started = time.perf_counter()
        migration.create_indexes(None, editor)
    ideas.log(f"Building both indexes concurrently (migration 0020): {time.perf_counter() - started:.1f} s")


def measure_sqlite(conversation: Conversation, repeat: int) -> None:
    """The SQLite fallback on in-memory copies of the ideas' text: the statement search.py
    makes (the LIKE sieve, then the exact test in Python), the exact test alone, and SQLite's
    own LIKE, which ignores capitals of ASCII letters only."""
    rows = list(Idea.objects.filter(conversation=conversation).values_list("title", "body"))
    sieved = (
        "SELECT COUNT(*) FROM idea WHERE "
        "(title LIKE ? ESCAPE '\\' AND instr(vocaleyes_upper(title), ?) > 0) OR "
        "(body LIKE ? ESCAPE '\\' AND instr(vocaleyes_upper(body), ?) > 0)"
    )
    exact = (
        "SELECT COUNT(*) FROM idea WHERE "
        "instr(vocaleyes_upper(title), ?) > 0 OR instr(vocaleyes_upper(body), ?) > 0"
    )
    like = "SELECT COUNT(*) FROM idea WHERE title LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\'"
    print("\nSQLite fallback, in memory (count of matching ideas):")
    print(f"  {'ideas':>6}  {'search':<24} {'search.py':>10} {'exact only':>10} {'own LIKE':>10}")
    for size in (5_000, 50_000):
        memory = sqlite3.connect(":memory:")
        memory.create_function(search.SQLITE_UPPER, 1, search.upper, deterministic=True)
        memory.execute("CREATE TABLE idea (title TEXT, body TEXT)")
        memory.executemany("INSERT INTO idea VALUES (?, ?)", rows[:size])
        for query in ("bus shelters in Bangor", "Gŵyl fwyd", "people"):
            pattern, folded = search.sieve_pattern(query), search.upper(query)
            count = memory.execute
            times = [
                _median_ms(repeat, lambda sql=sql, params=params, count=count: count(sql, params).fetchone())
                for sql, params in (
                    (sieved, [pattern, folded, pattern, folded]),
                    (exact, [folded, folded]),
                    (like, [pattern, pattern]),
                )
            ]
            print(f"  {size:>6,}  {query:<24} " + " ".join(f"{ms:7.1f} ms" for ms in times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--sqlite", action="store_true")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Run the benchmark on Postgres: set DATABASE_URL=postgres://...")
    ideas.celery_app.conf.task_always_eager = False
    ideas.celery_app.conf.broker_url = "memory://"
    call_command("migrate", verbosity=0)
    conversation = Conversation.objects.filter(slug=ideas.SLUG).first()
    if conversation is None:
        ideas.log("Generating the national conversation (bench/ideas.py)...")
        conversation = ideas.generate(options.scale)
    if not ideas.is_ranked(conversation.pk):
        ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    ideas.log(f"Data: {Idea.objects.filter(conversation=conversation).count():,} ideas")
    ideas.log("Load average at the start: " + ", ".join(f"{value:.1f}" for value in os.getloadavg()))
    measure_index_build()
    measure_postgres(conversation, options.repeat)
    if options.sqlite:
        measure_sqlite(conversation, options.repeat)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n{version}, {os.cpu_count()} CPUs, load average at the end {load}. Medians of {options.repeat}.")


if __name__ == "__main__":
    main()
