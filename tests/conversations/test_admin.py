"""Officers see ideas, comments and ratings in the admin, with filters and search."""

from __future__ import annotations

import pytest
from django.test import Client

from conversations import ranking_runs, services
from conversations.models import Comment, ContentStatus, Conversation, Idea, Rating
from tests.conversations.conftest import make_idea
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(conversation: Conversation, alice: User, bob: User, fran: User) -> Idea:
    idea = make_idea(conversation, alice, title="Benches by the sea")
    make_idea(conversation, fran, title="Warm hubs", source_note="Best practice from Cardiff")
    hidden = make_idea(conversation, alice, title="Hidden one")
    Idea.objects.filter(pk=hidden.pk).update(status=ContentStatus.HIDDEN)
    services.comment_create(idea=idea, author=bob, body="Lovely idea")
    services.rating_set(idea=idea, user=bob, value=5)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    return idea


@pytest.mark.parametrize(
    ("url", "shown", "not_shown"),
    [
        ("/admin/conversations/idea/", ["Benches by the sea", "Warm hubs", "Hidden one"], []),
        ("/admin/conversations/idea/?status__exact=hidden", ["Hidden one"], ["Benches by the sea"]),
        ("/admin/conversations/idea/?is_seeded__exact=1", ["Warm hubs"], ["Benches by the sea"]),
        ("/admin/conversations/idea/?q=by+the+sea", ["Benches by the sea"], ["Warm hubs"]),
        ("/admin/conversations/comment/?q=lovely", ["Lovely idea"], []),
        ("/admin/conversations/comment/?status__exact=published", ["Lovely idea"], []),
        ("/admin/conversations/rating/?value__exact=5", ["Benches by the sea"], []),
        ("/admin/conversations/rating/?value__exact=1", [], ["Benches by the sea"]),
    ],
)
def test_officers_filter_and_search_ideas_comments_and_ratings(
    client: Client, olwen: User, content: Idea, url: str, shown: list[str], not_shown: list[str]
) -> None:
    client.force_login(olwen)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    for text in shown:
        assert text in page
    for text in not_shown:
        assert f">{text}<" not in page


def test_filtering_by_conversation_works(
    client: Client, olwen: User, content: Idea, conversation: Conversation
) -> None:
    client.force_login(olwen)
    page = client.get(
        f"/admin/conversations/idea/?conversation__id__exact={conversation.pk}"
    ).content.decode()
    assert "Benches by the sea" in page
    page = client.get(
        f"/admin/conversations/rating/?conversation__id__exact={conversation.pk}"
    ).content.decode()
    assert "Benches by the sea" in page


def test_an_idea_shows_its_ranking_snapshot_read_only(client: Client, olwen: User, content: Idea) -> None:
    client.force_login(olwen)
    page = client.get(f"/admin/conversations/idea/{content.pk}/change/").content.decode()
    assert "Benches by the sea" in page
    assert "priority score" in page.lower()
    assert 'name="title"' not in page  # read-only: no form field to change it
    assert (
        client.post(f"/admin/conversations/idea/{content.pk}/change/", {"title": "Changed"}).status_code
        == 403
    )
    content.refresh_from_db()
    assert content.title == "Benches by the sea"
    assert Rating.objects.count() == 1
    assert Comment.objects.count() == 1


def test_residents_do_not_get_into_the_admin(client: Client, alice: User, content: Idea) -> None:
    client.force_login(alice)
    response = client.get("/admin/conversations/idea/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
