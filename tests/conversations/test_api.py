"""The read-only API of a conversation's ranked ideas."""

from __future__ import annotations

import pytest
from django.test import Client

from conversations import ranking_runs, services
from conversations.models import Conversation, Idea
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea, make_people
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(conversation: Conversation, bob: User, fran: User) -> list[Idea]:
    low = make_idea(conversation, bob, title="Low")
    high = make_idea(conversation, fran, title="High", source_note="Best practice from Cardiff")
    for person in make_people(3, "rater"):
        services.rating_set(idea=high, user=person, value=5)
        services.rating_set(idea=low, user=person, value=2)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    return [high, low]


def test_the_api_lists_a_conversations_ideas_in_priority_order(
    client: Client, ranked: list[Idea], django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(4):
        response = client.get("/api/conversations/wellbeing/ideas/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first, second = body["results"]
    assert (first["rank"], first["title"], first["is_seeded"], first["author"]) == (1, "High", True, "Fran")
    assert first["source_note"] == "Best practice from Cardiff"
    assert first["rating_count"] == 3
    assert first["rating_mean"] == 5.0
    assert first["distribution"] == {"rated_1": 0, "rated_2": 0, "rated_3": 0, "rated_4": 0, "rated_5": 3}
    assert first["url"] == f"http://testserver/conversations/wellbeing/ideas/{ranked[0].pk}/"
    assert (second["rank"], second["title"]) == (2, "Low")
    assert "email" not in str(body)


def test_the_api_is_read_only(client: Client, ranked: list[Idea], alice: User) -> None:
    client.force_login(alice)
    response = client.post("/api/conversations/wellbeing/ideas/", {"title": "Sneaky"})
    assert response.status_code == 405
    assert Idea.objects.count() == 2


def test_conversations_that_are_not_public_are_not_found(client: Client, organisation, bob: User) -> None:
    draft = make_conversation(organisation, slug="draft")
    make_idea(draft, bob, title="Draft idea")
    Conversation.objects.filter(pk=draft.pk).update(status=Conversation.Status.DRAFT)
    assert client.get("/api/conversations/draft/ideas/").status_code == 404
    assert client.get("/api/conversations/nowhere/ideas/").status_code == 404


def test_the_endpoint_is_in_the_schema(client: Client) -> None:
    # The schema moved to /api/v1/schema/ with version 1; its old address redirects there.
    response = client.get("/api/schema/")
    assert response.status_code == 301 and response["Location"] == "/api/v1/schema/"
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/conversations/{slug}/ideas/" in schema


def test_the_first_api_and_version_1_list_the_same_ideas_in_the_same_order(
    client: Client, ranked: list[Idea], conversation: Conversation, bob: User, olwen: User
) -> None:
    from conversations.services import content_hide

    newer = make_idea(conversation, bob, title="Posted since the run")  # unranked: after the ranked
    hidden = make_idea(conversation, bob, title="Hidden")
    content_hide(item=hidden, officer=olwen, reason="Personal details.")
    old = client.get("/api/conversations/wellbeing/ideas/").json()
    new = client.get("/api/v1/conversations/wellbeing/ideas/").json()
    assert [idea["id"] for idea in old["results"]] == [ranked[0].pk, ranked[1].pk, newer.pk]
    assert [idea["id"] for idea in new["results"]] == [idea["id"] for idea in old["results"]]
    assert old["count"] == new["count"] == 3
    # What the first API said about each idea, version 1 says too (its page link as ``page``).
    for before, after in zip(old["results"], new["results"], strict=True):
        assert {key: value for key, value in before.items() if key != "url"} == {
            key: after[key] for key in before if key != "url"
        }
        assert before["url"] == after["page"]
