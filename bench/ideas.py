"""Benchmark ideas, ratings and priority rankings at national scale.

Generates one large conversation into the configured database (Postgres, loaded with COPY):
50,000 ideas, 1,000,000 ratings from 100,000 people and 250,000 comments, then prints

* the ranking recompute time for the whole conversation, next to the bare SQL aggregation
  over the ratings table it starts from;
* median and p95 server time of the conversation page (priority order, page 1 and page 100)
  and of the idea page, with the number of queries each runs;
* ratings through the real rating view, live: gunicorn with several worker processes serves
  the app, client processes post ratings over HTTP as signed-in people (as htmx does) while
  reader processes load the conversation page, and a real Celery worker drains the queue and
  recomputes the ranking as production's does. First a run without the worker (the queued
  recompute waits in Redis), then one with it: ratings/s, rating p50/p99/max, page-read p99,
  how many recomputes the worker finished during the run, and lock waits sampled from
  ``pg_stat_activity`` (``wait_event_type = 'Lock'``) — see ``bench/live.py``;
* the rating upsert written three ways, one at a time outside a transaction as the view makes
  it: written out (``rating_store.upsert``), ``bulk_create(update_conflicts=True)`` and
  ``update_or_create``; the ranking's queue marker (which every rating tries to take) written
  out and through the ORM; and one rating through the view alone in one process, with its
  Django and Postgres CPU time.

"Server time" for the pages is the time Django takes to answer a request made in-process with
the test client: the whole middleware stack, view, queries and template, without a network or
browser.

Usage (a database of its own; the data stays for the next run unless --regenerate; the rating
run needs Redis, and a Redis database of its own: it is emptied first)::

    createdb -h 127.0.0.1 -U postgres vocaleyes_bench
    REDIS_URL=redis://127.0.0.1:6379/12 \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocaleyes_bench .venv/bin/python bench/ideas.py

Options: ``--scale 0.1`` for a tenth of the size, ``--regenerate`` to drop and reload the data,
``--seconds 15`` for the length of each rating run, ``--processes 4`` (the default) rating
client processes, each posting as a hundred people, ``--readers 1`` page-reading processes,
``--web-workers 4`` gunicorn workers (production's two a core), ``--only`` a part.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import live
import numpy as np
import redis
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocaleyes.settings")
# Production mode, but with the test suite's plain static files (no collectstatic needed), no
# HTTPS redirect for the in-process client, and fast password hashing for the bench people.
os.environ.setdefault("VOCALEYES_TESTING", "1")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(60))
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.db.models import Q, Subquery  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from conversations import ranking_runs, ranking_store, rating_store  # noqa: E402
from conversations.models import (  # noqa: E402
    Comment,
    Conversation,
    Idea,
    IdeaRanking,
    RankingQueue,
    RankingSummary,
    Rating,
)
from conversations.ranking_store import Scope  # noqa: E402
from vocaleyes import celery_app  # noqa: E402
from vocaleyes.models import Organisation, User  # noqa: E402

SLUG = "bench-national"
EMAIL_DOMAIN = "bench.invalid"
SIZES = {"people": 100_000, "ideas": 50_000, "ratings": 1_000_000, "comments": 250_000}

PLACES = [
    "Swansea",
    "Cardiff",
    "Wrexham",
    "Bangor",
    "Aberystwyth",
    "Newport",
    "Llanelli",
    "Rhyl",
    "Neath",
    "Bridgend",
]
THINGS = [
    "benches",
    "bus shelters",
    "youth clubs",
    "street lights",
    "cycle lanes",
    "community gardens",
    "library hours",
    "GP appointments",
    "carers' breaks",
    "warm spaces",
    "play areas",
    "footpaths",
]
VERBS = ["More", "Better", "Safer", "Cheaper", "Greener", "Longer-opening", "Welsh-speaking", "Accessible"]
SENTENCES = [
    "People in our area have asked for this for years.",
    "It would help older people and families with young children alike.",
    "A small change that would make a real difference every day.",
    "Other councils have done this well and we could learn from them.",
    "Volunteers are ready to help if the council provides the space.",
    "It would cut journeys by car and make the town centre busier.",
    "Young people told us this is what they miss most.",
    "Carers would have a break and a place to meet others.",
]


def log(message: str) -> None:
    print(message, flush=True)


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


# --- Generation ----------------------------------------------------------------------------


def _copy(table: str, columns: Iterable[str], lines: Iterable[str]) -> None:
    """COPY tab-separated lines into a table, in chunks of a few megabytes."""
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        buffer = io.StringIO()
        for number, line in enumerate(lines, 1):
            buffer.write(line)
            buffer.write("\n")
            if number % 50_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def _next_id(model: type[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608
        return int(cursor.fetchone()[0])


def _reset_sequence(model: type[Any]) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
        )


def delete_bench_data() -> None:
    conversation = Conversation.objects.filter(slug=SLUG).first()
    with transaction.atomic(), connection.cursor() as cursor:
        # Bulk load and unload skip the foreign-key triggers (the data is generated consistent).
        cursor.execute("SET LOCAL session_replication_role = replica")
        if conversation is not None:
            # Its own ranking and its fair orders (bench/fair_rankings.py).
            mine = Q(conversation=conversation) | Q(variant_of=conversation)
            rankings = RankingSummary.objects.filter(mine).values("pk")
            IdeaRanking.objects.filter(ranking__in=rankings).delete()
            RankingQueue.objects.filter(ranking__in=rankings).delete()
            RankingSummary.objects.filter(mine).delete()
            ideas = f"SELECT id FROM {Idea._meta.db_table} WHERE conversation_id = %s"  # noqa: S608
            for model, where in (
                (Rating, "conversation_id = %s"),
                (Comment, f"idea_id IN ({ideas})"),
                (Idea, "conversation_id = %s"),
                (Conversation, "id = %s"),
            ):
                cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {where}", [conversation.pk])  # noqa: S608
        cursor.execute("DELETE FROM django_session")
        # The target groups bench/fair_rankings.py gave the bench people.
        cursor.execute(
            "DELETE FROM vocaleyes_groupmembership WHERE user_id IN "
            "(SELECT id FROM vocaleyes_user WHERE email LIKE %s)",
            [f"%@{EMAIL_DOMAIN}"],
        )
        cursor.execute("DELETE FROM vocaleyes_user WHERE email LIKE %s", [f"%@{EMAIL_DOMAIN}"])


def generate(scale: float) -> Conversation:
    rng = np.random.default_rng(20260101)
    people = int(SIZES["people"] * scale)
    n_ideas = int(SIZES["ideas"] * scale)
    n_ratings = int(SIZES["ratings"] * scale)
    n_comments = int(SIZES["comments"] * scale)
    now = timezone.now()
    stamp = now.isoformat()

    organisation, _ = Organisation.objects.get_or_create(
        slug="bench-wales",
        defaults={
            "name_en": "Wales (benchmark)",
            "name_cy": "Cymru (meincnod)",
            "kind": Organisation.Kind.LOCAL_AUTHORITY,
        },
    )
    conversation = Conversation.objects.create(
        organisation=organisation,
        slug=SLUG,
        title_en="A national conversation (benchmark)",
        title_cy="Sgwrs genedlaethol (meincnod)",
        description_en="Generated by bench/ideas.py.",
        status=Conversation.Status.OPEN,
    )
    summary = ranking_store.summary(Scope.of_conversation(conversation.pk))

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")

        # People.
        first_user = _next_id(User)
        user_ids = np.arange(first_user, first_user + people)
        started = time.perf_counter()
        _copy(
            User._meta.db_table,
            [
                "id",
                "password",
                "is_superuser",
                "first_name",
                "last_name",
                "is_staff",
                "is_active",
                "date_joined",
                "email",
                "display_name",
                "language",
            ],
            (
                f"{uid}\t!\tf\t\t\tf\tt\t{stamp}\tbench-{uid}@{EMAIL_DOMAIN}\t"
                f"Resident {uid}\t{'cy' if uid % 5 == 0 else 'en'}"
                for uid in user_ids.tolist()
            ),
        )
        log(f"  {people:>9,} people     {time.perf_counter() - started:6.1f} s")

        # Ideas, with a popularity that falls off like Zipf's law: a few ideas draw most ratings.
        first_idea = _next_id(Idea)
        idea_ids = np.arange(first_idea, first_idea + n_ideas)
        popularity = 1.0 / np.power(np.arange(n_ideas) + 10.0, 0.8)
        popularity = rng.permutation(popularity)
        popularity /= popularity.sum()
        quality = np.clip(rng.normal(3.2, 0.8, n_ideas), 1, 5)
        status = np.where(
            rng.random(n_ideas) < 0.01,
            "hidden",
            np.where(rng.random(n_ideas) < 0.005, "pending", "published"),
        )
        seeded = rng.random(n_ideas) < 0.02
        authors = rng.choice(user_ids, n_ideas)
        age_seconds = rng.integers(0, 365 * 24 * 3600, n_ideas)
        created = [(now - timezone.timedelta(seconds=int(s))).isoformat() for s in age_seconds]

        # Comments (80% top level, 20% replies to a top-level comment of the same idea).
        n_top = int(n_comments * 0.8)
        top_ideas = rng.choice(n_ideas, n_top, p=popularity)
        first_comment = _next_id(Comment)
        reply_parents = rng.integers(0, n_top, n_comments - n_top)
        comment_idea = np.concatenate([top_ideas, top_ideas[reply_parents]])
        comment_hidden = rng.random(n_comments) < 0.01
        comment_counts = np.bincount(comment_idea[~comment_hidden], minlength=n_ideas)

        started = time.perf_counter()
        _copy(
            Idea._meta.db_table,
            [
                "id",
                "conversation_id",
                "author_id",
                "is_seeded",
                "source_note",
                "title",
                "body",
                "language",
                "status",
                "comment_count",
                "created",
                "updated",
            ],
            (
                "\t".join(
                    [
                        str(idea_ids[i]),
                        str(conversation.pk),
                        str(authors[i]),
                        "t" if seeded[i] else "f",
                        f"Best practice from {PLACES[i % len(PLACES)]}" if seeded[i] else "",
                        f"{VERBS[i % len(VERBS)]} {THINGS[(i // 8) % len(THINGS)]} "
                        f"in {PLACES[(i // 96) % len(PLACES)]} ({i})",
                        " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(3)),
                        "cy" if i % 7 == 0 else "en",
                        str(status[i]),
                        str(comment_counts[i]),
                        created[i],
                        created[i],
                    ]
                )
                for i in range(n_ideas)
            ),
        )
        _copy(
            IdeaRanking._meta.db_table,
            [
                "ranking_id",
                "idea_id",
                "home_of_id",
                "rating_count",
                "count_1",
                "count_2",
                "count_3",
                "count_4",
                "count_5",
            ],
            (f"{summary.pk}\t{iid}\t{iid}\t0\t0\t0\t0\t0\t0" for iid in idea_ids.tolist()),
        )
        log(f"  {n_ideas:>9,} ideas      {time.perf_counter() - started:6.1f} s")

        # Ratings: distinct (person, idea) pairs; values around each idea's "quality".
        started = time.perf_counter()
        draws = int(n_ratings * 1.15)
        pairs = rng.choice(people, draws).astype(np.int64) * n_ideas + rng.choice(
            n_ideas, draws, p=popularity
        )
        _, first_seen = np.unique(pairs, return_index=True)
        pairs = pairs[np.sort(first_seen)][:n_ratings]
        if len(pairs) < n_ratings:
            raise SystemExit("not enough distinct (person, idea) pairs drawn; raise the oversampling")
        rating_user = user_ids[pairs // n_ideas]
        rating_idea = pairs % n_ideas
        values = np.clip(np.rint(quality[rating_idea] + rng.normal(0, 1.0, n_ratings)), 1, 5).astype(int)
        first_rating = _next_id(Rating)
        _copy(
            Rating._meta.db_table,
            ["id", "conversation_id", "idea_id", "user_id", "value", "created", "updated"],
            (
                f"{first_rating + k}\t{conversation.pk}\t{idea_ids[i]}\t{u}\t{v}\t{stamp}\t{stamp}"
                for k, (i, u, v) in enumerate(
                    zip(rating_idea.tolist(), rating_user.tolist(), values.tolist(), strict=True)
                )
            ),
        )
        log(f"  {n_ratings:>9,} ratings    {time.perf_counter() - started:6.1f} s")

        started = time.perf_counter()
        comment_authors = rng.choice(user_ids, n_comments)
        _copy(
            Comment._meta.db_table,
            ["id", "idea_id", "author_id", "parent_id", "body", "status", "created", "updated"],
            (
                "\t".join(
                    [
                        str(first_comment + k),
                        str(idea_ids[comment_idea[k]]),
                        str(comment_authors[k]),
                        "\\N" if k < n_top else str(first_comment + int(reply_parents[k - n_top])),
                        SENTENCES[k % len(SENTENCES)] + f" (comment {k})",
                        "hidden" if comment_hidden[k] else "published",
                        stamp,
                        stamp,
                    ]
                )
                for k in range(n_comments)
            ),
        )
        log(f"  {n_comments:>9,} comments   {time.perf_counter() - started:6.1f} s")
        for model in (User, Idea, Rating, Comment):
            _reset_sequence(model)

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for model in (User, Idea, IdeaRanking, Rating, Comment):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    log(f"  vacuum and analyse   {time.perf_counter() - started:6.1f} s")
    return conversation


# --- Measurements --------------------------------------------------------------------------


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bare_aggregation(conversation_id: int) -> float:
    """The bare SQL aggregation over the ratings table: count and sum per idea, fetched."""

    def run() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT idea_id, COUNT(*), SUM(value) FROM conversations_rating "
                "WHERE conversation_id = %s GROUP BY idea_id",
                [conversation_id],
            )
            return cursor.fetchall()

    return timed(run)[0]


def reset_snapshot(conversation_id: int) -> None:
    """Back to "never ranked": every snapshot row empty, as after the ideas were posted."""
    IdeaRanking.objects.filter(ranking__conversation_id=conversation_id).update(
        rating_count=0,
        rating_mean=None,
        count_1=0,
        count_2=0,
        count_3=0,
        count_4=0,
        count_5=0,
        score=None,
        rank=None,
        computed_at=None,
    )
    RankingSummary.objects.filter(conversation_id=conversation_id).update(
        ranked_ideas=b"", last_idea_id=0, computed_at=None
    )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {IdeaRanking._meta.db_table}")


def is_ranked(conversation_id: int) -> bool:
    return RankingSummary.objects.filter(conversation_id=conversation_id, computed_at__isnull=False).exists()


def clear_queue_marker(conversation_id: int) -> None:
    """No recompute queued: the first rating of a run queues one."""
    ranking_store.take_queued(Scope.of_conversation(conversation_id))


def top_ranked_idea(conversation_id: int) -> Idea | None:
    return Idea.objects.visible().filter(conversation_id=conversation_id).in_priority_order().first()


def measure_ranking(conversation_id: int, rounds: int) -> list[tuple[str, str, str]]:
    """Rounds of (bare aggregation, then recompute) side by side, so both see the same load on
    a shared machine; the ratio is taken per round, then the median reported."""
    rows = []
    for label, cold in (("from an empty snapshot", True), ("nothing changed since the last run", False)):
        bare, full, ratios = [], [], []
        for _ in range(rounds):
            if cold:
                reset_snapshot(conversation_id)
            aggregation = bare_aggregation(conversation_id)
            recompute = timed(lambda: ranking_runs.ranking_recompute(conversation_id=conversation_id))[0]
            bare.append(aggregation)
            full.append(recompute)
            ratios.append(recompute / aggregation)
        rows.append(
            (
                f"Ranking recompute, whole conversation, {label}",
                f"median {statistics.median(full) * 1000:,.0f} ms (max {max(full) * 1000:,.0f})",
                f"{statistics.median(ratios):.2f}x the bare aggregation "
                f"(median {statistics.median(bare) * 1000:,.0f} ms)",
            )
        )
    return rows


def measure_page(
    client: Client, url: str, repeat: int, **headers: str
) -> tuple[float, float, float, int, int]:
    """(median ms, p95 ms, median Django CPU ms, queries, status) of GETting a page.

    The CPU time is this process's alone (Django, not Postgres): on a shared machine it says
    what the page costs when the wall-clock figure is stretched by other work.
    """
    for _ in range(3):
        client.get(url, headers=headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    query_count = len(queries)  # now: the context reads the log lazily, and each request resets it
    samples, cpu = [], []
    for _ in range(repeat):
        started = time.process_time()
        elapsed, response = timed(lambda: client.get(url, headers=headers))
        cpu.append((time.process_time() - started) * 1000)
        samples.append(elapsed * 1000)
    return (
        statistics.median(samples),
        percentile(samples, 0.95),
        statistics.median(cpu),
        query_count,
        response.status_code,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each rating run")
    parser.add_argument("--processes", type=int, default=4, help="rating client processes")
    parser.add_argument("--readers", type=int, default=1, help="page-reading client processes")
    # Four, like gunicorn's rule of two workers a core on this 2-core machine (WEB_CONCURRENCY):
    # while one process waits for Postgres to commit, another uses the core.
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--repeat", type=int, default=50, help="requests per page measured")
    parser.add_argument("--rounds", type=int, default=5, help="ranking rounds measured")
    parser.add_argument(
        "--only",
        choices=["generate", "ranking", "pages", "upsert", "ratings"],
        action="append",
        help="run only these parts",
    )
    options = parser.parse_args()
    parts = set(options.only or ["ranking", "pages", "upsert", "ratings"])

    if connection.vendor != "postgresql":
        raise SystemExit("Run the benchmark on Postgres: set DATABASE_URL=postgres://...")
    # Ratings made in this process (the upsert comparison does not queue any) would queue the
    # ranking task in an in-memory queue; the rating run's gunicorn and worker use Redis.
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://"

    call_command("migrate", verbosity=0)
    conversation = Conversation.objects.filter(slug=SLUG).first()
    if options.regenerate or conversation is None:
        log("Generating the conversation...")
        delete_bench_data()
        elapsed, conversation = timed(lambda: generate(options.scale))
        log(f"  generated in {elapsed:.1f} s")
    assert conversation is not None
    cid = conversation.pk
    counts = {
        "people": User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count(),
        "ideas": Idea.objects.filter(conversation_id=cid).count(),
        "ratings": Rating.objects.filter(conversation_id=cid).count(),
        "comments": Comment.objects.filter(idea__conversation_id=cid).count(),
    }
    log("Data: " + ", ".join(f"{value:,} {key}" for key, value in counts.items()))

    log("Load average at the start: " + ", ".join(f"{value:.1f}" for value in os.getloadavg()))
    rows: list[tuple[str, str, str]] = []
    if "ranking" in parts:
        log("Ranking...")
        rows.extend(measure_ranking(cid, options.rounds))
    elif not is_ranked(cid):
        ranking_runs.ranking_recompute(conversation_id=cid)
    if "pages" in parts:
        rows.extend(measure_pages(cid, options.repeat))
    if "upsert" in parts:
        rows.extend(measure_upsert(conversation))
        rows.extend(measure_queue_marker(conversation))
        rows.extend(measure_rating_cpu(conversation))
    if "ratings" in parts:
        rows.extend(
            measure_ratings(
                conversation, options.processes, options.readers, options.web_workers, options.seconds
            )
        )
    print_table(rows)


def measure_pages(cid: int, repeat: int) -> list[tuple[str, str, str]]:
    rows = []
    log("Pages...")
    anonymous = Client()
    signed_in = Client()
    resident = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").order_by("pk").first()
    assert resident is not None
    signed_in.force_login(resident)
    base = f"/conversations/{SLUG}/"
    top = top_ranked_idea(cid)
    assert top is not None
    most_discussed = Idea.objects.visible().filter(conversation_id=cid).order_by("-comment_count").first()
    assert most_discussed is not None
    pages = [
        ("Conversation page, priority, page 1 (anonymous)", anonymous, base, {}),
        ("Conversation page, priority, page 100 (anonymous)", anonymous, f"{base}?page=100", {}),
        ("Conversation page, priority, page 1 (signed in)", signed_in, base, {}),
        ("Conversation page, priority, page 100 (signed in)", signed_in, f"{base}?page=100", {}),
        ("Conversation page, newest, page 100 (signed in)", signed_in, f"{base}?sort=newest&page=100", {}),
        ("Conversation page, most discussed, page 1 (signed in)", signed_in, f"{base}?sort=discussed", {}),
        ("Conversation page, not yet rated by me, page 1", signed_in, f"{base}?sort=unrated", {}),
        ("Conversation page, Welsh, priority, page 1 (signed in)", signed_in, f"/cy{base}", {}),
        (
            f"Idea page, top-ranked idea ({top.comment_count} comments, signed in)",
            signed_in,
            f"{base}ideas/{top.pk}/",
            {},
        ),
        (
            f"Idea page, most discussed idea ({most_discussed.comment_count} comments, anonymous)",
            anonymous,
            f"{base}ideas/{most_discussed.pk}/",
            {},
        ),
    ]
    for label, client, url, headers in pages:
        median, p95, cpu, queries, status = measure_page(client, url, repeat, **headers)
        if status != 200:
            raise SystemExit(f"{url} answered {status}")
        rows.append(
            (
                label,
                f"median {median:5.1f} ms, p95 {p95:5.1f} ms",
                f"{queries} queries, Django CPU {cpu:4.1f} ms",
            )
        )

    # Idea pages across the range: 50 random ideas, once each (after one warm-up).
    sample = list(
        Idea.objects.visible().filter(conversation_id=cid).order_by("?").values_list("pk", flat=True)[:50]
    )
    samples, cpu, query_counts = [], [], set()
    for pk in sample:
        signed_in.get(f"{base}ideas/{pk}/")
        started = time.process_time()
        with CaptureQueriesContext(connection) as queries:
            elapsed, _ = timed(lambda pk=pk: signed_in.get(f"{base}ideas/{pk}/"))
        cpu.append((time.process_time() - started) * 1000)
        samples.append(elapsed * 1000)
        query_counts.add(len(queries))
    rows.append(
        (
            "Idea page, 50 random ideas (signed in)",
            f"median {statistics.median(samples):5.1f} ms, p95 {percentile(samples, 0.95):5.1f} ms",
            f"{'/'.join(str(q) for q in sorted(query_counts))} queries, "
            f"Django CPU {statistics.median(cpu):4.1f} ms",
        )
    )

    return rows


def _bench_people_and_ideas(conversation: Conversation, people: int) -> tuple[list[int], list[int]]:
    """Up to ``people`` bench people and 5,000 visible ideas none of them wrote, at random."""
    person_ids = list(
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
        .order_by("?")
        .values_list("pk", flat=True)[:people]
    )
    idea_ids = list(
        Idea.objects.visible()
        .filter(conversation=conversation)
        .order_by("?")
        .values_list("pk", flat=True)[:5000]
    )
    authors = set(Idea.objects.filter(pk__in=idea_ids).values_list("author_id", flat=True))
    return [p for p in person_ids if p not in authors], idea_ids


def _signed_in(person_ids: list[int]) -> list[live.Person]:
    """A session per person, made as signing in makes it (in the database and Redis)."""
    people = []
    for person in User.objects.filter(pk__in=person_ids):
        client = Client()
        client.force_login(person)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        people.append(live.Person(session=session, csrf=live.csrf_secret()))
    return people


def _dsn() -> str:
    params = connection.settings_dict
    return make_conninfo(
        dbname=params["NAME"],
        host=params["HOST"] or "",
        port=str(params["PORT"] or ""),
        user=params["USER"] or "",
        password=params["PASSWORD"] or "",
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def _live_rows(label: str, result: live.LiveRun) -> list[tuple[str, str, str]]:
    ratings, reads = result.ratings, result.reads
    rows = [
        (
            f"Ratings through the view, {label}",
            f"{result.rate:,.0f} ratings/s",
            f"{len(ratings):,} saved in {result.seconds:.0f} s"
            + (f"; {result.other_answers:,} other answers" if result.other_answers else ""),
        ),
        (
            "  rating latency p50 / p99 / max",
            f"{_ms(live.percentile(ratings, 0.5))} / {_ms(live.percentile(ratings, 0.99))} / "
            f"{_ms(max(ratings, default=0))} ms",
            "as the clients saw it, gunicorn's queueing included",
        ),
        (
            "  page reads (conversation page) p50 / p99",
            f"{_ms(live.percentile(reads, 0.5))} / {_ms(live.percentile(reads, 0.99))} ms",
            f"{len(reads):,} pages read",
        ),
        ("  lock waits (pg_stat_activity)", result.locks.describe(), ""),
        (
            "  CPU per request: gunicorn workers / Postgres / clients",
            " / ".join(
                f"{result.per_request_ms(cpu):.1f}"
                for cpu in (result.web_cpu, result.database_cpu, result.client_cpu)
            )
            + " ms",
            "ratings and page reads together; Postgres counts every backend of the database",
        ),
    ]
    if label.startswith("with"):
        durations = result.recomputes
        rows.insert(
            3,
            (
                "  recomputes the worker finished during the run",
                f"{len(durations)}",
                f"median {_ms(statistics.median(durations))} ms, max {_ms(max(durations))} ms"
                if durations
                else "",
            ),
        )
    return rows


def measure_ratings(
    conversation: Conversation, processes: int, readers: int, web_workers: int, seconds: float
) -> list[tuple[str, str, str]]:
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        raise SystemExit("The rating run needs Redis (a database of its own): set REDIS_URL=redis://...")
    log(
        f"Ratings through the view: gunicorn with {web_workers} workers, {processes} rating and "
        f"{readers} reading client processes, {seconds:.0f} s without and {seconds:.0f} s with "
        "a Celery worker..."
    )
    cid = conversation.pk
    # The queue and the cache start empty: nothing left from an earlier run.
    redis.Redis.from_url(redis_url).flushdb()
    person_ids, idea_ids = _bench_people_and_ideas(conversation, 100 * processes)
    people = _signed_in(person_ids)
    before = Rating.objects.filter(conversation_id=cid).count()
    last_before = Rating.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    clear_queue_marker(cid)
    connections.close_all()
    common = {
        "slug": conversation.slug,
        "people": people,
        "ideas": idea_ids,
        "seconds": seconds,
        "raters": processes,
        "readers": readers,
        "dsn": _dsn(),
    }
    with live.gunicorn(redis_url, web_workers) as server:
        # A few seconds of the same load first, unmeasured: every gunicorn worker compiles its
        # queries and every person's session reaches the cache, as on a server that has been up.
        live.run(server=server, worker_log=None, **{**common, "seconds": min(5.0, seconds)})
        quiet = live.run(server=server, worker_log=None, **common)
        with live.celery_worker(redis_url) as worker_log:
            busy = live.run(server=server, worker_log=worker_log, **common)
    after = Rating.objects.filter(conversation_id=cid).count()
    rows = _live_rows("no worker (the queued recompute waits)", quiet)
    rows += _live_rows("with a Celery worker recomputing", busy)
    rows.append(("  new rating rows written (warm-up and both runs)", f"{after - before:,}", ""))
    elapsed, _ = timed(lambda: ranking_runs.ranking_recompute(conversation_id=cid))
    rows.append(("Ranking recompute after those ratings", f"{elapsed * 1000:,.0f} ms", ""))
    # Leave the generated conversation as it was, so the next run measures the same data.
    Rating.objects.filter(conversation_id=cid, pk__gt=last_before).delete()
    ranking_runs.ranking_recompute(conversation_id=cid)
    return rows


def measure_queue_marker(conversation: Conversation, calls: int = 2000) -> list[tuple[str, str, str]]:
    """Every rating ends by trying to take the ranking's queue marker; in a burst it is already
    set and the UPDATE matches nothing. ``ranking_store.mark_queued`` (written out) against the
    same UPDATE through the ORM."""
    log(f"Queue marker, two ways ({calls:,} calls each, the marker set)...")
    scope = Scope.of_conversation(conversation.pk)

    def through_the_orm() -> None:
        now = timezone.now()
        summary = RankingSummary.objects.filter(conversation_id=conversation.pk).values("pk")[:1]
        RankingQueue.objects.filter(ranking_id=Subquery(summary)).filter(
            Q(queued_at__isnull=True) | Q(queued_at__lt=now - timezone.timedelta(seconds=300))
        ).update(queued_at=now)

    ranking_store.mark_queued(scope)
    rows = []
    for label, call in (
        ("written out (ranking_store.mark_queued)", lambda: ranking_store.mark_queued(scope)),
        ("through the ORM", through_the_orm),
    ):
        times = []
        for _ in range(3):
            started = time.perf_counter()
            for _ in range(calls):
                call()
            times.append((time.perf_counter() - started) / calls)
        rows.append((f"Queue marker, set already: {label}", f"{statistics.median(times) * 1e6:,.0f} µs", ""))
    ranking_store.take_queued(scope)
    return rows


def _backend_cpu_seconds() -> float:
    """CPU time used so far by this connection's Postgres backend (Linux /proc; 0 elsewhere)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return live.cpu_seconds(pid)


