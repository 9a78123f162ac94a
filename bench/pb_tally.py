"""Benchmark the count of a city-scale budget round, from the database to the stored outcome.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocaleyes_pb_bench \\
        .venv/bin/python bench/pb_tally.py [--voters 40000] [--votes-each 10] [--projects 120]
                                           [--repeat 3] [--rule equal-shares] [--keep]

Builds a round of ``--projects`` projects and ``--voters`` online ballots (one signed-up person
each) with ``--votes-each`` approvals per ballot, all within the budget, bulk-written with
Postgres ``COPY`` (about ten seconds). Then times ``services.tally_run`` — the work of the Celery
task: load the ballots in one query, compute the round's rule (Equal Shares with add-one
completion then greedy, by default) and greedy for comparison, and store both outcomes — and
prints the wall-clock seconds of each run with its parts. Target: 3 s for 40,000 voters and
400,000 votes. The bench database is created (with migrations) if needed and its bench round is
rebuilt each run unless ``--keep`` keeps the one already there.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocaleyes.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402
import numpy as np  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from budgeting import counting, services  # noqa: E402
from budgeting.models import Ballot, BudgetProject, BudgetRound, Tally, Vote  # noqa: E402
from conversations.models import Conversation  # noqa: E402
from vocaleyes.models import Organisation, User  # noqa: E402

SLUG = "bench-city-round"


def _top_k(rng: np.random.Generator, weights: np.ndarray, rows: int, k: int) -> np.ndarray:
    """k distinct indexes per row, drawn by weight without replacement (top-k of log-weight plus
    Gumbel noise)."""
    keys = np.log(weights)[None, :] + rng.gumbel(size=(rows, len(weights)))
    return np.argpartition(-keys, k, axis=1)[:, :k]


def ballots_for(
    shape: str, voters: int, votes_each: int, n_projects: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(project costs in pounds, each voter's chosen project indexes).

    ``city``: like a city's budget with district and city-wide projects (Lodz, Warsaw, Krakow):
    a sixth of the projects are city-wide and larger, the rest are split between ten districts;
    each voter picks 40% of their votes among the city-wide projects and the rest in their own
    district, more popular projects more often (Zipf-like weights). ``uniform``: the worst case
    for Equal Shares, every voter picking among all projects alike, so every project shares
    supporters with every other.
    """
    if shape == "uniform":
        costs = rng.integers(20, 400, size=n_projects) * 1000
        weights = 1.0 / np.arange(1, n_projects + 1) ** 0.8
        return costs, _top_k(rng, weights, voters, votes_each)
    districts = 10
    city = n_projects // 6
    local = (n_projects - city) // districts
    city = n_projects - local * districts
    k_city = max(1, round(votes_each * 0.4))
    costs = (
        np.concatenate([rng.integers(100, 600, size=city), rng.integers(10, 150, size=local * districts)])
        * 1000
    )
    home = rng.integers(0, districts, size=voters)
    chosen_city = _top_k(rng, 1.0 / np.arange(1, city + 1) ** 0.8, voters, k_city)
    chosen_local = _top_k(rng, 1.0 / np.arange(1, local + 1) ** 0.8, voters, votes_each - k_city)
    return costs, np.concatenate([chosen_city, chosen_local + city + home[:, None] * local], axis=1)


