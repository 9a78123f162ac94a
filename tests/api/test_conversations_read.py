"""Reading conversations, ideas and comments through the API: the stored order the pages read,
a fixed number of queries whatever the conversation's size, nothing moderation holds back,
and the list of conversations agreeing with ``can_see_conversation`` for everyone."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from conversations import permissions, ranking_runs, services
from conversations.api_v1.selectors import conversations_visible_to
from conversations.models import Comment, ContentStatus, Conversation, Idea
from tests.conftest import make_conversation
from tests.conversations.conftest import age_bands, make_idea, make_people
from vocaleyes.models import GroupMembership, Organisation, TargetGroup, User

pytestmark = pytest.mark.django_db

IDEAS = "/api/v1/conversations/wellbeing/ideas/"

__all__ = ["age_bands"]  # the fair orders' worked example, a fixture of tests/conversations


@pytest.fixture
def ranked(conversation: Conversation, bob: User, fran: User) -> list[Idea]:
    """Two ranked ideas: Fran's seeded "High" (three 5s) above Bob's "Low" (three 2s)."""
    low = make_idea(conversation, bob, title="Low")
    high = make_idea(conversation, fran, title="High", source_note="Best practice from Cardiff")
    for person in make_people(3, "rater"):
        services.rating_set(idea=high, user=person, value=5)
        services.rating_set(idea=low, user=person, value=2)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    return [high, low]


def test_a_conversations_ideas_come_in_the_stored_priority_order_with_their_figures(
    ranked: list[Idea], api_client: Callable[[str], APIClient], alice: User
) -> None:
    high, low = ranked
    services.rating_set(idea=low, user=alice, value=3)  # after the run: not in the figures yet
    body = api_client("resident").get(IDEAS).json()
    assert body["count"] == 2
    first, second = body["results"]
    assert (first["id"], first["position"], first["rank"], first["title"]) == (high.pk, 1, 1, "High")
    assert (first["is_seeded"], first["source_note"], first["author"]) == (
        True,
        "Best practice from Cardiff",
        "Fran",
    )
    assert (first["rating_count"], first["rating_mean"]) == (3, 5.0)
    assert first["priority_score"] > second["priority_score"]
    assert first["distribution"] == {"rated_1": 0, "rated_2": 0, "rated_3": 0, "rated_4": 0, "rated_5": 3}
    assert first["comment_count"] == 0 and first["conversation"] == "wellbeing"
    assert first["url"] == f"http://testserver/api/v1/ideas/{high.pk}/"
    assert first["comments"] == f"http://testserver/api/v1/ideas/{high.pk}/comments/"
    assert first["page"] == f"http://testserver/conversations/wellbeing/ideas/{high.pk}/"
    # Alice's own rating comes with the idea she rated, and only with it.
    assert (first["my_rating"], second["my_rating"]) == (None, 3)
    assert (second["rank"], second["title"], second["rating_count"]) == (2, "Low", 3)
    assert "@" not in str(body)  # no email address anywhere


def test_signed_out_nobody_has_a_rating(ranked: list[Idea], api_client: Callable[[str], APIClient]) -> None:
    body = api_client("anonymous").get(IDEAS).json()
    assert [idea["my_rating"] for idea in body["results"]] == [None, None]


def test_the_fair_orders_read_their_own_stored_rankings(
    age_bands, api_client: Callable[[str], APIClient]
) -> None:
    client = api_client("anonymous")

    def titles(order: str) -> list[str]:
        return [idea["title"] for idea in client.get(IDEAS, {"order": order}).json()["results"]]

    # The page's worked example (tests/conversations/test_fair_order_pages.py).
    assert titles("priority")[0] == "Idea Y"
    assert titles("representative")[0] == "Idea X"
    assert sorted(titles("consensus")) == ["Idea X", "Idea Y"]
    assert titles("newest") == ["Idea Y", "Idea X"]


def test_a_search_finds_ideas_by_their_words(
    ranked: list[Idea], api_client: Callable[[str], APIClient]
) -> None:
    body = api_client("anonymous").get(IDEAS, {"q": "hig"}).json()
    assert body["count"] == 1 and body["results"][0]["title"] == "High"


@pytest.mark.parametrize(("query", "field"), [({"order": "alphabetical"}, "order"), ({"q": "x" * 101}, "q")])
def test_an_unknown_order_or_an_overlong_search_is_400_with_the_field(
    ranked: list[Idea], api_client: Callable[[str], APIClient], query: dict[str, str], field: str
) -> None:
    response = api_client("anonymous").get(IDEAS, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["fields"]) == [field]
    welsh = api_client("anonymous").get("/cy" + IDEAS, query).json()
    assert welsh["fields"][field] != body["fields"][field]  # said in Welsh


def test_the_order_message_is_welsh_in_welsh(
    ranked: list[Idea], api_client: Callable[[str], APIClient]
) -> None:
    by_header = api_client("anonymous").get(IDEAS, {"order": "x"}, HTTP_ACCEPT_LANGUAGE="cy").json()
    by_path = api_client("anonymous").get("/cy" + IDEAS, {"order": "x"}).json()
    assert by_header == by_path
    assert by_path["fields"]["order"] == ["Dewiswch drefn: priority, representative, consensus neu newest."]


def _many(conversation: Conversation, author: User, count: int) -> None:
    for n in range(count):
        make_idea(conversation, author, title=f"Idea {n:03}")


def _queries(client: APIClient, url: str) -> tuple[int, dict]:
    client.get(url)  # the token's last use is recorded once a minute: not in what is counted
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.json()


@pytest.mark.parametrize("order", ["priority", "representative", "newest"])
def test_the_list_costs_the_same_queries_for_5_ideas_as_for_60_and_any_page_works(
    organisation: Organisation, bob: User, alice: User, api_client: Callable[[str], APIClient], order: str
) -> None:
    small = make_conversation(organisation, slug="small")
    large = make_conversation(organisation, slug="large")
    _many(small, bob, 5)
    _many(large, bob, 60)
    for conversation in (small, large):
        rated = Idea.objects.filter(conversation=conversation).order_by("pk")
        for value, idea in zip(itertools.cycle([1, 5, 3]), rated, strict=False):
            services.rating_set(idea=idea, user=alice, value=value)
        ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    client = api_client("resident")
    small_count, small_body = _queries(client, f"/api/v1/conversations/small/ideas/?order={order}")
    large_count, large_body = _queries(client, f"/api/v1/conversations/large/ideas/?order={order}")
    assert small_count == large_count, (small_count, large_count)
    assert (small_body["count"], large_body["count"]) == (5, 60)

    page_count, page_three = _queries(client, f"/api/v1/conversations/large/ideas/?order={order}&page=3")
    assert page_count == large_count
    assert [idea["position"] for idea in page_three["results"]] == list(range(41, 61))
    every = [
        idea["id"]
        for page in (1, 2, 3)
        for idea in client.get(f"/api/v1/conversations/large/ideas/?order={order}&page={page}").json()[
            "results"
        ]
    ]
    assert sorted(every) == sorted(Idea.objects.filter(conversation=large).values_list("pk", flat=True))
    if order == "priority":  # pages follow the stored ranks
        assert [idea["rank"] for idea in page_three["results"]] == list(range(41, 61))
    missing = client.get(f"/api/v1/conversations/large/ideas/?order={order}&page=4")
    assert missing.status_code == 404


def test_ideas_and_comments_waiting_for_review_or_hidden_never_appear(
    conversation: Conversation,
    bob: User,
    alice: User,
    olwen: User,
    api_client: Callable[[str], APIClient],
) -> None:
    shown = make_idea(conversation, bob, title="Shown idea")
    hidden = make_idea(conversation, bob, title="Hidden idea")
    services.content_hide(item=hidden, officer=olwen, reason="Personal details.")
    Conversation.objects.filter(pk=conversation.pk).update(premoderation=True)
    conversation.refresh_from_db()
    pending = make_idea(conversation, alice, title="Pending idea")
    assert pending.status == ContentStatus.PENDING
    services.comment_create(idea=shown, author=alice, body="A kind comment")
    held = services.comment_create(idea=shown, author=bob, body="A reported comment")
    # Held for review, as enough reports would hold it (test_moderation covers how it gets there).
    Comment.objects.filter(pk=held.pk).update(status=ContentStatus.PENDING)
    gone = services.comment_create(idea=shown, author=alice, body="A rude comment")
    services.comment_create(idea=shown, author=bob, body="A reply to the rude one", parent=gone)
    services.content_hide(item=gone, officer=olwen, reason="Rude.")
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)

    for actor in ("anonymous", "resident", "officer"):  # the author and officers too
        client = api_client(actor)
        for order in ("priority", "newest"):
            listed = client.get(IDEAS, {"order": order}).json()
            assert [idea["title"] for idea in listed["results"]] == ["Shown idea"], (actor, order)
            assert listed["count"] == 1
        for idea in (hidden, pending):
            assert client.get(f"/api/v1/ideas/{idea.pk}/").status_code == 404
            assert client.get(f"/api/v1/ideas/{idea.pk}/comments/").status_code == 404
        comments = client.get(f"/api/v1/ideas/{shown.pk}/comments/").json()
        assert [comment["body"] for comment in comments["results"]] == ["A kind comment"], actor
        assert client.get(f"/api/v1/ideas/{shown.pk}/").json()["title"] == "Shown idea"
    assert Comment.objects.count() == 4  # held back, not deleted


def test_a_conversation_says_whether_the_person_may_post(
    conversation: Conversation, api_client: Callable[[str], APIClient]
) -> None:
    assert api_client("resident").get("/api/v1/conversations/wellbeing/").json()["can_post"] is True
    assert api_client("suspended").get("/api/v1/conversations/wellbeing/").json()["can_post"] is False
    body = api_client("anonymous").get("/api/v1/conversations/wellbeing/", HTTP_ACCEPT_LANGUAGE="cy").json()
    assert (body["can_post"], body["title"]) == (False, "Beth fyddai'n gwneud bywyd yn well?")
    # Links keep to the language asked for.
    assert body["ideas"] == "http://testserver/cy/api/v1/conversations/wellbeing/ideas/"


def test_conversations_filter_by_organisation_and_status(
    conversation: Conversation, elsewhere: Organisation, api_client: Callable[[str], APIClient]
) -> None:
    make_conversation(elsewhere, slug="gwynedd-parks")
    make_conversation(elsewhere, slug="gwynedd-old", status=Conversation.Status.CLOSED)
    client = api_client("anonymous")

    def slugs(**query: str) -> set[str]:
        return {item["slug"] for item in client.get("/api/v1/conversations/", query).json()["results"]}

    assert slugs() == {"wellbeing", "gwynedd-parks", "gwynedd-old"}
    assert slugs(organisation="gwynedd") == {"gwynedd-parks", "gwynedd-old"}
    assert slugs(organisation="gwynedd", status="closed") == {"gwynedd-old"}
    assert slugs(status="draft") == set()
    wrong = client.get("/api/v1/conversations/", {"status": "secret"})
    assert wrong.status_code == 400 and list(wrong.json()["fields"]) == ["status"]


def test_the_list_of_conversations_agrees_with_who_may_see_each_one(
    organisation: Organisation,
    elsewhere: Organisation,
    people: dict[str, User | None],
) -> None:
    """Every status and visibility, in two organisations, for each actor: the selector's list is
    exactly the conversations ``can_see_conversation`` lets them see."""
    group = TargetGroup.objects.create(organisation=elsewhere, name_en="Carers", kind="lived_experience")
    gwen = people["other_resident"]
    assert gwen is not None
    GroupMembership.objects.create(user=gwen, group=group, how=GroupMembership.How.INVITATION)
    for owner, status, visibility in itertools.product(
        (organisation, elsewhere), Conversation.Status.values, Conversation.Visibility.values
    ):
        made = make_conversation(
            owner, slug=f"{owner.slug}-{status}-{visibility}", status=status, visibility=visibility
        )
        if owner == elsewhere:
            made.target_groups.add(group)
    everyone = list(Conversation.objects.select_related("organisation"))
    assert len(everyone) == 12
    for actor, person in people.items():
        # A fresh user each time: the predicates remember what they found on the user object.
        user = User.objects.get(pk=person.pk) if person is not None else AnonymousUser()
        expected = {c.slug for c in everyone if permissions.can_see_conversation(user, c)}
        assert {c.slug for c in conversations_visible_to(user)} == expected, actor
        assert expected, actor  # everyone sees the listed ones


def test_the_api_root_links_to_the_conversations(api_client: Callable[[str], APIClient]) -> None:
    body = api_client("anonymous").get("/api/v1/").json()
    assert body["conversations"] == "http://testserver/api/v1/conversations/"
