"""Organisation pages: the list of organisations by level, and each organisation's page with,
for a regional or national one, the roll-up: its member organisations' open conversations'
ideas ranked together ("Priorities across …").

The roll-up's order is stored like any other ranking (``conversations.ranking_store``, the
organisation's ``RankingSummary``, computed by ``ranking_runs.roll_up_recompute``): a page is a
slice of the stored order and then those ideas, so page 100 costs what page 1 costs. Only
public, open conversations count (never invitation-only or draft ones) and only visible ideas
are shown, checked again here for anything that changed since the last run: an idea hidden or
a conversation closed or made invitation-only since then leaves a gap until the next run.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from conversations import ranking_store
from conversations.listing import IdeaWindow
from conversations.models import (
    Comment,
    ContentStatus,
    Conversation,
    Idea,
    IdeaRanking,
    RankingSummary,
    Rating,
)
from conversations.permissions import can_start_conversation

from .models import Organisation

IDEAS_PER_PAGE = 20


def _open_conversations(organisation: Organisation, *, with_members: bool) -> list[Conversation]:
    """The organisation's public, open conversations (never invitation-only or draft ones);
    ``with_members``, its members' too: the conversations its roll-up counts."""
    if with_members:
        conversations = ranking_store.Scope.of_organisation(organisation.pk).conversations()
    else:
        conversations = Conversation.objects.open().filter(
            organisation=organisation, visibility=Conversation.Visibility.PUBLIC
        )
    return list(conversations.select_related("organisation").order_by("-created", "pk"))


def _participant_count(conversation_ids: list[int]) -> int:
    """How many different people took part in these conversations: wrote a visible idea or
    comment, or rated a visible idea. Each person once, however many conversations; one query
    (a UNION removes the repeats)."""
    if not conversation_ids:
        return 0
    authors = Idea.objects.visible().filter(conversation_id__in=conversation_ids).values("author_id")
    raters = Rating.objects.filter(
        conversation_id__in=conversation_ids, idea__status=ContentStatus.PUBLISHED
    ).values("user_id")
    commenters = (
        Comment.objects.visible()
        .filter(idea__conversation_id__in=conversation_ids, idea__status=ContentStatus.PUBLISHED)
        .values("author_id")
    )
    return authors.order_by().union(raters.order_by(), commenters.order_by()).count()


@dataclass(frozen=True)
class RolledUpIdea:
    """An idea in the roll-up, with its figures there (``IdeaRanking``: rank, score, ratings)."""

    idea: Idea
    figures: IdeaRanking


def _roll_up_window(summary: RankingSummary | None, conversations: dict[int, Conversation]) -> IdeaWindow:
    """The roll-up in priority order, for ``Paginator``: each page is a slice of the stored order
    (ranks ``start + 1`` to ``stop``), then two queries for those ideas and their figures."""
    ranked = summary.idea_count if summary is not None and summary.computed_at is not None else 0

    def fetch(start: int, stop: int) -> list[RolledUpIdea]:
        assert summary is not None  # nothing to fetch when nothing is ranked
        ids = ranking_store.ranked_ids(summary, start + 1, stop)
        if not ids:
            return []
        # Shown only if still visible and still in a public, open conversation of the roll-up.
        ideas = {
            idea.pk: idea
            for idea in Idea.objects.visible()
            .filter(pk__in=ids, conversation_id__in=list(conversations))
            .select_related("author")
        }
        figures = {row.idea_id: row for row in IdeaRanking.objects.filter(ranking=summary, idea_id__in=ids)}
        rows = []
        for pk in ids:
            if pk in ideas and pk in figures:
                idea = ideas[pk]
                idea.conversation = conversations[idea.conversation_id]
                rows.append(RolledUpIdea(idea=idea, figures=figures[pk]))
        return rows

    return IdeaWindow(ranked, fetch)  # type: ignore[arg-type]  # a window of RolledUpIdea


def organisation_list(request: HttpRequest) -> HttpResponse:
    """Organisations with at least one listed conversation, their own or a member's, by level."""
    organisations = list(Organisation.objects.order_by("name_en", "name_cy", "pk"))
    with_listed = set(
        Organisation.objects.filter(
            Exists(Conversation.objects.listed().filter(organisation_id=OuterRef("pk")))
        ).values_list("pk", flat=True)
    )
    parents = {organisation.pk: organisation.parent_id for organisation in organisations}
    shown: set[int] = set()
    for pk in with_listed:  # an organisation with conversations, and every one it is part of
        current: int | None = pk
        while current is not None and current not in shown:  # also stops a loop made by hand
            shown.add(current)
            current = parents.get(current)
    levels = []
    for level, label in reversed(Organisation.Level.choices):  # national first
        at_level = [o for o in organisations if o.pk in shown and o.level == level]
        if at_level:
            levels.append((label, at_level))
    return render(request, "organisations/organisation_list.html", {"levels": levels})


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation: what it is part of, its members, its open conversations and, when it
    has members, the roll-up of their ideas."""
    organisation = get_object_or_404(Organisation.objects.select_related("parent"), slug=slug)
    members = list(organisation.members.order_by("name_en", "name_cy", "pk"))
    context: dict[str, object] = {
        "organisation": organisation,
        "members": members,
        "can_start_conversation": can_start_conversation(request.user, organisation),
    }
    if not members:
        context["conversations"] = _open_conversations(organisation, with_members=False)
        return render(request, "organisations/organisation_detail.html", context)

    conversations = _open_conversations(organisation, with_members=True)
    summary = (
        RankingSummary.objects.filter(organisation=organisation).defer("ranked_ideas").first()
    )  # read, never made, by a page: the run makes it
    window = _roll_up_window(summary, {conversation.pk: conversation for conversation in conversations})
    page = Paginator(window, IDEAS_PER_PAGE).get_page(request.GET.get("page"))
    context.update(
        {
            "conversations": [c for c in conversations if c.organisation_id == organisation.pk],
            "roll_up_conversation_count": len(conversations),
            "participant_count": _participant_count([conversation.pk for conversation in conversations]),
            "ranking_summary": summary,
            "page": page,
        }
    )
    return render(request, "organisations/organisation_detail.html", context)
