"""Writes of ideas, comments and ratings, and a conversation's participation setting."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from vocaleyes.errors import Refusal
from vocaleyes.permissions import check_not_suspended, is_suspended, suspension_message

from .. import permissions, ranking_store, rating_store
from ..models import (
    Comment,
    ContentStatus,
    Conversation,
    Idea,
    Rating,
    RatingValue,
    SharedSeed,
)
from ..ranking_runs import ranking_schedule

if TYPE_CHECKING:
    from vocaleyes.models import User


# --- Ideas ---------------------------------------------------------------------------------


def idea_create_refusal(*, conversation: Conversation, author: User) -> Refusal | None:
    """Why ``author`` may not post an idea here (None when they may)."""
    if permissions.can_post_idea(author, conversation):
        return None
    return Refusal(permissions.refusal_message(author, conversation, "post"), forbidden=True)


def idea_create(
    *,
    conversation: Conversation,
    author: User,
    title: str,
    body: str,
    language: str,
    source_note: str = "",
    seed: SharedSeed | None = None,
) -> Idea:
    """Post an idea (or, with a ``source_note``, seed one: only facilitators may).

    In a conversation with pre-moderation, a resident's idea waits for an officer's approval
    (status pending); facilitators' and officers' ideas are published at once.
    """
    if refusal := idea_create_refusal(conversation=conversation, author=author):
        raise refusal
    source_note = source_note.strip()
    # Whether the author facilitates here costs a query: asked only when it matters.
    facilitating = (source_note or conversation.premoderation) and permissions.can_facilitate(
        author, conversation
    )
    if source_note and not facilitating:
        raise Refusal(_("Only the conversation's facilitators can seed ideas."), forbidden=True)
    held = conversation.premoderation and not facilitating
    with transaction.atomic():
        idea = Idea.objects.create(
            conversation=conversation,
            author=author,
            title=title.strip(),
            body=body.strip(),
            language=language,
            is_seeded=bool(source_note),
            source_note=source_note,
            seed=seed,
            status=ContentStatus.PENDING if held else ContentStatus.PUBLISHED,
        )
        # The snapshot row exists from the start (unranked), so the idea is listed at once, and
        # the next ranking run gives it its place.
        ranking_store.add_idea(idea)
        transaction.on_commit(partial(ranking_schedule, conversation_id=conversation.pk))
    return idea


def seed_across_refusal(*, user: User, conversations: Iterable[Conversation]) -> Refusal | None:
    """Why ``user`` may not seed one idea into these conversations (None when they may)."""
    if is_suspended(user):
        return Refusal(suspension_message(user), forbidden=True)
    chosen = list(conversations)
    if not chosen:
        return Refusal(_("Choose at least one conversation to seed the idea into."), field="conversations")
    for conversation in chosen:
        if not permissions.can_facilitate(user, conversation):
            message = _("You can only seed ideas into the conversations of organisations you facilitate.")
            return Refusal(message, field="conversations", forbidden=True)
    for conversation in chosen:
        if not permissions.can_seed_idea(user, conversation):
            reason = permissions.refusal_message(user, conversation, "post")
            message = _("“%(conversation)s”: %(reason)s") % {
                "conversation": conversation.title,
                "reason": reason,
            }
            return Refusal(message, field="conversations", forbidden=True)
    if len({conversation.organisation_id for conversation in chosen}) > 1:
        return Refusal(
            _(
                "Choose conversations of one organisation: its facilitators compare the ratings "
                "of the idea's copies."
            ),
            field="conversations",
        )
    return None


def seed_across(
    *,
    user: User,
    conversations: Iterable[Conversation],
    title: str,
    body: str,
    source_note: str,
    language: str = "en",
) -> SharedSeed:
    """Seed one idea into several conversations at once: a ``SharedSeed`` and one seeded idea
    per conversation, each posted through ``idea_create`` (so each gets its ranking row and its
    conversation's recompute is queued, as for any new idea). All or nothing: one refusal and
    no seed nor idea is written."""
    chosen = list({conversation.pk: conversation for conversation in conversations}.values())
    if refusal := seed_across_refusal(user=user, conversations=chosen):
        raise refusal
    source_note = source_note.strip()
    if not source_note:
        message = _("Say where this idea comes from, for example “Best practice from Cardiff”.")
        raise Refusal(message, field="source_note")
    with transaction.atomic():
        seed = SharedSeed.objects.create(
            organisation_id=chosen[0].organisation_id,
            title=title.strip(),
            body=body.strip(),
            language=language,
            source_note=source_note,
            created_by=user,
        )
        for conversation in chosen:
            idea_create(
                conversation=conversation,
                author=user,
                title=title,
                body=body,
                language=language,
                source_note=source_note,
                seed=seed,
            )
    return seed


def idea_update_refusal(*, idea: Idea, editor: User, has_ratings: bool) -> Refusal | None:
    """Why ``editor`` may not change this idea (None when they may)."""
    if permissions.can_edit_idea(editor, idea, has_ratings=has_ratings):
        return None
    if idea.author_id == editor.pk and not permissions.can_post_idea(editor, idea.conversation):
        message = permissions.refusal_message(editor, idea.conversation, "post")
    elif has_ratings:
        message = _("This idea has been rated, so it can no longer be changed.")
    else:
        message = _("You can only change your own ideas while the conversation is open.")
    return Refusal(message, forbidden=True)


def idea_update(*, idea: Idea, editor: User, title: str, body: str, language: str) -> Idea:
    """Change an idea's words; only its author, and only while nobody has rated it."""
    with transaction.atomic():
        # FOR UPDATE (not NO KEY UPDATE) conflicts with the FOR KEY SHARE lock that inserting a
        # rating takes on its idea, so an edit and a first rating cannot both get through: the
        # one that comes second waits, then sees the other.
        locked = Idea.objects.select_for_update().select_related("conversation").get(pk=idea.pk)
        has_ratings = Rating.objects.filter(
            conversation_id=locked.conversation_id, idea_id=locked.pk
        ).exists()
        if refusal := idea_update_refusal(idea=locked, editor=editor, has_ratings=has_ratings):
            raise refusal
        locked.title = title.strip()
        locked.body = body.strip()
        locked.language = language
        locked.save(update_fields=["title", "body", "language", "updated"])
    return locked


# --- Comments ------------------------------------------------------------------------------


def comment_create(
    *, idea: Idea, author: User, body: str, parent: Comment | None = None, language: str = ""
) -> Comment:
    """Comment on an idea, or reply to one of its top-level comments (one level of replies).
    ``language`` is the one the comment is written in ("en", "cy"; "" when unknown)."""
    if not permissions.can_comment(author, idea):
        raise Refusal(permissions.refusal_message(author, idea.conversation, "comment"), forbidden=True)
    if parent is not None and (
        parent.idea_id != idea.pk or parent.parent_id is not None or parent.status != ContentStatus.PUBLISHED
    ):
        raise Refusal(_("You can only reply to a comment on this idea, not to a reply."), field="body")
    with transaction.atomic():
        comment = Comment.objects.create(
            idea=idea,
            author=author,
            parent=parent,
            body=body.strip(),
            language=language if language in dict(settings.LANGUAGES) else "",
        )
        # F() makes the increment one UPDATE in the database, so concurrent comments all count.
        Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
    return comment


# --- Ratings -------------------------------------------------------------------------------


def rating_set(*, idea: Idea, user: User, value: int) -> Rating:
    """Give or change a person's rating of an idea, then queue the conversation's ranking.

    One rating per person per idea is the ``one_rating_per_person_per_idea`` constraint; the
    write is an upsert against it (INSERT … ON CONFLICT DO UPDATE), so two requests racing for
    the same person and idea both succeed and leave one row holding the later value, where a
    read-then-write would let one of them fail on the constraint.
    """
    if value not in RatingValue.values:
        raise Refusal(_("Choose how important this idea is, from 1 to 5."), field="value")
    _check_can_rate(idea=idea, user=user)
    now = timezone.now()
    # Written out (rating_store: the ORM's upsert costs a tenth of the request more). Outside a
    # transaction on_commit runs at once; inside a caller's, after that commits.
    rating_id, created = rating_store.upsert(
        idea_id=idea.pk, user_id=user.pk, conversation_id=idea.conversation_id, value=value, now=now
    )
    transaction.on_commit(partial(ranking_schedule, conversation_id=idea.conversation_id))
    return Rating(
        id=rating_id,
        idea=idea,
        user=user,
        conversation_id=idea.conversation_id,
        value=value,
        created=created,
        updated=now,
    )


def rating_delete(*, idea: Idea, user: User) -> bool:
    """Take back this person's rating of the idea (the API's ``DELETE .../my-rating/``) and queue
    the conversation's ranking; False when they had not rated it (nothing changes). Allowed
    while they could give one: not while suspended, nor once the conversation has closed or
    paused rating, when the figures it is part of are the conversation's record."""
    _check_can_rate(idea=idea, user=user)
    with transaction.atomic():
        deleted, _rows = Rating.objects.filter(user_id=user.pk, idea_id=idea.pk).delete()
        if deleted:
            transaction.on_commit(partial(ranking_schedule, conversation_id=idea.conversation_id))
    return bool(deleted)


def _check_can_rate(*, idea: Idea, user: User) -> None:
    if not permissions.can_rate(user, idea):
        if idea.author_id == user.pk:
            raise Refusal(_("You cannot rate your own idea."), forbidden=True)
        raise Refusal(permissions.refusal_message(user, idea.conversation, "rate"), forbidden=True)


# --- Facilitation --------------------------------------------------------------------------


def conversation_set_participation(
    *, conversation: Conversation, user: User, posting_open: bool, rating_open: bool
) -> Conversation:
    """Open or pause new ideas and comments, and rating, while the conversation stays open."""
    check_not_suspended(user)
    if not permissions.can_change_conversation(user, conversation):
        raise Refusal(_("Only the conversation's facilitators can change this."), forbidden=True)
    conversation.posting_open = posting_open
    conversation.rating_open = rating_open
    conversation.save(update_fields=["posting_open", "rating_open", "updated"])
    return conversation
