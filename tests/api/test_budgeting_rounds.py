"""``/api/v1/budget-rounds/``: rounds, their filters and their projects, as the round pages
show them."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from budgeting import services
from budgeting.api_v1.selectors import phase_condition
from budgeting.models import BudgetProject, BudgetRound, Phase
from conversations.models import ContentStatus, Conversation, Idea
from tests.budgeting.conftest import make_projects, make_round
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea
from vocaleyes.models import Organisation, User

from .test_budgeting_ballot import PAYLOADS

pytestmark = pytest.mark.django_db

ROUNDS = "/api/v1/budget-rounds/"

TITLE = '<script>alert("title")</script>'
DESCRIPTION = (
    '<img src=x onerror=alert("body")> and <a href="javascript:alert(1)">click</a>\n'
    'https://example.org/"><script>alert(2)</script>'
)
CATEGORY = "'; DROP TABLE budgeting_budgetproject; --"


def slugs(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_the_phase_filter_agrees_with_the_rounds_own_phase_at_every_boundary(
    conversation: Conversation,
) -> None:
    budget_round = make_round(conversation)
    moments = [
        budget_round.proposals_open,
        budget_round.review_opens,
        budget_round.voting_opens,
        budget_round.voting_closes,
    ]
    second = timedelta(seconds=1)
    for moment in [m + delta for m in moments for delta in (-second, timedelta(0), second)]:
        expected = budget_round.phase_at(moment)
        for phase in Phase:
            found = BudgetRound.objects.filter(phase_condition(phase, moment)).exists()
            assert found == (phase == expected), (moment, phase, expected)


def test_rounds_filter_by_phase_and_conversation(
    conversation: Conversation, organisation: Organisation
) -> None:
    for phase in ("upcoming", "proposals", "review", "voting", "results"):
        make_round(conversation, slug=f"{phase}-fund", phase=phase)
    other = make_conversation(organisation, slug="transport")
    make_round(other, slug="bus-fund", phase="voting")
    client = APIClient()
    assert sorted(slugs(client.get(ROUNDS))) == sorted(
        ["upcoming-fund", "proposals-fund", "review-fund", "voting-fund", "results-fund", "bus-fund"]
    )
    for phase in ("upcoming", "proposals", "review", "results"):
        assert slugs(client.get(ROUNDS, {"phase": phase})) == [f"{phase}-fund"]
    assert sorted(slugs(client.get(ROUNDS, {"phase": "voting"}))) == ["bus-fund", "voting-fund"]
    assert slugs(client.get(ROUNDS, {"conversation": "transport"})) == ["bus-fund"]
    assert slugs(client.get(ROUNDS, {"conversation": "transport", "phase": "results"})) == []
    assert slugs(client.get(ROUNDS, {"conversation": "nowhere"})) == []


def test_an_unknown_phase_is_400_with_the_field_in_either_language(conversation: Conversation) -> None:
    make_round(conversation)
    response = APIClient().get(ROUNDS, {"phase": "finished"})
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid" and list(data["fields"]) == ["phase"]
    assert "finished" in data["fields"]["phase"][0]
    welsh = APIClient().get(ROUNDS, {"phase": "finished"}, HTTP_ACCEPT_LANGUAGE="cy")
    assert welsh.status_code == 400 and welsh["Content-Language"] == "cy"
    assert welsh.json()["fields"]["phase"] != data["fields"]["phase"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_the_address_find_nothing_and_break_nothing(
    conversation: Conversation, payload: str
) -> None:
    make_round(conversation)
    client = APIClient()
    assert slugs(client.get(ROUNDS, {"conversation": payload})) == []
    assert client.get(ROUNDS, {"phase": payload}).status_code == 400
    assert client.get(f"{ROUNDS}{payload}/").status_code == 404
    assert BudgetRound.objects.count() == 1


def test_a_round_gives_its_phase_budget_rule_dates_and_links(conversation: Conversation) -> None:
    budget_round = make_round(
        conversation, ballot_type="k_approval", max_projects=3, rule="greedy", completion="none"
    )
    client = APIClient()
    data = client.get(f"{ROUNDS}park-fund/").json()
    assert data["title"] == "Parks and paths fund" and data["title_cy"] == "Cronfa parciau a llwybrau"
    assert (data["phase"], data["budget"], data["currency"]) == ("voting", "100000.00", "GBP")
    assert (data["ballot_type"], data["max_projects"], data["points"]) == ("k_approval", 3, None)
    assert (data["rule"], data["completion"]) == ("greedy", "none")
    assert data["conversation"] == "wellbeing" and data["organisation"] == "swansea"
    for name in ("proposals_open", "review_opens", "voting_opens", "voting_closes"):
        assert datetime.fromisoformat(data[name]) == getattr(budget_round, name)
    assert data["can_vote"] is False  # nobody is signed in
    assert data["links"]["page"] == "http://testserver/budgets/park-fund/"
    for name in ("self", "projects", "results", "my_ballot"):
        assert data["links"][name].startswith("http://testserver/api/v1/budget-rounds/park-fund/")
    assert client.get(data["links"]["projects"]).status_code == 200
    welsh = client.get(f"{ROUNDS}park-fund/", HTTP_ACCEPT_LANGUAGE="cy").json()
    assert welsh["title"] == "Cronfa parciau a llwybrau" and welsh["phase"] == "voting"


def test_the_projects_are_the_ballots_and_proposals_under_review_are_not(
    conversation: Conversation, alice: User, fran: User, bob: User
) -> None:
    budget_round = make_round(conversation, phase="proposals")
    make_projects(budget_round, ("Playground", 60000))
    services.project_create(
        budget_round=budget_round,
        title_en="Car park",
        cost=Decimal(10),
        eligible=False,
        ineligible_reason_en="Not ours.",
        ineligible_reason_cy="Nid ein un ni.",
    )
    waiting = services.proposal_submit(
        budget_round=budget_round,
        proposer=alice,
        title="A secret proposal",
        description="Still being looked at.",
        estimated_cost=Decimal(500),
        language="en",
    )
    turned_down = services.proposal_submit(
        budget_round=budget_round,
        proposer=bob,
        title="Too dear",
        description="A bridge.",
        estimated_cost=Decimal(5000000),
        language="en",
    )
    accepted = services.proposal_submit(
        budget_round=budget_round,
        proposer=bob,
        title="Pond",
        description="A pond.",
        estimated_cost=Decimal(800),
        language="cy",
    )
    services.proposal_review(proposal=turned_down, reviewer=fran, feasible=False, reason="Far too dear.")
    services.proposal_review(proposal=accepted, reviewer=fran, feasible=True, reason="", cost=Decimal(900))
    response = APIClient().get(f"{ROUNDS}{budget_round.slug}/projects/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["title"] for row in rows] == ["Playground", "Car park", "Pond"]
    car_park = rows[1]
    assert car_park["eligible"] is False and car_park["ineligible_reason"] == "Not ours."
    assert rows[2]["cost"] == "900.00" and rows[2]["title_cy"] == "Pond" and rows[2]["title_en"] == ""
    assert rows[0]["ineligible_reason"] == ""
    text = str(response.json())
    assert waiting.title not in text and "Too dear" not in text and "Far too dear" not in text
    welsh = APIClient().get(f"{ROUNDS}{budget_round.slug}/projects/", HTTP_ACCEPT_LANGUAGE="cy").json()
    assert welsh["results"][1]["ineligible_reason"] == "Nid ein un ni."


def test_a_projects_idea_is_linked_while_it_is_published(
    conversation: Conversation, bob: User, django_assert_num_queries: Any
) -> None:
    budget_round = make_round(conversation)
    idea = make_idea(conversation, bob, title="Mwy o feinciau", language="cy")
    services.project_create(budget_round=budget_round, title_en="Benches", cost=Decimal(3000), idea=idea)
    client = APIClient()
    (row,) = client.get(f"{ROUNDS}{budget_round.slug}/projects/").json()["results"]
    assert row["idea"] == {
        "id": idea.pk,
        "title": "Mwy o feinciau",
        "url": f"http://testserver{idea.get_absolute_url()}",
    }
    Idea.objects.filter(pk=idea.pk).update(status=ContentStatus.HIDDEN)
    (row,) = client.get(f"{ROUNDS}{budget_round.slug}/projects/").json()["results"]
    assert row["idea"] is None and "Mwy o feinciau" not in str(row)

    # More projects, each from an idea: the same number of queries.
    with CaptureQueriesContext(connection) as few:
        client.get(f"{ROUNDS}{budget_round.slug}/projects/")
    for n in range(10):
        other = make_idea(conversation, bob, title=f"Idea {n}")
        services.project_create(
            budget_round=budget_round, title_en=f"Project {n}", cost=Decimal(100), idea=other
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(f"{ROUNDS}{budget_round.slug}/projects/")
    assert len(response.json()["results"]) == 11


def test_what_people_typed_comes_back_as_the_text_they_typed(conversation: Conversation) -> None:
    budget_round = make_round(conversation, title_en=TITLE, description_en=DESCRIPTION)
    services.project_create(
        budget_round=budget_round,
        title_en=TITLE,
        description_en=DESCRIPTION,
        category_en=CATEGORY,
        cost=Decimal(10),
    )
    client = APIClient()
    response = client.get(f"{ROUNDS}{budget_round.slug}/")
    assert response["Content-Type"] == "application/json"
    assert (response.json()["title"], response.json()["description"]) == (TITLE, DESCRIPTION)
    (row,) = client.get(f"{ROUNDS}{budget_round.slug}/projects/").json()["results"]
    assert (row["title"], row["description"], row["category"]) == (TITLE, DESCRIPTION, CATEGORY)
    assert BudgetProject.objects.get().category_en == CATEGORY


def test_the_list_costs_the_same_queries_for_more_rounds(
    conversation: Conversation, organisation: Organisation, alice: User, django_assert_num_queries: Any
) -> None:
    from vocaleyes import services as account_services

    _token, text = account_services.api_token_create(user=alice, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    make_round(conversation, slug="one")
    make_round(make_conversation(organisation, slug="draft", status=Conversation.Status.DRAFT), slug="hidden")
    assert slugs(client.get(ROUNDS)) == ["one"]  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert slugs(client.get(ROUNDS)) == ["one"]
    for n in range(8):
        make_round(make_conversation(organisation, slug=f"c{n}"), slug=f"r{n}")
        make_round(
            make_conversation(organisation, slug=f"d{n}", status=Conversation.Status.DRAFT), slug=f"h{n}"
        )
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(slugs(client.get(ROUNDS))) == 9
