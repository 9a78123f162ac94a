"""Content held back by moderation (waiting for review, or hidden) never appears on a public
surface: pages and their counts, search, the ranking, the exports, the API. One test per
surface, each for both states."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from conversations import ranking_runs, ranking_store, services
from conversations.models import ContentStatus, Conversation, Idea, IdeaRanking, RankingSummary
from conversations.ranking_store import Scope
from tests.conversations.conftest import make_idea, make_people
from tests.conversations.moderation import streamed
from vocaleyes.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.parametrize("status", ["hidden", "pending"])]

SECRET = "Secret plans for the pier"


@pytest.fixture
def ideas(
    conversation: Conversation, bob: User, olwen: User, status: str, django_capture_on_commit_callbacks: Any
) -> dict[str, Idea]:
    """Two shown ideas and one held back, all rated and ranked first, then held back the way it
    happens: hidden by an officer, or held for review by reports (the threshold set to one)."""
    made = {
        "shown": make_idea(
            conversation, bob, title="Benches by the sea", body="Benches all along the front."
        ),
        "also": make_idea(conversation, bob, title="Longer library hours", body="Open until eight."),
        "held": make_idea(conversation, bob, title=SECRET, body="Benches and a secret tunnel."),
    }
    for person in make_people(3, "rater"):
        services.rating_set(idea=made["held"], user=person, value=5)
        services.rating_set(idea=made["shown"], user=person, value=4)
    services.comment_create(idea=made["held"], author=olwen, body="Comment on the held idea")
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    assert IdeaRanking.objects.get(idea=made["held"]).rank == 1
    with django_capture_on_commit_callbacks(execute=True):  # as after a request: the ranking reruns
        if status == "hidden":
            services.content_hide(item=made["held"], officer=olwen, reason="Not for public view.")
        else:
            Conversation.objects.filter(pk=conversation.pk).update(report_threshold=1)
            (reporter,) = make_people(1, "reporter")
            services.report_create(item=made["held"], reporter=reporter, reason="spam")
    made["held"].refresh_from_db()
    assert made["held"].status == status
    return made


def test_held_back_ideas_are_absent_from_pages_and_their_counts(
    client: Client, alice: User, ideas: dict[str, Idea]
) -> None:
    client.force_login(alice)
    for url in (
        "/conversations/wellbeing/",
        "/conversations/wellbeing/?sort=newest",
        "/cy/conversations/wellbeing/",
    ):
        page = client.get(url).content.decode()
        assert SECRET not in page
        assert "Benches by the sea" in page
    page = client.get("/conversations/wellbeing/?sort=newest").content.decode()
    assert "2 ideas" in page
    response = client.get(f"/conversations/wellbeing/ideas/{ideas['held'].pk}/")
    assert response.status_code == 404
    assert SECRET not in response.content.decode()


def test_held_back_ideas_are_absent_from_search(client: Client, ideas: dict[str, Idea]) -> None:
    page = client.get("/conversations/wellbeing/?q=secret").content.decode()
    assert SECRET not in page
    assert "0 ideas match" in page
    page = client.get("/conversations/wellbeing/?q=benches").content.decode()
    assert SECRET not in page
    assert "1 idea matches" in page


def test_held_back_ideas_get_no_rank_and_their_ratings_are_not_counted(
    conversation: Conversation, ideas: dict[str, Idea]
) -> None:
    # No explicit recompute: the one the moderation decision queued has run.
    held = IdeaRanking.objects.get(idea=ideas["held"])
    assert (held.rank, held.score) == (None, None)
    summary = RankingSummary.objects.get(conversation=conversation)
    assert summary.idea_count == 2
    assert summary.rating_count == 3  # the shown idea's three, not the held one's
    assert ideas["held"].pk not in ranking_store.order(Scope.of_conversation(conversation.pk))
    assert IdeaRanking.objects.get(idea=ideas["shown"]).rank == 1


def test_held_back_ideas_are_absent_from_every_export(
    client: Client,
    fran: User,
    ideas: dict[str, Idea],
    conversation: Conversation,
    settings: Any,
    tmp_path: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(fran)
    response = client.get("/conversations/wellbeing/facilitate/export/action-list.csv")
    rows = list(csv.reader(io.StringIO(streamed(response).decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["Benches by the sea", "Longer library hours"]

    response = client.get("/conversations/wellbeing/facilitate/export/action-list.xlsx")
    sheet = load_workbook(io.BytesIO(streamed(response))).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Benches by the sea",
        "Longer library hours",
    ]

    page = streamed(client.get("/conversations/wellbeing/facilitate/export/print/")).decode()
    assert SECRET not in page
    assert "Benches by the sea" in page

    # The background export too (forced here by a limit of one idea).
    settings.EXPORT_SYNC_LIMIT = 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/conversations/wellbeing/facilitate/export/", {"format": "csv"})
    from conversations.models import ExportJob

    job = ExportJob.objects.get()
    with job.file.open("rb") as made:
        text = made.read().decode("utf-8-sig")
    assert SECRET not in text
    assert "Benches by the sea" in text


def test_held_back_ideas_are_absent_from_the_api(client: Client, ideas: dict[str, Idea]) -> None:
    body = client.get("/api/conversations/wellbeing/ideas/").json()
    assert body["count"] == 2
    assert [idea["title"] for idea in body["results"]] == ["Benches by the sea", "Longer library hours"]
    assert SECRET not in str(body)


def test_held_back_ideas_are_absent_from_the_facilitator_figures(
    client: Client, fran: User, ideas: dict[str, Idea]
) -> None:
    client.force_login(fran)
    page = client.get("/conversations/wellbeing/facilitate/").content.decode()
    assert '<dd class="govuk-summary-list__value" id="total-ideas">2</dd>' in page
    assert '<dd class="govuk-summary-list__value" id="total-ratings">3</dd>' in page
    assert '<dd class="govuk-summary-list__value" id="total-comments">0</dd>' in page
    assert SECRET not in page


def test_held_back_comments_are_absent_from_the_idea_page(
    client: Client, ideas: dict[str, Idea], alice: User, status: str
) -> None:
    comment = services.comment_create(idea=ideas["shown"], author=alice, body="A comment to hold back")
    type(comment).objects.filter(pk=comment.pk).update(status=status)
    page = client.get(f"/conversations/wellbeing/ideas/{ideas['shown'].pk}/").content.decode()
    assert "A comment to hold back" not in page
    assert ContentStatus(status).value == status
