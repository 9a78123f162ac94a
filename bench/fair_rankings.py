"""The whole ranking task with the fair orders (issue 11), at national size, and the conversation
page in each order. Not a test: it prints figures.

Uses ``bench/ideas.py``'s national conversation (50,000 ideas, 1,000,000 ratings by 100,000
people; generated there on first use) and gives its organisation 10 target groups in two
dimensions, census-style: 6 age bands and 4 places, each person in one of each (about 10%
skip each question), and one place with a size and nobody in it. Then it prints

* the ranking task (``ranking_runs.ranking_recompute``) with the groups (overall + per group for
  the 10 groups + representative + consensus, read from the database and stored through the
  ranking store) next to the overall ranking alone (what the task runs for a conversation with
  no groups: the tally, the maths and the swap), in alternating rounds so both see the same
  load, and where the whole task's time goes;
* the conversation page (page 1 and page 100) in every order, median and p95 server time and
  the number of queries.

Targets: the whole task within 2x the overall ranking alone and within 5 s; every order's page
median within 30 ms, with the same number of queries.

    REDIS_URL=redis://127.0.0.1:6379/12 \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocaleyes_bench \\
    flock /tmp/vocaleyes-bench.lock .venv/bin/python bench/fair_rankings.py

Options: ``--rounds 5`` ranking rounds, ``--repeat 50`` requests per page, ``--scale`` as in
``bench/ideas.py`` (only used when it generates).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import ideas  # sets Django up as bench/ideas.py does
import numpy as np
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from conversations import audience, group_ranking, ranking, ranking_runs, ranking_store
from conversations.models import Conversation, Idea, Rating
from conversations.ranking_store import Scope
from vocaleyes.models import GroupMembership, Organisation, OrganisationRole, TargetGroup, User

AGE_BANDS = [("16 to 24", 48_000), ("25 to 34", 62_000), ("35 to 49", 90_000)]
AGE_BANDS += [("50 to 64", 95_000), ("65 to 79", 70_000), ("80 and over", 25_000)]
PLACES = [("North", 120_000), ("South", 160_000), ("West", 90_000), ("Islands", 20_000)]


def _groups(organisation: Organisation) -> list[TargetGroup]:
    """The 10 groups and their members (made once)."""
    existing = list(TargetGroup.objects.filter(organisation=organisation))
    if existing:
        return existing
    ideas.log("Target groups and memberships...")
    groups = []
    for kind, rows in ((TargetGroup.Kind.AGE_BAND, AGE_BANDS), (TargetGroup.Kind.PLACE, PLACES)):
        for name, size in rows:
            groups.append(
                TargetGroup.objects.create(
                    organisation=organisation,
                    name_en=name,
                    kind=kind,
                    population_size=size,
                    population_source="Benchmark",
                )
            )
    people = np.array(
        User.objects.filter(email__endswith=f"@{ideas.EMAIL_DOMAIN}")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng = np.random.default_rng(11)
    bands, places = groups[: len(AGE_BANDS)], groups[len(AGE_BANDS) :]
    # Younger people and the islands take part less than their share: the weights do work.
    band_share = np.array([0.06, 0.12, 0.22, 0.26, 0.24, 0.10])
    place_share = np.array([0.35, 0.45, 0.20, 0.0])  # nobody from the islands
    band = rng.choice(len(bands), len(people), p=band_share)
    place = rng.choice(len(places), len(people), p=place_share)
    answered_band = rng.random(len(people)) > 0.1
    answered_place = rng.random(len(people)) > 0.1
    now = timezone.now().isoformat()
    lines = [
        f"{person}\t{bands[b].pk}\tinvitation\t\\N\t{now}"
        for person, b, answered in zip(people, band, answered_band, strict=True)
        if answered
    ]
    lines += [
        f"{person}\t{places[p].pk}\tinvitation\t\\N\t{now}"
        for person, p, answered in zip(people, place, answered_place, strict=True)
        if answered
    ]
    with transaction.atomic():
        ideas._copy(
            GroupMembership._meta.db_table, ["user_id", "group_id", "how", "consented_at", "created"], lines
        )
    ideas.log(f"  {len(groups)} groups, {len(lines):,} memberships")
    return groups


def measure_task(conversation: Conversation, rounds: int) -> list[tuple[str, str, str]]:
    cid = conversation.pk
    scope = Scope.of_conversation(cid)

    def alone() -> float:
        """The overall ranking alone: what ``ranking_recompute`` runs for a conversation
        without groups (the tally, the maths, the swap), its fair orders left as they are."""
        started = time.perf_counter()
        ranking_store.take_queued(scope)
        with ranking_store.running(scope) as held:
            idea_ids, counts = ranking_store.counts(scope)
            result = ranking.rank_arrays(idea_ids, counts)
            ranking_store.swap(scope, result, held=held, started=started)
        return time.perf_counter() - started

    def whole() -> float:
        started = time.perf_counter()
        ranking_runs.ranking_recompute(conversation_id=cid)
        return time.perf_counter() - started

    ideas.log("Ranking task: a first run of each (writes every row)...")
    first_whole, first_alone = whole(), alone()
    times: dict[str, list[float]] = {"alone": [], "whole": []}
    for number in range(rounds):
        ideas.log(f"  round {number + 1} of {rounds}")
        times["alone"].append(alone())
        times["whole"].append(whole())
    ratios = [w / a for w, a in zip(times["whole"], times["alone"], strict=True)]

    # Where the whole task's time goes: reading who rated what, the maths, and the rest
    # (storing 13 rankings, the overall one included).
    scope = Scope.of_conversation(cid)
    reads, maths = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        ratings, person_ids = ranking_store.person_ratings(scope)
        read_at = time.perf_counter()
        found = audience.groups_of(conversation)
        dimensions = audience.dimensions(found, person_ids, *ranking_store.memberships(found))
        one_of = [d for d in dimensions if d.name in audience.ONE_OF_KINDS]
        ratings.overall()
        group_ranking.per_group(ratings, dimensions)
        group_ranking.representative(ratings, one_of)
        group_ranking.consensus(ratings, one_of)
        reads.append(read_at - started)
        maths.append(time.perf_counter() - read_at)

    median = statistics.median
    return [
        (
            "Overall ranking alone (no groups)",
            f"median {median(times['alone']):.2f} s",
            f"first run {first_alone:.2f} s",
        ),
        (
            "Whole task: overall + 10 groups + representative + consensus",
            f"median {median(times['whole']):.2f} s",
            f"first run {first_whole:.2f} s",
        ),
        (
            "Whole task / overall alone",
            f"median {median(ratios):.2f}x",
            f"rounds {', '.join(f'{r:.2f}' for r in ratios)}",
        ),
        (
            "  of which: reading every rating (who, which idea, value)",
            f"median {median(reads):.2f} s",
            f"{Rating.objects.filter(conversation_id=cid).count():,} ratings",
        ),
        (
            "  of which: the maths (memberships read, 13 rankings computed)",
            f"median {median(maths):.2f} s",
            "",
        ),
    ]


def measure_pages(
    conversation: Conversation, groups: list[TargetGroup], repeat: int
) -> list[tuple[str, str, str]]:
    ideas.log("Pages...")
    facilitator, _ = User.objects.get_or_create(
        email=f"facilitator@{ideas.EMAIL_DOMAIN}", defaults={"display_name": "Bench facilitator"}
    )
    OrganisationRole.objects.get_or_create(organisation=conversation.organisation, user=facilitator)
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(facilitator)
    base = f"/conversations/{conversation.slug}/"
    group = groups[0]
    pages = [
        ("priority, page 1", anonymous, base),
        ("representative, page 1", anonymous, f"{base}?sort=representative"),
        ("consensus, page 1", anonymous, f"{base}?sort=consensus"),
        ("priority, page 100", anonymous, f"{base}?page=100"),
        ("representative, page 100", anonymous, f"{base}?sort=representative&page=100"),
        ("consensus, page 100", anonymous, f"{base}?sort=consensus&page=100"),
        ("facilitator, priority, page 1", signed_in, base),
        ("facilitator, representative, page 1", signed_in, f"{base}?sort=representative"),
        ("facilitator, consensus, page 1", signed_in, f"{base}?sort=consensus"),
        (f"facilitator, group {group.name_en}, page 1", signed_in, f"{base}?group={group.pk}"),
        (f"facilitator, group {group.name_en}, page 100", signed_in, f"{base}?group={group.pk}&page=100"),
    ]
    rows = []
    for label, client, url in pages:
        median, p95, cpu, queries, status = ideas.measure_page(client, url, repeat)
        if status != 200:
            raise SystemExit(f"{url} answered {status}")
        rows.append(
            (
                f"Conversation page, {label}",
                f"median {median:5.1f} ms, p95 {p95:5.1f} ms",
                f"{queries} queries, Django CPU {cpu:4.1f} ms",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", choices=["task", "pages"], action="append")
    options = parser.parse_args()
    parts = set(options.only or ["task", "pages"])
    if connection.vendor != "postgresql":
        raise SystemExit("Run the benchmark on Postgres: set DATABASE_URL=postgres://...")
    ideas.celery_app.conf.task_always_eager = False
    ideas.celery_app.conf.broker_url = "memory://"
    call_command("migrate", verbosity=0)
    conversation = Conversation.objects.filter(slug=ideas.SLUG).select_related("organisation").first()
    if conversation is None:
        ideas.log("Generating the national conversation (bench/ideas.py)...")
        conversation = ideas.generate(options.scale)
    groups = _groups(conversation.organisation)
    ideas.log(
        f"Data: {Idea.objects.filter(conversation=conversation).count():,} ideas, "
        f"{Rating.objects.filter(conversation=conversation).count():,} ratings, "
        f"{GroupMembership.objects.filter(group__in=groups).count():,} memberships of {len(groups)} groups"
    )
    ideas.log("Load average at the start: " + ", ".join(f"{value:.1f}" for value in os.getloadavg()))
    rows: list[tuple[str, str, str]] = []
    if "task" in parts:
        rows += measure_task(conversation, options.rounds)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)  # every order stored
    if "pages" in parts:
        rows += measure_pages(conversation, groups, options.repeat)
    ideas.print_table(rows)


if __name__ == "__main__":
    main()
