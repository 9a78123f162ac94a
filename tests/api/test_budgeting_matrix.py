"""Budget rounds over the API: every operation, as each of the seven actors (issue 14).

The rounds (``budgeting_world``) make the columns differ: a draft round only its
organisation's facilitator and officers see, another organisation's counted draft round only
Huw and officers see, an invitation-only round Gwen is invited to, a round not yet voting, a
counted public round. Reads are as open as the pages; a suspended person reads (200) and
writes nothing (403); anonymous writes and own-ballot reads are 401.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from .budgeting_world import OWN_CHOICES, World, world
from .conftest import ACTORS
from .matrix import Op, check

pytestmark = pytest.mark.django_db

__all__ = ["world"]  # a fixture, used by name

ROUNDS = "/api/v1/budget-rounds/"
ROUND = "/api/v1/budget-rounds/{slug}/"
PROJECTS = "/api/v1/budget-rounds/{slug}/projects/"
RESULTS = "/api/v1/budget-rounds/{slug}/results/"
MY_BALLOT = "/api/v1/budget-rounds/{slug}/my-ballot/"

PUBLIC = {"park-fund", "next-year", "counted"}
SEES = {
    "anonymous": PUBLIC,
    "resident": PUBLIC,
    "other_resident": PUBLIC | {"panel-fund"},
    "facilitator": PUBLIC | {"draft-fund", "panel-fund"},
    "other_facilitator": PUBLIC | {"gwynedd-fund"},
    "officer": PUBLIC | {"draft-fund", "panel-fund", "gwynedd-fund"},
    "suspended": PUBLIC,
}
# Who sees the invitation-only round; the others are told how to join (403).
PANEL = {"other_resident": 200, "facilitator": 200, "officer": 200}
DRAFT = {"facilitator": 200, "officer": 200}
ELSEWHERE = {"other_facilitator": 200, "officer": 200}


def at(template: str, slug: str) -> str:
    return template.replace("{slug}", slug)


def cases(world: World) -> list[Op]:
    titles = {project.pk: title for title, project in world.projects.items()}

    def the_rounds_they_may_see(actor: str, body: Any) -> None:
        assert {row["slug"] for row in body["results"]} == SEES[actor]

    def only_their_own_ballot(actor: str, body: Any) -> None:
        assert sorted(titles[choice["project"]] for choice in body["choices"]) == OWN_CHOICES[actor]

    def the_ballot_just_cast(actor: str, body: Any) -> None:
        assert [titles[choice["project"]] for choice in body["choices"]] == ["D"]

    def published_results(actor: str, body: Any) -> None:
        assert [winner["title"] for winner in body["outcome"]["winners"]] == ["A", "D"]

    ops = [
        Op("GET", ROUNDS, ROUNDS, {}, check_body=the_rounds_they_may_see, expect=200),
        Op("POST", ROUNDS, ROUNDS, {}, body={"slug": "x"}, expect=405),
        Op("GET", ROUND, at(ROUND, "park-fund"), {}, expect=200),
        Op("GET", ROUND, at(ROUND, "draft-fund"), DRAFT, expect=404),
        Op("GET", ROUND, at(ROUND, "panel-fund"), PANEL, expect=403),
        Op("GET", ROUND, at(ROUND, "gwynedd-fund"), ELSEWHERE, expect=404),
        Op("GET", PROJECTS, at(PROJECTS, "park-fund"), {}, expect=200),
        Op("GET", PROJECTS, at(PROJECTS, "draft-fund"), DRAFT, expect=404),
        Op("GET", PROJECTS, at(PROJECTS, "panel-fund"), PANEL, expect=403),
        Op("GET", RESULTS, at(RESULTS, "counted"), {}, check_body=published_results, expect=200),
        Op("GET", RESULTS, at(RESULTS, "park-fund"), {}, expect=409),
        Op("GET", RESULTS, at(RESULTS, "gwynedd-fund"), ELSEWHERE, check_body=published_results, expect=404),
        # Everyone signed in has voted in park-fund, the suspended person before the suspension.
        Op(
            "GET",
            MY_BALLOT,
            at(MY_BALLOT, "park-fund"),
            {"anonymous": 401},
            check_body=only_their_own_ballot,
            expect=200,
        ),
        Op("GET", MY_BALLOT, at(MY_BALLOT, "next-year"), {"anonymous": 401}, expect=404),
        Op("GET", MY_BALLOT, at(MY_BALLOT, "draft-fund"), {"anonymous": 401}, expect=404),
        Op(
            "PUT",
            MY_BALLOT,
            at(MY_BALLOT, "park-fund"),
            {"anonymous": 401, "suspended": 403},
            body={"choices": [{"project": world.projects["D"].pk}]},
            check_body=the_ballot_just_cast,
            expect=200,
        ),
        Op(
            "PUT",
            MY_BALLOT,
            at(MY_BALLOT, "next-year"),
            {"anonymous": 401},
            body={"choices": [{"project": world.review.projects.get().pk}]},
            expect=403,
        ),
        Op(
            "PUT",
            MY_BALLOT,
            at(MY_BALLOT, "draft-fund"),
            {"anonymous": 401, **DRAFT},
            body={"choices": [{"project": world.draft.projects.get().pk}]},
            expect=404,
        ),
        Op(
            "PUT",
            MY_BALLOT,
            at(MY_BALLOT, "panel-fund"),
            {"anonymous": 401, "other_resident": 200, "facilitator": 200, "officer": 200},
            body={"choices": [{"project": world.panel.projects.get().pk}]},
            expect=403,
        ),
        Op(
            "PUT",
            MY_BALLOT,
            at(MY_BALLOT, "gwynedd-fund"),
            {"anonymous": 401, "other_facilitator": 403, "officer": 403},
            body={"choices": [{"project": world.elsewhere.projects.first().pk}]},  # type: ignore[union-attr]
            expect=404,
        ),
        Op("DELETE", MY_BALLOT, at(MY_BALLOT, "park-fund"), {"anonymous": 401}, expect=405),
    ]
    return ops


def test_every_actor_meets_the_rounds_as_the_pages_would_show_them(
    world: World, api_client: Callable[[str], APIClient]
) -> None:
    check(cases(world), api_client)


def test_the_schema_declares_every_status_the_matrix_meets(world: World, client: Client) -> None:
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    for op in cases(world):
        if op.expected("resident") == 405:
            continue
        declared = set(paths[op.path][op.method.lower()]["responses"])
        met = {str(op.expected(actor)) for actor in ACTORS}
        assert met <= declared, (op.method, op.url, met - declared)
