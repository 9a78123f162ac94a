"""Comments and one level of replies."""

from __future__ import annotations

import pytest
from django.test import Client

from conversations.models import Comment, ContentStatus, Conversation, Idea
from tests.conversations.conftest import make_idea
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


def comments_url(idea: Idea) -> str:
    return f"/conversations/wellbeing/ideas/{idea.pk}/comments/"


def test_a_resident_comments_and_the_count_goes_up(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    client.force_login(alice)
    response = client.post(comments_url(idea), {"body": "Yes please!\nThe old ones are broken."}, follow=True)
    comment = Comment.objects.get()
    assert (comment.author, comment.idea, comment.parent, comment.body) == (
        alice,
        idea,
        None,
        "Yes please!\nThe old ones are broken.",
    )
    idea.refresh_from_db()
    assert idea.comment_count == 1
    page = response.content.decode()
    assert "Your comment has been added." in page
    assert "<p>Yes please!<br>The old ones are broken.</p>" in page
    assert "1 comment</h2>" in page


def test_a_reply_hangs_under_its_comment(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    client.force_login(alice)
    client.post(comments_url(idea), {"body": "Where exactly?"})
    question = Comment.objects.get()
    client.force_login(bob)
    page = client.get(f"/conversations/wellbeing/ideas/{idea.pk}/?reply={question.pk}").content.decode()
    assert f'id="reply-{question.pk}"' in page
    client.post(comments_url(idea), {"body": "Along the promenade.", "parent": str(question.pk)})
    answer = Comment.objects.exclude(pk=question.pk).get()
    assert answer.parent == question
    page = client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
    assert page.index("Where exactly?") < page.index("Along the promenade.")
    assert 'aria-label="Replies to Alice"' in page


def test_replies_go_one_level_deep(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    question = Comment.objects.create(idea=idea, author=alice, body="Question")
    answer = Comment.objects.create(idea=idea, author=bob, body="Answer", parent=question)
    client.force_login(alice)
    response = client.post(comments_url(idea), {"body": "A reply to a reply", "parent": str(answer.pk)})
    assert response.status_code == 400
    assert "You can only reply to a comment on this idea, not to a reply." in response.content.decode()
    assert Comment.objects.count() == 2


def test_a_reply_to_another_ideas_comment_is_not_found(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob, title="One")
    other = make_idea(conversation, bob, title="Two")
    elsewhere = Comment.objects.create(idea=other, author=alice, body="Over there")
    client.force_login(alice)
    response = client.post(comments_url(idea), {"body": "Cross-posted", "parent": str(elsewhere.pk)})
    assert response.status_code == 404
    assert Comment.objects.count() == 1


def test_an_empty_comment_is_explained_and_not_saved(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    client.force_login(alice)
    response = client.post(comments_url(idea), {"body": "   "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Write your comment before sending it." in page
    assert "<title>Error:" in page
    assert not Comment.objects.exists()


def test_an_empty_reply_shows_its_error_under_the_right_comment(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    question = Comment.objects.create(idea=idea, author=alice, body="Question")
    client.force_login(bob)
    response = client.post(comments_url(idea), {"body": "", "parent": str(question.pk)})
    page = response.content.decode()
    assert response.status_code == 400
    assert f'href="#reply-{question.pk}"' in page
    assert f'id="reply-{question.pk}-error"' in page
    assert Comment.objects.count() == 1


def test_anonymous_comments_go_to_sign_in(client: Client, conversation: Conversation, bob: User) -> None:
    idea = make_idea(conversation, bob)
    response = client.post(comments_url(idea), {"body": "Drive-by"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()


def test_hidden_comments_and_their_replies_never_appear(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    hidden = Comment.objects.create(
        idea=idea, author=alice, body="Something unkind", status=ContentStatus.HIDDEN
    )
    Comment.objects.create(idea=idea, author=bob, body="Reply to the unkind one", parent=hidden)
    Comment.objects.create(idea=idea, author=bob, body="Pending words", status=ContentStatus.PENDING)
    Comment.objects.create(idea=idea, author=alice, body="Kind words")
    page = client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
    assert "Kind words" in page
    assert "Something unkind" not in page
    assert "Reply to the unkind one" not in page
    assert "Pending words" not in page
