"""Who may do what, as a matrix of role by conversation state (``conversations.permissions``)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from conversations import permissions
from conversations.models import ContentStatus, Conversation
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "resident", "author", "facilitator", "officer"]
STATES = ["open", "closed", "draft", "invitation"]

# role: state -> (see, post, seed, rate, comment, edit an unrated idea of theirs)
EXPECTED = {
    "anonymous": {
        "open": (True, False, False, False, False, False),
        "closed": (True, False, False, False, False, False),
        "draft": (False, False, False, False, False, False),
        "invitation": (False, False, False, False, False, False),
    },
    "resident": {
        "open": (True, True, False, True, True, False),
        "closed": (True, False, False, False, False, False),
        "draft": (False, False, False, False, False, False),
        "invitation": (False, False, False, False, False, False),
    },
    "author": {
        "open": (True, True, False, False, True, True),
        "closed": (True, False, False, False, False, False),
        "draft": (False, False, False, False, False, False),
        "invitation": (False, False, False, False, False, False),
    },
    "facilitator": {
        "open": (True, True, True, True, True, False),
        "closed": (True, False, False, False, False, False),
        "draft": (True, False, False, False, False, False),
        "invitation": (True, True, True, True, True, False),
    },
    "officer": {
        "open": (True, True, True, True, True, False),
        "closed": (True, False, False, False, False, False),
        "draft": (True, False, False, False, False, False),
        "invitation": (True, True, True, True, True, False),
    },
}


def _conversation(organisation: Organisation, state: str) -> Conversation:
    if state == "invitation":
        return make_conversation(organisation, slug=state, visibility=Conversation.Visibility.INVITATION)
    status = {
        "open": Conversation.Status.OPEN,
        "closed": Conversation.Status.CLOSED,
        "draft": Conversation.Status.DRAFT,
    }
    # Ideas are posted while open; the state is set afterwards.
    return make_conversation(organisation, slug=state, status=status[state])


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(
    role: str, state: str, organisation: Organisation, alice: User, bob: User, fran: User, olwen: User
) -> None:
    conversation = make_conversation(organisation, slug=f"{state}-c")
    idea = make_idea(conversation, bob)
    final = _conversation(organisation, state)
    Conversation.objects.filter(pk=conversation.pk).update(status=final.status, visibility=final.visibility)
    conversation.refresh_from_db()
    idea.conversation = conversation
    people: dict[str, User | AnonymousUser] = {
        "anonymous": AnonymousUser(),
        "resident": alice,
        "author": bob,
        "facilitator": fran,
        "officer": olwen,
    }
    person = people[role]
    actual = (
        permissions.can_see_conversation(person, conversation),
        permissions.can_post_idea(person, conversation),
        permissions.can_seed_idea(person, conversation),
        permissions.can_rate(person, idea),
        permissions.can_comment(person, idea),
        permissions.can_edit_idea(person, idea, has_ratings=False),
    )
    assert actual == EXPECTED[role][state]


def test_nobody_edits_a_rated_idea_or_acts_on_a_hidden_one(
    conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    assert permissions.can_edit_idea(bob, idea, has_ratings=False)
    assert not permissions.can_edit_idea(bob, idea, has_ratings=True)
    idea.status = ContentStatus.HIDDEN
    assert not permissions.can_edit_idea(bob, idea, has_ratings=False)
    assert not permissions.can_rate(alice, idea)
    assert not permissions.can_comment(alice, idea)
