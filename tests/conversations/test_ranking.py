"""Worked examples of the priority score (``conversations.ranking``), checked by hand.

Each figure below is computed in the comment next to it from the formula in the module's
docstring, so a change to the maths shows up as a broken worked example.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from conversations import ranking


def test_an_unrated_idea_in_an_unrated_conversation_sits_at_the_flat_prior() -> None:
    # p_k = 1/5, m = 5, so a_k = 1 for every value and A = 5.
    # μ = (1+2+3+4+5)/5 = 3; E[v²] = (1+4+9+16+25)/5 = 11; sigma² = (11 - 9)/6 = 1/3.
    (only,) = ranking.rank([(7, (0, 0, 0, 0, 0))]).scores()
    assert only.posterior_mean == pytest.approx(3.0)
    assert only.score == pytest.approx(3 - 1.645 * math.sqrt(1 / 3))  # 2.0503
    assert only.score == pytest.approx(2.0503, abs=1e-4)
    assert only.rating_count == 0
    assert only.rating_mean is None
    assert only.rank == 1


def test_fifty_fours_beat_a_single_five() -> None:
    # Conversation: c = (0, 0, 0, 50, 1), N = 51, so p = (1, 1, 1, 51, 2)/56 and m·p = 5p.
    # One 5:     a = 5p + (0,0,0,0,1), A = 6:  μ = 24.643/6 = 4.1071, E[v²] = 17.262,
    #            sigma² = (17.262 - 16.869)/7 = 0.0562, sigma = 0.2370, score = 4.1071 - 0.3899 = 3.7172.
    # Fifty 4s:  a = 5p + (0,0,0,50,0), A = 55: μ = 219.64/55 = 3.9935, E[v²] = 15.974,
    #            sigma² = (15.974 - 15.948)/56 = 0.000466, sigma = 0.0216, score = 3.9581.
    result = ranking.rank([(1, (0, 0, 0, 0, 1)), (2, (0, 0, 0, 50, 0))])
    single_five, fifty_fours = sorted(result.scores(), key=lambda s: s.idea_id)
    assert single_five.rating_mean == 5.0
    assert fifty_fours.rating_mean == 4.0
    assert single_five.posterior_mean == pytest.approx(4.1071, abs=1e-4)
    assert single_five.score == pytest.approx(3.7172, abs=1e-4)
    assert fifty_fours.posterior_mean == pytest.approx(3.9935, abs=1e-4)
    assert fifty_fours.score == pytest.approx(3.9581, abs=1e-4)
    assert (fifty_fours.rank, single_five.rank) == (1, 2)


def test_the_prior_is_the_conversations_smoothed_distribution() -> None:
    # c = (2, 0, 0, 0, 3): p = (3, 1, 1, 1, 4)/10, mean = (3 + 2 + 3 + 4 + 20)/10 = 3.2.
    prior = ranking.Prior.from_counts([2, 0, 0, 0, 3])
    assert prior.probabilities == pytest.approx((0.3, 0.1, 0.1, 0.1, 0.4))
    assert prior.mean == pytest.approx(3.2)
    assert prior.weight == ranking.PRIOR_WEIGHT


def test_score_counts_matches_the_whole_conversation_ranking() -> None:
    tallies = [(1, (1, 0, 2, 0, 0)), (2, (0, 0, 0, 3, 4)), (3, (0, 0, 0, 0, 0))]
    result = ranking.rank(tallies)
    for scored in result.scores():
        counts = dict(tallies)[scored.idea_id]
        mean, score = ranking.score_counts(counts, result.prior)
        assert mean == pytest.approx(scored.posterior_mean)
        assert score == pytest.approx(scored.score)


def test_with_no_uncertainty_penalty_the_score_is_the_shrunk_mean() -> None:
    # z = 0: score = posterior mean. Flat prior (nothing else rated... but this idea): the
    # conversation is just this idea, c = (0,0,0,0,2), p = (1,1,1,1,3)/7, m·p = (5,5,5,5,15)/7.
    # a = (5,5,5,5,29)/7, A = 7: μ = (5+10+15+20+145)/49 = 195/49 = 3.9796.
    (only,) = ranking.rank([(1, (0, 0, 0, 0, 2))], z=0).scores()
    assert only.score == pytest.approx(195 / 49)


def test_more_agreement_ranks_higher_than_the_same_mean_with_disagreement() -> None:
    # Both average 3 over ten ratings; the one people agree on is more certainly 3, so its
    # lower bound is higher.
    agreed = (0, 0, 10, 0, 0)
    split = (5, 0, 0, 0, 5)
    result = ranking.rank([(1, split), (2, agreed)])
    by_id = {s.idea_id: s for s in result.scores()}
    assert by_id[1].rating_mean == by_id[2].rating_mean == 3.0
    assert by_id[2].rank == 1
    assert by_id[2].score > by_id[1].score


def test_ties_go_to_more_ratings_then_to_the_older_idea() -> None:
    # Ideas 5 and 3 have identical counts, so identical scores: the smaller id (older) first.
    result = ranking.rank([(5, (0, 0, 1, 0, 0)), (3, (0, 0, 1, 0, 0)), (9, (0, 0, 0, 0, 0))])
    assert [s.idea_id for s in result.scores()] == [3, 5, 9]
    assert [s.rank for s in result.scores()] == [1, 2, 3]


def test_ranks_run_from_one_without_gaps() -> None:
    rng = np.random.default_rng(1)
    counts = rng.integers(0, 20, size=(200, 5))
    result = ranking.rank_arrays(np.arange(1, 201, dtype=np.int64), counts)
    assert sorted(result.ranks.tolist()) == list(range(1, 201))
    ordered_scores = result.score[result.order]
    assert (np.diff(ordered_scores) <= 1e-12).all()


def test_an_empty_conversation_ranks_nothing() -> None:
    result = ranking.rank([])
    assert len(result) == 0
    assert result.scores() == []
    assert result.prior.mean == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("tallies", "message"),
    [
        ([(1, (0, 0, 0, 0))], "expected 5 counts"),
        ([(1, (0, 0, -1, 0, 0))], "negative"),
        ([(1, (0, 0, 0, 0, 0)), (1, (1, 0, 0, 0, 0))], "once"),
    ],
)
def test_it_refuses_malformed_tallies(tallies: list[tuple[int, tuple[int, ...]]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ranking.rank(tallies)


def test_it_has_no_database_in_it() -> None:
    source = open(ranking.__file__, encoding="utf-8").read()  # noqa: SIM115
    assert "django" not in source
