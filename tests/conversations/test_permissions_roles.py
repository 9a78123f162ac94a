"""Who may do what, by role (resident, author, suspended resident, facilitators in and outside the
organisation, officer) against the participation and moderation states of a conversation and
its idea; ``test_permissions.py`` has the visibility states (draft, invitation only).

``allowed`` asks the predicates the way the views do: nothing but seeing for someone who may
not see the conversation (they get a 404). Each row of ``EXPECTED`` is one state; each entry
the actions one role is allowed there.
"""

from __future__ import annotations

from typing import Any

import pytest

from conversations import permissions
from conversations.models import ContentStatus, Conversation, Idea
from tests.conversations.conftest import make_idea
from tests.conversations.moderation import other_facilitator, suspended
from vocaleyes.models import User

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "resident", "author", "suspended", "facilitator", "outside facilitator", "officer"]

NONE: set[str] = set()
RESIDENT = {"see", "post", "comment", "rate", "report"}
FACILITATOR = {"see", "post", "seed", "comment", "rate", "report", "facilitate", "export"}
OFFICER = FACILITATOR | {"moderate"}


def without(actions: set[str], *removed: str) -> set[str]:
    return actions - set(removed)


EXPECTED: dict[str, dict[str, set[str]]] = {
    "open": {
        "anonymous": {"see"},
        "resident": RESIDENT,
        "author": {"see", "post", "comment"},  # not rating or reporting their own idea
        "suspended": {"see"},
        "facilitator": FACILITATOR,
        "outside facilitator": RESIDENT,
        "officer": OFFICER,
    },
    "posting paused": {
        "anonymous": {"see"},
        "resident": {"see", "rate", "report"},
        "author": {"see"},
        "suspended": {"see"},
        "facilitator": {"see", "rate", "report", "facilitate", "export"},
        "outside facilitator": {"see", "rate", "report"},
        "officer": {"see", "rate", "report", "facilitate", "export", "moderate"},
    },
    "rating paused": {
        "anonymous": {"see"},
        "resident": without(RESIDENT, "rate"),
        "author": {"see", "post", "comment"},
        "suspended": {"see"},
        "facilitator": without(FACILITATOR, "rate"),
        "outside facilitator": without(RESIDENT, "rate"),
        "officer": without(OFFICER, "rate"),
    },
    "closed": {
        "anonymous": {"see"},
        "resident": {"see", "report"},
        "author": {"see"},
        "suspended": {"see"},
        "facilitator": {"see", "report", "facilitate", "export"},
        "outside facilitator": {"see", "report"},
        "officer": {"see", "report", "facilitate", "export", "moderate"},
    },
    "draft": {
        "anonymous": NONE,
        "resident": NONE,
        "author": NONE,
        "suspended": NONE,
        "facilitator": {"see", "report", "facilitate", "export"},
        "outside facilitator": NONE,
        "officer": {"see", "report", "facilitate", "export", "moderate"},
    },
    "idea waiting for review": {
        "anonymous": {"see"},
        "resident": {"see", "post"},
        "author": {"see", "post"},
        "suspended": {"see"},
        "facilitator": {"see", "post", "seed", "facilitate", "export"},
        "outside facilitator": {"see", "post"},
        "officer": {"see", "post", "seed", "facilitate", "export", "moderate"},
    },
    "idea hidden": {
        "anonymous": {"see"},
        "resident": {"see", "post"},
        "author": {"see", "post"},
        "suspended": {"see"},
        "facilitator": {"see", "post", "seed", "facilitate", "export"},
        "outside facilitator": {"see", "post"},
        "officer": {"see", "post", "seed", "facilitate", "export", "moderate"},
    },
}


def allowed(user: Any, conversation: Conversation, idea: Idea) -> set[str]:
    if not permissions.can_see_conversation(user, conversation):
        return set()
    checks = {
        "see": True,
        "post": permissions.can_post_idea(user, conversation),
        "seed": permissions.can_seed_idea(user, conversation),
        "comment": permissions.can_comment(user, idea),
        "rate": permissions.can_rate(user, idea),
        "report": permissions.can_report(user, idea),
        "facilitate": permissions.can_facilitate(user, conversation),
        "export": permissions.can_export(user, conversation),
        "moderate": permissions.can_moderate(user),
    }
    return {action for action, ok in checks.items() if ok}


@pytest.fixture
def people(alice: User, bob: User, fran: User, olwen: User) -> dict[str, Any]:
    from django.contrib.auth.models import AnonymousUser

    return {
        "anonymous": AnonymousUser(),
        "resident": alice,
        "author": bob,
        "suspended": suspended(),
        "facilitator": fran,
        "outside facilitator": other_facilitator(),
        "officer": olwen,
    }


def put_in_state(conversation: Conversation, idea: Idea, state: str) -> None:
    if state == "posting paused":
        conversation.posting_open = False
    elif state == "rating paused":
        conversation.rating_open = False
    elif state == "closed":
        conversation.status = Conversation.Status.CLOSED
    elif state == "draft":
        conversation.status = Conversation.Status.DRAFT
    elif state == "idea waiting for review":
        idea.status = ContentStatus.PENDING
    elif state == "idea hidden":
        idea.status = ContentStatus.HIDDEN
    conversation.save()
    idea.save()


@pytest.mark.parametrize("state", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_exactly_what_the_matrix_says(
    role: str, state: str, people: dict[str, Any], conversation: Conversation, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    put_in_state(conversation, idea, state)
    conversation.refresh_from_db()
    idea = Idea.objects.select_related("conversation").get(pk=idea.pk)
    assert allowed(people[role], conversation, idea) == EXPECTED[state][role]


def test_a_suspension_that_has_ended_no_longer_stops_anyone(conversation: Conversation, bob: User) -> None:
    from datetime import timedelta

    from django.utils import timezone

    idea = make_idea(conversation, bob)
    carol = suspended()
    User.objects.filter(pk=carol.pk).update(suspended_until=timezone.now() - timedelta(minutes=1))
    carol.refresh_from_db()
    assert allowed(carol, conversation, idea) == RESIDENT


def test_an_officer_cannot_suspend_another_officer_or_themselves(
    olwen: User, alice: User, fran: User
) -> None:
    other_officer = User.objects.create_user(
        email="sian@council.example.org", display_name="Sian", is_staff=True
    )
    assert permissions.can_suspend(olwen, alice)
    assert permissions.can_suspend(olwen, fran)
    assert not permissions.can_suspend(olwen, olwen)
    assert not permissions.can_suspend(olwen, other_officer)
    assert not permissions.can_suspend(fran, alice)