def build(
    shape: str, voters: int, votes_each: int, n_projects: int, rule: str, seed: int = 2026
) -> BudgetRound:
    rng = np.random.default_rng(seed)
    organisation, _ = Organisation.objects.get_or_create(
        slug="bench-city", defaults={"name_en": "Bench City Council", "kind": "local_authority"}
    )
    conversation, _ = Conversation.objects.get_or_create(
        slug="bench-city",
        defaults={"organisation": organisation, "title_en": "Bench city", "status": Conversation.Status.OPEN},
    )
    BudgetRound.objects.filter(slug=SLUG).delete()
    now = timezone.now()
    costs, chosen = ballots_for(shape, voters, votes_each, n_projects, rng)
    budget = Decimal(int(costs.sum() // 4))
    budget_round = services.round_create(
        conversation=conversation,
        slug=SLUG,
        title_en="Bench city fund",
        budget=budget,
        proposals_open=now - timedelta(days=60),
        review_opens=now - timedelta(days=40),
        voting_opens=now - timedelta(days=30),
        voting_closes=now - timedelta(days=1),
        rule=rule,
        completion="add1+greedy" if rule == "equal-shares" else "none",
    )
    BudgetProject.objects.bulk_create(
        BudgetProject(
            round=budget_round, code=f"{i + 1:03d}", title_en=f"Project {i + 1}", cost=Decimal(int(c))
        )
        for i, c in enumerate(costs)
    )
    project_pks = np.array(
        list(budget_round.projects.order_by("code").values_list("pk", flat=True)), dtype=np.int64
    )

    # Approval ballots on our pages never exceed the budget; neither do these.
    assert (costs[chosen].sum(axis=1) <= int(budget)).all()

    stamp = now.isoformat()
    users_start = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM vocaleyes_user WHERE email LIKE 'bench-voter-%%'")
        _copy(
            cursor,
            "vocaleyes_user",
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
                f"{users_start + v}\t!\tf\t\t\tf\tt\t{stamp}\tbench-voter-{v}@example.org\tVoter {v}\ten\n"
                for v in range(voters)
            ),
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('vocaleyes_user', 'id'), %s)", [users_start + voters]
        )
        ballot_start = (Ballot.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        _copy(
            cursor,
            Ballot._meta.db_table,
            ["id", "round_id", "kind", "voter_id", "paper_reference", "created", "updated"],
            (
                f"{ballot_start + v}\t{budget_round.pk}\tonline\t{users_start + v}\t\t{stamp}\t{stamp}\n"
                for v in range(voters)
            ),
        )
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{Ballot._meta.db_table}', 'id'), %s)",
            [ballot_start + voters],
        )
        ballot_ids = np.repeat(np.arange(ballot_start, ballot_start + voters), votes_each)
        vote_projects = project_pks[chosen.ravel()]
        lines = "".join(
            f"{b}\t{budget_round.pk}\t{p}\t1\n"
            for b, p in zip(ballot_ids.tolist(), vote_projects.tolist(), strict=True)
        )
        _copy(cursor, Vote._meta.db_table, ["ballot_id", "round_id", "project_id", "points"], [lines])
        cursor.execute(f"ANALYZE {Ballot._meta.db_table}; ANALYZE {Vote._meta.db_table}")
    return budget_round


def _copy(cursor, table: str, columns: list[str], rows) -> None:  # type: ignore[no-untyped-def]
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for row in rows:
            buffer.write(row)
            if buffer.tell() > 1 << 20:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def timed_tally(budget_round: BudgetRound) -> tuple[float, float, Tally, float]:
    """(wall seconds, CPU seconds of this process, the tally, seconds to load the ballots)."""
    Tally.objects.filter(round=budget_round).delete()
    tally = Tally.objects.create(round=budget_round)
    started, cpu = time.perf_counter(), time.process_time()
    tally = services.tally_run(tally_id=tally.pk)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    counting.load_round(budget_round)  # again, alone, to show its share
    load = time.perf_counter() - started
    return total, cpu, tally, load


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--voters", type=int, default=40_000)
    parser.add_argument("--votes-each", type=int, default=10)
    parser.add_argument("--projects", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rule", default="equal-shares", choices=["equal-shares", "greedy"])
    parser.add_argument(
        "--shape", default="city", choices=["city", "uniform"], help="how voters choose (see ballots_for)"
    )
    parser.add_argument("--keep", action="store_true", help="reuse the bench round already in the database")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a Postgres database (the target is for Postgres).")
    call_command("migrate", verbosity=0)

    budget_round = BudgetRound.objects.filter(slug=SLUG).first()
    if budget_round is None or not args.keep:
        started = time.perf_counter()
        with transaction.atomic():
            budget_round = build(args.shape, args.voters, args.votes_each, args.projects, args.rule)
        print(
            f"built a {args.shape} round: {args.voters:,} ballots, {args.voters * args.votes_each:,} votes, "
            f"{args.projects} projects with COPY in {time.perf_counter() - started:.1f} s"
        )

    times, cpu_times = [], []
    for run in range(args.repeat):
        total, cpu, tally, load = timed_tally(budget_round)
        cpu_times.append(cpu)
        outcomes = {o.is_primary: o for o in tally.outcomes.all()}
        primary, other = outcomes[True], outcomes[False]
        print(
            f"run {run + 1}: {total:.2f} s from database to stored outcome ({tally.status}; "
            f"{tally.ballots:,} ballots, {tally.votes:,} votes; load {load:.2f} s, "
            f"{primary.rule}/{primary.completion} {primary.duration_ms / 1000:.2f} s, "
            f"{other.rule} {other.duration_ms / 1000:.2f} s; "
            f"{primary.lines.exclude(position=None).count()} funded, "
            f"spent {primary.spent:,} of {primary.budget:,}; CPU {cpu_times[-1]:.2f} s)"
        )
        times.append(total)
    print(
        f"tally of {args.voters:,} voters / {args.voters * args.votes_each:,} votes ({args.shape}): "
        f"best {min(times):.2f} s, median {statistics.median(times):.2f} s wall clock (target 3 s); "
        f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
