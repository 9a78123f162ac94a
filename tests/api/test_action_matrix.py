"""Action groups and pledges: every operation as each of the seven actors.

Reads follow the conversation (everyone for a listed one; for another organisation's draft, its
facilitator and officers only, 404 for the rest). Pledging needs a sign-in (401), is refused to a
suspended person (403) and by a group that is not taking pledges (403), and is a 404 where the
group cannot be seen or acts on no shown idea. A pledge is withdrawn by its maker only: anyone
else gets a 404; its suspended maker a 403. "Your pledges" lists each person's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from .action_world import World, world
from .matrix import Op, check

pytestmark = pytest.mark.django_db

__all__ = ["world"]

READ_DRAFT_ELSEWHERE = {"other_facilitator": 200, "officer": 200}
PLEDGE = {"kind": "hours", "hours": 1, "minutes": 30}


def cases(w: World) -> list[Op]:
    slug, draft_slug = w.conversation.slug, w.draft_conversation.slug
    group, stopped, hidden, draft = w.group.pk, w.stopped.pk, w.hidden.pk, w.draft.pk
    own = {"resident": w.alice_pledge.pk, "suspended": w.sam_pledge.pk}

    def groups_listed(actor: str, body: Any) -> None:
        names = {item["name"] for item in body["results"]}
        assert names == {"Beach cleaners", "Old litter pickers", "Hidden idea's group"}

    def no_hidden_idea(actor: str, body: Any) -> None:
        assert [idea["title"] for idea in body["ideas"]] == ["Clean the beach"]
        assert body["pledges"]["bound"] == 2
        mine = [pledge["id"] for pledge in body["your_pledges"]]
        assert mine == ([own[actor]] if actor in own else [])

    def only_own(actor: str, body: Any) -> None:
        assert [pledge["id"] for pledge in body["results"]] == ([own[actor]] if actor in own else [])

    def pledged(actor: str, body: Any) -> None:
        assert body["kind"] == "hours" and body["minutes"] == 90 and body["status"] == "bound"

    def withdrawn(actor: str, body: Any) -> None:
        assert body["status"] == "withdrawn" and body["withdrawn_at"]

    list_path = "/api/v1/conversations/{slug}/action-groups/"
    detail_path = "/api/v1/action-groups/{id}/"
    pledge_path = "/api/v1/action-groups/{id}/pledges/"
    withdraw_path = "/api/v1/pledges/{id}/withdraw/"
    return [
        Op(
            "GET",
            list_path,
            f"/api/v1/conversations/{slug}/action-groups/",
            {},
            expect=200,
            check_body=groups_listed,
        ),
        Op(
            "GET",
            list_path,
            f"/api/v1/conversations/{draft_slug}/action-groups/",
            READ_DRAFT_ELSEWHERE,
            expect=404,
        ),
        Op("GET", list_path, "/api/v1/conversations/nowhere/action-groups/", {}, expect=404),
        Op("GET", detail_path, f"/api/v1/action-groups/{group}/", {}, expect=200, check_body=no_hidden_idea),
        Op("GET", detail_path, f"/api/v1/action-groups/{hidden}/", {}, expect=200),
        Op("GET", detail_path, f"/api/v1/action-groups/{draft}/", READ_DRAFT_ELSEWHERE, expect=404),
        Op("DELETE", detail_path, f"/api/v1/action-groups/{group}/", {}, expect=405),
        Op(
            "POST",
            pledge_path,
            f"/api/v1/action-groups/{group}/pledges/",
            {"anonymous": 401, "suspended": 403},
            body=PLEDGE,
            expect=201,
            check_body=pledged,
        ),
        Op(
            "POST",
            pledge_path,
            f"/api/v1/action-groups/{stopped}/pledges/",
            {"anonymous": 401},
            body=PLEDGE,
            expect=403,
        ),
        Op(
            "POST",
            pledge_path,
            f"/api/v1/action-groups/{hidden}/pledges/",
            {"anonymous": 401},
            body=PLEDGE,
            expect=404,
        ),
        Op(
            "POST",
            pledge_path,
            f"/api/v1/action-groups/{draft}/pledges/",
            {"anonymous": 401, "other_facilitator": 201, "officer": 201},
            body=PLEDGE,
            expect=404,
        ),
        Op(
            "POST",
            withdraw_path,
            f"/api/v1/pledges/{own['resident']}/withdraw/",
            {"anonymous": 401, "resident": 200},
            expect=404,
            check_body=withdrawn,
        ),
        Op(
            "POST",
            withdraw_path,
            f"/api/v1/pledges/{own['suspended']}/withdraw/",
            {"anonymous": 401, "suspended": 403},
            expect=404,
        ),
        Op(
            "GET",
            "/api/v1/me/pledges/",
            "/api/v1/me/pledges/",
            {"anonymous": 401},
            expect=200,
            check_body=only_own,
        ),
    ]


def test_every_actor_meets_the_action_group_rules(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    check(cases(world), api_client)
