"""The action list export's fair-order columns: representative, consensus, and per target group
(counts and averages only, small groups' averages withheld)."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conversations import exports, ranking_runs
from conversations.models import Conversation, Rating
from tests.conversations.conftest import make_idea, make_people

pytestmark = pytest.mark.django_db


def _csv(conversation: Conversation) -> list[dict[str, str]]:
    text = "".join(exports.iter_csv(conversation)).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_carries_the_fair_orders_and_each_groups_figures(
    conversation: Conversation, age_bands
) -> None:
    rows = {row["Title"]: row for row in _csv(conversation)}
    x, y = rows["Idea X"], rows["Idea Y"]
    assert (x["Rank"], y["Rank"]) == ("2", "1")
    assert (x["Representative rank"], y["Representative rank"]) == ("1", "2")
    assert float(x["Weighted average rating"]) == pytest.approx(4.0)
    assert float(x["Effective number of ratings"]) == pytest.approx(6.4)
    assert x["Consensus rank"] and x["Consensus score"]
    # Eight older raters: their average is shown; two young raters: withheld, count kept.
    assert float(x["Average from 25 and over"]) == pytest.approx(3.0)
    assert (x["Ratings from 25 and over"], x["Rank among 25 and over"]) == ("8", "2")
    assert (x["Ratings from 16 to 24"], x["Average from 16 to 24"], x["Rank among 16 to 24"]) == (
        "2",
        "",
        "1",
    )
    assert x["Ratings from Carers"] == "0"


def test_the_welsh_export_names_the_groups_in_welsh(conversation: Conversation, age_bands) -> None:
    from django.utils import translation

    with translation.override("cy"):
        header = _csv(conversation)[0].keys()
    assert "Sgoriau gan 16 i 24" in header
    assert "Safle cynrychioliadol" in header


def test_a_conversation_without_groups_exports_the_plain_columns(conversation: Conversation, alice) -> None:
    idea = make_idea(conversation, alice, "Benches")
    Rating.objects.create(idea=idea, user=make_people(1)[0], conversation=conversation, value=4)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    (row,) = _csv(conversation)
    assert "Representative rank" not in row and row["Title"] == "Benches"


def test_the_export_reads_all_rows_in_a_fixed_number_of_queries(
    conversation: Conversation, age_bands, alice
) -> None:
    with CaptureQueriesContext(connection) as small:
        _csv(conversation)
    raters = make_people(4, "more")
    for number in range(25):
        idea = make_idea(conversation, alice, f"More {number}")
        Rating.objects.bulk_create(
            Rating(idea=idea, user=person, conversation=conversation, value=1 + number % 5)
            for person in raters
        )
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    with CaptureQueriesContext(connection) as large:
        rows = _csv(conversation)
    assert len(rows) == 27
    assert len(small) == len(large)
