"""Reading action groups through the API: what shows (shown ideas only, public figures, names
only as the page shows them), where it stays hidden, and a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from conversations import services
from conversations.models import ActionGroup, Conversation, Pledge
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea, make_people
from vocaleyes.models import Organisation, User

from .action_world import World, start_group, world

pytestmark = pytest.mark.django_db

__all__ = ["world"]


def test_a_groups_hidden_idea_is_absent_and_not_counted(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    client = api_client("resident")
    body = client.get(f"/api/v1/action-groups/{world.group.pk}/").json()
    assert [idea["title"] for idea in body["ideas"]] == ["Clean the beach"]
    assert body["idea_count"] == 1

    hidden = client.get(f"/api/v1/action-groups/{world.hidden.pk}/")
    assert hidden.status_code == 200  # the group's page stays, saying its ideas are not shown
    assert hidden.json()["ideas"] == [] and hidden.json()["can_pledge"] is False

    listed = client.get("/api/v1/conversations/wellbeing/action-groups/").json()["results"]
    counts = {item["name"]: item["idea_count"] for item in listed}
    assert counts == {"Beach cleaners": 1, "Old litter pickers": 1, "Hidden idea's group": 0}
    for response in (hidden, client.get(f"/api/v1/action-groups/{world.group.pk}/")):
        assert b"A hidden idea" not in response.content
        assert b"Only idea, soon hidden" not in response.content


def test_the_figures_are_public_but_nobody_elses_pledge_is(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    gwen = User.objects.get(email="gwen@example.org")
    services.pledge_create(
        person=gwen,
        group=world.group,
        kind=Pledge.Kind.HOURS,
        minutes=45,
        description="Gwen's private note",
        threshold=5,
        deadline=timezone.now() + timedelta(days=30),
    )
    response = api_client("resident").get(f"/api/v1/action-groups/{world.group.pk}/")
    body = response.json()
    assert body["pledges"] == {
        "bound": 2,
        "waiting": 1,
        "time_pledged_minutes": 120 + 45,
        "time_pledged": "2 hours 45 minutes",
        "time_given_minutes": 0,
        "time_given": "0 hours",
        "conditions": [
            {
                "kind": "hours",
                "minutes": 45,
                "threshold": 5,
                "others": 2,
                "deadline": body["pledges"]["conditions"][0]["deadline"],
            }
        ],
        # The public names the group's page shows, not who pledged what.
        "people": ["Alice", "Gwen", "Sam"],
    }
    assert [pledge["id"] for pledge in body["your_pledges"]] == [world.alice_pledge.pk]
    assert body["coordinators"] == ["Fran"] and body["can_pledge"] is True
    assert b"Gwen's private note" not in response.content
    assert b"Sam's secret skill" not in response.content
    assert b"@example.org" not in response.content


def test_text_comes_in_the_language_asked_for(world: World, api_client: Callable[[str], APIClient]) -> None:
    welsh = api_client("resident").get(f"/api/v1/action-groups/{world.group.pk}/", HTTP_ACCEPT_LANGUAGE="cy")
    body = welsh.json()
    assert body["name"] == "Beach cleaners (cy)" and body["name_en"] == "Beach cleaners"
    assert body["purpose"] == "What Beach cleaners is for."  # no Welsh purpose: the English one
    assert body["status_label"] == "Wrthi'n ffurfio"
    assert body["pledges"]["time_pledged"] == "2 awr"
    assert welsh["Content-Language"] == "cy"


def test_an_invitation_only_conversations_groups_say_how_to_join(
    elsewhere: Organisation, people: dict[str, User | None], api_client: Callable[[str], APIClient]
) -> None:
    huw = people["other_facilitator"]
    assert huw is not None
    closed_door = make_conversation(elsewhere, "invited", visibility=Conversation.Visibility.INVITATION)
    group = start_group(make_idea(closed_door, huw, "Members only"), huw, "Members' group")
    for url in (f"/api/v1/action-groups/{group.pk}/", "/api/v1/conversations/invited/action-groups/"):
        response = api_client("resident").get(url, HTTP_ACCEPT_LANGUAGE="cy")
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert "drwy wahoddiad" in response.json()["detail"]  # "by invitation", in Welsh
        assert b"Members" not in response.content
    assert api_client("other_facilitator").get(f"/api/v1/action-groups/{group.pk}/").status_code == 200


def test_the_list_filters_by_status(world: World, api_client: Callable[[str], APIClient]) -> None:
    response = api_client("anonymous").get("/api/v1/conversations/wellbeing/action-groups/?status=stopped")
    assert [item["id"] for item in response.json()["results"]] == [world.stopped.pk]


def _queries(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_reads_run_the_same_queries_however_many_groups_and_pledges(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    client = api_client("resident")
    detail = f"/api/v1/action-groups/{world.group.pk}/"
    listing = "/api/v1/conversations/wellbeing/action-groups/"
    mine = "/api/v1/me/pledges/"
    client.get(mine)  # the token's first use of the minute records it (one query, once)
    before = [_queries(client, url) for url in (detail, listing, mine)]
    fran = User.objects.get(email="fran@example.org")
    alice = User.objects.get(email="alice@example.org")
    for n, person in enumerate(make_people(6, "helper")):
        services.pledge_create(
            person=person, group=world.group, kind=Pledge.Kind.SKILL, description=f"Skill {n}"
        )
        start_group(world.shown_idea, fran, f"Another group {n}")
        services.action_group_add_coordinator(by=fran, group=world.group, person=person)
        services.pledge_create(
            person=alice, group=world.group, kind=Pledge.Kind.RESOURCE, description=f"Van {n}"
        )
    after = [_queries(client, url) for url in (detail, listing, mine)]
    assert after == before
    assert ActionGroup.objects.count() == 10 and Pledge.objects.filter(person=alice).count() == 7
    assert len(client.get(detail).json()["coordinators"]) == 7


OPERATIONS = {
    # A paginated, filtered list: a bad page or filter is a 400 (``vocaleyes.api.schema``).
    ("get", "/api/v1/conversations/{slug}/action-groups/"): {"200", "400", "401", "403", "404"},
    ("get", "/api/v1/action-groups/{id}/"): {"200", "401", "403", "404"},
    ("post", "/api/v1/action-groups/{id}/pledges/"): {"201", "400", "401", "403", "404", "409", "429"},
    ("post", "/api/v1/pledges/{id}/withdraw/"): {"200", "401", "403", "404", "409"},
    ("get", "/api/v1/me/pledges/"): {"200", "400", "401", "404"},
}


def test_the_schema_declares_every_answer_of_every_operation(client: Any) -> None:
    schema = client.get("/api/v1/schema/?format=json").json()
    for (method, path), statuses in OPERATIONS.items():
        operation = schema["paths"][path][method]
        assert set(operation["responses"]) == statuses, path
        for status in statuses - {"200", "201"}:
            error = operation["responses"][status]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}, (path, status)
    create = schema["paths"]["/api/v1/action-groups/{id}/pledges/"]["post"]
    # The body is said in full where it is taken (with the rules between its fields).
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body["additionalProperties"] is False and body["required"] == ["kind"]
    assert set(body["properties"]) == {
        "kind",
        "hours",
        "minutes",
        "description",
        "threshold",
        "deadline",
    }
    detail = schema["components"]["schemas"]["ActionGroupDetail"]["properties"]
    assert detail["your_pledges"]["items"] == {"$ref": "#/components/schemas/Pledge"}
