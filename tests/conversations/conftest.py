"""Helpers for idea, comment and rating tests (the personas live in tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from conversations import ranking_runs, services
from conversations.models import Conversation, Idea, Rating
from tests.conftest import make_user
from vocaleyes.models import GroupMembership, TargetGroup, User


def make_idea(conversation: Conversation, author: User, title: str = "More benches", **extra: Any) -> Idea:
    values: dict[str, Any] = {
        "body": "Benches along the seafront, every few hundred metres.",
        "language": "en",
    }
    values.update(extra)
    return services.idea_create(conversation=conversation, author=author, title=title, **values)


def make_people(count: int, prefix: str = "person") -> list[User]:
    return [make_user(f"{prefix}{n}@example.org", f"{prefix.title()} {n}") for n in range(count)]


@pytest.fixture
def age_bands(conversation: Conversation, alice: User):
    """Young and older half the population each; 2 young and 8 older raters. X: young 5, older
    3. Y: young 2, older 4 (``group_ranking.representative``'s worked example)."""
    organisation = conversation.organisation
    young_band = TargetGroup.objects.create(
        organisation=organisation, name_en="16 to 24", name_cy="16 i 24", kind="age_band", population_size=500
    )
    older_band = TargetGroup.objects.create(
        organisation=organisation,
        name_en="25 and over",
        name_cy="25 a hŷn",
        kind="age_band",
        population_size=500,
    )
    TargetGroup.objects.create(
        organisation=organisation,
        name_en="Carers",
        name_cy="Gofalwyr",
        kind="lived_experience",
        population_size=90,
    )
    young, older = make_people(2, "young"), make_people(8, "older")
    for people, band in ((young, young_band), (older, older_band)):
        GroupMembership.objects.bulk_create(
            GroupMembership(user=person, group=band, how=GroupMembership.How.INVITATION) for person in people
        )
    x = make_idea(conversation, alice, "Idea X")
    y = make_idea(conversation, alice, "Idea Y")
    for idea, young_value, older_value in ((x, 5, 3), (y, 2, 4)):
        Rating.objects.bulk_create(
            [Rating(idea=idea, user=p, conversation=conversation, value=young_value) for p in young]
            + [Rating(idea=idea, user=p, conversation=conversation, value=older_value) for p in older]
        )
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    return young_band, x, y
