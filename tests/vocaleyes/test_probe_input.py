"""Probe findings on input (issue 14): NUL bytes in paths and queries, email subjects and
display names, role words in names, CSV cells for semicolon locales."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from conversations import exports
from conversations.models import Conversation
from tests.conversations.conftest import make_idea
from timecredits.views import _safe_cell
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


# 4. NUL bytes: PostgreSQL refuses them in text (500); SQLite takes them. Both must answer the
# same, before any query holds one. ------------------------------------------------------


class NulWatcher:
    """Records whether any query's parameters held a NUL (what PostgreSQL refuses)."""

    def __init__(self) -> None:
        self.seen = False

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.seen = self.seen or any(isinstance(value, str) and "\x00" in value for value in params or ())
        return execute(sql, params, many, context)


@contextmanager
def watching_for_nul() -> Iterator[NulWatcher]:
    watcher = NulWatcher()
    with connection.execute_wrapper(watcher):
        yield watcher


@pytest.mark.parametrize(
    "path",
    [
        "/time-credits/receipts/%00/",
        "/time-credits/accounts/AB%00C/",
        "/time-credits/accounts/AB%00C/statement.csv",
        "/cy/time-credits/receipts/a%01b/",
        "/conversations/well%00being/",
    ],
)
def test_a_control_character_in_the_path_is_a_page_not_found(client: Client, alice: User, path: str) -> None:
    client.force_login(alice)
    with watching_for_nul() as watcher:
        response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode() or "Heb ddod o hyd" in response.content.decode()
    assert not watcher.seen


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("", "contains a character that is not allowed (a null character)"),
        ("/cy", "yn cynnwys nod nad yw&#x27;n cael ei ganiatáu (nod nwl)"),
    ],
)
def test_a_nul_in_a_query_value_is_a_bad_request_in_the_persons_language(
    client: Client, conversation: Conversation, alice: User, prefix: str, message: str
) -> None:
    with watching_for_nul() as watcher:
        response = client.get(f"{prefix}/conversations/{conversation.slug}/", {"q": "bench\x00es"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not watcher.seen


def test_a_nul_in_a_form_field_is_a_bad_request(
    client: Client, conversation: Conversation, alice: User
) -> None:
    client.force_login(alice)
    response = client.post(
        f"/conversations/{conversation.slug}/ideas/new/", {"title": "Bench\x00es", "body": "By the sea."}
    )
    assert response.status_code == 400
    assert "a null character" in response.content.decode()
    assert not conversation.ideas.exists()


def test_tabs_and_new_lines_in_form_values_are_still_accepted(
    client: Client, conversation: Conversation
) -> None:
    response = client.get(f"/conversations/{conversation.slug}/", {"q": "bench\tes"})
    assert response.status_code == 200


# 9. CSV exports for semicolon locales -------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_the_action_list_csv_defuses_a_formula_after_a_semicolon(
    conversation: Conversation, alice: User, start: str
) -> None:
    make_idea(conversation, alice, title=f"Benches;{start}HYPERLINK(1)")
    make_idea(conversation, alice, title="Benches; then bins")
    rows = list(csv.reader(io.StringIO("".join(exports.iter_csv(conversation)).lstrip("\ufeff"))))
    titles = {row[1] for row in rows[1:]}
    # Split at every ";" as a semicolon-separated spreadsheet would: no piece starts a formula.
    assert titles == {f"'Benches;'{start}HYPERLINK(1)", "Benches; then bins"}


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("a; =1+1", "a; =1+1"),  # a space after the semicolon: the cell starts with a space
        ("thanks;=cmd|' /C calc'!A0", "'thanks;'=cmd|' /C calc'!A0"),
        ("x;+1;-2;@SUM(A1)", "'x;'+1;'-2;'@SUM(A1)"),
        ("=1", "'=1"),
        ("plain; text", "plain; text"),
    ],
)
def test_the_statement_csv_defuses_a_formula_after_a_semicolon(typed: str, written: str) -> None:
    assert _safe_cell(typed) == written
