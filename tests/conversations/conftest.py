"""Helpers for idea, comment and rating tests (the personas live in tests/conftest.py)."""

from __future__ import annotations

from typing import Any

from conversations import services
from conversations.models import Conversation, Idea
from tests.conftest import make_user
from vocaleyes.models import User


def make_idea(conversation: Conversation, author: User, title: str = "More benches", **extra: Any) -> Idea:
    values: dict[str, Any] = {
        "body": "Benches along the seafront, every few hundred metres.",
        "language": "en",
    }
    values.update(extra)
    return services.idea_create(conversation=conversation, author=author, title=title, **values)


def make_people(count: int, prefix: str = "person") -> list[User]:
    return [make_user(f"{prefix}{n}@example.org", f"{prefix.title()} {n}") for n in range(count)]