def measure_rating_cpu(conversation: Conversation, ratings: int = 1000) -> list[tuple[str, str, str]]:
    """What one rating through the view costs, alone in one process: Django's CPU (the whole
    request, in-process through one WSGI handler) and its Postgres backend's, and queries.
    Unlike the live run's figures, these do not move with the machine's other load."""
    log(f"One rating's cost, in-process ({ratings:,} ratings)...")
    cid = conversation.pk
    person_ids, idea_ids = _bench_people_and_ideas(conversation, 50)
    last_before = Rating.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    handler = Client().handler
    clients = []
    for person in User.objects.filter(pk__in=person_ids):
        client = Client()
        client.handler = handler
        client.force_login(person)
        clients.append(client)
    rng = random.Random(11)

    def rate() -> None:
        response = rng.choice(clients).post(
            f"/conversations/{conversation.slug}/ideas/{rng.choice(idea_ids)}/rate/",
            f"value={rng.randint(1, 5)}",
            content_type="application/x-www-form-urlencoded",
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200 and b"Saved." in response.content

    for _ in range(50):
        rate()  # warm up: middleware loaded, queries compiled, sessions cached
    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        rate()
    backend_before, cpu_before, started = _backend_cpu_seconds(), time.process_time(), time.perf_counter()
    for _ in range(ratings):
        rate()
    elapsed = time.perf_counter() - started
    django_cpu = (time.process_time() - cpu_before) / ratings * 1000
    postgres_cpu = (_backend_cpu_seconds() - backend_before) / ratings * 1000
    Rating.objects.filter(conversation_id=cid, pk__gt=last_before).delete()
    return [
        (
            "One rating through the view, alone in one process",
            f"{elapsed / ratings * 1000:.2f} ms",
            f"Django CPU {django_cpu:.2f} ms + Postgres CPU {postgres_cpu:.2f} ms, {len(queries)} queries",
        )
    ]


# --- The rating upsert, three ways ----------------------------------------------------------


def _upsert_sql(idea_id: int, user_id: int, conversation_id: int, value: int) -> None:
    """What ``rating_set`` runs."""
    rating_store.upsert(
        idea_id=idea_id, user_id=user_id, conversation_id=conversation_id, value=value, now=timezone.now()
    )


def _upsert_bulk_create(idea_id: int, user_id: int, conversation_id: int, value: int) -> None:
    Rating.objects.bulk_create(
        [Rating(idea_id=idea_id, user_id=user_id, conversation_id=conversation_id, value=value)],
        update_conflicts=True,
        unique_fields=["user", "idea"],
        update_fields=["value", "updated"],
    )


def _upsert_update_or_create(idea_id: int, user_id: int, conversation_id: int, value: int) -> None:
    Rating.objects.update_or_create(
        user_id=user_id,
        idea_id=idea_id,
        defaults={"value": value},
        create_defaults={"value": value, "conversation_id": conversation_id},
    )


UPSERTS: dict[str, Callable[[int, int, int, int], None]] = {
    "written out (rating_store.upsert)": _upsert_sql,
    "bulk_create(update_conflicts=True)": _upsert_bulk_create,
    "update_or_create": _upsert_update_or_create,
}


def measure_upsert(
    conversation: Conversation, pairs: int = 1000, rounds: int = 3
) -> list[tuple[str, str, str]]:
    """Each way in turn over the same (person, idea) pairs: first as new ratings (inserts),
    then again as changed ratings (conflicts), in autocommit as the view runs it. Rounds
    alternate the ways so all see the same load; medians of the rounds' means are reported."""
    log(f"Rating upsert, three ways ({pairs:,} new and {pairs:,} changed ratings each, {rounds} rounds)...")
    cid = conversation.pk
    person_ids, idea_ids = _bench_people_and_ideas(conversation, 2000)
    rng = random.Random(7)
    chosen = list({(rng.choice(idea_ids), rng.choice(person_ids)) for _ in range(pairs * 2)})[:pairs]
    already = set(
        Rating.objects.filter(conversation_id=cid, user_id__in=person_ids).values_list("idea_id", "user_id")
    )
    chosen = [pair for pair in chosen if pair not in already]
    last_before = Rating.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    timings: dict[str, dict[str, list[float]]] = {name: {"new": [], "changed": []} for name in UPSERTS}
    queries: dict[str, int] = {}
    for _ in range(rounds):
        for name, upsert in UPSERTS.items():
            Rating.objects.filter(conversation_id=cid, pk__gt=last_before).delete()
            for kind, value in (("new", 3), ("changed", 4)):
                started = time.perf_counter()
                for idea_id, user_id in chosen:
                    upsert(idea_id, user_id, cid, value)
                timings[name][kind].append((time.perf_counter() - started) / len(chosen))
            with CaptureQueriesContext(connection) as captured:
                upsert(chosen[0][0], chosen[0][1], cid, 5)
            queries[name] = len(captured)
    Rating.objects.filter(conversation_id=cid, pk__gt=last_before).delete()
    return [
        (
            f"Rating upsert: {name}",
            f"new {statistics.median(times['new']) * 1e6:,.0f} µs, "
            f"changed {statistics.median(times['changed']) * 1e6:,.0f} µs",
            f"{queries[name]} statement(s) logged, {len(chosen):,} of each",
        )
        for name, times in timings.items()
    ]


def print_table(rows: list[tuple[str, str, str]]) -> None:
    if not rows:
        return
    width = max(len(label) for label, *_ in rows)
    figure_width = max(len(figure) for _, figure, _ in rows)
    print()
    print(f"{'What':<{width}}  {'Figure':<{figure_width}}  Notes")
    print(f"{'-' * width}  {'-' * figure_width}  {'-' * 28}")
    for label, figure, note in rows:
        print(f"{label:<{width}}  {figure:<{figure_width}}  {note}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n{version}, {os.cpu_count()} CPUs, load average at the end {load}.")
    print(
        "Pages: Django in-process through the test client; ratings: over HTTP through gunicorn; "
        "production settings (DEBUG off)."
    )


if __name__ == "__main__":
    main()
