"""Writing through the conversations API: ideas, comments and one's own rating go through the
services and the pages' forms, so they keep the pages' rules and messages (in Welsh too);
whatever is typed is stored and returned as text; bad input is a 400 naming the field and
writes nothing; over the rate limit is a 429 and writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import override_settings
from django.utils import translation
from rest_framework.test import APIClient

from conversations import services
from conversations.models import Comment, ContentStatus, Conversation, Idea, Rating
from tests.conftest import clear_cache
from tests.conversations.conftest import make_idea
from tests.conversations.test_xss import BODY, COMMENT, NOTE, TITLE
from vocaleyes.models import User

pytestmark = pytest.mark.django_db

IDEAS = "/api/v1/conversations/wellbeing/ideas/"
NEW = {"title": "Bus shelters", "body": "Shelters at every stop on the coast road.", "language": "en"}

SQL = [
    "'; DROP TABLE conversations_idea; --",
    "' OR '1'='1' --",
    'Robert"); DELETE FROM conversations_rating WHERE ("1"="1',
    "1 UNION SELECT email, password FROM vocaleyes_user --",
]
# The project's script payloads (tests/conversations/test_xss.py) and SQL, each a text field's value.
PAYLOADS = [TITLE, BODY, COMMENT, NOTE, *SQL]


def welsh(message: str) -> str:
    with translation.override("cy"):
        return translation.gettext(message)


@pytest.fixture
def idea(conversation: Conversation, bob: User) -> Idea:
    return make_idea(conversation, bob, title="Seafront benches")


def rating_url(idea: Idea) -> str:
    return f"/api/v1/ideas/{idea.pk}/my-rating/"


def comments_url(idea: Idea) -> str:
    return f"/api/v1/ideas/{idea.pk}/comments/"


# --- Ideas ----------------------------------------------------------------------------------


def test_a_resident_posts_an_idea_and_it_is_listed(
    conversation: Conversation, alice: User, api_client: Callable[[str], APIClient]
) -> None:
    response = api_client("resident").post(IDEAS, {**NEW, "title": "  Bus shelters  "}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    idea = Idea.objects.get()
    assert (idea.author, idea.title, idea.status, idea.is_seeded) == (
        alice,
        "Bus shelters",
        "published",
        False,
    )
    assert (body["id"], body["status"], body["author"]) == (idea.pk, "published", "Alice")
    assert body["message"] == "Your idea has been posted. Other people can now rate it and comment."
    listed = api_client("anonymous").get(IDEAS).json()["results"]
    assert [item["id"] for item in listed] == [idea.pk]


def test_with_review_first_the_idea_waits_and_the_answer_says_so_in_welsh(
    conversation: Conversation, api_client: Callable[[str], APIClient]
) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(premoderation=True)
    response = api_client("resident").post("/cy" + IDEAS, NEW, format="json")
    assert response.status_code == 201
    idea = Idea.objects.get()
    assert idea.status == ContentStatus.PENDING
    assert response.json()["status"] == "pending"
    assert response.json()["message"].startswith("Diolch: mae eich syniad wedi'i anfon i'w adolygu.")
    assert api_client("resident").get(IDEAS).json()["count"] == 0
    assert api_client("resident").get(f"/api/v1/ideas/{idea.pk}/").status_code == 404


def test_only_facilitators_seed_ideas(
    conversation: Conversation, api_client: Callable[[str], APIClient]
) -> None:
    seeded = {**NEW, "source_note": "Best practice from Cardiff"}
    refused = api_client("resident").post(IDEAS, seeded, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the conversation's facilitators can seed ideas."
    assert not Idea.objects.exists()
    made = api_client("facilitator").post(IDEAS, seeded, format="json")
    assert made.status_code == 201
    assert Idea.objects.get().source_note == "Best practice from Cardiff"
    assert (made.json()["is_seeded"], made.json()["source_note"]) == (True, "Best practice from Cardiff")


def test_a_closed_conversation_takes_no_ideas(
    conversation: Conversation, api_client: Callable[[str], APIClient]
) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.CLOSED)
    response = api_client("resident").post(IDEAS, NEW, format="json", HTTP_ACCEPT_LANGUAGE="cy")
    assert response.status_code == 403
    assert response.json()["detail"] == welsh(
        "This conversation is not taking new ideas, comments or ratings."
    )
    assert not Idea.objects.exists()


# --- Comments -------------------------------------------------------------------------------


def test_a_comment_and_a_reply_are_added_and_listed_in_order(
    idea: Idea, alice: User, api_client: Callable[[str], APIClient]
) -> None:
    client = api_client("resident")
    first = client.post(comments_url(idea), {"body": "Yes please", "language": "en"}, format="json")
    assert first.status_code == 201
    top = Comment.objects.get()
    assert (top.author, top.body, top.language, top.parent) == (alice, "Yes please", "en", None)
    reply = client.post(comments_url(idea), {"body": "And shade", "parent": top.pk}, format="json")
    assert reply.status_code == 201 and reply.json()["parent"] == top.pk
    idea.refresh_from_db()
    assert idea.comment_count == 2
    listed = api_client("anonymous").get(comments_url(idea)).json()
    assert [(c["body"], c["parent"], c["author"]) for c in listed["results"]] == [
        ("Yes please", None, "Alice"),
        ("And shade", top.pk, "Alice"),
    ]


def test_replies_go_one_level_deep_and_only_to_comments_shown_on_the_idea(
    idea: Idea, bob: User, alice: User, olwen: User, api_client: Callable[[str], APIClient]
) -> None:
    top = services.comment_create(idea=idea, author=bob, body="Top")
    reply = services.comment_create(idea=idea, author=bob, body="Reply", parent=top)
    hidden = services.comment_create(idea=idea, author=bob, body="Rude")
    services.content_hide(item=hidden, officer=olwen, reason="Rude.")
    client = api_client("resident")
    deep = client.post(comments_url(idea), {"body": "Deeper", "parent": reply.pk}, format="json")
    assert deep.status_code == 400
    assert deep.json()["fields"] == {
        "body": ["You can only reply to a comment on this idea, not to a reply."]
    }
    for parent in (hidden.pk, 999_999):
        response = client.post(comments_url(idea), {"body": "To nothing", "parent": parent}, format="json")
        # A well-formed id of no comment shown on this idea: not there, 404 (the schema admits it).
        assert response.status_code == 404 and response.json() == {
            "detail": "You can only reply to a comment on this idea, not to a reply.",
            "code": "no_such_comment",
            "fields": {},
        }
    assert Comment.objects.filter(author=alice).count() == 0


# --- Ratings --------------------------------------------------------------------------------


def test_a_rating_is_given_changed_read_and_taken_back(
    idea: Idea, alice: User, api_client: Callable[[str], APIClient]
) -> None:
    client = api_client("resident")
    assert client.get(rating_url(idea)).status_code == 404
    given = client.put(rating_url(idea), {"value": 5}, format="json")
    assert given.status_code == 200 and given.json()["value"] == 5
    assert Rating.objects.get(user=alice, idea=idea).value == 5
    changed = client.put(rating_url(idea), {"value": 2}, format="json")
    assert changed.json()["value"] == 2
    assert Rating.objects.get(user=alice, idea=idea).value == 2
    assert client.get(rating_url(idea)).json()["value"] == 2
    assert client.get(f"/api/v1/ideas/{idea.pk}/").json()["my_rating"] == 2

    assert client.delete(rating_url(idea)).status_code == 204
    assert not Rating.objects.filter(user=alice).exists()
    gone = client.get(rating_url(idea), HTTP_ACCEPT_LANGUAGE="cy")
    assert gone.status_code == 404
    assert gone.json() == {
        "detail": "Nid ydych wedi rhoi sgôr i'r syniad hwn.",
        "code": "not_rated",
        "fields": {},
    }
    assert client.delete(rating_url(idea)).status_code == 404


def test_no_rating_while_rating_is_paused_not_even_taking_one_back(
    idea: Idea, alice: User, api_client: Callable[[str], APIClient]
) -> None:
    services.rating_set(idea=idea, user=alice, value=4)
    Conversation.objects.filter(pk=idea.conversation_id).update(rating_open=False)
    client = api_client("resident")
    for method, body in (("put", {"value": 1}), ("delete", None)):
        response = getattr(client, method)(rating_url(idea), body, format="json")
        assert response.status_code == 403
        assert response.json()["detail"] == "This conversation is not taking ratings at the moment."
    assert Rating.objects.get(user=alice).value == 4


# --- What people type -----------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_and_sql_in_every_text_field_is_stored_and_returned_as_text(
    idea: Idea, api_client: Callable[[str], APIClient], payload: str
) -> None:
    facilitator = api_client("facilitator")
    title = payload[:150]
    body = payload if len(payload) >= 10 else payload + " (and more)"
    made = facilitator.post(
        IDEAS,
        {"title": title, "body": body, "language": "en", "source_note": payload[:200]},
        format="json",
    )
    assert made.status_code == 201, made.content
    stored = Idea.objects.get(pk=made.json()["id"])
    assert (stored.title, stored.body, stored.source_note) == (
        title.strip(),
        body.strip(),
        payload[:200].strip(),
    )
    assert made["Content-Type"] == "application/json"
    returned = facilitator.get(f"/api/v1/ideas/{stored.pk}/").json()
    assert (returned["title"], returned["body"], returned["source_note"]) == (
        stored.title,
        stored.body,
        stored.source_note,
    )

    comment = api_client("resident").post(comments_url(idea), {"body": payload}, format="json")
    assert comment.status_code == 201
    assert Comment.objects.get(pk=comment.json()["id"]).body == payload.strip()
    listed = api_client("anonymous").get(comments_url(idea)).json()["results"]
    assert [c["body"] for c in listed] == [payload.strip()]

    searched = api_client("anonymous").get(IDEAS, {"q": payload[:100]})
    assert searched.status_code == 200
    assert Idea.objects.count() == 2  # nothing else happened to the table


def _nothing_written(before: tuple[int, int, int]) -> None:
    assert (Idea.objects.count(), Comment.objects.count(), Rating.objects.count()) == before


BAD_IDEAS: list[tuple[Any, str]] = [
    ({**NEW, "title": 123}, "title"),
    ({**NEW, "body": ["a", "list"]}, "body"),
    ({**NEW, "title": None}, "title"),
    ({**NEW, "language": "fr"}, "language"),
    ({**NEW, "title": "x" * 151}, "title"),
    ({**NEW, "body": "x" * 5001}, "body"),
    ({**NEW, "source_note": "x" * 201}, "source_note"),
    ({**NEW, "title": "ab"}, "title"),
    ({"body": NEW["body"], "language": "en"}, "title"),
]


@pytest.mark.parametrize(("sent", "field"), BAD_IDEAS)
def test_a_bad_idea_is_400_naming_the_field_and_nothing_is_written(
    idea: Idea, api_client: Callable[[str], APIClient], sent: dict[str, Any], field: str
) -> None:
    before = (Idea.objects.count(), Comment.objects.count(), Rating.objects.count())
    response = api_client("facilitator").post(IDEAS, sent, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and field in body["fields"], body
    assert all(isinstance(message, str) and message for message in body["fields"][field])
    _nothing_written(before)


def test_the_pages_length_message_in_english_and_welsh(
    conversation: Conversation, api_client: Callable[[str], APIClient]
) -> None:
    sent = {**NEW, "title": "x" * 151}
    english = api_client("resident").post(IDEAS, sent, format="json").json()
    assert english["fields"]["title"] == ["Keep the title to 150 characters or fewer (it has 151)."]
    by_header = api_client("resident").post(IDEAS, sent, format="json", HTTP_ACCEPT_LANGUAGE="cy").json()
    by_path = api_client("resident").post("/cy" + IDEAS, sent, format="json").json()
    assert by_header == by_path
    assert by_path["fields"]["title"] == ["Cadwch y teitl i 150 nod neu lai (mae ganddo 151)."]
    missing = api_client("resident").post("/cy" + IDEAS, {"body": NEW["body"]}, format="json").json()
    assert missing["fields"]["title"] == ["Rhowch deitl byr i'ch syniad."]
    wrong_type = api_client("resident").post("/cy" + IDEAS, {**NEW, "title": 5}, format="json").json()
    assert wrong_type["fields"]["title"] == ["Anfonwch hwn fel testun (llinyn JSON)."]
    assert not Idea.objects.exists()


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"value": "five"}, "value"),
        ({"value": 7}, "value"),
        ({"value": 0}, "value"),
        ({"value": 2.5}, "value"),
        ({"value": None}, "value"),
        ({}, "value"),
    ],
)
def test_a_bad_rating_is_400_naming_the_value(
    idea: Idea, api_client: Callable[[str], APIClient], sent: dict[str, Any], field: str
) -> None:
    response = api_client("resident").put(rating_url(idea), sent, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == [field]
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"body": 12}, "body"),
        ({"body": "x" * 2001}, "body"),
        ({}, "body"),
        ({"body": "Hi", "parent": "x"}, "parent"),
    ],
)
def test_a_bad_comment_is_400_naming_the_field(
    idea: Idea, api_client: Callable[[str], APIClient], sent: dict[str, Any], field: str
) -> None:
    response = api_client("resident").post(comments_url(idea), sent, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not Comment.objects.exists()


def test_malformed_json_a_list_and_a_huge_body_are_400(
    idea: Idea, api_client: Callable[[str], APIClient]
) -> None:
    client = api_client("resident")
    broken = client.post(IDEAS, data='{"title": "Bus', content_type="application/json")
    assert broken.status_code == 400 and broken.json()["detail"] == "The body is not valid JSON."
    listed = client.post(IDEAS, [NEW], format="json", HTTP_ACCEPT_LANGUAGE="cy")
    assert listed.status_code == 400
    assert listed.json()["detail"] == welsh("Send a JSON object with the fields this operation takes.")
    huge = client.post(IDEAS, {**NEW, "body": "x" * 70_000}, format="json")
    assert huge.status_code == 400 and huge.json()["code"] == "too_large"
    rating = client.put(rating_url(idea), data="5", content_type="application/json")
    assert rating.status_code == 400
    assert Idea.objects.count() == 1 and not Rating.objects.exists()


# --- Rate limits ----------------------------------------------------------------------------


@pytest.fixture
def one_write_each() -> Iterator[None]:
    names = ["idea", "comment", "rating", "report", "pledge", "gift", "token"]
    clear_cache()
    with override_settings(
        VOCALEYES_RATE_LIMITS=dict.fromkeys(names, "1/h"),
        VOCALEYES_RATE_LIMITS_PER_IP=dict.fromkeys(names, "1000/h"),
    ):
        yield
    clear_cache()


def test_over_the_rate_limit_is_429_and_nothing_is_written(
    idea: Idea, alice: User, api_client: Callable[[str], APIClient], one_write_each: None
) -> None:
    client = api_client("resident")
    assert client.post(IDEAS, NEW, format="json").status_code == 201
    again = client.post(IDEAS, {**NEW, "title": "Second"}, format="json", HTTP_ACCEPT_LANGUAGE="cy")
    assert again.status_code == 429 and int(again["Retry-After"]) > 0
    assert again.json()["code"] == "throttled"
    assert again.json()["detail"].startswith(welsh("You have posted a lot of ideas in a short time."))
    assert not Idea.objects.filter(title="Second").exists()

    assert client.post(comments_url(idea), {"body": "One"}, format="json").status_code == 201
    assert client.post(comments_url(idea), {"body": "Two"}, format="json").status_code == 429
    assert list(Comment.objects.values_list("body", flat=True)) == ["One"]

    assert client.put(rating_url(idea), {"value": 3}, format="json").status_code == 200
    assert client.put(rating_url(idea), {"value": 5}, format="json").status_code == 429
    assert client.delete(rating_url(idea)).status_code == 429
    assert Rating.objects.get(user=alice).value == 3
    # Reads are never counted.
    assert client.get(rating_url(idea)).status_code == 200


def test_signed_out_writes_are_401_in_welsh_and_write_nothing(
    idea: Idea, api_client: Callable[[str], APIClient]
) -> None:
    client = api_client("anonymous")
    for method, url, body in (
        ("post", "/cy" + IDEAS, NEW),
        ("post", "/cy" + comments_url(idea), {"body": "Hello"}),
        ("put", "/cy" + rating_url(idea), {"value": 3}),
    ):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 401
        assert response.json()["detail"] == "Ni roddwyd manylion dilysu."
    assert (Idea.objects.count(), Comment.objects.count(), Rating.objects.count()) == (1, 0, 0)
