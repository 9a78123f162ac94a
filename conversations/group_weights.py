"""Who took part against who lives there: person weights and representativeness. Maths only.

The inputs are plain arrays, one entry per person (an index 0 … people-1), so the background
task can read them from the database in one go and this module never touches it.

Dimensions and groups
---------------------
A *dimension* is one question about people (age band, neighbourhood, Welsh-language ability).
Each of its target groups has an id and, when known, its size in the population ("Census 2021").
Only proportions within a dimension matter here, so sizes may also be given as shares.
A person is in at most one group of a dimension; ``NO_ANSWER`` (-1) means they did not say.

Weights (post-stratification, raking)
-------------------------------------
If young people are a fifth of the population but a tenth of the raters, each young rater
counts twice and everyone else a little less, so each group counts by its population share::

    weight of a member of g = population share of g / sample share of g among the raters

That is *post-stratification* on one dimension. With several dimensions (age and place) the
same step is repeated for each dimension in turn until every dimension's weighted shares match
the population (*raking*, or iterative proportional fitting; Deming and Stephan, 1940). With one
dimension raking is post-stratification and stops after one round.

Three rules, on principle:

* **No answer keeps weight 1 for that dimension.** Within a dimension only the people who
  answered are re-weighted, and their weights are scaled to keep their own total: so those who
  did not answer neither gain nor lose say because of a question they skipped. The same holds
  for members of a group whose size is unknown: the shares of the groups with a known size are
  matched among the members of those groups only.
* **A group with a size but no raters cannot be represented.** Nobody can speak for it, so its
  share is shared out among the groups that did take part in proportion to their own sizes (the
  shares are re-normalised over the groups present), never handed to a "similar" group. The
  group is reported in ``missing`` so the page can say plainly that its voice is absent, and the
  dashboard can tell the facilitator whom to go and ask.
* **Weights keep the number of raters**: they add up to the number of raters, so a weighted
  count reads like a count of people.

Effective sample size
---------------------
Weighting costs precision: a few people standing for many. Kish's effective sample size says
how many equally weighted people the weighted sample is worth::

    n_eff = (Σ w)² / Σ w²

Worked example (the tests check it): 4 raters, 3 in group A and 1 in group B, population 50/50.
A's sample share is 3/4, so A's weight is 0.5 / 0.75 = 2/3; B's is 0.5 / 0.25 = 2. Σ w = 4,
Σ w² = 3 · 4/9 + 4 = 16/3, so ``n_eff = 16 / (16/3) = 3``: four people, worth three.

Representativeness
------------------
Per dimension, each group's participation rate is participants ÷ population size. The score is
the lowest rate ÷ the highest (1: every group took part at the same rate; 0: some group not at
all). A group is *under-represented* when its share of the participants is below its share of
the population; the list is ordered by that gap, largest first, with the number of extra
participants that would bring it up to the dimension's overall rate. The score needs only the
number of participants in each group (``representativeness_from_counts``), so it also serves
kinds whose groups overlap (lived experience, service users), where a person may be in several.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

NO_ANSWER = -1
TOLERANCE = 1e-6
MAX_ITERATIONS = 100


@dataclass(frozen=True)
class Dimension:
    """One question about people and its target groups.

    ``groups[p]`` is person p's group id in this dimension (``NO_ANSWER`` when they gave none);
    ``sizes`` lists every group of the dimension, with its population size (or share), or
    None when unknown. A group id in ``groups`` must appear in ``sizes``.
    """

    name: str
    groups: npt.NDArray[np.int64]
    sizes: Mapping[int, float | None]

    def __post_init__(self) -> None:
        known = np.array(sorted(self.sizes), dtype=np.int64)
        answered = self.groups[self.groups != NO_ANSWER]
        if not np.isin(answered, known).all():
            raise ValueError(f"dimension {self.name!r}: a person is in a group missing from sizes")
        if any(size is not None and (size < 0 or not math.isfinite(size)) for size in self.sizes.values()):
            raise ValueError(f"dimension {self.name!r}: population sizes must be finite and >= 0")

    def known_sizes(self) -> dict[int, float]:
        """The groups whose size is known and above zero (only they can be weighted to)."""
        return {group: float(size) for group, size in self.sizes.items() if size is not None and size > 0}

    def codes(self, group_ids: Sequence[int]) -> npt.NDArray[np.int64]:
        """Per person: the position of their group in ``group_ids``, or -1 when not among them."""
        if not group_ids:
            return np.full(len(self.groups), -1, dtype=np.int64)
        ids = np.asarray(group_ids, dtype=np.int64)
        sorter = np.argsort(ids)
        pos = np.searchsorted(ids, self.groups, sorter=sorter).clip(0, len(ids) - 1)
        found = ids[sorter[pos]] == self.groups
        return np.where(found, sorter[pos], -1).astype(np.int64)


@dataclass(frozen=True)
class MissingGroup:
    dimension: str
    group: int


@dataclass(frozen=True)
class Weights:
    """Per person weights (0 for people outside the sample) and how they were reached."""

    weights: npt.NDArray[np.float64]
    method: str  # "none", "post-stratification" or "raking"
    dimensions: tuple[str, ...]  # the dimensions weighted on
    missing: tuple[MissingGroup, ...]  # groups with a known size and no one in the sample
    converged: bool
    iterations: int
    max_gap: float  # largest |weighted share - population share| left, over all groups
    n_eff: float  # Kish effective sample size of the sample
    sample_size: int


def effective_sample_size(weights: npt.NDArray[np.float64]) -> float:
    """Kish: (Σ w)² / Σ w²; 0 when there is nobody."""
    total = float(weights.sum())
    squares = float((weights * weights).sum())
    return total * total / squares if squares > 0 else 0.0


@dataclass
class _Margin:
    name: str
    codes: npt.NDArray[np.int64]  # per sample person: position of their group, -1 not weighted
    targets: npt.NDArray[np.float64]  # population shares of the groups present, summing to 1
    answering: npt.NDArray[np.bool_] = field(init=False)

    def __post_init__(self) -> None:
        self.answering = self.codes >= 0

    def totals(self, w: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        codes, here = self.codes[self.answering], w[self.answering]
        return np.asarray(np.bincount(codes, weights=here, minlength=len(self.targets)), dtype=np.float64)

    def gap(self, w: npt.NDArray[np.float64]) -> float:
        totals = self.totals(w)
        return float(np.abs(totals / totals.sum() - self.targets).max())

    def adjust(self, w: npt.NDArray[np.float64]) -> None:
        totals = self.totals(w)
        factor = self.targets * totals.sum() / totals
        w[self.answering] *= factor[self.codes[self.answering]]


def weights(
    dimensions: Sequence[Dimension],
    sample: npt.NDArray[np.bool_],
    *,
    tolerance: float = TOLERANCE,
    max_iterations: int = MAX_ITERATIONS,
) -> Weights:
    """Weight the people in ``sample`` (e.g. the raters) so each group counts by its share.

    Post-stratification on one usable dimension, raking over several (see the module's
    docstring for the rules). Raking stops when every group's weighted share is within
    ``tolerance`` of its population share, or after ``max_iterations`` rounds (then
    ``converged`` is False: the margins contradict the sample, e.g. no one is in a needed
    combination of groups). A dimension is usable when at least two of its groups with a
    known size have someone in the sample; otherwise there is nothing to re-balance.
    """
    if max_iterations < 1 or tolerance <= 0:
        raise ValueError("raking needs at least one iteration and a tolerance above zero")
    people = len(sample)
    w_all = np.zeros(people, dtype=np.float64)
    w_all[sample] = 1.0
    margins: list[_Margin] = []
    missing: list[MissingGroup] = []
    for dimension in dimensions:
        if len(dimension.groups) != people:
            raise ValueError(f"dimension {dimension.name!r} must list one group per person")
        sizes = dimension.known_sizes()
        ids = sorted(sizes)
        codes = dimension.codes(ids)[sample]
        present = np.bincount(codes[codes >= 0], minlength=len(ids)) > 0
        missing += [MissingGroup(dimension.name, g) for g, here in zip(ids, present, strict=True) if not here]
        if present.sum() < 2:
            continue
        # Re-number over the groups present; their shares re-normalised (a missing group's
        # share goes to all present groups in proportion to their sizes).
        renumber = np.where(present, np.cumsum(present) - 1, -1)
        codes = np.where(codes >= 0, renumber[codes.clip(0)], -1)
        targets = np.array([sizes[g] for g, here in zip(ids, present, strict=True) if here])
        margins.append(_Margin(dimension.name, codes, targets / targets.sum()))

    w = w_all[sample]
    iterations, gap, converged = 0, 0.0, True
    if margins:
        converged = False
        for iterations in range(1, max_iterations + 1):  # noqa: B007 (reported below)
            for margin in margins:
                margin.adjust(w)
            gap = max(margin.gap(w) for margin in margins)
            if gap <= tolerance:
                converged = True
                break
    w_all[sample] = w
    method = {0: "none", 1: "post-stratification"}.get(len(margins), "raking")
    return Weights(
        weights=w_all,
        method=method,
        dimensions=tuple(m.name for m in margins),
        missing=tuple(missing),
        converged=converged,
        iterations=iterations,
        max_gap=gap,
        n_eff=effective_sample_size(w),
        sample_size=int(sample.sum()),
    )


@dataclass(frozen=True)
class GroupParticipation:
    group: int
    participants: int
    size: float
    rate: float  # participants / size
    population_share: float
    participant_share: float
    gap: float  # population_share - participant_share (positive: under-represented)
    shortfall: int  # more participants needed to reach the dimension's overall rate


@dataclass(frozen=True)
class Representativeness:
    dimension: str
    score: float | None  # lowest rate / highest; None: under two sized groups, or no one
    groups: tuple[GroupParticipation, ...]  # groups with a known size, in the order of ``sizes``
    under_represented: tuple[GroupParticipation, ...]  # largest gap first
    unknown_size: tuple[int, ...]  # groups left out of the score: size unknown


def representativeness(dimension: Dimension, participants: npt.NDArray[np.bool_]) -> Representativeness:
    """Participation per group of one dimension against its population sizes.

    Worked example (the tests check it): sizes 1,000 / 1,000 / 5,000 / 3,000 and participants
    2 / 8 / 60 / 30. Rates 0.002, 0.008, 0.012, 0.010, so the score is 0.002 / 0.012 = 1/6.
    Population shares 0.1, 0.1, 0.5, 0.3 against participant shares 0.02, 0.08, 0.6, 0.3: the
    first two are under-represented by 0.08 and 0.02, in that order. The overall rate is
    100 / 10,000 = 0.01, so they would need 1,000 · 0.01 - 2 = 8 and 10 - 8 = 2 more people.
    """
    if len(dimension.groups) != len(participants):
        raise ValueError(f"dimension {dimension.name!r} must list one group per person")
    ids = list(dimension.known_sizes())
    codes = dimension.codes(ids)[participants]
    counts = np.bincount(codes[codes >= 0], minlength=len(ids))
    return representativeness_from_counts(
        dimension.name, dimension.sizes, dict(zip(ids, counts.tolist(), strict=True))
    )


def representativeness_from_counts(
    name: str, sizes: Mapping[int, float | None], counts: Mapping[int, int]
) -> Representativeness:
    """``representativeness`` from the number of participants in each group (``counts``; a
    group left out has none), for dimensions whose groups may overlap (a carer who also uses a
    service counts in both): each group's rate is its own count ÷ its own size, and the shares
    are of the summed counts and sizes of the groups with a known size."""
    if any(count < 0 for count in counts.values()):
        raise ValueError(f"dimension {name!r}: participant counts must be >= 0")
    if any(size is not None and (size < 0 or not math.isfinite(size)) for size in sizes.values()):
        raise ValueError(f"dimension {name!r}: population sizes must be finite and >= 0")
    known = {g: float(s) for g, s in sizes.items() if s is not None and s > 0}
    total_size = sum(known.values())
    total_people = sum(counts.get(group, 0) for group in known)
    overall_rate = total_people / total_size if total_size else 0.0
    rows = []
    for group, size in known.items():
        count = counts.get(group, 0)
        population_share = size / total_size
        participant_share = count / total_people if total_people else 0.0
        rows.append(
            GroupParticipation(
                group=group,
                participants=count,
                size=size,
                rate=count / size,
                population_share=population_share,
                participant_share=participant_share,
                gap=population_share - participant_share,
                shortfall=max(0, math.ceil(overall_rate * size - count - 1e-9)),
            )
        )
    rates = [row.rate for row in rows]
    # Undefined with fewer than two groups of known size, or when nobody took part at all.
    score = min(rates) / max(rates) if len(rows) >= 2 and max(rates) > 0 else None
    under = sorted((row for row in rows if row.gap > 1e-12), key=lambda row: (-row.gap, row.group))
    return Representativeness(
        dimension=name,
        score=score,
        groups=tuple(rows),
        under_represented=tuple(under),
        unknown_size=tuple(g for g, s in sizes.items() if s is None),
    )
