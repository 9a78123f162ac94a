"""Priority ranking of ideas from their ratings: the maths only, no database.

The problem
-----------
Ratings are 1 ("not important") to 5 ("essential"). Sorting by the plain average puts an idea
with a single 5 above one with fifty 4s, and lets a brand-new idea jump to the top (or bottom)
on one person's say. We want a score that believes an average more the more ratings stand
behind it, and that treats an idea nobody has rated yet as "probably ordinary" rather than
"best" or "worst".

The score (a Bayesian average with a lower credible bound)
----------------------------------------------------------
Treat an idea's ratings as draws from an unknown distribution over the five values and put a
Dirichlet prior on it (the approach of Evan Miller, "Ranking items with star ratings", 2015,
with the prior centred on the conversation rather than flat):

1. The conversation's distribution. With ``c_k`` ratings of value ``k`` across all ranked ideas
   and ``N = Σ c_k``, smooth by one pseudo-rating per value so no value has zero weight::

       p_k = (c_k + 1) / (N + 5)

2. The prior is worth ``m`` ratings (``PRIOR_WEIGHT``, 5) spread like the conversation:
   ``m · p_k``. An idea with ``n_k`` ratings of value ``k`` (``n = Σ n_k``) has posterior
   pseudo-counts and total::

       a_k = n_k + m · p_k          A = n + m

3. The posterior mean of the idea's average rating, and the variance of that mean under the
   Dirichlet posterior::

       μ  = Σ k · a_k / A
       sigma² = (Σ k² · a_k / A - μ²) / (A + 1)

4. The priority score is the lower end of a one-sided credible interval::

       score = μ - z · sigma          z = 1.645 (``Z``, about 95% one-sided)

So an idea's score is its own average pulled towards the conversation's average by ``m``
imaginary ratings, and then lowered by how unsure we still are. With few ratings the pull and
the uncertainty are strong; with many they fade and the score approaches the idea's own mean.

Ties (equal scores) are broken by more ratings first, then by the older idea (smaller id), so
the order is total and repeatable. Ranks run 1, 2, 3 … with no gaps.

Worked examples (the tests check these figures)
-----------------------------------------------
* Nothing rated anywhere: ``p_k = 1/5``, so ``a_k = 1`` for every value, ``A = 5``,
  ``μ = 15/5 = 3``, ``sigma² = (55/5 - 9) / 6 = 1/3``, score ``= 3 - 1.645 · 0.5774 = 2.050``.
* One idea with a single 5 and one with fifty 4s in the same conversation: the conversation has
  ``c = (0, 0, 0, 50, 1)``, so ``p = (1, 1, 1, 51, 2) / 56``. The single 5 gets ``μ = 4.107``,
  ``sigma = 0.237``, score ``3.717``; the fifty 4s get ``μ = 3.994``, ``sigma = 0.0216``, score
  ``3.958``, and rank first.

The module works on whole conversations at once with numpy, because a national conversation
has 50,000 ideas and the background task has a budget of a few seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

VALUES = (1, 2, 3, 4, 5)
PRIOR_WEIGHT = 5.0
Z = 1.645

_values = np.array(VALUES, dtype=np.float64)


@dataclass(frozen=True)
class Prior:
    """The conversation-wide distribution every idea is shrunk towards."""

    probabilities: tuple[float, float, float, float, float]
    weight: float

    @property
    def mean(self) -> float:
        return float(np.dot(self.probabilities, _values))

    @classmethod
    def from_counts(cls, counts: Sequence[float], weight: float = PRIOR_WEIGHT) -> Prior:
        """The smoothed distribution of a conversation with ``counts[k-1]`` ratings of value k.

        Counts may be fractional (weighted ratings, see ``group_ranking.representative``).
        """
        _check_counts(counts)
        total = sum(counts) + len(VALUES)
        p1, p2, p3, p4, p5 = ((count + 1) / total for count in counts)
        return cls(probabilities=(p1, p2, p3, p4, p5), weight=weight)


@dataclass(frozen=True)
class IdeaScore:
    idea_id: int
    rank: int
    rating_count: int
    rating_mean: float | None  # the plain average of the idea's own ratings; None when unrated
    posterior_mean: float
    score: float


@dataclass(frozen=True)
class Ranking:
    """A whole conversation's ranking as parallel arrays, ordered by idea id as given.

    ``order`` lists row indices best first; ``ranks[i]`` is row i's rank (1 is best).
    """

    idea_ids: npt.NDArray[np.int64]
    counts: npt.NDArray[np.int64]  # shape (ideas, 5): ratings of value 1..5
    rating_count: npt.NDArray[np.int64]
    rating_mean: npt.NDArray[np.float64]  # NaN when unrated
    posterior_mean: npt.NDArray[np.float64]
    score: npt.NDArray[np.float64]
    ranks: npt.NDArray[np.int64]
    order: npt.NDArray[np.int64]
    prior: Prior

    def __len__(self) -> int:
        return len(self.idea_ids)

    def scores(self) -> list[IdeaScore]:
        """One record per idea, best first (convenient for small conversations and tests)."""
        return [
            IdeaScore(
                idea_id=int(self.idea_ids[i]),
                rank=int(self.ranks[i]),
                rating_count=int(self.rating_count[i]),
                rating_mean=None if np.isnan(self.rating_mean[i]) else float(self.rating_mean[i]),
                posterior_mean=float(self.posterior_mean[i]),
                score=float(self.score[i]),
            )
            for i in self.order
        ]


def _check_counts(counts: Sequence[float]) -> None:
    if len(counts) != len(VALUES):
        raise ValueError(f"expected {len(VALUES)} counts (ratings of 1 to 5), got {len(counts)}")
    if any(count < 0 for count in counts):
        raise ValueError("rating counts cannot be negative")


def score_counts(counts: Sequence[int], prior: Prior, z: float = Z) -> tuple[float, float]:
    """(posterior mean, priority score) of one idea with ``counts[k-1]`` ratings of value k."""
    _check_counts(counts)
    pseudo = np.asarray(counts, dtype=np.float64) + prior.weight * np.asarray(prior.probabilities)
    total = pseudo.sum()
    mean = float(pseudo @ _values / total)
    second = float(pseudo @ (_values**2) / total)
    sigma = float(np.sqrt(max(second - mean * mean, 0.0) / (total + 1)))
    return mean, mean - z * sigma


def rank(
    tallies: Iterable[tuple[int, Sequence[int]]],
    *,
    prior_weight: float = PRIOR_WEIGHT,
    z: float = Z,
) -> Ranking:
    """Rank ideas given as ``(idea_id, (n_1, n_2, n_3, n_4, n_5))``."""
    rows = list(tallies)
    for _idea_id, row in rows:
        _check_counts(row)
    ids = np.array([idea_id for idea_id, _ in rows], dtype=np.int64)
    counts = np.array([list(row) for _, row in rows], dtype=np.int64).reshape(len(rows), len(VALUES))
    return rank_arrays(ids, counts, prior_weight=prior_weight, z=z)


def rank_arrays(
    idea_ids: npt.NDArray[np.int64],
    counts: npt.NDArray[np.int64],
    *,
    prior_weight: float = PRIOR_WEIGHT,
    z: float = Z,
    ids_checked: bool = False,
) -> Ranking:
    """Rank a whole conversation: ``counts[i, k-1]`` is idea i's number of ratings of value k.

    ``ids_checked``: the caller has already checked that ``idea_ids`` are unique (a sort of all
    the ids: ``group_ranking.per_group`` ranks the same ideas once per group and checks once).
    """
    if counts.ndim != 2 or counts.shape != (len(idea_ids), len(VALUES)):
        raise ValueError("counts must have one row of five counts per idea")
    if (counts < 0).any():
        raise ValueError("rating counts cannot be negative")
    if prior_weight <= 0:
        raise ValueError("the prior must be worth more than zero ratings")
    if not ids_checked and len(np.unique(idea_ids)) != len(idea_ids):
        raise ValueError("each idea may appear once")

    prior = Prior.from_counts([int(c) for c in counts.sum(axis=0)], weight=prior_weight)
    posterior_mean, score = score_arrays(counts, prior, z=z)

    rating_count = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rating_mean = np.where(rating_count > 0, counts @ _values / rating_count, np.nan)

    order, ranks = order_and_ranks(idea_ids, rating_count, score)
    return Ranking(
        idea_ids=idea_ids,
        counts=counts,
        rating_count=rating_count,
        rating_mean=rating_mean,
        posterior_mean=posterior_mean,
        score=score,
        ranks=ranks,
        order=order,
        prior=prior,
    )


def score_arrays(
    counts: npt.NDArray[np.int64] | npt.NDArray[np.float64], prior: Prior, *, z: float = Z
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(posterior mean, priority score) of every row of ``counts`` (steps 2 to 4 above).

    The counts may be fractional: ``group_ranking.representative`` passes weighted ratings
    scaled to each idea's effective sample size, so the same score serves both rankings.
    """
    pseudo = counts + prior.weight * np.asarray(prior.probabilities)
    total = pseudo.sum(axis=1)
    posterior_mean = pseudo @ _values / total
    second = pseudo @ (_values**2) / total
    sigma = np.sqrt(np.maximum(second - posterior_mean**2, 0.0) / (total + 1))
    return posterior_mean, posterior_mean - z * sigma


def order_and_ranks(
    idea_ids: npt.NDArray[np.int64],
    rating_count: npt.NDArray[np.int64],
    score: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Rows best first and each row's rank: best score, then most ratings, then oldest idea."""
    # np.lexsort sorts by the last key first.
    order = np.lexsort((idea_ids, -rating_count, -score)).astype(np.int64)
    ranks = np.empty(len(idea_ids), dtype=np.int64)
    ranks[order] = np.arange(1, len(idea_ids) + 1)
    return order, ranks
