"""A shared seed's copies side by side: each conversation's ratings of its copy, and each target
group's members' ratings of it in every conversation (issue 11, "seeding across groups").

The page reads it in a fixed number of queries whatever the number of conversations and groups
(the tests count them): the copies with their tallies, the conversations' named groups, the
groups themselves, and every group's tallies in one aggregation over ratings joined to group
memberships.

Figures are withheld when fewer than ``MINIMUM_COUNT`` people gave them: with one or two
ratings in a cell, someone who knows who belongs to a group could tell how one person rated.
Taking the shown groups of a kind from everyone's figures must not give that away either, so a
further cell is withheld while what that subtraction leaves is one or two ratings
(``cells_to_withhold``): in a kind whose groups do not overlap (``audience.ONE_OF_KINDS``) the
groups are taken together, and each group of the other kinds on its own. Hidden copies
(moderated) are left out, as everywhere else (``Idea.objects.visible()``).
Nothing here names a person: figures are counts, averages and shares.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from vocaleyes.models import TargetGroup

from .audience import ONE_OF_KINDS
from .models import Conversation, Idea, Rating, SharedSeed

MINIMUM_COUNT = 3
IMPORTANT_FROM = 4  # "Very important" and "Essential"


@dataclass(frozen=True)
class Figures:
    """How one set of people rated a copy: how many, their average, and the share who rated it
    "very important" or "essential" (4 or 5). ``mean`` and ``important_share`` are None when the
    figures are withheld; the page then shows neither them nor the count."""

    count: int
    mean: float | None
    important_share: float | None

    @property
    def withheld(self) -> bool:
        return self.mean is None

    @property
    def too_few(self) -> bool:
        return self.count < MINIMUM_COUNT

    @property
    def important_percent(self) -> int | None:
        return None if self.important_share is None else round(100 * self.important_share)


def figures(count: int, total: int, important: int, *, withhold: bool = False) -> Figures:
    """Figures from a tally: the number of ratings, their sum and how many were 4 or 5;
    withheld when ``withhold`` says so or there are fewer than ``MINIMUM_COUNT`` ratings.

    >>> figures(4, 14, 2)
    Figures(count=4, mean=3.5, important_share=0.5)
    >>> figures(2, 10, 2).withheld
    True
    """
    if withhold or count < MINIMUM_COUNT:
        return Figures(count=count, mean=None, important_share=None)
    return Figures(count=count, mean=total / count, important_share=important / count)


def cells_to_withhold(everyone: int, counts: list[int]) -> list[bool]:
    """Which of a set of group cells to withhold, given how many rated in all (``everyone``)
    and in each group (groups that do not overlap). Cells under ``MINIMUM_COUNT`` are withheld;
    then, while everyone less the shown groups leaves one or two ratings (which subtraction
    would reveal), the smallest shown cell is withheld too.

    >>> cells_to_withhold(6, [2, 4])  # 6 - 4 would give the two ratings of the first group
    [True, True]
    >>> cells_to_withhold(10, [3, 4])  # 3 ratings are left over: nobody is singled out
    [False, False]
    >>> cells_to_withhold(8, [3, 4])  # one person with no group: hide the smaller group
    [True, False]
    """
    withheld = [count < MINIMUM_COUNT for count in counts]
    while True:
        left = everyone - sum(count for count, hidden in zip(counts, withheld, strict=True) if not hidden)
        shown = [index for index, hidden in enumerate(withheld) if not hidden]
        if not 0 < left < MINIMUM_COUNT or not shown:
            return withheld
        withheld[min(shown, key=lambda index: counts[index])] = True


@dataclass(frozen=True)
class Copy:
    """One conversation's copy of the seed, and how everyone there rated it."""

    idea: Idea
    conversation: Conversation
    figures: Figures


@dataclass(frozen=True)
class GroupRow:
    """A target group's members' figures, one per copy, in the order of the copies."""

    group: TargetGroup
    cells: list[Figures]


@dataclass(frozen=True)
class KindRows:
    kind: str
    label: str
    rows: list[GroupRow]


@dataclass(frozen=True)
class Comparison:
    copies: list[Copy]
    kinds: list[KindRows]


