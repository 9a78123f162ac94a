"""Fair priorities: per-group, representative and consensus rankings. Maths only, no database.

All three reuse ``conversations.ranking``'s priority score (a Bayesian average with a lower
credible bound), so a number means the same thing on every order. The weights and the
representativeness score live in ``conversations.group_weights`` (re-exported here).

Inputs are plain arrays (``Ratings``): per rating the idea's index, the person's index and the
value 1 to 5; per dimension each person's group (``Dimension``). A person rates an idea at most
once; the database guarantees it.

The three orders
----------------
* **Per group** (``per_group``): the priority ranking computed from the group's members'
  ratings only, exactly as if they had been the only people in the conversation (the prior is
  the group's own distribution of ratings).
* **Representative** (``representative``): every rating counts with its rater's weight
  (``group_weights.weights``), so each group counts by its population share. The score is the
  priority score on weighted counts scaled to the idea's effective sample size (see
  ``representative``), so an idea carried by a few heavily weighted people stays uncertain.
* **Consensus** (``consensus``): ideas supported in every group, not just the biggest one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from conversations import ranking
from conversations.group_weights import (
    NO_ANSWER,
    Dimension,
    MissingGroup,
    Representativeness,
    Weights,
    effective_sample_size,
    representativeness,
    weights,
)

__all__ = [
    "NO_ANSWER",
    "Consensus",
    "Dimension",
    "MissingGroup",
    "Ratings",
    "Representative",
    "Representativeness",
    "Weights",
    "consensus",
    "effective_sample_size",
    "per_group",
    "representative",
    "representativeness",
    "weights",
]

_VALUES = len(ranking.VALUES)
AGREE_FROM = 4  # ratings of 4 ("very important") and 5 ("essential") count as support
JEFFREYS = 0.5  # pseudo-count added to supporters and to non-supporters


@dataclass(frozen=True)
class Ratings:
    """A conversation's ratings as parallel arrays.

    ``idea[r]`` indexes ``idea_ids``, ``person[r]`` is in 0 … people-1, ``value[r]`` in 1 … 5.
    """

    idea_ids: npt.NDArray[np.int64]
    idea: npt.NDArray[np.int64]
    person: npt.NDArray[np.int64]
    value: npt.NDArray[np.int64]
    people: int

    def __post_init__(self) -> None:
        if not len(self.idea) == len(self.person) == len(self.value):
            raise ValueError("idea, person and value must have one entry per rating")
        if len(self.value) and (self.value.min() < 1 or self.value.max() > _VALUES):
            raise ValueError("ratings run from 1 to 5")
        if len(self.idea) and (self.idea.min() < 0 or self.idea.max() >= len(self.idea_ids)):
            raise ValueError("a rating's idea index is outside idea_ids")
        if len(self.person) and (self.person.min() < 0 or self.person.max() >= self.people):
            raise ValueError("a rating's person index is outside 0 … people-1")

    def raters(self) -> npt.NDArray[np.bool_]:
        """Per person: True when they rated at least one idea."""
        return np.bincount(self.person, minlength=self.people) > 0

    def cell(self) -> npt.NDArray[np.int64]:
        """Per rating: idea index · 5 + value - 1 (the flat position in an ideas-by-5 table)."""
        return self.idea * _VALUES + (self.value - 1)

    def counts(self, weights: npt.NDArray[np.float64] | None = None) -> npt.NDArray[np.float64]:
        """Ideas-by-5 table of ratings of each value, or of their weights when given."""
        size = len(self.idea_ids) * _VALUES
        table = np.bincount(self.cell(), weights=weights, minlength=size).reshape(-1, _VALUES)
        return np.asarray(table, dtype=np.float64)

    def overall(self) -> ranking.Ranking:
        """``ranking.rank_arrays`` on these ratings: the priority order everyone sees."""
        return ranking.rank_arrays(self.idea_ids, self.counts().astype(np.int64))


def per_group(ratings: Ratings, dimensions: Sequence[Dimension]) -> dict[int, ranking.Ranking]:
    """For every group of every dimension: the priority ranking among its members.

    A group with no members (or whose members rated nothing) gets a ranking of unrated ideas,
    all at the flat prior in the order of idea id, so a page can still say "no ratings yet".
    The tables for all groups of a dimension are counted in one pass over the ratings.
    """
    result: dict[int, ranking.Ranking] = {}
    if len(np.unique(ratings.idea_ids)) != len(ratings.idea_ids):
        raise ValueError("each idea may appear once")
    cells = ratings.cell()
    per_group_cells = len(ratings.idea_ids) * _VALUES
    for dimension in dimensions:
        if len(dimension.groups) != ratings.people:
            raise ValueError(f"dimension {dimension.name!r} must list one group per person")
        ids = sorted(dimension.sizes)
        code = dimension.codes(ids)[ratings.person]
        answered = code >= 0
        flat = code[answered] * per_group_cells + cells[answered]
        table = np.bincount(flat, minlength=len(ids) * per_group_cells)
        table = table.reshape(len(ids), len(ratings.idea_ids), _VALUES).astype(np.int64)
        for position, group in enumerate(ids):
            result[group] = ranking.rank_arrays(ratings.idea_ids, table[position], ids_checked=True)
    return result


@dataclass(frozen=True)
class Representative:
    """The representative order, as parallel arrays by idea index like ``ranking.Ranking``."""

    idea_ids: npt.NDArray[np.int64]
    rating_count: npt.NDArray[np.int64]  # ratings, unweighted
    weighted_mean: npt.NDArray[np.float64]  # Σ w·v / Σ w; NaN when unrated
    n_eff: npt.NDArray[np.float64]  # Kish effective sample size of each idea's ratings
    posterior_mean: npt.NDArray[np.float64]
    score: npt.NDArray[np.float64]
    ranks: npt.NDArray[np.int64]
    order: npt.NDArray[np.int64]
    prior: ranking.Prior
    weights: Weights  # includes the overall n_eff and the groups with no participants


def representative(
    ratings: Ratings,
    dimensions: Sequence[Dimension],
    *,
    person_weights: Weights | None = None,
    prior_weight: float = ranking.PRIOR_WEIGHT,
    z: float = ranking.Z,
) -> Representative:
    """The priority ranking with each rating counted by its rater's weight.

    With weights ``w`` (from ``weights`` over the raters unless given), idea i has weighted
    counts ``c_ik = Σ w`` over its ratings of value k, weight total ``W_i`` and effective size
    ``n_i = W_i² / Σ w²``. The score is ``ranking``'s score on ``c_ik · n_i / W_i``: the
    weighted distribution of the idea's ratings, believed as much as ``n_i`` plain ratings
    (not ``W_i``: ten ratings by people who each stand for three are not worth thirty). The
    prior is the weighted distribution of the whole conversation, scaled the same way.
    With equal weights ``n_i`` is the number of ratings and this is the overall ranking.

    Worked example (the tests check it): age bands young and older, 50/50 in the population;
    2 young and 8 older raters, so young weigh 0.5 / 0.2 = 2.5 and older 0.5 / 0.8 = 0.625.
    Idea X: both young rate 5, the older 3. Idea Y: both young rate 2, the older 4. Plain
    means: X 3.4, Y 3.6, so Y leads the overall order. Weighted means:
    X (2 · 2.5 · 5 + 8 · 0.625 · 3) / 10 = 4.0 and Y (2 · 2.5 · 2 + 8 · 0.625 · 4) / 10 = 3.0,
    each worth n = 10² / (2 · 6.25 + 8 · 0.390625) = 6.4 ratings: X leads the representative
    order, lifted by the small group's unanimous support.
    """
    raters = ratings.raters()
    w = person_weights if person_weights is not None else weights(dimensions, raters)
    if len(w.weights) != ratings.people:
        raise ValueError("person_weights must have one weight per person")
    per_rating = w.weights[ratings.person]
    weighted = ratings.counts(per_rating)
    total = weighted.sum(axis=1)
    squares = np.bincount(ratings.idea, weights=per_rating**2, minlength=len(ratings.idea_ids))
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = np.where(squares > 0, total * total / squares, 0.0)
        scaled = np.where(total[:, None] > 0, weighted * (n_eff / total)[:, None], 0.0)
        weighted_mean = np.where(total > 0, weighted @ np.asarray(ranking.VALUES, float) / total, np.nan)
    prior = ranking.Prior.from_counts(scaled.sum(axis=0).tolist(), weight=prior_weight)
    posterior_mean, score = ranking.score_arrays(scaled, prior, z=z)
    rating_count = np.bincount(ratings.idea, minlength=len(ratings.idea_ids)).astype(np.int64)
    order, ranks = ranking.order_and_ranks(ratings.idea_ids, rating_count, score)
    return Representative(
        idea_ids=ratings.idea_ids,
        rating_count=rating_count,
        weighted_mean=weighted_mean,
        n_eff=n_eff,
        posterior_mean=posterior_mean,
        score=score,
        ranks=ranks,
        order=order,
        prior=prior,
        weights=w,
    )


@dataclass(frozen=True)
class Consensus:
    """Group-aware consensus, as parallel arrays by idea index."""

    idea_ids: npt.NDArray[np.int64]
    groups: tuple[int, ...]  # the groups taken into account (-1: "everyone", when none)
    support: npt.NDArray[np.float64]  # one row per group, one column per idea: (A_g + ½) / (S_g + 1)
    rating_count: npt.NDArray[np.int64]
    score: npt.NDArray[np.float64]
    ranks: npt.NDArray[np.int64]
    order: npt.NDArray[np.int64]


def consensus(ratings: Ratings, dimensions: Sequence[Dimension]) -> Consensus:
    """Ideas supported in every group, not only by the largest one.

    In plain words: for each group we estimate the share of its members who find the idea
    important (rated 4 or 5). The consensus score is the *geometric mean* of those shares
    across the groups, so an idea scores high only when every group supports it: one group
    saying no pulls the score down hard, however many say yes, and a big group cannot outvote
    a small one, because each group counts once whatever its size.

    The formula, for group g with ``S_g`` ratings of the idea of which ``A_g`` are 4 or 5::

        support_g = (A_g + ½) / (S_g + 1)
        consensus = (Π_g support_g) ^ (1 / number of groups)

    This is Pol.is's group-aware consensus ``Π_g (A_g + 1) / (S_g + 2)`` with two refinements:
    the half pseudo-counts (a Jeffreys prior) instead of one, so a handful of ratings moves
    the estimate without making it certain; and the geometric mean instead of the product, so
    the score does not fall just because there are more groups, and stays between 0 and 1.
    A group that has not rated an idea yet counts as undecided (½). With several dimensions,
    each dimension counts equally: the mean is taken within each dimension, then across them.
    Groups with no raters at all are left out (they are reported as missing elsewhere), as are
    dimensions with fewer than two groups present; with none left, everyone is one group.

    Worked example (the tests check it): group A (20 people) all rate idea P 5, group B (4
    people) all rate it 1: plain mean 4.33. Support A = 20.5 / 21 = 0.976, B = 0.5 / 5 = 0.1,
    consensus √(0.976 · 0.1) = 0.312. Idea Q: 15 of A rate 4 and 5 rate 3, 3 of B rate 4 and
    one 3: plain mean 3.75. Support A = 15.5 / 21 = 0.738, B = 3.5 / 5 = 0.7, consensus
    √(0.738 · 0.7) = 0.719. P leads the priority order (3.83 against 3.59); Q leads consensus.
    """
    n_ideas = len(ratings.idea_ids)
    agree = (ratings.value >= AGREE_FROM).astype(np.int64)
    raters = ratings.raters()
    log_score = np.zeros(n_ideas, dtype=np.float64)
    supports: list[npt.NDArray[np.float64]] = []
    groups: list[int] = []
    used = 0
    for dimension in dimensions:
        if len(dimension.groups) != ratings.people:
            raise ValueError(f"dimension {dimension.name!r} must list one group per person")
        ids = sorted(dimension.sizes)
        person_code = dimension.codes(ids)
        present = np.bincount(person_code[raters & (person_code >= 0)], minlength=len(ids)) > 0
        if present.sum() < 2:
            continue
        code = person_code[ratings.person]
        answered = code >= 0
        # One count per (group, idea, supports or not): [..., 0] did not support, [..., 1] did.
        flat = (code[answered] * n_ideas + ratings.idea[answered]) * 2 + agree[answered]
        table = np.bincount(flat, minlength=len(ids) * n_ideas * 2).reshape(len(ids), n_ideas, 2)[present]
        support = (table[..., 1] + JEFFREYS) / (table.sum(axis=2) + 2 * JEFFREYS)
        log_score += np.log(support).mean(axis=0)
        supports.append(support)
        groups += [g for g, here in zip(ids, present, strict=True) if here]
        used += 1
    if used == 0:
        total = np.bincount(ratings.idea, minlength=n_ideas)
        agreed = np.bincount(ratings.idea, weights=agree.astype(np.float64), minlength=n_ideas)
        support = ((agreed + JEFFREYS) / (total + 2 * JEFFREYS))[None, :]
        log_score = np.log(support[0])
        supports, groups, used = [support], [NO_ANSWER], 1
    score = np.exp(log_score / used)
    rating_count = np.bincount(ratings.idea, minlength=n_ideas).astype(np.int64)
    order, ranks = ranking.order_and_ranks(ratings.idea_ids, rating_count, score)
    return Consensus(
        idea_ids=ratings.idea_ids,
        groups=tuple(groups),
        support=np.vstack(supports),
        rating_count=rating_count,
        score=score,
        ranks=ranks,
        order=order,
    )
