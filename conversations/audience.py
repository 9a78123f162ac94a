"""Who a conversation is for: its target groups, and each person's groups in the form the fair
rankings' maths takes (``group_weights.Dimension``: per person one group, or none).

A conversation's groups are the ones it names (``Conversation.target_groups``), or, when it
names none, all its organisation's. Each *kind* of group is a dimension (place, age band, …).

Some kinds are one-of: a person lives in one place, is in one age band, has one level of
Welsh (``ONE_OF_KINDS``). Those dimensions can re-weight ratings (a person's weight depends on
their place in each) and compare groups with each other, so they are what the representative
and consensus orders use. A person who declared two groups of a one-of kind counts as having
answered neither there (we cannot tell which is right). The other kinds (lived experience,
service users, other) may overlap: a carer can also use a service. Each of their groups is a
dimension of its own (a member or not), which gives it its own priority ranking and nothing
more.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from vocaleyes.models import TargetGroup

from .group_weights import NO_ANSWER, Dimension
from .models import Conversation

ONE_OF_KINDS = frozenset({TargetGroup.Kind.PLACE, TargetGroup.Kind.AGE_BAND, TargetGroup.Kind.WELSH_LANGUAGE})


def groups_of(conversation: Conversation) -> list[TargetGroup]:
    """The conversation's target groups (or its organisation's, when it names none), by kind
    and name."""
    named = list(conversation.target_groups.order_by("kind", "name_en", "pk"))
    if named:
        return named
    return list(
        TargetGroup.objects.filter(organisation_id=conversation.organisation_id).order_by(
            "kind", "name_en", "pk"
        )
    )


def dimensions(
    groups: Sequence[TargetGroup],
    person_ids: npt.NDArray[np.int64],
    member_ids: npt.NDArray[np.int64],
    member_groups: npt.NDArray[np.int64],
) -> list[Dimension]:
    """The dimensions over the people ``person_ids`` (sorted, unique): person p's entry is for
    ``person_ids[p]``. ``member_ids``/``member_groups`` are the groups' memberships
    (``ranking_store.memberships``); members who
    are not among ``person_ids`` are left out. One dimension per one-of kind, then one per group
    of the other kinds, in the order the groups are listed."""
    position = np.searchsorted(person_ids, member_ids).clip(0, max(len(person_ids) - 1, 0))
    among = (person_ids[position] == member_ids) if len(person_ids) else np.zeros(len(member_ids), dtype=bool)
    position, member_groups = position[among], member_groups[among]

    result: list[Dimension] = []
    by_kind: dict[str, list[TargetGroup]] = {}
    for group in groups:
        by_kind.setdefault(group.kind, []).append(group)
    for kind, kind_groups in by_kind.items():
        if kind not in ONE_OF_KINDS:
            continue
        ids = np.array([group.pk for group in kind_groups], dtype=np.int64)
        mine = np.isin(member_groups, ids)
        people, group_of = position[mine], member_groups[mine]
        answers = np.full(len(person_ids), NO_ANSWER, dtype=np.int64)
        answers[people] = group_of
        twice = np.bincount(people, minlength=len(person_ids)) > 1  # two answers: neither counts
        answers[twice] = NO_ANSWER
        sizes = {group.pk: group.population_size for group in kind_groups}
        result.append(Dimension(name=str(kind), groups=answers, sizes=sizes))
    for group in groups:
        if group.kind in ONE_OF_KINDS:
            continue
        answers = np.full(len(person_ids), NO_ANSWER, dtype=np.int64)
        answers[position[member_groups == group.pk]] = group.pk
        result.append(
            Dimension(name=f"group-{group.pk}", groups=answers, sizes={group.pk: group.population_size})
        )
    return result