def _copies(seed: SharedSeed) -> list[Copy]:
    ideas = (
        Idea.objects.visible()
        .filter(seed=seed)
        .select_related("conversation")
        .annotate(
            n=Count("ratings"),
            total=Sum("ratings__value", default=0),
            important=Count("ratings", filter=Q(ratings__value__gte=IMPORTANT_FROM)),
        )
        .order_by()
    )
    copies = [
        Copy(idea=idea, conversation=idea.conversation, figures=figures(idea.n, idea.total, idea.important))  # type: ignore[attr-defined]
        for idea in ideas
    ]
    copies.sort(key=lambda copy: (str(copy.conversation.title).casefold(), copy.conversation.pk))
    return copies


def _groups(conversations: list[Conversation]) -> list[TargetGroup]:
    """The union of the conversations' target groups (``audience.groups_of`` for each: the
    groups a conversation names, or its organisation's when it names none), by kind and name,
    in two queries however many conversations there are."""
    if not conversations:
        return []
    links = Conversation.target_groups.through.objects.filter(
        conversation_id__in=[conversation.pk for conversation in conversations]
    ).values_list("conversation_id", "targetgroup_id")
    named: dict[int, set[int]] = {}
    for conversation_id, group_id in links:
        named.setdefault(conversation_id, set()).add(group_id)
    group_ids = set().union(*named.values()) if named else set()
    whole_organisations = {
        conversation.organisation_id for conversation in conversations if conversation.pk not in named
    }
    groups: QuerySet[TargetGroup] = TargetGroup.objects.filter(
        Q(pk__in=group_ids) | Q(organisation_id__in=whole_organisations)
    ).order_by("kind", "name_en", "pk")
    return list(groups)


def _group_tallies(ideas: list[int], groups: list[int]) -> dict[tuple[int, int], tuple[int, int, int]]:
    """(idea, group) → (ratings, their sum, how many 4 or 5) of the group's members, in one query."""
    if not ideas or not groups:
        return {}
    rows = (
        Rating.objects.filter(idea_id__in=ideas, user__group_memberships__group_id__in=groups)
        .values_list("idea_id", "user__group_memberships__group_id")
        .annotate(
            n=Count("pk"),
            total=Sum("value"),
            important=Count("pk", filter=Q(value__gte=IMPORTANT_FROM)),
        )
        .order_by()
    )
    return {(idea_id, group_id): (n, total, important) for idea_id, group_id, n, total, important in rows}


def seed_comparison(seed: SharedSeed) -> Comparison:
    """The seed's visible copies with their figures, and per target group (by kind) its
    members' figures for each copy."""
    copies = _copies(seed)
    groups = _groups([copy.conversation for copy in copies])
    tallies = _group_tallies([copy.idea.pk for copy in copies], [group.pk for group in groups])

    def tally(copy: Copy, group: TargetGroup) -> tuple[int, int, int]:
        return tallies.get((copy.idea.pk, group.pk), (0, 0, 0))

    # The sets of groups whose members do not overlap: a one-of kind's groups together, and
    # each group of the other kinds alone.
    together: dict[str, list[TargetGroup]] = {}
    sets: list[list[TargetGroup]] = []
    for group in groups:
        if group.kind in ONE_OF_KINDS:
            if group.kind not in together:
                together[group.kind] = []
                sets.append(together[group.kind])
            together[group.kind].append(group)
        else:
            sets.append([group])
    withheld: set[tuple[int, int]] = set()  # (copy index, group id)
    for index, copy in enumerate(copies):
        for members in sets:
            hide = cells_to_withhold(copy.figures.count, [tally(copy, group)[0] for group in members])
            withheld.update((index, group.pk) for group, hidden in zip(members, hide, strict=True) if hidden)

    kinds: list[KindRows] = []
    for group in groups:
        if not kinds or kinds[-1].kind != group.kind:
            kinds.append(KindRows(kind=group.kind, label=str(TargetGroup.Kind(group.kind).label), rows=[]))
        cells = [
            figures(*tally(copy, group), withhold=(index, group.pk) in withheld)
            for index, copy in enumerate(copies)
        ]
        kinds[-1].rows.append(GroupRow(group=group, cells=cells))
    return Comparison(copies=copies, kinds=kinds)
