"""Speed of the fair rankings' maths (issue 11). Not a test: it prints figures.

    flock /tmp/vocaleyes-bench.lock .venv/bin/python bench/group_ranking.py

Random data with numpy (seeded): 1,000,000 ratings of 50,000 ideas by 100,000 people, and
10 target groups in 2 dimensions (6 age bands, 4 places; about 10% of people skip each
question, one place has a census size and no one in it). Times, as the median of ``--repeat``
runs, each function of ``conversations.group_ranking`` next to the overall priority ranking
(``Ratings.overall``: counting the ratings and ``ranking.rank_arrays``) on the same data. Pure
maths only: reading the ratings from the database and storing the results are not included.

Target (issue 11): the whole task (overall + per group + representative + consensus) within
2x the overall ranking alone, and within 5 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from conversations import group_ranking as gr  # noqa: E402


def _data(ratings: int, ideas: int, people: int, seed: int) -> tuple[gr.Ratings, list[gr.Dimension]]:
    rng = np.random.default_rng(seed)
    idea = rng.integers(0, ideas, ratings, dtype=np.int64)
    person = rng.integers(0, people, ratings, dtype=np.int64)
    value = rng.integers(1, 6, ratings, dtype=np.int64)
    data = gr.Ratings(np.arange(1, ideas + 1, dtype=np.int64), idea, person, value, people)

    def dimension(name: str, first: int, shares: list[float], sizes: list[float | None]) -> gr.Dimension:
        ids = np.arange(first, first + len(shares), dtype=np.int64)
        groups = rng.choice(ids, size=people, p=shares)
        groups[rng.random(people) < 0.1] = gr.NO_ANSWER
        return gr.Dimension(name, groups, dict(zip(ids.tolist(), sizes, strict=True)))

    age = dimension(
        "age band", 1, [0.05, 0.10, 0.30, 0.30, 0.15, 0.10], [9000, 12000, 26000, 25000, 16000, 12000]
    )
    # Place 10 has a census size and no one in it; place 9's size is unknown.
    place = dimension("place", 7, [0.5, 0.3, 0.2, 0.0], [40000, 35000, None, 25000])
    return data, [age, place]


def _median(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--ideas", type=int, default=50_000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    data, dimensions = _data(args.ratings, args.ideas, args.people, args.seed)
    raters = data.raters()
    person_weights = gr.weights(dimensions, raters)
    print(
        f"{args.ratings:,} ratings, {args.ideas:,} ideas, {args.people:,} people, "
        f"{sum(len(d.sizes) for d in dimensions)} groups in {len(dimensions)} dimensions; "
        f"median of {args.repeat} runs"
    )
    print(
        f"weights: {person_weights.method}, converged={person_weights.converged} after "
        f"{person_weights.iterations} rounds, n_eff {person_weights.n_eff:,.0f} of "
        f"{person_weights.sample_size:,} raters, missing {[m.group for m in person_weights.missing]}"
    )

    overall = _median(args.repeat, data.overall)
    timings = {
        "per_group (10 groups)": _median(args.repeat, lambda: gr.per_group(data, dimensions)),
        "weights (raking)": _median(args.repeat, lambda: gr.weights(dimensions, raters)),
        "representative (incl. weights)": _median(args.repeat, lambda: gr.representative(data, dimensions)),
        "consensus": _median(args.repeat, lambda: gr.consensus(data, dimensions)),
        "representativeness (2 dims)": _median(
            args.repeat, lambda: [gr.representativeness(d, raters) for d in dimensions]
        ),
    }
    print(f"{'overall (ranking.rank_arrays)':34} {overall:7.3f} s   1.00x")
    for name, seconds in timings.items():
        print(f"{name:34} {seconds:7.3f} s   {seconds / overall:4.2f}x")
    # The task computes weights once inside representative; representativeness is the dashboard's.
    task = overall + timings["per_group (10 groups)"] + timings["representative (incl. weights)"]
    task += timings["consensus"]
    extra = task - overall
    print(f"{'whole task (overall+groups+rep+cons)':34} {task:7.3f} s   {task / overall:4.2f}x overall")
    print(f"{'the three new orders on top':34} {extra:7.3f} s   {extra / overall:4.2f}x overall")


if __name__ == "__main__":
    main()
