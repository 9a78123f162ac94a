"""Finding things (issue 13): an author who opens their own idea that moderation hid learns
that it was hidden, why, and how to ask for a review; everybody else still gets a 404. A review
request joins the officers' review queue until a decision answers it."""

from __future__ import annotations

import pytest
from django.test import Client

from conversations import services
from conversations.models import (
    Comment,
    CommentToReview,
    ContentStatus,
    Conversation,
    Idea,
    IdeaToReview,
    ModerationDecision,
    ReviewRequest,
)
from tests.conversations.conftest import make_idea
from tests.conversations.moderation import suspended
from vocaleyes.errors import Refusal
from vocaleyes.models import User

pytestmark = pytest.mark.django_db

REASON = "It names a neighbour who has not agreed to it."


@pytest.fixture
def hidden_idea(conversation: Conversation, alice: User, olwen: User) -> Idea:
    idea = make_idea(conversation, alice, "Fix the pier", body="The pier needs mending near number 12.")
    services.content_hide(item=idea, officer=olwen, reason=REASON)
    idea.refresh_from_db()
    return idea


def url(idea: Idea, tail: str = "") -> str:
    return f"/conversations/{idea.conversation.slug}/ideas/{idea.pk}/{tail}"


def test_the_author_sees_that_their_idea_was_hidden_and_why(
    client: Client, alice: User, hidden_idea: Idea
) -> None:
    client.force_login(alice)
    response = client.get(url(hidden_idea))
    page = response.content.decode()
    assert response.status_code == 200
    assert "A council officer hid your idea on" in page
    assert REASON in page and "The pier needs mending near number 12." in page
    assert f'action="{url(hidden_idea, "review/")}"' in page
    assert 'href="/accounts/activity/">All your ideas, comments and what happened to them</a>' in page


def test_the_page_is_in_welsh_for_a_welsh_page(client: Client, alice: User, hidden_idea: Idea) -> None:
    client.force_login(alice)
    page = client.get(f"/cy{url(hidden_idea)}").content.decode()
    assert "Gofyn am adolygiad" in page and "Ask for a review" not in page


@pytest.mark.parametrize("who", ["bob", "fran", "anonymous"])
def test_everyone_else_still_gets_a_404(client: Client, hidden_idea: Idea, who: str, request) -> None:
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(url(hidden_idea))
    assert response.status_code == 404
    assert REASON not in response.content.decode() and "Fix the pier" not in response.content.decode()


def test_an_idea_waiting_for_review_tells_its_author_so_without_a_review_form(
    client: Client, conversation: Conversation, alice: User
) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(premoderation=True)
    conversation.refresh_from_db()
    idea = make_idea(conversation, alice, "Held back for now")
    assert idea.status == ContentStatus.PENDING
    client.force_login(alice)
    page = client.get(url(idea)).content.decode()
    assert "Your idea is waiting for review." in page
    assert "review/" not in page.split('id="main-content"')[1]


def test_asking_for_a_review_records_it_once_and_puts_the_idea_in_the_queue(
    client: Client, alice: User, hidden_idea: Idea
) -> None:
    assert not IdeaToReview.objects.for_review().filter(pk=hidden_idea.pk).exists()
    client.force_login(alice)
    response = client.post(url(hidden_idea, "review/"), {"message": "The neighbour asked me to post it."})
    assert response.status_code == 302 and response["Location"] == url(hidden_idea)
    request = ReviewRequest.objects.get()
    assert (request.author, request.idea, request.decision) == (alice, hidden_idea, None)
    assert request.message == "The neighbour asked me to post it."
    assert IdeaToReview.objects.for_review().filter(pk=hidden_idea.pk).exists()
    page = client.get(url(hidden_idea)).content.decode()
    assert "You asked for a review on" in page and "A council officer will look at your idea again." in page
    assert f'action="{url(hidden_idea, "review/")}"' not in page

    again = client.post(url(hidden_idea, "review/"), {"message": "Please!"}, follow=True)
    assert ReviewRequest.objects.count() == 1
    assert "You have already asked for a review of this." in again.content.decode()


