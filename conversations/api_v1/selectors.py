"""The reads the conversations API needs beyond the apps' own querysets.

``conversations_visible_to`` is ``permissions.can_see_conversation`` as one queryset, for the
list of conversations (the predicate decides one conversation at a time;
``tests/api/test_conversations_read.py`` checks the two agree, state by state and person by
person). Everything else the API reads comes from ``Idea.objects.visible()``,
``Comment.objects.visible()`` and ``conversations.listing``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from vocaleyes.models import GroupMembership
from vocaleyes.permissions import facilitator_roles, is_officer, remember_facilitator

from .. import permissions
from ..models import Conversation, ConversationQuerySet, Idea, IdeaQuerySet, RankingSummary

if TYPE_CHECKING:
    from ..permissions import Person

LISTED = Q(
    visibility=Conversation.Visibility.PUBLIC,
    status__in=[Conversation.Status.OPEN, Conversation.Status.CLOSED],
)


def conversations_visible_to(user: Person) -> ConversationQuerySet:
    """The conversations this person may see: listed ones for everyone; every one for officers;
    their organisations' (drafts too) for facilitators; invitation-only ones that are not
    drafts for the members of their target groups."""
    conversations = Conversation.objects.select_related("organisation")
    if is_officer(user):
        return conversations.all()
    if not user.is_authenticated:
        return conversations.filter(LISTED)
    facilitates = Exists(facilitator_roles(user.pk).filter(organisation_id=OuterRef("organisation_id")))
    member = Exists(GroupMembership.objects.filter(user_id=user.pk, group__conversations=OuterRef("pk")))
    invited = (
        Q(visibility=Conversation.Visibility.INVITATION) & ~Q(status=Conversation.Status.DRAFT) & Q(member)
    )
    return conversations.filter(LISTED | Q(facilitates) | invited)


def conversation_for(user: Person, slug: str) -> Conversation:
    """The conversation, as the pages give it (``views._get_conversation_for_user``): 404 for
    anyone who may not see it, 403 ``ByInvitation`` for an invitation-only one they are not
    in. Whether the person facilitates there comes in the same query."""
    conversations = Conversation.objects.select_related("organisation")
    if user.is_authenticated:
        conversations = conversations.annotate(
            viewer_facilitates=Exists(
                facilitator_roles(user.pk).filter(organisation_id=OuterRef("organisation_id"))
            )
        )
    conversation: Conversation = get_object_or_404(conversations, slug=slug)
    if user.is_authenticated:
        remember_facilitator(user, conversation.organisation_id, conversation.viewer_facilitates)  # type: ignore[attr-defined]
    permissions.check_can_see(user, conversation)
    return conversation


def idea_for(user: Person, pk: int, ideas: IdeaQuerySet | None = None) -> Idea:
    """A visible idea (of ``ideas``) in a conversation this person may see, with its
    conversation (one query, two for an unlisted conversation); 404 otherwise, as the idea
    page answers for an idea waiting for review or hidden."""
    ideas = Idea.objects.all() if ideas is None else ideas
    idea: Idea = get_object_or_404(ideas.visible().with_conversation(), pk=pk)
    permissions.check_can_see(user, idea.conversation)
    return idea


def stored_ranking(conversation: Conversation, order: str) -> RankingSummary | None:
    """The stored ranking an order reads (``views._order_summary``): the conversation's own for
    priority (and for newest, which takes only its length from it), a fair order's own for
    representative and consensus. One query whichever it is."""
    rankings = RankingSummary.objects.defer("ranked_ideas")
    if order in ("representative", "consensus"):
        return rankings.filter(variant_of=conversation, order=order).first()
    return rankings.filter(conversation=conversation).first()
