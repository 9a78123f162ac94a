"""The permission matrix: every API operation, tried as each of the seven actors.

A module of ``tests/api`` lists its operations as :class:`Op` rows (``CASES``) and calls
:func:`check` from one test. Each request runs inside a savepoint rolled back afterwards, so
every actor meets the same state (a resident's write does not stop the officer's). A row says
which status each actor gets; ``expect`` gives a default for the actors it does not name.
``tests/api/test_matrix_coverage.py`` checks that the rows together cover every operation
of the OpenAPI schema.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from rest_framework.test import APIClient

from .conftest import ACTORS


@dataclass
class Op:
    """``method`` and ``path`` (the schema's path template, e.g. ``/api/v1/ideas/{id}/``),
    the concrete ``url`` to call, a JSON ``body`` for writes, and the expected status per actor."""

    method: str
    path: str
    url: str
    statuses: dict[str, int]
    body: dict[str, Any] | None = None
    expect: int | None = None
    check_body: Callable[[str, Any], None] | None = field(default=None, repr=False)

    def expected(self, actor: str) -> int:
        if actor in self.statuses:
            return self.statuses[actor]
        if self.expect is None:
            raise AssertionError(f"{self.method} {self.path}: no expected status for {actor}")
        return self.expect


def check(ops: list[Op], api_client: Callable[[str], APIClient]) -> None:
    """Run every operation as every actor; collect every mismatch, then fail listing them all."""
    wrong: list[str] = []
    for op in ops:
        for actor in ACTORS:
            client = api_client(actor)
            with transaction.atomic():
                response = getattr(client, op.method.lower())(op.url, data=op.body, format="json")
                if op.check_body is not None and response.status_code < 300:
                    op.check_body(actor, response.json() if response.content else None)
                transaction.set_rollback(True)
            if response.status_code != op.expected(actor):
                wrong.append(
                    f"{op.method} {op.url} as {actor}: {response.status_code}, "
                    f"expected {op.expected(actor)} ({response.content[:200]!r})"
                )
    assert not wrong, "\n".join(wrong)