def test_other_people_cannot_ask_for_a_review(client: Client, bob: User, hidden_idea: Idea) -> None:
    client.force_login(bob)
    assert client.post(url(hidden_idea, "review/"), {"message": ""}).status_code == 404
    assert not ReviewRequest.objects.exists()
    with pytest.raises(Refusal):
        services.review_request_create(item=hidden_idea, author=bob)


def test_a_shown_idea_cannot_be_sent_for_review(conversation: Conversation, alice: User) -> None:
    idea = make_idea(conversation, alice)
    with pytest.raises(Refusal, match="Only hidden ideas and comments"):
        services.review_request_create(item=idea, author=alice)


def test_a_suspended_author_is_told_why_they_cannot_ask(
    client: Client, conversation: Conversation, olwen: User
) -> None:
    carol = suspended()
    idea = Idea.objects.create(conversation=conversation, author=carol, title="Carol's idea", body="Text")
    services.content_hide(item=idea, officer=olwen, reason=REASON)
    client.force_login(carol)
    page = client.get(url(idea)).content.decode()
    assert REASON in page and "suspended" in page
    assert not ReviewRequest.objects.exists()


def test_restoring_the_idea_answers_the_request(alice: User, olwen: User, hidden_idea: Idea) -> None:
    request = services.review_request_create(item=hidden_idea, author=alice, message="")
    decision = services.content_restore(item=hidden_idea, officer=olwen, reason="On reflection it is fine.")
    request.refresh_from_db()
    assert request.decision == decision
    assert not IdeaToReview.objects.for_review().filter(pk=hidden_idea.pk).exists()


def test_an_officer_may_keep_it_hidden_with_a_new_reason_which_the_author_then_sees(
    client: Client, alice: User, olwen: User, hidden_idea: Idea
) -> None:
    with pytest.raises(Refusal, match="already hidden"):  # no review asked: nothing to answer
        services.content_hide(item=hidden_idea, officer=olwen, reason="Again")
    request = services.review_request_create(item=hidden_idea, author=alice)
    decision = services.content_hide(item=hidden_idea, officer=olwen, reason="Still names the neighbour.")
    request.refresh_from_db()
    assert request.decision == decision and decision.action == ModerationDecision.Action.HIDE
    hidden_idea.refresh_from_db()
    assert hidden_idea.status == ContentStatus.HIDDEN
    client.force_login(alice)
    page = client.get(url(hidden_idea)).content.decode()
    assert "Still names the neighbour." in page and "kept it hidden" in page


def test_a_hidden_comment_can_be_sent_for_review_by_its_author(
    conversation: Conversation, alice: User, bob: User, olwen: User
) -> None:
    idea = make_idea(conversation, bob)
    comment = services.comment_create(idea=idea, author=alice, body="A comment")
    services.content_hide(item=comment, officer=olwen, reason=REASON)
    comment = Comment.objects.get(pk=comment.pk)
    request = services.review_request_create(item=comment, author=alice)
    assert request.comment == comment and request.idea is None
    assert CommentToReview.objects.for_review().filter(pk=comment.pk).exists()


def test_officers_see_review_requests_in_the_admin(
    client: Client, alice: User, olwen: User, hidden_idea: Idea
) -> None:
    services.review_request_create(item=hidden_idea, author=alice, message="Please look again")
    client.force_login(olwen)
    queue = client.get("/admin/conversations/ideatoreview/").content.decode()
    assert "Fix the pier" in queue
    item = client.get(f"/admin/conversations/ideatoreview/{hidden_idea.pk}/change/").content.decode()
    assert "Please look again" in item
    listing = client.get("/admin/conversations/reviewrequest/").content.decode()
    assert "Fix the pier" in listing


def test_the_hiding_email_says_how_to_ask_for_a_review(
    conversation: Conversation,
    alice: User,
    bob: User,
    olwen: User,
    mailoutbox,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.content_hide(item=make_idea(conversation, alice, "One"), officer=olwen, reason=REASON)
        services.content_hide(item=make_idea(conversation, bob, "Two"), officer=olwen, reason=REASON)
    english, welsh = mailoutbox
    assert "open “Your activity” and choose “Ask for a review”" in english.body
    assert "“Eich gweithgarwch”" in welsh.body and "“Gofyn am adolygiad”" in welsh.body
