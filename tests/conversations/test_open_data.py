"""Open data (issue 14): a public conversation's ranked ideas as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conversations import open_data, ranking_runs, services
from conversations.models import ContentStatus, Conversation, Idea
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea, make_people
from tests.conversations.moderation import streamed
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db

LICENCE_LINK = '<https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/>; rel="license"'


@pytest.fixture
def ranked(conversation: Conversation, alice: User, bob: User) -> dict[str, Idea]:
    """Two ranked ideas (the lower one a would-be formula), one hidden, one posted since the run."""
    ideas = {
        "low": make_idea(conversation, alice, title="=HYPERLINK(1)"),
        "top": make_idea(conversation, bob, title="Benches by the sea"),
        "hidden": make_idea(conversation, alice, title="Hidden idea"),
    }
    for person in make_people(3, "rater"):
        services.rating_set(idea=ideas["top"], user=person, value=5)
        services.rating_set(idea=ideas["low"], user=person, value=2)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    ideas["new"] = make_idea(conversation, alice, title="Posted since")
    Idea.objects.filter(pk=ideas["hidden"].pk).update(status=ContentStatus.HIDDEN)
    return ideas


def url(name: str, slug: str = "wellbeing") -> str:
    return reverse(f"conversations:open_data_ideas_{name}", kwargs={"slug": slug})


def read_csv(client: Client) -> tuple[Any, list[list[str]]]:
    response = client.get(url("csv"))
    return response, list(csv.reader(io.StringIO(streamed(response).decode("utf-8-sig"))))


def test_csv_follows_the_stored_ranking(client: Client, ranked: dict[str, Idea]) -> None:
    response, rows = read_csv(client)
    assert response.status_code == 200
    assert response["Link"] == LICENCE_LINK
    assert response["Content-Disposition"] == 'attachment; filename="wellbeing-ideas.csv"'
    assert rows[0] == open_data.HEADER
    assert [row[1] for row in rows[1:]] == [str(ranked[key].pk) for key in ("top", "low", "new")]
    top = dict(zip(rows[0], rows[1], strict=True))
    assert top["rank"] == "1"
    assert top["ratings"] == "3"
    assert top["ratings_5"] == "3"
    assert top["average_rating"] == "5.0"
    assert top["url"] == f"http://testserver/conversations/wellbeing/ideas/{ranked['top'].pk}/"
    assert rows[3][0] == ""  # not ranked yet: after the ranked ones, with no rank
    assert rows[2][2] == "'=HYPERLINK(1)"  # defused for spreadsheets


def test_no_hidden_idea_and_no_personal_data(client: Client, ranked: dict[str, Idea]) -> None:
    body = streamed(client.get(url("csv"))).decode() + streamed(client.get(url("json"))).decode()
    assert "Hidden idea" not in body
    for person in ("Alice", "Bob", "alice@example.org", "bob@example.org", "Rater 0", "rater0@"):
        assert person not in body


def test_json_has_the_licence_and_the_ideas_in_order(client: Client, ranked: dict[str, Idea]) -> None:
    response = client.get(url("json"))
    assert response["Link"] == LICENCE_LINK
    data = json.loads(streamed(response))
    assert data["licence"] == {
        "name": "Open Government Licence v3.0",
        "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    }
    assert data["conversation"]["slug"] == "wellbeing"
    assert data["generated_at"]
    assert [idea["idea_id"] for idea in data["ideas"]] == [ranked[key].pk for key in ("top", "low", "new")]
    assert data["ideas"][0]["title"] == "Benches by the sea"
    assert data["ideas"][1]["title"] == "=HYPERLINK(1)"  # JSON is not a spreadsheet
    assert data["ideas"][0]["ratings_5"] == 3


def test_closed_conversations_are_open_data(client: Client, conversation: Conversation) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.CLOSED)
    assert client.get(url("csv")).status_code == 200


@pytest.mark.parametrize(
    "extra",
    [{"status": Conversation.Status.DRAFT}, {"visibility": Conversation.Visibility.INVITATION}],
)
@pytest.mark.parametrize("kind", ["csv", "json"])
def test_drafts_and_invitation_only_are_404(
    client: Client, organisation: Organisation, extra: dict[str, str], kind: str
) -> None:
    make_conversation(organisation, slug="private", **extra)
    assert client.get(url(kind, "private")).status_code == 404


def _queries(client: Client, kind: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        streamed(client.get(url(kind)))
    return len(queries)


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_query_count_does_not_grow_with_the_ideas(
    client: Client, conversation: Conversation, alice: User, kind: str
) -> None:
    make_idea(conversation, alice)
    few = _queries(client, kind)
    for number in range(30):
        make_idea(conversation, alice, title=f"Idea {number}")
    assert _queries(client, kind) == few


def test_page_links_to_open_data_in_welsh(client: Client, conversation: Conversation) -> None:
    html = client.get("/cy/conversations/wellbeing/").content.decode()
    assert "Data agored" in html
    assert "Trwydded Llywodraeth Agored v3.0" in html
    assert "/cy/conversations/wellbeing/open-data/ideas.csv" in html
    assert "/cy/conversations/wellbeing/open-data/ideas.json" in html


def test_invitation_only_page_does_not_offer_open_data(
    client: Client, organisation: Organisation, fran: User
) -> None:
    make_conversation(organisation, slug="private", visibility=Conversation.Visibility.INVITATION)
    client.force_login(fran)
    page = client.get(reverse("conversations:detail", kwargs={"slug": "private"}))
    assert page.status_code == 200
    assert "open-data" not in page.content.decode()
