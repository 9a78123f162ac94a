"""The conversation page's list of ideas: which ideas, in which order, a page at a time.

A national conversation has 50,000 ideas, and a page deep in the list must cost what the first
one costs. Three techniques keep it so, each a few cheap queries whatever the page or the size:

* Priority order pages are slices of the stored order (``ranking_store.ranked_ids``: idea ids
  best first, 8 bytes each): page 100 reads the 160 bytes for ranks 1,981 to 2,000, then
  loads those twenty ideas, rather than walking 1,980 rows with an OFFSET. Ideas posted
  since the last run (ids above ``last_idea_id``) are not ranked yet and follow, oldest first.
  An idea hidden since the run leaves a gap (that page shows one idea fewer) until the next
  run closes it; an idea shown again after being hidden rejoins the order at the next run.
* Other orders (newest, most discussed) and filtered lists (search, "not yet rated by me")
  find the page's idea ids first, from an index (a search's from the trigram indexes
  ``search.matching`` is served by on Postgres), and then load those twenty ideas with their
  author and snapshot: the joins are paid for twenty rows, not for every row skipped.
* Unfiltered lists take their length from the snapshot (ideas ranked at the last run, plus
  those posted since), not from a COUNT over every idea; only filtered lists count.

Every list starts from ``Idea.objects.visible()``: nothing moderation hides is ever shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, overload

import numpy as np
from django.db.models import Exists, OuterRef

from . import ranking_store, search
from .models import Conversation, Idea, IdeaQuerySet, RankingSummary, Rating

# Orders read from a stored ranking other than the conversation's own: the representative and
# consensus orders, and a target group's priority order (``"group"``, facilitators only).
FAIR_ORDERS = frozenset({"representative", "consensus", "group"})
STORED_ORDERS = FAIR_ORDERS | {"priority"}

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    Viewer = AbstractBaseUser | AnonymousUser


class IdeaWindow:
    """What ``django.core.paginator.Paginator`` needs from a list: its length, known up front,
    and slices, each fetched by ``fetch(start, stop)``."""

    def __init__(self, count: int, fetch: Callable[[int, int], list[Idea]]) -> None:
        self._count = count
        self._fetch = fetch

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Idea]:
        return iter(self[0 : self._count])

    @overload
    def __getitem__(self, index: int) -> Idea: ...
    @overload
    def __getitem__(self, index: slice) -> list[Idea]: ...
    def __getitem__(self, index: int | slice) -> Idea | list[Idea]:
        if isinstance(index, int):
            return self._fetch(index, index + 1)[0]
        start, stop = index.start or 0, min(index.stop or self._count, self._count)
        return self._fetch(start, stop) if stop > start else []


def _person_id(viewer: Viewer) -> int:
    """The viewer's id, for "not yet rated by me" (which the page offers only to people signed in)."""
    if viewer.pk is None:
        raise ValueError("'Not yet rated by me' needs someone signed in.")
    return int(viewer.pk)


def _load(conversation: Conversation, ids: list[int], viewer: Viewer) -> list[Idea]:
    """These ideas, with author, snapshot and the viewer's rating (and when they gave it, so the
    card can say whether its figures count it yet), in the order given."""
    if not ids:
        return []
    ideas_found = Idea.objects.visible().with_listing().with_rating_by(viewer, when=True).filter(pk__in=ids)
    found = {idea.pk: idea for idea in ideas_found}
    ideas = [found[pk] for pk in ids if pk in found]
    for idea in ideas:
        idea.conversation = conversation
    return ideas


def _ranked_count(summary: RankingSummary | None) -> int:
    return summary.idea_count if summary is not None and summary.computed_at is not None else 0


def _unranked(conversation: Conversation, summary: RankingSummary | None) -> IdeaQuerySet:
    """Visible ideas posted since the last ranking run: a range of the primary key."""
    last = summary.last_idea_id if summary is not None and summary.computed_at is not None else 0
    return Idea.objects.visible().filter(conversation=conversation, pk__gt=last)


def _rank_of(position: int, skipped: list[int]) -> int:
    """The rank holding the ``position``-th idea (from 1) once the ``skipped`` ranks (sorted)
    are left out."""
    rank = position
    for skipped_rank in skipped:
        if skipped_rank > rank:
            break
        rank += 1
    return rank


