"""Probe findings on input (issue 14): NUL bytes in paths and queries, email subjects and
display names, role words in names, CSV cells for semicolon locales."""

from __future__ import annotations

import csv
import io

import pytest

from conversations import exports
from conversations.models import Conversation
from tests.conversations.conftest import make_idea
from timecredits.views import _safe_cell
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


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
