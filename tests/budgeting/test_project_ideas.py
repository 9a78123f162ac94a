"""A project can come from an idea in the same conversation; the link hides with the idea."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from budgeting import services
from budgeting.models import BudgetRound
from conversations.models import ContentStatus, Conversation, Idea
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea
from vocaleyes.errors import Refusal
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db


def test_a_project_links_to_the_idea_it_came_from(
    client: Client, round_: BudgetRound, conversation: Conversation, bob: User, django_assert_max_num_queries
) -> None:
    idea = make_idea(conversation, bob, title="Mwy o feinciau", language="cy")
    project = services.project_create(budget_round=round_, title_en="Benches", cost=Decimal(3000), idea=idea)
    for n in range(10):
        other = make_idea(conversation, bob, title=f"Idea {n}")
        services.project_create(budget_round=round_, title_en=f"Project {n}", cost=Decimal(100), idea=other)
    with django_assert_max_num_queries(8):
        page = client.get(f"/budgets/{round_.slug}/").content.decode()
    assert "From the idea" in page
    assert f'href="{idea.get_absolute_url()}" lang="cy">Mwy o feinciau</a>' in page
    assert project.idea == idea and list(idea.budget_projects.all()) == [project]


def test_a_hidden_idea_is_not_shown_on_the_project(
    client: Client, round_: BudgetRound, conversation: Conversation, bob: User
) -> None:
    idea = make_idea(conversation, bob, title="Something moderated away")
    services.project_create(budget_round=round_, title_en="Benches", cost=Decimal(3000), idea=idea)
    Idea.objects.filter(pk=idea.pk).update(status=ContentStatus.HIDDEN)
    page = client.get(f"/budgets/{round_.slug}/").content.decode()
    assert "Benches" in page
    assert "Something moderated away" not in page and "From the idea" not in page


def test_the_idea_must_come_from_the_rounds_conversation(
    round_: BudgetRound, organisation: Organisation, bob: User
) -> None:
    elsewhere = make_conversation(organisation, slug="elsewhere")
    idea = make_idea(elsewhere, bob)
    with pytest.raises(Refusal) as caught:
        services.project_create(budget_round=round_, title_en="Benches", cost=Decimal(3000), idea=idea)
    assert caught.value.message == "Choose an idea from this round's conversation."
    assert caught.value.field == "idea"
    assert not round_.projects.exists()
