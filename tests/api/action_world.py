"""The action-group API's test world, shared by ``test_action_*`` (built through the services).

In ``organisation``'s open conversation ``wellbeing``:

- ``group``: forming, acting on one shown idea and one hidden idea; alice has a pledge in it
  (unconditional, 2 hours) and so has sam (a skill), made before sam is suspended;
- ``stopped``: a stopped group (takes no pledges);
- ``hidden``: a group whose only idea an officer has hidden (its page shows no idea; no pledges).

In ``elsewhere``'s draft conversation ``draft-elsewhere``: ``draft``, a forming group (seen by
that organisation's facilitator, huw, and officers only).

Ask for ``world`` before ``api_client`` in a test's arguments: ``api_client`` suspends sam, who
must have pledged first.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conversations import services
from conversations.models import ActionGroup, Conversation, Idea, Pledge
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea
from vocaleyes.models import Organisation, User


@dataclass
class World:
    conversation: Conversation
    draft_conversation: Conversation
    group: ActionGroup
    stopped: ActionGroup
    hidden: ActionGroup
    draft: ActionGroup
    shown_idea: Idea
    hidden_idea: Idea
    alice_pledge: Pledge
    sam_pledge: Pledge


def start_group(idea: Idea, by: User, name: str, *, ideas: list[Idea] | None = None) -> ActionGroup:
    return services.action_group_create(
        by=by,
        ideas=ideas or [idea],
        name_en=name,
        name_cy=f"{name} (cy)",
        purpose_en=f"What {name} is for.",
        purpose_cy="",
    )


@pytest.fixture
def world(
    conversation: Conversation,
    elsewhere: Organisation,
    people: dict[str, User | None],
) -> World:
    alice, fran, huw, olwen, sam = (
        people[actor] for actor in ("resident", "facilitator", "other_facilitator", "officer", "suspended")
    )
    assert alice and fran and huw and olwen and sam
    shown = make_idea(conversation, alice, "Clean the beach")
    to_hide = make_idea(conversation, alice, "A hidden idea")
    group = start_group(shown, fran, "Beach cleaners", ideas=[shown, to_hide])
    stopped = start_group(shown, fran, "Old litter pickers")
    services.action_group_set_status(by=fran, group=stopped, status=ActionGroup.Status.STOPPED)
    alone = make_idea(conversation, alice, "Only idea, soon hidden")
    hidden = start_group(alone, fran, "Hidden idea's group")
    for idea in (to_hide, alone):
        services.content_hide(item=idea, officer=olwen, reason="Abusive.")
    to_hide.refresh_from_db()

    draft_conversation = make_conversation(elsewhere, "draft-elsewhere")
    draft_idea = make_idea(draft_conversation, huw, "Gwynedd's idea")
    draft = start_group(draft_idea, huw, "Gwynedd group")
    # Back to draft (as an officer might in the admin): its group stays, unseen by outsiders.
    Conversation.objects.filter(pk=draft_conversation.pk).update(status=Conversation.Status.DRAFT)
    draft_conversation.refresh_from_db()

    alice_pledge = services.pledge_create(person=alice, group=group, kind=Pledge.Kind.HOURS, minutes=120)
    sam_pledge = services.pledge_create(
        person=sam, group=group, kind=Pledge.Kind.SKILL, description="Sam's secret skill"
    )
    return World(
        conversation=conversation,
        draft_conversation=draft_conversation,
        group=group,
        stopped=stopped,
        hidden=hidden,
        draft=draft,
        shown_idea=shown,
        hidden_idea=to_hide,
        alice_pledge=alice_pledge,
        sam_pledge=sam_pledge,
    )
