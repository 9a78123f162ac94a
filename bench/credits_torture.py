"""Concurrency torture for the time-credit ledger, full size. Not a test: it prints figures.

    createdb -h 127.0.0.1 -U postgres vocaleyes_bench   # once
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocaleyes_bench
    .venv/bin/python bench/credits_torture.py

20 workers (threads, each with its own database connection; ``--processes`` for processes) make
10,000 random earn / spend / gift / reversal attempts through the services, with about 15%
repeated idempotency keys (often racing the original in another worker) and frequent over-spends.
Afterwards it checks that no transfer was lost or written twice and that every ledger invariant
holds, and prints attempts/s and transfers/s (transfers actually written).
Each run adds its own people and organisations (prefixed by the run's time) to the database.

Receipts: with ``REDIS_URL`` set (production's shape) each new earn or gift enqueues its receipt
task to Redis after commit, and the bench purges that queue at the end (no worker needs to run);
without it the receipt is rendered and "sent" in-process to the in-memory email backend, inside the
measured time.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocaleyes.settings")
# Production mode: with DEBUG on, Django would also log every query in memory, which costs time.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(32).hex())
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from tests.timecredits.torture import (  # noqa: E402
    Report,
    World,
    build_world,
    plan_keys,
    run_threads,
    run_worker,
    verify,
)
from timecredits.models import Transfer  # noqa: E402

_world: World | None = None


def _process_share(keys: list[str]) -> tuple[list, list[str]]:
    assert _world is not None
    return run_worker(_world, keys)


def run_processes(world: World, keys: list[str], workers: int) -> Report:
    global _world
    _world = world
    shares = [keys[number::workers] for number in range(workers)]
    connections.close_all()  # never share a connection across fork
    began = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.map(_process_share, shares)
    seconds = time.perf_counter() - began
    return Report(
        outcomes=[outcome for outcomes, _errors in results for outcome in outcomes],
        seconds=seconds,
        errors=[error for _outcomes, errors in results for error in errors],
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--processes", action="store_true", help="worker processes instead of threads")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    prefix = f"bench{int(time.time())}"
    world = build_world(prefix, people=args.people, issuers=4, partners=3, offers=6)
    keys = plan_keys(prefix, args.attempts, seed=args.seed)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(
        f"{args.attempts} attempts ({args.attempts - len(set(keys))} repeated keys) by {args.workers} "
        f"{'processes' if args.processes else 'threads'}, {args.people} people"
    )

    report = (run_processes if args.processes else run_threads)(world, keys, args.workers)

    problems = verify(world, report)
    counts = report.counts()
    by_kind = dict(
        Transfer.objects.filter(idempotency_key__startswith=f"{prefix}-")
        .values_list("kind")
        .annotate(n=django.db.models.Count("id"))
    )
    print(f"outcomes: {dict(counts)}")
    print(f"transfers written by kind: {by_kind}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores shared with other work)")
    print(f"wall time: {report.seconds:.2f} s")
    print(f"attempts/s: {len(report.outcomes) / report.seconds:.0f}")
    print(f"transfers/s: {report.written / report.seconds:.0f}")
    if os.environ.get("REDIS_URL"):
        from vocaleyes.celery import app as celery_app

        print(f"receipts queued in Redis, purged: {celery_app.control.purge()}")
    else:
        print("receipts sent in-process (eager)")
    if problems:
        print(f"INVARIANTS BROKEN ({len(problems)}):")
        for problem in problems[:20]:
            print(f"  {problem}")
        return 1
    print("invariants: all hold (no lost or duplicated transfers, every key one transfer, ledger reconciles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
