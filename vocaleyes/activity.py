"""Selectors for "Your activity" (issue 13): one person's ideas, comments, ratings, budget
ballots, budget project proposals and pledges, each with what became of it.

One query per section whatever its length: what happened to each row (the reason it was
hidden, whether a review was asked for and answered, the idea's rank, whether a round has been
counted, the time given against a pledge) comes as annotations. Each section holds the person's
most recent ``LIMIT`` rows, and says so when there are more.

Only the person's own rows are read; a rating or comment on someone else's idea that has since
been held back by moderation does not show that idea's title (``idea_shown``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from budgeting.models import Ballot, Proposal, Tally
from conversations.models import (
    Comment,
    ContentStatus,
    HoursGiven,
    Idea,
    ModerationDecision,
    Pledge,
    Rating,
    ReviewRequest,
)
from timecredits.amounts import format_minutes

if TYPE_CHECKING:
    from .models import User

LIMIT = 50

_T = TypeVar("_T")


@dataclass
class Section(Generic[_T]):
    """Up to ``LIMIT`` of the person's most recent rows of one kind, and whether there are more."""

    rows: list[_T]
    more: bool


def _section(queryset: QuerySet[Any]) -> Section[Any]:
    rows = list(queryset[: LIMIT + 1])  # one more than shown, to know whether there are more
    return Section(rows=rows[:LIMIT], more=len(rows) > LIMIT)


def _moderation(queryset: QuerySet[Any], kind: str, user: User) -> QuerySet[Any]:
    """With ``hidden_reason`` (the latest hiding's reason), and ``review_asked`` (when the
    person asked for a review, if they did) and ``review_answered``."""
    hidings = ModerationDecision.objects.filter(
        **{kind: OuterRef("pk")}, action=ModerationDecision.Action.HIDE
    ).order_by("-created", "-pk")
    reviews = ReviewRequest.objects.filter(**{kind: OuterRef("pk")}, author=user)
    return queryset.annotate(
        hidden_reason=Subquery(hidings.values("reason")[:1]),
        review_asked=Subquery(reviews.values("created")[:1]),
        review_answered=Exists(reviews.filter(decision__isnull=False)),
    )


def ideas(user: User) -> Section[Idea]:
    """Their ideas, newest first, with their status, rank and moderation."""
    queryset = (
        Idea.objects.filter(author=user)
        .select_related("conversation")
        .annotate(rank=F("ranking__rank"))
        .order_by("-created", "-pk")
    )
    return _section(_moderation(queryset, "idea", user))


def comments(user: User) -> Section[Comment]:
    """Their comments, newest first, with their status and moderation, and whether the idea
    they are on is shown (or is their own)."""
    queryset = (
        Comment.objects.filter(author=user)
        .select_related("idea__conversation")
        .annotate(idea_shown=Q(idea__status=ContentStatus.PUBLISHED) | Q(idea__author=user))
        .order_by("-created", "-pk")
    )
    return _section(_moderation(queryset, "comment", user))


def ratings(user: User) -> Section[Rating]:
    """Their ratings, most recently changed first, and whether each idea is still shown."""
    return _section(
        Rating.objects.filter(user=user)
        .select_related("idea__conversation")
        .annotate(idea_shown=Q(idea__status=ContentStatus.PUBLISHED))
        .order_by("-updated", "-pk")
    )


def ballots(user: User) -> Section[Ballot]:
    """Their budget ballots, newest first, and whether their round has been counted."""
    counted = Tally.objects.filter(round=OuterRef("round"), status=Tally.Status.DONE)
    return _section(
        Ballot.objects.filter(voter=user)
        .select_related("round")
        .annotate(counted=Exists(counted))
        .order_by("-created", "-pk")
    )


def proposals(user: User) -> Section[Proposal]:
    """Their budget project proposals, newest first, with the facilitators' decision and reason
    (hidden ones are not shown, as nowhere else)."""
    return _section(
        Proposal.objects.visible()
        .filter(proposer=user)
        .select_related("round", "project")
        .order_by("-created", "-pk")
    )


def pledges(user: User) -> Section[Pledge]:
    """Their pledges, newest first, with the time given and credited against each."""
    given = (
        HoursGiven.objects.filter(pledge=OuterRef("pk"))
        .order_by()
        .values("pledge")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    section = _section(
        Pledge.objects.filter(person=user)
        .select_related("group")
        .annotate(minutes_given=Coalesce(Subquery(given), Value(0), output_field=IntegerField()))
        .order_by("-created", "-pk")
    )
    for pledge in section.rows:
        # In words, in the language of the page ("3 hours", "1 awr 30 munud").
        pledge.time_pledged = format_minutes(pledge.minutes) if pledge.kind == Pledge.Kind.HOURS else ""
        pledge.time_given = format_minutes(pledge.minutes_given) if pledge.minutes_given else ""
    return section
