"""A suspended person reads on, but cannot post, comment, rate or report: every attempt is
refused with a message that says so, why and until when, in the language of the page, and
nothing is saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conversations import services
from conversations.models import Comment, Conversation, Idea, Rating, Report
from tests.conversations.conftest import make_idea
from tests.conversations.moderation import suspended
from vocaleyes.errors import Refusal
from vocaleyes.models import User

pytestmark = pytest.mark.django_db

REFUSED = "Your account has been suspended by a council officer until"
REASON = "Repeated personal attacks on other residents."
REFUSED_CY = "Mae swyddog y cyngor wedi atal eich cyfrif"


@pytest.fixture
def carol() -> User:
    return suspended()


@pytest.fixture
def idea(conversation: Conversation, bob: User) -> Idea:
    return make_idea(conversation, bob, title="Benches by the sea")


def test_the_services_refuse_a_suspended_person_with_the_reason(
    conversation: Conversation, idea: Idea, carol: User
) -> None:
    attempts: list[Any] = [
        lambda: services.idea_create(
            conversation=conversation, author=carol, title="Mine", body="My idea for all.", language="en"
        ),
        lambda: services.comment_create(idea=idea, author=carol, body="A comment"),
        lambda: services.rating_set(idea=idea, user=carol, value=5),
        lambda: services.report_create(item=idea, reporter=carol, reason="spam"),
    ]
    for attempt in attempts:
        with pytest.raises(Refusal) as refused:
            attempt()
        assert refused.value.forbidden
        assert REFUSED in str(refused.value)
        assert REASON in str(refused.value)
    assert Idea.objects.count() == 1
    assert not Comment.objects.exists()
    assert not Rating.objects.exists()
    assert not Report.objects.exists()


def test_a_suspended_person_sees_why_instead_of_the_forms(client: Client, idea: Idea, carol: User) -> None:
    client.force_login(carol)
    page = client.get("/conversations/wellbeing/").content.decode()
    assert REFUSED in page
    assert REASON in page
    assert "Post an idea</a>" not in page
    page = client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
    assert REFUSED in page
    assert "Your account is suspended, so you cannot rate ideas." in page
    assert "Your account is suspended, so you cannot comment." in page
    assert 'name="value"' not in page
    assert 'name="body"' not in page
    assert "/report/" not in page


def test_posting_an_idea_is_refused_with_the_message(client: Client, idea: Idea, carol: User) -> None:
    client.force_login(carol)
    response = client.post(
        "/conversations/wellbeing/ideas/new/",
        {"title": "My idea", "body": "Something for everyone.", "language": "en"},
        follow=True,
    )
    assert REFUSED in response.content.decode()
    assert Idea.objects.count() == 1


def test_rating_is_refused_with_the_message_in_place_and_without_javascript(
    client: Client, idea: Idea, carol: User
) -> None:
    client.force_login(carol)
    url = f"/conversations/wellbeing/ideas/{idea.pk}/rate/"
    htmx = client.post(url, {"value": "5"}, headers={"HX-Request": "true"}).content.decode()
    assert REFUSED in htmx
    plain = client.post(url, {"value": "5"})
    assert plain.status_code == 400
    assert REFUSED in plain.content.decode()
    assert not Rating.objects.exists()


def test_commenting_and_reporting_are_refused_with_the_message(
    client: Client, idea: Idea, carol: User
) -> None:
    client.force_login(carol)
    response = client.post(
        f"/conversations/wellbeing/ideas/{idea.pk}/comments/", {"body": "Hello"}, follow=True
    )
    assert REFUSED in response.content.decode()
    response = client.post(
        f"/conversations/wellbeing/ideas/{idea.pk}/report/", {"reason": "spam"}, follow=True
    )
    assert REFUSED in response.content.decode()
    assert not Comment.objects.exists()
    assert not Report.objects.exists()


def test_the_refusal_is_in_welsh_on_welsh_pages(client: Client, idea: Idea, carol: User) -> None:
    client.force_login(carol)
    response = client.post(
        "/cy/conversations/wellbeing/ideas/new/",
        {"title": "Fy syniad", "body": "Rhywbeth i bawb.", "language": "cy"},
        follow=True,
    )
    page = response.content.decode()
    assert REFUSED_CY in page
    assert REASON in page  # the officer's words, as written
    assert Idea.objects.count() == 1


def test_a_suspension_until_lifted_says_so(client: Client, idea: Idea) -> None:
    dai = suspended("dai@example.org", "Dai", days=None)
    client.force_login(dai)
    page = client.get("/conversations/wellbeing/").content.decode()
    assert "Your account has been suspended by a council officer, so you cannot" in page


def test_a_suspended_person_still_reads_everything(client: Client, idea: Idea, carol: User) -> None:
    client.force_login(carol)
    assert "Benches by the sea" in client.get("/conversations/wellbeing/").content.decode()
    assert "Benches by the sea" in client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
