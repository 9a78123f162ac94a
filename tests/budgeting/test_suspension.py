"""A person a council officer suspended cannot vote: the ballot service and pages refuse with
the reason (the suspension itself is ``vocaleyes.permissions.is_suspended``)."""

from __future__ import annotations

import pytest
from django.test import Client

from budgeting import permissions, services
from budgeting.models import Ballot, BudgetProject, BudgetRound
from tests.conversations.moderation import suspended
from vocaleyes.errors import Refusal

pytestmark = pytest.mark.django_db

REFUSED = "Your account has been suspended by a council officer until"


def test_a_suspended_person_cannot_vote(round_: BudgetRound, projects: list[BudgetProject]) -> None:
    carol = suspended()
    assert not permissions.can_vote(carol, round_)
    with pytest.raises(Refusal) as refused:
        services.ballot_submit(budget_round=round_, voter=carol, choices={projects[0].pk: 1})
    assert REFUSED in refused.value.message and refused.value.forbidden
    assert not Ballot.objects.exists()


def test_the_ballot_page_tells_a_suspended_person_why(
    client: Client, round_: BudgetRound, projects: list[BudgetProject]
) -> None:
    client.force_login(suspended())
    page = client.get(f"/budgets/{round_.slug}/ballot/").content.decode()
    assert REFUSED in page
    assert "Repeated personal attacks on other residents." in page
    response = client.post(
        f"/budgets/{round_.slug}/ballot/", {"project": [str(projects[0].pk)], "action": "review"}, follow=True
    )
    assert REFUSED in response.content.decode()
    assert not Ballot.objects.exists()
