"""Benchmark budgeting.rules against pabutools 1.2.3 on the pabulib instances.

    .venv/bin/python bench/pb_rules.py [--only SUBSTRING] [--rules greedy,es,es-add1-greedy]
                                       [--recompute] [--repeat N] [--data DIR]

For every ``.pb`` file in ``../shared/pabulib`` (smallest first) and every rule, prints: instance,
voters, projects, rule, our time, pabutools' time, the ratio, and whether the winners are the
same (same projects in the same selection order). Times are CPU seconds (``time.process_time``)
of computing the winners from an already parsed file, including each library's own preparation
(our grouping of ballots; pabutools' satisfaction profile), because this machine is shared and
wall-clock times swing with its load; wall-clock seconds are kept in the cache files too. Ours is
the best of ``--repeat`` runs, each on a fresh profile (nothing cached between runs), with
``explain=False`` since pabutools computes the winners only (the README gives the cost of the
explanation data). pabutools runs under a second are likewise re-timed as the best of
``--repeat``, in the same process, so both sides face the same machine load.

pabutools takes minutes on the large files, so its results (time and winners) are cached under
``bench/.cache/`` keyed by the file's SHA-256, the rule and the pabutools version; ``--recompute``
ignores the cache and runs pabutools again. Each pabutools run happens in a child process and
gives up after ``--limit`` CPU seconds (default 30 minutes): Equal Shares with add1 on Budapest
needs 22,001 increments of one forint and would take pabutools days. Our parsing times are
printed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import sys
import time
from importlib.metadata import version
from pathlib import Path
from queue import Empty
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from budgeting import pabulib, rules  # noqa: E402
from tests.budgeting import pabutools_oracle as oracle  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "pabulib"
# pabutools runs shorter than this (CPU seconds) are re-measured here, best of --repeat, so
# both sides are timed under the same machine load.
QUICK = 1.0
CACHE = Path(__file__).resolve().parent / ".cache"
RULES = {
    "greedy": ("greedy", "none"),
    "es": ("equal-shares", "none"),
    "es-add1": ("equal-shares", "add1"),
    "es-add1-greedy": ("equal-shares", "add1+greedy"),
}


def fresh(profile: rules.Profile) -> rules.Profile:
    """The same ballots in a new Profile object, so no preparation is reused."""
    return rules.Profile(
        budget=profile.budget,
        project_ids=profile.project_ids,
        costs=profile.costs,
        ballot_starts=profile.ballot_starts,
        ballot_projects=profile.ballot_projects,
        ballot_points=profile.ballot_points,
    )


def ours(profile: rules.Profile, rule: str, completion: str, repeat: int) -> tuple[float, float, list[str]]:
    best_cpu = best_wall = float("inf")
    winners: list[str] = []
    for _ in range(repeat):
        candidate = fresh(profile)
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = rules.compute(candidate, rule, completion, explain=False)  # type: ignore[arg-type]
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
        winners = [profile.project_ids[j] for j in outcome.selected]
    return best_cpu, best_wall, winners


def _pabutools_worker(path: str, rule: str, completion: str, queue: Any) -> None:
    instance, profile = oracle.load(path)
    wall, cpu = time.perf_counter(), time.process_time()
    winners = oracle.outcome(instance, profile, rule, completion)
    queue.put({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall, "winners": winners})


class Pabutools:
    """pabutools' side: each run in a child process with a time limit, results cached."""

    def __init__(self, path: Path, digest: str, recompute: bool, limit: float) -> None:
        self.path, self.digest, self.recompute, self.limit = path, digest, recompute, limit
        self.parsed: tuple[Any, Any] | None = None

    def quick_cpu(self, rule: str, completion: str, repeat: int) -> float:
        """Best of ``repeat`` runs in this process, for runs short enough to repeat cheaply."""
        if self.parsed is None:
            self.parsed = oracle.load(str(self.path))
        instance, profile = self.parsed
        best = float("inf")
        for _ in range(repeat):
            cpu = time.process_time()
            oracle.outcome(instance, profile, rule, completion)
            best = min(best, time.process_time() - cpu)
        return best

    def result(self, rule: str, completion: str) -> dict[str, Any]:
        key = f"{self.digest[:16]}-{rule}-{completion.replace('+', '-')}-pabutools{version('pabutools')}.json"
        cache_file = CACHE / key
        if cache_file.exists() and not self.recompute:
            cached = dict(json.loads(cache_file.read_text()))
            if not cached.get("timed_out") or cached.get("limit", 0) >= self.limit:
                return cached
        queue: Any = multiprocessing.Queue()
        child = multiprocessing.Process(
            target=_pabutools_worker, args=(str(self.path), rule, completion, queue), daemon=True
        )
        child.start()
        try:
            found = queue.get(timeout=self.limit + 120)  # parsing is not part of the limit...
        except Empty:
            found = None
        if found is not None and found["cpu"] > self.limit:
            found = None  # ...but the rule is
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
        result: dict[str, Any] = {"file": self.path.name, "rule": rule, "completion": completion}
        if found is None:
            result.update(timed_out=True, limit=self.limit)
        else:
            result.update(found)
        CACHE.mkdir(exist_ok=True)
        cache_file.write_text(json.dumps(result, indent=1))
        return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", default="", help="only files whose name contains this")
    parser.add_argument("--exclude", default="", help="skip files whose name contains this")
    parser.add_argument("--rules", default="greedy,es,es-add1-greedy", help=f"from {', '.join(RULES)}")
    parser.add_argument("--recompute", action="store_true", help="ignore cached pabutools results")
    parser.add_argument("--repeat", type=int, default=5, help="runs of ours per cell (best is kept)")
    parser.add_argument(
        "--limit", type=float, default=1800, help="seconds pabutools may take per run (default 1800)"
    )
    args = parser.parse_args()
    chosen = [RULES[name] for name in args.rules.split(",")]
    files = sorted(
        (
            p
            for p in args.data.glob("*.pb")
            if args.only in p.name and not (args.exclude and args.exclude in p.name)
        ),
        key=lambda p: p.stat().st_size,
    )

    columns = ("instance", "voters", "projects", "rule", "ours (s)", "pabutools (s)", "ratio", "same winners")
    header = "{:<40} {:>7} {:>8} {:<26} {:>9} {:>13} {:>8} {:>12}".format(*columns)
    print(header)
    print("-" * len(header))
    parse_rows = []
    worst: dict[str, float] = {}
    all_same = True
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        start = time.perf_counter()
        election = pabulib.load(path)
        our_parse = time.perf_counter() - start
        profile = election.profile
        theirs = Pabutools(path, digest, args.recompute, args.limit)
        for rule, completion in chosen:
            label = rule if completion == "none" else f"{rule} {completion}"
            cpu, _wall, winners = ours(profile, rule, completion, args.repeat)
            result = theirs.result(rule, completion)
            if result.get("timed_out"):
                limit = f"> {result['limit']:.0f}"
                print(
                    f"{path.stem:<40} {profile.num_voters:>7} {profile.num_projects:>8} {label:<26} "
                    f"{cpu:>9.5f} {limit:>13} {'-':>8} {'unknown':>12}  (pabutools out of time)",
                    flush=True,
                )
                continue
            their_cpu = float(result["cpu"])
            if their_cpu < QUICK:
                their_cpu = theirs.quick_cpu(rule, completion, args.repeat)
            same = winners == result["winners"]
            all_same &= same
            ratio = their_cpu / cpu if cpu > 0 else float("inf")
            worst[label] = min(worst.get(label, float("inf")), ratio)
            print(
                f"{path.stem:<40} {profile.num_voters:>7} {profile.num_projects:>8} {label:<26} "
                f"{cpu:>9.5f} {their_cpu:>13.4f} {ratio:>7.0f}x {'yes' if same else 'NO':>12}",
                flush=True,
            )
            if not same:
                print(f"    ours:      {winners}\n    pabutools: {result['winners']}")
        parse_rows.append((path.stem, our_parse))

    print()
    print("Smallest speed-up per rule: " + ", ".join(f"{k} {v:.0f}x" for k, v in worst.items()))
    print(f"Identical winners (same order) everywhere: {'yes' if all_same else 'NO'}")
    print()
    print(f"{'instance':<40} {'our parse (s, wall)':>20}")
    for name, seconds in parse_rows:
        print(f"{name:<40} {seconds:>20.3f}")


if __name__ == "__main__":
    main()
