"""Who may do what in a conversation: plain predicates, used by views, templates and services.

Seeing a conversation at all is ``can_see_conversation`` (views answer 404 otherwise), and
nothing else is allowed without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import ContentStatus, Conversation, Idea, OrganisationRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from vocaleyes.models import User

    Person = User | AnonymousUser


def is_facilitator(user: Person, conversation: Conversation) -> bool:
    """A facilitator of the organisation that runs the conversation (one query, remembered on
    the conversation object for the rest of the request)."""
    if not user.is_authenticated:
        return False
    known: dict[int, bool] = conversation.__dict__.setdefault("_facilitators", {})
    if user.pk not in known:
        known[user.pk] = OrganisationRole.objects.filter(
            organisation_id=conversation.organisation_id,
            user_id=user.pk,
            role=OrganisationRole.Role.FACILITATOR,
        ).exists()
    return known[user.pk]


def remember_facilitator(user: Person, conversation: Conversation, facilitates: bool) -> None:
    """Record what a query already found out, so ``is_facilitator`` need not ask again."""
    conversation.__dict__.setdefault("_facilitators", {})[user.pk] = facilitates


def can_see_conversation(user: Person, conversation: Conversation) -> bool:
    """Listed conversations are for everyone; drafts and invitation-only ones for staff and the
    organisation's facilitators (invitations arrive with target groups). One query at most."""
    if conversation.is_listed:
        return True
    if not user.is_authenticated:
        return False
    return bool(user.is_staff) or is_facilitator(user, conversation)


def can_take_part(user: Person, conversation: Conversation) -> bool:
    """Post, comment and rate: anyone signed in who can see the conversation, while it is open."""
    return (
        bool(user.is_authenticated and user.is_active)
        and conversation.is_open
        and can_see_conversation(user, conversation)
    )


def can_post_idea(user: Person, conversation: Conversation) -> bool:
    return can_take_part(user, conversation)


def can_seed_idea(user: Person, conversation: Conversation, *, facilitator: bool | None = None) -> bool:
    """Facilitators of the organisation (and council officers) bring in ideas from elsewhere.

    Pass ``facilitator`` when the caller already knows, to save the query.
    """
    if not can_take_part(user, conversation):
        return False
    if user.is_staff:
        return True
    return is_facilitator(user, conversation) if facilitator is None else facilitator


def can_comment(user: Person, idea: Idea) -> bool:
    return can_take_part(user, idea.conversation) and idea.status == ContentStatus.PUBLISHED


def can_rate(user: Person, idea: Idea) -> bool:
    """Everyone taking part rates other people's ideas; your own idea is not yours to score."""
    return can_comment(user, idea) and idea.author_id != user.pk


def can_edit_idea(user: Person, idea: Idea, *, has_ratings: bool) -> bool:
    """Authors edit their own idea until someone has rated it: after that, people's ratings
    would be about words that are no longer there."""
    return (
        can_take_part(user, idea.conversation)
        and idea.author_id == user.pk
        and idea.status == ContentStatus.PUBLISHED
        and not has_ratings
    )
