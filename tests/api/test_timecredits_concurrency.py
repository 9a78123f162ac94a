"""A gift sent again while the first is still on its way (a client's retry after a timeout):
the requests race in threads, each with its own database connection, and the ledger moves the
credits once. ``transaction=True``, so every request really commits and the second meets the
first's row locks and unique key (on Postgres; SQLite serialises the writers)."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from timecredits import selectors, services
from timecredits.models import Account, Transfer
from vocaleyes.models import Organisation, User

from .timecredits_world import START, fund

pytestmark = pytest.mark.django_db(transaction=True)

# The append-only triggers as they stand after the last migration that changed them.
triggers = importlib.import_module("timecredits.migrations.0005_gift_memo_redaction")


@pytest.fixture
def ledger_cleanup(transactional_db: None) -> Iterator[None]:
    """SQLite's flush deletes rows, which the ledger's triggers refuse: lift them to empty it
    (as ``tests/timecredits/conftest.py`` does; Postgres truncates, which they do not see)."""
    yield
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in triggers.SQLITE_APPEND_ONLY_BACKWARDS:
            cursor.execute(statement)
        cursor.execute("DELETE FROM timecredits_entry")
        cursor.execute("DELETE FROM timecredits_transfer")
        for statement in triggers.SQLITE_APPEND_ONLY:
            cursor.execute(statement)


def test_the_same_gift_sent_at_once_from_several_places_gives_once(
    ledger_cleanup: None,
    organisation: Organisation,
    olwen: User,
    alice: User,
    bob: User,
    api_client: Callable[[str], APIClient],
) -> None:
    fund(organisation, alice, olwen)
    bobs = services.account_for_person(user=bob)
    sqlite = connection.vendor == "sqlite"
    workers = 3 if sqlite else 6
    start = threading.Barrier(workers)
    answers: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def send() -> None:
        client = api_client("resident")
        client.raise_request_exception = False
        try:
            start.wait()
            for retry in range(200):
                response = client.post(
                    "/api/v1/time-credits/gifts/",
                    {"recipient": bobs.number, "minutes": 45},
                    format="json",
                    HTTP_IDEMPOTENCY_KEY="retry-me",
                )
                # SQLite's in-memory test database (shared cache) answers "table is locked" at
                # once rather than waiting: the client tries again with the same key, which is
                # what the key is for. On Postgres the requests wait for each other's locks.
                if response.status_code != 500 or not sqlite:
                    break
                time.sleep(0.001 * (retry + 1))
            with lock:
                answers.append(
                    (response.status_code, response.json() if response.status_code < 500 else None)
                )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(status for status, _body in answers)
    if sqlite:  # a request that gave and then met a lock on its way out was retried: a replay
        assert len(statuses) == workers and set(statuses) <= {200, 201} and statuses.count(201) <= 1
    else:
        assert statuses == [200] * (workers - 1) + [201]
    assert len({body["id"] for _status, body in answers}) == 1
    assert Transfer.objects.filter(kind=Transfer.Kind.GIFT).count() == 1
    assert Account.objects.get(user=alice).balance == START - 45
    assert Account.objects.get(pk=bobs.pk).balance == 45
    assert selectors.ledger_reconcile().ok
