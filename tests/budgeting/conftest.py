"""Helpers for budget-round tests (personas live in tests/conftest.py).

``make_round(conversation, phase=...)`` sets the round's dates around now so that it is in the
given phase; ``make_projects`` adds projects with codes 001, 002... in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from budgeting import services
from budgeting.models import BudgetProject, BudgetRound
from conversations.models import Conversation

DAY = timedelta(days=1)


def phase_dates(phase: str) -> dict[str, Any]:
    now = timezone.now()
    start = {
        "upcoming": now + 2 * DAY,
        "proposals": now - DAY,
        "review": now - 10 * DAY,
        "voting": now - 20 * DAY,
        "results": now - 30 * DAY,
    }[phase]
    review = now + 3 * DAY if phase in ("upcoming", "proposals") else start + 5 * DAY
    voting = now + 4 * DAY if phase in ("upcoming", "proposals", "review") else start + 10 * DAY
    closes = now - DAY if phase == "results" else max(voting, now) + 7 * DAY
    return {"proposals_open": start, "review_opens": review, "voting_opens": voting, "voting_closes": closes}


def make_round(
    conversation: Conversation, slug: str = "park-fund", phase: str = "voting", **extra: Any
) -> BudgetRound:
    values: dict[str, Any] = {
        "title_en": "Parks and paths fund",
        "title_cy": "Cronfa parciau a llwybrau",
        "description_en": "Choose what we spend £100,000 on.",
        "description_cy": "Dewiswch beth rydym yn gwario £100,000 arno.",
        "budget": Decimal("100000"),
        **phase_dates(phase),
    }
    values.update(extra)
    return services.round_create(conversation=conversation, slug=slug, **values)


def make_projects(budget_round: BudgetRound, *specs: tuple[str, int]) -> list[BudgetProject]:
    return [
        services.project_create(
            budget_round=budget_round, title_en=title, title_cy=f"{title} (cy)", cost=Decimal(cost)
        )
        for title, cost in specs
    ]


def set_phase(budget_round: BudgetRound, phase: str) -> BudgetRound:
    BudgetRound.objects.filter(pk=budget_round.pk).update(**phase_dates(phase))
    budget_round.refresh_from_db()
    return budget_round


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    """Services called directly speak the thread's active language; a Welsh page fetched by an
    earlier test leaves Welsh active, so each test starts in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def round_(conversation: Conversation) -> BudgetRound:
    """An approval-within-budget round of £100,000, voting open."""
    return make_round(conversation)


@pytest.fixture
def projects(round_: BudgetRound) -> list[BudgetProject]:
    return make_projects(
        round_, ("Playground", 60000), ("Benches", 30000), ("Cycle path", 50000), ("Trees", 10000)
    )
