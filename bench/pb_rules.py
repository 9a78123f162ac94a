"""Benchmark budgeting.rules against pabutools 1.2.3 on the pabulib instances.

    .venv/bin/python bench/pb_rules.py [--only SUBSTRING] [--rules greedy,es,es-add1-greedy]
                                       [--recompute] [--repeat N] [--data DIR]

For every ``.pb`` file in ``../shared/pabulib`` (smallest first) and every rule, prints: instance,
voters, projects, rule, our time, pabutools' time, the ratio, and whether the winners are the
same (same projects in the same selection order). Times are CPU seconds (``time.process_time``)
of computing the outcome from an already parsed file, including each library's own preparation
(our grouping of ballots; pabutools' satisfaction profile), because this machine is shared and
wall-clock times swing with its load; wall-clock seconds are kept in the cache files too. Ours is
the best of ``--repeat`` runs, each on a fresh profile (nothing cached between runs).

pabutools takes minutes on the large files, so its results (time and winners) are cached under
``bench/.cache/`` keyed by the file's SHA-256, the rule and the pabutools version; ``--recompute``
ignores the cache and runs pabutools again. Parsing times are printed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from budgeting import pabulib, rules  # noqa: E402
from tests.budgeting import pabutools_oracle as oracle  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "pabulib"
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
        outcome = rules.compute(candidate, rule, completion)  # type: ignore[arg-type]
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
        winners = [profile.project_ids[j] for j in outcome.selected]
    return best_cpu, best_wall, winners


class Pabutools:
    """pabutools' side, parsed lazily (its parser alone takes seconds on large files)."""

    def __init__(self, path: Path, digest: str, recompute: bool) -> None:
        self.path, self.digest, self.recompute = path, digest, recompute
        self.loaded: tuple[object, object] | None = None
        self.parse_seconds: float | None = None

    def result(self, rule: str, completion: str) -> dict[str, object]:
        key = f"{self.digest[:16]}-{rule}-{completion.replace('+', '-')}-pabutools{version('pabutools')}.json"
        cache_file = CACHE / key
        if cache_file.exists() and not self.recompute:
            return dict(json.loads(cache_file.read_text()))
        if self.loaded is None:
            start = time.perf_counter()
            self.loaded = oracle.load(str(self.path))
            self.parse_seconds = time.perf_counter() - start
        instance, profile = self.loaded
        wall, cpu = time.perf_counter(), time.process_time()
        winners = oracle.outcome(instance, profile, rule, completion)
        result = {
            "file": self.path.name,
            "rule": rule,
            "completion": completion,
            "cpu": time.process_time() - cpu,
            "wall": time.perf_counter() - wall,
            "winners": winners,
        }
        CACHE.mkdir(exist_ok=True)
        cache_file.write_text(json.dumps(result, indent=1))
        return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", default="", help="only files whose name contains this")
    parser.add_argument("--rules", default="greedy,es,es-add1-greedy", help=f"from {', '.join(RULES)}")
    parser.add_argument("--recompute", action="store_true", help="ignore cached pabutools results")
    parser.add_argument("--repeat", type=int, default=5, help="runs of ours per cell (best is kept)")
    args = parser.parse_args()
    chosen = [RULES[name] for name in args.rules.split(",")]
    files = sorted((p for p in args.data.glob("*.pb") if args.only in p.name), key=lambda p: p.stat().st_size)

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
        theirs = Pabutools(path, digest, args.recompute)
        for rule, completion in chosen:
            label = rule if completion == "none" else f"{rule} {completion}"
            cpu, _wall, winners = ours(profile, rule, completion, args.repeat)
            result = theirs.result(rule, completion)
            their_cpu = float(result["cpu"])  # type: ignore[arg-type]
            same = winners == result["winners"]
            all_same &= same
            ratio = their_cpu / cpu if cpu > 0 else float("inf")
            worst[label] = min(worst.get(label, float("inf")), ratio)
            print(
                f"{path.stem:<40} {profile.num_voters:>7} {profile.num_projects:>8} {label:<26} "
                f"{cpu:>9.4f} {their_cpu:>13.3f} {ratio:>7.0f}x {'yes' if same else 'NO':>12}",
                flush=True,
            )
            if not same:
                print(f"    ours:      {winners}\n    pabutools: {result['winners']}")
        parse_rows.append((path.stem, our_parse, theirs.parse_seconds))

    print()
    print("Smallest speed-up per rule: " + ", ".join(f"{k} {v:.0f}x" for k, v in worst.items()))
    print(f"Identical winners (same order) everywhere: {'yes' if all_same else 'NO'}")
    print()
    print(f"{'instance':<40} {'our parse (s)':>13} {'pabutools parse (s)':>20}")
    for name, ours_s, theirs_s in parse_rows:
        their_text = f"{theirs_s:.3f}" if theirs_s is not None else "(cached)"
        print(f"{name:<40} {ours_s:>13.3f} {their_text:>20}")


if __name__ == "__main__":
    main()