def _priority_window(
    conversation: Conversation, summary: RankingSummary | None, viewer: Viewer, *, unrated: bool = False
) -> IdeaWindow:
    """Priority order; with ``unrated``, leaving out the ideas the viewer rated or wrote ("not yet rated
    by me"). Those are few, so their ranks are fetched and stepped over in the stored order."""
    ranked = _ranked_count(summary)
    unranked = _unranked(conversation, summary)
    skipped_ids: set[int] = set()
    skipped_ranks: list[int] = []
    if unrated:
        user_id = _person_id(viewer)
        rated = Rating.objects.filter(user_id=user_id, conversation=conversation).values("idea_id")
        written = Idea.objects.filter(conversation=conversation, author_id=user_id).values("pk")
        if summary is not None:
            for idea_id, rank in ranking_store.ranks_of(summary, rated, written):
                skipped_ids.add(idea_id)
                if rank is not None and rank <= ranked:
                    skipped_ranks.append(rank)
        skipped_ranks.sort()
        unranked = unranked.exclude(author_id=user_id).exclude(
            Exists(Rating.objects.filter(user_id=user_id, idea_id=OuterRef("pk")))
        )
    shown_ranked = ranked - len(skipped_ranks)
    count = shown_ranked + unranked.count()

    def fetch(start: int, stop: int) -> list[Idea]:
        ideas: list[Idea] = []
        if start < shown_ranked:
            wanted = min(stop, shown_ranked) - start
            first = _rank_of(start + 1, skipped_ranks)
            last = min(ranked, first + wanted - 1 + len(skipped_ranks))
            assert summary is not None  # ranked ideas come from a summary
            ranked_ids = ranking_store.ranked_ids(summary, first, last)
            ids = [pk for pk in ranked_ids if pk not in skipped_ids]
            ideas += _load(conversation, ids[:wanted], viewer)
        if stop > shown_ranked:
            tail = unranked.with_listing().with_rating_by(viewer, when=True).order_by("pk")
            ideas += list(tail[max(0, start - shown_ranked) : stop - shown_ranked])
        for idea in ideas:
            idea.conversation = conversation
        return ideas

    return IdeaWindow(count, fetch)


def _ordered_window(
    conversation: Conversation, ordered: IdeaQuerySet, count: int, viewer: Viewer
) -> IdeaWindow:
    def fetch(start: int, stop: int) -> list[Idea]:
        ids = list(ordered.values_list("pk", flat=True)[start:stop])
        return _load(conversation, ids, viewer)

    return IdeaWindow(count, fetch)


def _fair_filtered_window(
    conversation: Conversation, summary: RankingSummary | None, ideas: IdeaQuerySet, viewer: Viewer
) -> IdeaWindow:
    """A search in a fair order: the matching ideas' ids, put in that order by their place in
    the stored order (read whole: 400 kB at 50,000 ideas), ideas not ranked there yet after
    them, oldest first. A fair order keeps no idea rows to sort by (``ranking_store``)."""
    matching = np.fromiter(ideas.order_by("pk").values_list("pk", flat=True), dtype=np.int64)
    stored = np.asarray(ranking_store.order_of(summary) if summary is not None else [], dtype=np.int64)
    place = np.full(len(matching), len(stored), dtype=np.int64)  # not ranked: after the rest
    if len(stored) and len(matching):
        by_id = np.argsort(stored)
        where = np.minimum(np.searchsorted(stored[by_id], matching), len(stored) - 1)
        found = stored[by_id][where] == matching
        place[found] = by_id[where][found]
    ordered = matching[np.lexsort((matching, place))].tolist()

    def fetch(start: int, stop: int) -> list[Idea]:
        return _load(conversation, ordered[start:stop], viewer)

    return IdeaWindow(len(ordered), fetch)


def idea_window(
    conversation: Conversation,
    summary: RankingSummary | None,
    *,
    sort: str,
    query: str = "",
    viewer: Viewer,
) -> IdeaWindow:
    """The conversation's visible ideas in ``sort`` order, searched for ``query``; for
    ``"unrated"``, those the ``viewer`` has neither rated nor written. Each idea comes with the
    viewer's own rating of it (``my_rating``). ``summary`` is the stored ranking of the order:
    the conversation's own, or for a fair order (``FAIR_ORDERS``) that order's."""
    ideas = Idea.objects.visible().filter(conversation=conversation)
    filtered = bool(query) or sort == "unrated"
    if query:
        ideas = search.matching(ideas, query)
    if sort == "unrated":
        user_id = _person_id(viewer)
        mine = Rating.objects.filter(user_id=user_id, idea_id=OuterRef("pk"))
        ideas = ideas.exclude(author_id=user_id).exclude(Exists(mine))

    if sort in STORED_ORDERS and not query:
        return _priority_window(conversation, summary, viewer)
    if sort == "unrated" and not query:
        return _priority_window(conversation, summary, viewer, unrated=True)
    # Filtered lists are counted; unfiltered ones hold every visible idea, as the snapshot does.
    count = ideas.count() if filtered else _ranked_count(summary) + _unranked(conversation, summary).count()
    if sort == "newest":
        ideas = ideas.order_by("-created", "-pk")
    elif sort == "discussed":
        ideas = ideas.order_by("-comment_count", "-pk")
    elif sort in FAIR_ORDERS:
        return _fair_filtered_window(conversation, summary, ideas, viewer)
    else:  # priority order, filtered: ranked ideas by rank, then unranked ones by age
        ideas = ideas.in_priority_order()
    return _ordered_window(conversation, ideas, count, viewer)
