"""Who may do what in a budget round: a role x phase matrix."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from budgeting import permissions
from budgeting.models import BudgetRound
from conversations.models import Conversation
from tests.budgeting.conftest import make_round
from tests.conftest import make_conversation
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db

PHASES = ["upcoming", "proposals", "review", "voting", "results"]
ROLES = ["anyone", "resident", "facilitator", "officer"]
# predicate -> role -> the phases in which it holds (for a round in a public, open conversation)
MATRIX: dict[str, dict[str, set[str]]] = {
    "can_view_round": {role: set(PHASES) for role in ROLES},
    "can_vote": {
        "anyone": set(),
        "resident": {"voting"},
        "facilitator": {"voting"},
        "officer": {"voting"},
    },
    "can_enter_paper_ballots": {
        "anyone": set(),
        "resident": set(),
        "facilitator": set(),
        "officer": {"voting", "results"},
    },
    "can_request_tally": {
        "anyone": set(),
        "resident": set(),
        "facilitator": {"results"},
        "officer": {"results"},
    },
    "can_view_results": {role: {"results"} for role in ROLES},
    "can_download_ballots": {role: {"results"} for role in ROLES},
}


@pytest.fixture
def people(alice: User, fran: User, olwen: User) -> dict[str, Any]:
    return {"anyone": AnonymousUser(), "resident": alice, "facilitator": fran, "officer": olwen}


@pytest.mark.parametrize("phase", PHASES)
def test_the_role_phase_matrix(conversation: Conversation, people: dict[str, Any], phase: str) -> None:
    budget_round = make_round(conversation, phase=phase)
    assert budget_round.phase == phase
    found = {
        predicate: {role: getattr(permissions, predicate)(people[role], budget_round) for role in ROLES}
        for predicate in MATRIX
    }
    expected = {
        predicate: {role: phase in phases for role, phases in by_role.items()}
        for predicate, by_role in MATRIX.items()
    }
    assert found == expected


@pytest.mark.parametrize("phase", PHASES)
def test_a_round_in_a_draft_conversation_is_for_its_organisers_only(
    organisation: Organisation, people: dict[str, Any], phase: str
) -> None:
    draft = make_conversation(organisation, slug="draft", status=Conversation.Status.DRAFT)
    budget_round: BudgetRound = make_round(draft, phase=phase)
    assert {role: permissions.can_view_round(people[role], budget_round) for role in ROLES} == {
        "anyone": False,
        "resident": False,
        "facilitator": True,
        "officer": True,
    }
    assert not permissions.can_vote(people["resident"], budget_round)
    assert not permissions.can_view_results(people["resident"], budget_round)


def test_a_facilitator_of_another_organisation_does_not_manage_the_round(
    conversation: Conversation, people: dict[str, Any]
) -> None:
    other = Organisation.objects.create(slug="other", name_en="Other", kind=Organisation.Kind.COMMUNITY_GROUP)
    budget_round = make_round(make_conversation(other, slug="elsewhere"), phase="results")
    assert not permissions.can_request_tally(people["facilitator"], budget_round)
    assert permissions.can_request_tally(people["officer"], budget_round)
