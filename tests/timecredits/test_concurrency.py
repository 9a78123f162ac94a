"""The concurrency torture, small enough for CI (the full size is ``bench/credits_torture.py``).

Threads each get their own database connection (Django opens one per thread), and the test is
``transaction=True`` so every transfer really commits: on Postgres the workers genuinely race for
row locks and the idempotency key's unique index. SQLite serialises writers (IMMEDIATE
transactions), so there it runs with fewer workers and proves the same invariants.
"""

from __future__ import annotations

import pytest
from django.db import connection

from timecredits.models import Transfer

from .torture import build_world, plan_keys, run_threads, verify

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_earn_spend_gift_and_reversal_attempts_keep_every_invariant(ledger_cleanup: None) -> None:
    postgres = connection.vendor == "postgresql"
    workers, attempts = (8, 600) if postgres else (3, 240)
    world = build_world("ci", people=12)
    keys = plan_keys("ci", attempts, seed=5)
    assert len(set(keys)) < len(keys), "the plan must repeat some idempotency keys"

    report = run_threads(world, keys, workers)

    assert verify(world, report) == []
    counts = report.counts()
    # The run exercised what it claims to: writes, replays of repeated keys, refused over-spends.
    assert counts["recorded"] > attempts // 4
    assert counts["replayed"] > 0
    assert any("You have" in outcome.message for outcome in report.outcomes if outcome.status == "refused")
    assert Transfer.objects.filter(kind=Transfer.Kind.REVERSAL).exists()
    assert Transfer.objects.count() == counts["recorded"]
