from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from budgeting.models import Ballot, BudgetProject, BudgetRound, Tally

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return (
        BudgetRound.objects.count(),
        BudgetProject.objects.count(),
        Ballot.objects.count(),
        Tally.objects.count(),
    )


def test_load_demo_budget_is_idempotent_and_its_results_show(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    call_command("load_demo")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_budget")
    first = counts()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_budget")
    assert counts() == first == (2, 11, 45, 1)
    rounds = BudgetRound.objects.filter(conversation__slug="swansea-wellbeing")
    assert sorted(r.phase for r in rounds) == ["results", "voting"]

    page = " ".join(client.get("/budgets/swansea-community-fund-2025/results/").content.decode().split())
    assert "4 projects funded" in page and "£60,000 of £60,000 spent" in page
    assert "Why some popular projects were not funded" in page and "Community minibus for Penlan" in page
    open_round = client.get("/budgets/swansea-community-fund-2026/").content.decode()
    assert "Sign in</a> to vote" in open_round
    assert "From the idea" in open_round and "Warm, welcoming libraries in winter" in open_round


def test_load_demo_budget_needs_the_demo_conversation() -> None:
    with pytest.raises(CommandError, match=r"run `manage\.py load_demo` first"):
        call_command("load_demo_budget")
