"""What the demo commands share: post ideas and give ratings that are not there yet, so each
command can run again and change nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from conversations import services
from conversations.models import Conversation, Idea, Rating
from vocaleyes.models import User


def ideas_posted(
    conversation: Conversation,
    rows: Iterable[tuple[User, str, str, str, str]],
) -> tuple[list[Idea], int]:
    """The conversation's ideas with these titles, each posted (author, title, body, language,
    source note; a source note seeds it) unless one with its title is there already; and how
    many were posted now."""
    ideas, created = [], 0
    for author, title, body, language, source_note in rows:
        idea = Idea.objects.filter(conversation=conversation, title=title).first()
        if idea is None:
            idea = services.idea_create(
                conversation=conversation,
                author=author,
                title=title,
                body=body,
                language=language,
                source_note=source_note,
            )
            created += 1
        ideas.append(idea)
    return ideas, created


def ratings_given(ideas: Sequence[Idea], ratings: Mapping[User, Sequence[int | None]]) -> int:
    """Each person's ratings of ``ideas`` in order (None: no rating), given where the person has
    not rated that idea yet; returns how many were given."""
    given = 0
    for person, values in ratings.items():
        for idea, value in zip(ideas, values, strict=True):
            if value is not None and not Rating.objects.filter(idea=idea, user=person).exists():
                services.rating_set(idea=idea, user=person, value=value)
                given += 1
    return given
