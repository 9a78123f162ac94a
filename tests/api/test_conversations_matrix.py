"""Conversations, ideas, comments and ratings: every operation as each of the seven actors.

The world: ``wellbeing``, Swansea's open public conversation (Fran facilitates Swansea);
``draft``, a Swansea draft; ``invited``, Gwynedd's open invitation-only conversation (Huw
facilitates Gwynedd, Gwen is a member of its target group). Each has an idea by Bob, who is
none of the actors; Alice (the resident) has rated Bob's public idea and wrote one of her own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from conversations import services
from conversations.models import Conversation, Idea, Rating
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea
from vocaleyes.models import GroupMembership, Organisation, TargetGroup, User

from .conftest import ACTORS
from .matrix import Op, check

pytestmark = pytest.mark.django_db

SUSPENSION_WORDS = "suspended"


@dataclass
class World:
    public: Conversation
    draft: Conversation
    invited: Conversation
    idea: Idea  # Bob's, in the public conversation
    own_idea: Idea  # Alice's, in the public conversation
    draft_idea: Idea
    invited_idea: Idea


@pytest.fixture
def world(
    conversation: Conversation, elsewhere: Organisation, people: dict[str, User | None], bob: User
) -> World:
    alice, gwen, sam = people["resident"], people["other_resident"], people["suspended"]
    assert alice is not None and gwen is not None and sam is not None
    idea = make_idea(conversation, bob, title="Seafront benches")
    own_idea = make_idea(conversation, alice, title="Alice's own idea")
    services.rating_set(idea=idea, user=alice, value=4)
    # Sam rated before being suspended (api_client suspends Sam): reading it stays open to them.
    Rating.objects.create(idea=idea, user=sam, conversation=conversation, value=2)

    draft = make_conversation(conversation.organisation, slug="draft")
    draft_idea = make_idea(draft, bob, title="Draft idea")
    Conversation.objects.filter(pk=draft.pk).update(status=Conversation.Status.DRAFT)

    invited = make_conversation(elsewhere, slug="invited")
    group = TargetGroup.objects.create(organisation=elsewhere, name_en="Carers", kind="lived_experience")
    invited.target_groups.add(group)
    GroupMembership.objects.create(user=gwen, group=group, how=GroupMembership.How.INVITATION)
    invited_idea = make_idea(invited, bob, title="Invited idea")  # before it became invitation-only
    Conversation.objects.filter(pk=invited.pk).update(visibility=Conversation.Visibility.INVITATION)
    return World(conversation, draft, invited, idea, own_idea, draft_idea, invited_idea)


def sees(*actors: str, otherwise: int, seen: int = 200) -> dict[str, int]:
    return {actor: seen if actor in actors else otherwise for actor in ACTORS}


# Who sees each conversation: the draft its organisation's facilitator and officers (404 for the
# rest, drafts do not leak); the invitation-only one its member, its organisation's facilitator
# and officers (403 "by invitation" for the rest).
DRAFT_SEEN = ("facilitator", "officer")
INVITED_SEEN = ("other_resident", "other_facilitator", "officer")


def cases(w: World) -> list[Op]:

    def listed(actor: str, body: Any) -> None:
        slugs = {item["slug"] for item in body["results"]}
        expected = {"wellbeing"}
        expected |= {"draft"} if actor in DRAFT_SEEN else set()
        expected |= {"invited"} if actor in INVITED_SEEN else set()
        assert slugs == expected, (actor, slugs)

    def only_bob(actor: str, body: Any) -> None:
        assert [idea["title"] for idea in body["results"]] in (["Seafront benches", "Alice's own idea"],)

    def my_four(actor: str, body: Any) -> None:
        assert body["value"] == {"resident": 4, "suspended": 2}[actor]

    idea, own, draft_idea, invited_idea = w.idea.pk, w.own_idea.pk, w.draft_idea.pk, w.invited_idea.pk
    new_idea = {
        "title": "Bus shelters",
        "body": "Shelters at every stop on the coast road.",
        "language": "en",
    }
    comment = {"body": "Yes, please."}
    writes_401_403 = {"anonymous": 401, "suspended": 403}
    return [
        # Conversations
        Op("GET", "/api/v1/conversations/", "/api/v1/conversations/", {}, expect=200, check_body=listed),
        Op("GET", "/api/v1/conversations/{slug}/", "/api/v1/conversations/wellbeing/", {}, expect=200),
        Op(
            "GET",
            "/api/v1/conversations/{slug}/",
            "/api/v1/conversations/draft/",
            sees(*DRAFT_SEEN, otherwise=404),
        ),
        Op(
            "GET",
            "/api/v1/conversations/{slug}/",
            "/api/v1/conversations/invited/",
            sees(*INVITED_SEEN, otherwise=403),
        ),
        # A conversation's ideas
        Op(
            "GET",
            "/api/v1/conversations/{slug}/ideas/",
            "/api/v1/conversations/wellbeing/ideas/",
            {},
            expect=200,
            check_body=only_bob,
        ),
        Op(
            "GET",
            "/api/v1/conversations/{slug}/ideas/",
            "/api/v1/conversations/draft/ideas/",
            sees(*DRAFT_SEEN, otherwise=404),
        ),
        Op(
            "GET",
            "/api/v1/conversations/{slug}/ideas/",
            "/api/v1/conversations/invited/ideas/",
            sees(*INVITED_SEEN, otherwise=403),
        ),
        Op(
            "POST",
            "/api/v1/conversations/{slug}/ideas/",
            "/api/v1/conversations/wellbeing/ideas/",
            writes_401_403,
            new_idea,
            expect=201,
        ),
        # A draft takes no ideas: 403 for those who see it (not open), 404 for the rest.
        Op(
            "POST",
            "/api/v1/conversations/{slug}/ideas/",
            "/api/v1/conversations/draft/ideas/",
            {**sees(*DRAFT_SEEN, otherwise=404, seen=403), "anonymous": 401},
            new_idea,
        ),
        Op(
            "POST",
            "/api/v1/conversations/{slug}/ideas/",
            "/api/v1/conversations/invited/ideas/",
            {**sees(*INVITED_SEEN, otherwise=403, seen=201), "anonymous": 401},
            new_idea,
        ),
        # The first, read-only ideas API (conversations/api.py), kept for its users
        Op("GET", "/api/conversations/{slug}/ideas/", "/api/conversations/wellbeing/ideas/", {}, expect=200),
        Op(
            "GET",
            "/api/conversations/{slug}/ideas/",
            "/api/conversations/draft/ideas/",
            sees(*DRAFT_SEEN, otherwise=404),
        ),
        Op(
            "GET",
            "/api/conversations/{slug}/ideas/",
            "/api/conversations/invited/ideas/",
            sees(*INVITED_SEEN, otherwise=403),
        ),
        # One idea
        Op("GET", "/api/v1/ideas/{id}/", f"/api/v1/ideas/{idea}/", {}, expect=200),
        Op("GET", "/api/v1/ideas/{id}/", f"/api/v1/ideas/{draft_idea}/", sees(*DRAFT_SEEN, otherwise=404)),
        Op(
            "GET", "/api/v1/ideas/{id}/", f"/api/v1/ideas/{invited_idea}/", sees(*INVITED_SEEN, otherwise=403)
        ),
        # Comments
        Op("GET", "/api/v1/ideas/{id}/comments/", f"/api/v1/ideas/{idea}/comments/", {}, expect=200),
        Op(
            "GET",
            "/api/v1/ideas/{id}/comments/",
            f"/api/v1/ideas/{draft_idea}/comments/",
            sees(*DRAFT_SEEN, otherwise=404),
        ),
        Op(
            "GET",
            "/api/v1/ideas/{id}/comments/",
            f"/api/v1/ideas/{invited_idea}/comments/",
            sees(*INVITED_SEEN, otherwise=403),
        ),
        Op(
            "POST",
            "/api/v1/ideas/{id}/comments/",
            f"/api/v1/ideas/{idea}/comments/",
            writes_401_403,
            comment,
            expect=201,
        ),
        Op(
            "POST",
            "/api/v1/ideas/{id}/comments/",
            f"/api/v1/ideas/{draft_idea}/comments/",
            {**sees(*DRAFT_SEEN, otherwise=404, seen=403), "anonymous": 401},
            comment,
        ),
        Op(
            "POST",
            "/api/v1/ideas/{id}/comments/",
            f"/api/v1/ideas/{invited_idea}/comments/",
            {**sees(*INVITED_SEEN, otherwise=403, seen=201), "anonymous": 401},
            comment,
        ),
        # My rating: a person's own, so signed in only
        Op(
            "GET",
            "/api/v1/ideas/{id}/my-rating/",
            f"/api/v1/ideas/{idea}/my-rating/",
            {"anonymous": 401, "resident": 200, "suspended": 200},
            expect=404,
            check_body=my_four,
        ),
        Op(
            "GET",
            "/api/v1/ideas/{id}/my-rating/",
            f"/api/v1/ideas/{draft_idea}/my-rating/",
            {"anonymous": 401},
            expect=404,
        ),
        Op(
            "PUT",
            "/api/v1/ideas/{id}/my-rating/",
            f"/api/v1/ideas/{idea}/my-rating/",
            writes_401_403,
            {"value": 5},
            expect=200,
        ),
        # Nobody rates their own idea.
        Op(
            "PUT",
            "/api/v1/ideas/{id}/my-rating/",
            f"/api/v1/ideas/{own}/my-rating/",
            {**writes_401_403, "resident": 403},
            {"value": 5},
            expect=200,
        ),
        Op(
            "PUT",
            "/api/v1/ideas/{id}/my-rating/",
            f"/api/v1/ideas/{draft_idea}/my-rating/",
            {**sees(*DRAFT_SEEN, otherwise=404, seen=403), "anonymous": 401},
            {"value": 5},
        ),
        Op(
            "PUT",
            "/api/v1/ideas/{id}/my-rating/",
            f"/api/v1/ideas/{invited_idea}/my-rating/",
            {**sees(*INVITED_SEEN, otherwise=403), "anonymous": 401},
            {"value": 5},
        ),
        Op(
            "DELETE",
            "/api/v1/ideas/{id}/my-rating/",
            f"/api/v1/ideas/{idea}/my-rating/",
            {**writes_401_403, "resident": 204},
            expect=404,
        ),
        Op(
            "DELETE",
            "/api/v1/ideas/{id}/my-rating/",
            f"/api/v1/ideas/{invited_idea}/my-rating/",
            {**sees(*INVITED_SEEN, otherwise=403, seen=404), "anonymous": 401},
        ),
    ]


def test_every_actor_meets_the_conversations_api_as_the_pages_allow(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    check(cases(world), api_client)
    # Every request was rolled back: the world is as it was made.
    assert Idea.objects.count() == 4
    assert set(Rating.objects.values_list("user__display_name", "value")) == {("Alice", 4), ("Sam", 2)}


def test_a_suspended_person_reads_but_every_write_says_they_are_suspended(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    client = api_client("suspended")
    assert client.get(f"/api/v1/ideas/{world.idea.pk}/").status_code == 200
    writes = [
        (
            "post",
            "/api/v1/conversations/wellbeing/ideas/",
            {"title": "Bins", "body": "More bins by the pier.", "language": "en"},
        ),
        ("post", f"/api/v1/ideas/{world.idea.pk}/comments/", {"body": "Agreed."}),
        ("put", f"/api/v1/ideas/{world.idea.pk}/my-rating/", {"value": 5}),
        ("delete", f"/api/v1/ideas/{world.idea.pk}/my-rating/", None),
    ]
    for method, url, body in writes:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 403, (method, url, response.content)
        assert response.json()["code"] == "forbidden"
        assert SUSPENSION_WORDS in response.json()["detail"], response.json()
    assert Idea.objects.count() == 4
    assert world.idea.comments.count() == 0
    assert Rating.objects.get(user__display_name="Sam").value == 2


def test_an_invitation_only_conversation_says_how_to_join(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    response = api_client("resident").get("/api/v1/conversations/invited/")
    assert response.status_code == 403
    assert "invitation" in response.json()["detail"]
    assert "Invited idea" not in response.content.decode()


def test_the_schema_declares_every_status_the_matrix_meets(world: World, client: Client) -> None:
    paths = client.get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    for op in cases(world):
        declared = set(paths[op.path][op.method.lower()]["responses"])
        met = {str(op.expected(actor)) for actor in ACTORS}
        assert met <= declared, (op.method, op.url, met - declared)
