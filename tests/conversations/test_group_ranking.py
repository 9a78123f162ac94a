"""Worked examples of the fair rankings (``conversations.group_ranking``), checked by hand.

Each figure is computed in the comment next to it from the formulas in the modules'
docstrings (``group_ranking`` and ``group_weights``), so a change to the maths shows up here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from conversations import group_ranking as gr
from conversations import ranking

YOUNG, OLDER = 10, 11


def _ratings(rows: list[tuple[int, int, int]], idea_ids: list[int], people: int) -> gr.Ratings:
    """Ratings from (idea index, person index, value) rows."""
    idea, person, value = (np.array(column, dtype=np.int64) for column in zip(*rows, strict=True))
    return gr.Ratings(np.array(idea_ids, dtype=np.int64), idea, person, value, people)


def _dimension(name: str, groups: list[int], sizes: dict[int, float | None]) -> gr.Dimension:
    return gr.Dimension(name, np.array(groups, dtype=np.int64), sizes)


def _small_group_example() -> tuple[gr.Ratings, gr.Dimension]:
    # People 0-1 young, 2-9 older; the population is half and half.
    # Idea X (id 100): the young rate 5, the older 3. Idea Y (id 101): the young 2, the older 4.
    rows = []
    for p in range(10):
        rows.append((0, p, 5 if p < 2 else 3))
        rows.append((1, p, 2 if p < 2 else 4))
    dimension = _dimension("age", [YOUNG] * 2 + [OLDER] * 8, {YOUNG: 0.5, OLDER: 0.5})
    return _ratings(rows, [100, 101], 10), dimension


def test_a_small_groups_unanimous_support_lifts_an_idea_in_the_representative_order() -> None:
    ratings, age = _small_group_example()
    # Overall: X mean 3.4, Y mean 3.6, so Y leads.
    overall = ratings.overall()
    assert list(overall.idea_ids[overall.order]) == [101, 100]

    result = gr.representative(ratings, [age])
    # Weights: young 0.5 / (2/10) = 2.5, older 0.5 / (8/10) = 0.625.
    assert result.weights.method == "post-stratification"
    assert result.weights.weights == pytest.approx([2.5, 2.5] + [0.625] * 8)
    # Weighted means: X (2·2.5·5 + 8·0.625·3) / 10 = 40/10 = 4.0; Y (2·2.5·2 + 8·0.625·4) / 10 = 3.0.
    assert result.weighted_mean == pytest.approx([4.0, 3.0])
    # n per idea: 10² / (2·6.25 + 8·0.390625) = 100 / 15.625 = 6.4, and the same for everyone.
    assert result.n_eff == pytest.approx([6.4, 6.4])
    assert result.weights.n_eff == pytest.approx(6.4)
    # Scaled counts: X has 5 of weight at value 5 and 5 at value 3, times 6.4/10 = 3.2 each;
    # Y 3.2 at value 2 and 3.2 at value 4. Conversation c = (0, 3.2, 3.2, 3.2, 3.2), N = 12.8,
    # p = (1, 4.2, 4.2, 4.2, 4.2) / 17.8, m·p = (0.2809, 1.1798, 1.1798, 1.1798, 1.1798).
    # X: a = (0.2809, 1.1798, 4.3798, 1.1798, 4.3798), A = 11.4, μ = 42.3978 / 11.4 = 3.7191,
    #    E[v²] = 172.7888 / 11.4 = 15.1569, sigma² = (15.1569 - 13.8317) / 12.4 = 0.10687,
    #    sigma = 0.3269, score = 3.7191 - 1.645 · 0.3269 = 3.1813.
    assert result.prior.probabilities == pytest.approx((1 / 17.8,) + (4.2 / 17.8,) * 4)
    assert result.posterior_mean[0] == pytest.approx(3.7191, abs=1e-4)
    assert result.score[0] == pytest.approx(3.1813, abs=1e-4)
    assert result.score[1] < result.score[0]
    assert list(result.idea_ids[result.order]) == [100, 101]
    assert list(result.ranks) == [1, 2]


def test_effective_sample_size_by_hand() -> None:
    # Weights (2, 1, 1): (Σw)² / Σw² = 16 / 6.
    assert gr.effective_sample_size(np.array([2.0, 1.0, 1.0])) == pytest.approx(16 / 6)
    assert gr.effective_sample_size(np.array([1.0] * 7)) == pytest.approx(7)
    assert gr.effective_sample_size(np.array([], dtype=np.float64)) == 0.0
    # 3 raters in A, 1 in B, population 50/50: A weighs 0.5 / 0.75 = 2/3, B 0.5 / 0.25 = 2.
    # Σw = 4, Σw² = 3·4/9 + 4 = 16/3, n_eff = 16 / (16/3) = 3.
    dimension = _dimension("d", [1, 1, 1, 2], {1: 50, 2: 50})
    result = gr.weights([dimension], np.ones(4, dtype=bool))
    assert result.weights == pytest.approx([2 / 3, 2 / 3, 2 / 3, 2])
    assert result.n_eff == pytest.approx(3.0)
    assert result.sample_size == 4


def _two_by_two() -> tuple[list[gr.Dimension], int]:
    # Cells (A, B): a1b1 40 people, a1b2 20, a2b1 10, a2b2 30. Population: A 50/50, B 30/70.
    cells = [(1, 3)] * 40 + [(1, 4)] * 20 + [(2, 3)] * 10 + [(2, 4)] * 30
    a = _dimension("A", [c[0] for c in cells], {1: 5000, 2: 5000})
    b = _dimension("B", [c[1] for c in cells], {3: 3000, 4: 7000})
    return [a, b], len(cells)


def test_raking_converges_to_the_margins_on_a_2x2_example() -> None:
    dimensions, people = _two_by_two()
    sample = np.ones(people, dtype=bool)
    # Round 1, A: a1 has 60 → target 50, factor 5/6; a2 has 40 → 50, factor 5/4.
    # Then B: b1 = 40·5/6 + 10·5/4 = 45.833 → target 30, factor 0.654545;
    #         b2 = 20·5/6 + 30·5/4 = 54.167 → target 70, factor 1.292308.
    # Weights: a1b1 0.54545, a1b2 1.07692, a2b1 0.81818, a2b2 1.61538.
    # A's margin is now a1 = 40·0.54545 + 20·1.07692 = 43.357 of 100: off by 0.0664.
    one_round = gr.weights(dimensions, sample, max_iterations=1)
    assert not one_round.converged
    assert one_round.iterations == 1
    assert one_round.max_gap == pytest.approx(0.50 - 0.43357, abs=1e-4)
    assert one_round.weights[[0, 40, 60, 70]] == pytest.approx([0.54545, 1.07692, 0.81818, 1.61538], abs=1e-5)

    result = gr.weights(dimensions, sample, tolerance=1e-9)
    assert result.method == "raking"
    assert result.dimensions == ("A", "B")
    assert result.converged
    assert 1 < result.iterations < 100
    w = result.weights
    assert w.sum() == pytest.approx(100)  # weights keep the number of raters
    assert w[:60].sum() / 100 == pytest.approx(0.5, abs=1e-8)  # a1
    assert (w[:40].sum() + w[60:70].sum()) / 100 == pytest.approx(0.3, abs=1e-8)  # b1
    assert result.max_gap <= 1e-9


def test_raking_reports_when_the_margins_cannot_be_met() -> None:
    # Everyone in a1 is in b1 and everyone in a2 in b2, but the margins are A 50/50, B 30/70:
    # no weights can meet both, so raking oscillates and says it did not converge.
    a = _dimension("A", [1, 1, 2, 2], {1: 1, 2: 1})
    b = _dimension("B", [3, 3, 4, 4], {3: 3, 4: 7})
    result = gr.weights([a, b], np.ones(4, dtype=bool), max_iterations=20)
    assert not result.converged
    assert result.iterations == 20
    assert result.max_gap > 0.1


def test_people_without_an_answer_keep_weight_one() -> None:
    # 4 answered (3 in A, 1 in B, population 50/50), 2 did not say. The answering four keep
    # their total of 4: A 2 in all → 2/3 each, B → 2. The two others stay at 1.
    dimension = _dimension("d", [1, 1, 1, 2, gr.NO_ANSWER, gr.NO_ANSWER], {1: 1, 2: 1})
    result = gr.weights([dimension], np.ones(6, dtype=bool))
    assert result.weights == pytest.approx([2 / 3, 2 / 3, 2 / 3, 2, 1, 1])
    # Members of a group of unknown size are treated the same way.
    unknown = _dimension("d", [1, 1, 1, 2, 3, 3], {1: 1, 2: 1, 3: None})
    assert gr.weights([unknown], np.ones(6, dtype=bool)).weights == pytest.approx(result.weights)


def test_a_group_with_a_size_and_no_raters_is_reported_and_its_share_redistributed() -> None:
    # Sizes 2 : 1 : 1 but nobody from group 3 rated; person 4 is outside the sample.
    # Groups 1 and 2 share the population 2 : 1, i.e. 2/3 and 1/3 of the 4 raters: group 1
    # (3 raters) gets 8/3 in all → 8/9 each; group 2 (1 rater) gets 4/3.
    dimension = _dimension("place", [1, 1, 1, 2, 3], {1: 2, 2: 1, 3: 1})
    sample = np.array([True, True, True, True, False])
    result = gr.weights([dimension], sample)
    assert result.missing == (gr.MissingGroup("place", 3),)
    assert result.weights == pytest.approx([8 / 9, 8 / 9, 8 / 9, 4 / 3, 0])
    assert result.sample_size == 4


def test_no_groups_means_no_weighting_and_the_overall_order() -> None:
    ratings, _age = _small_group_example()
    assert gr.per_group(ratings, []) == {}
    result = gr.representative(ratings, [])
    assert result.weights.method == "none"
    assert result.weights.n_eff == pytest.approx(10)
    overall = ratings.overall()
    assert result.score == pytest.approx(overall.score)
    assert list(result.order) == list(overall.order)


def test_equal_weights_give_the_overall_order() -> None:
    # 3 young and 3 older raters, population 50/50: every weight is 0.5 / 0.5 = 1.
    rows = [(i, p, 1 + (3 * i + p) % 5) for i in range(4) for p in range(6)] + [(4, 0, 5)]
    ratings = _ratings(rows, [7, 8, 9, 10, 11], 6)
    age = _dimension("age", [YOUNG] * 3 + [OLDER] * 3, {YOUNG: 1, OLDER: 1})
    result = gr.representative(ratings, [age])
    assert result.weights.weights == pytest.approx([1.0] * 6)
    overall = ratings.overall()
    assert result.n_eff == pytest.approx(overall.rating_count)
    assert result.score == pytest.approx(overall.score)
    assert list(result.order) == list(overall.order)
    assert list(result.ranks) == list(overall.ranks)


def test_per_group_is_the_ranking_among_the_groups_members() -> None:
    ratings, age = _small_group_example()
    carers = _dimension("carers", [gr.NO_ANSWER] * 10, {30: 100})
    result = gr.per_group(ratings, [age, carers])
    assert set(result) == {YOUNG, OLDER, 30}
    # The young (people 0-1) rated X 5, 5 and Y 2, 2: the same as ranking those tallies alone.
    alone = ranking.rank([(100, (0, 0, 0, 0, 2)), (101, (0, 2, 0, 0, 0))])
    assert result[YOUNG].score == pytest.approx(alone.score)
    assert list(result[YOUNG].idea_ids[result[YOUNG].order]) == [100, 101]
    # The older (8 people) rated X 3 and Y 4: Y first among them.
    assert list(result[OLDER].idea_ids[result[OLDER].order]) == [101, 100]
    assert list(result[OLDER].rating_count) == [8, 8]
    # A group with no members: nothing rated, both ideas at the flat prior score 2.0503.
    assert list(result[30].rating_count) == [0, 0]
    assert result[30].score == pytest.approx([3 - 1.645 * math.sqrt(1 / 3)] * 2)


def _split_example() -> tuple[gr.Ratings, gr.Dimension]:
    # Group 1: people 0-19; group 2: people 20-23.
    # Idea P (id 1): group 1 all rate 5, group 2 all rate 1 (plain mean 104/24 = 4.33).
    # Idea Q (id 2): group 1 fifteen 4s and five 3s, group 2 three 4s and one 3 (mean 3.75).
    rows = []
    for p in range(24):
        rows.append((0, p, 5 if p < 20 else 1))
        rows.append((1, p, 4 if p < 15 or 20 <= p < 23 else 3))
    dimension = _dimension("lived experience", [1] * 20 + [2] * 4, {1: None, 2: None})
    return _ratings(rows, [1, 2], 24), dimension


def test_an_idea_loved_by_one_group_and_rejected_by_another_scores_low_on_consensus() -> None:
    ratings, groups = _split_example()
    overall = ratings.overall()
    assert list(overall.idea_ids[overall.order]) == [1, 2]  # P leads on priority

    result = gr.consensus(ratings, [groups])
    assert result.groups == (1, 2)
    # P: support 1 = (20 + ½) / (20 + 1) = 0.97619, support 2 = (0 + ½) / (4 + 1) = 0.1,
    #    consensus √(0.97619 · 0.1) = 0.31244.
    # Q: support 1 = (15 + ½) / 21 = 0.73810, support 2 = (3 + ½) / 5 = 0.7,
    #    consensus √(0.73810 · 0.7) = 0.71880.
    assert result.support[:, 0] == pytest.approx([20.5 / 21, 0.1])
    assert result.support[:, 1] == pytest.approx([15.5 / 21, 0.7])
    assert result.score == pytest.approx([0.31244, 0.71880], abs=1e-5)
    assert list(result.idea_ids[result.order]) == [2, 1]
    assert list(result.rating_count) == [24, 24]


def test_consensus_counts_a_group_that_has_not_rated_an_idea_as_undecided() -> None:
    # Both groups rated idea 0; only group 1 rated idea 1 (two 5s): group 2 counts ½ on it.
    # Idea 1: support 1 = 2.5 / 3, support 2 = 0.5 / 1; consensus √(0.8333 · 0.5) = 0.6455.
    rows = [(0, 0, 4), (0, 1, 4), (0, 2, 4), (1, 0, 5), (1, 1, 5)]
    ratings = _ratings(rows, [5, 6], 3)
    groups = _dimension("g", [1, 1, 2], {1: None, 2: None, 9: None})  # group 9: nobody
    result = gr.consensus(ratings, [groups])
    assert result.groups == (1, 2)
    # Idea 0: support 1 = 2.5 / 3, support 2 = 1.5 / 2; consensus √(0.8333 · 0.75) = 0.7906.
    assert result.score == pytest.approx([math.sqrt(2.5 / 3 * 0.75), math.sqrt(2.5 / 3 * 0.5)])


def test_consensus_gives_each_dimension_the_same_say() -> None:
    # Dimension "a": groups 1 and 2 both support idea 0 fully (two people each, all 5s):
    # support 2.5 / 3 each. Dimension "b" has four groups (one person each, all 5s):
    # support 1.5 / 2 each. Score = (geometric mean of a · geometric mean of b)^(1/2)
    # = √(0.8333 · 0.75) = 0.7906, not the geometric mean of the six groups (0.8333² · 0.75⁴)^(1/6) = 0.7768.
    ratings = _ratings([(0, p, 5) for p in range(4)], [1], 4)
    a = _dimension("a", [1, 1, 2, 2], {1: None, 2: None})
    b = _dimension("b", [3, 4, 5, 6], {3: None, 4: None, 5: None, 6: None})
    result = gr.consensus(ratings, [a, b])
    assert result.score == pytest.approx([math.sqrt(2.5 / 3 * 0.75)])
    assert result.score[0] != pytest.approx(0.7768, abs=1e-3)
    assert result.support.shape == (6, 1)


def test_consensus_without_groups_is_everyones_support() -> None:
    # Nobody answered any dimension: everyone is one group. Idea 0: three 4s and a 2 →
    # (3 + ½) / (4 + 1) = 0.7. Idea 1 unrated: ½ / 1 = 0.5.
    ratings = _ratings([(0, 0, 4), (0, 1, 4), (0, 2, 4), (0, 3, 2)], [1, 2], 4)
    nobody = _dimension("age", [gr.NO_ANSWER] * 4, {YOUNG: 1, OLDER: 1})
    for dimensions in ([], [nobody]):
        result = gr.consensus(ratings, dimensions)
        assert result.groups == (gr.NO_ANSWER,)
        assert result.score == pytest.approx([0.7, 0.5])


def test_representativeness_by_hand() -> None:
    # Sizes 1,000 / 1,000 / 5,000 / 3,000; participants 2 / 8 / 60 / 30 (and 5 who did not say).
    # Rates 0.002, 0.008, 0.012, 0.010: score 0.002 / 0.012 = 1/6.
    # Shares 0.1, 0.1, 0.5, 0.3 against 0.02, 0.08, 0.6, 0.3: gaps 0.08, 0.02, -0.1, 0.
    # Overall rate 100 / 10,000 = 0.01: shortfalls 10 - 2 = 8 and 10 - 8 = 2.
    groups = [1] * 2 + [2] * 8 + [3] * 60 + [4] * 30 + [gr.NO_ANSWER] * 5 + [5] * 3
    age = _dimension("age", groups, {1: 1000, 2: 1000, 3: 5000, 4: 3000, 5: None})
    participants = np.ones(len(groups), dtype=bool)
    result = gr.representativeness(age, participants)
    assert result.score == pytest.approx(1 / 6)
    assert [g.rate for g in result.groups] == pytest.approx([0.002, 0.008, 0.012, 0.010])
    assert [(g.group, g.shortfall) for g in result.under_represented] == [(1, 8), (2, 2)]
    assert [g.gap for g in result.under_represented] == pytest.approx([0.08, 0.02])
    assert result.unknown_size == (5,)
    # Only participants count: leaving the 60 of group 3 out makes group 4 the best reached.
    participants[10:70] = False
    assert gr.representativeness(age, participants).score == pytest.approx(0.0)


def test_representativeness_edge_cases() -> None:
    one_group = _dimension("place", [1, 1], {1: 500})
    assert gr.representativeness(one_group, np.ones(2, dtype=bool)).score is None
    nobody = _dimension("place", [1, 2], {1: 500, 2: 500})
    result = gr.representativeness(nobody, np.zeros(2, dtype=bool))
    # Nobody took part: the score is undefined and every group is missing, largest share first
    # (here equal, so by group id); nobody is needed to reach an overall rate of zero.
    assert result.score is None
    assert [(g.group, g.gap, g.shortfall) for g in result.under_represented] == [(1, 0.5, 0), (2, 0.5, 0)]
    even = _dimension("place", [1, 2, 2], {1: 100, 2: 200})
    assert gr.representativeness(even, np.ones(3, dtype=bool)).score == pytest.approx(1.0)


def test_inputs_are_checked() -> None:
    with pytest.raises(ValueError, match="1 to 5"):
        _ratings([(0, 0, 6)], [1], 1)
    with pytest.raises(ValueError, match="idea index"):
        _ratings([(1, 0, 3)], [1], 1)
    with pytest.raises(ValueError, match="person index"):
        _ratings([(0, 1, 3)], [1], 1)
    with pytest.raises(ValueError, match="missing from sizes"):
        _dimension("age", [1, 2], {1: 10})
    with pytest.raises(ValueError, match="one group per person"):
        gr.weights([_dimension("age", [1], {1: 10})], np.ones(2, dtype=bool))
    twice = _ratings([(0, 0, 3)], [1, 1], 1)
    with pytest.raises(ValueError, match="once"):
        gr.per_group(twice, [_dimension("age", [1], {1: 10})])
    with pytest.raises(ValueError, match="tolerance"):
        gr.weights([], np.ones(2, dtype=bool), tolerance=0)
