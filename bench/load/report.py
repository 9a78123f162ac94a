"""The load bench's table, from the CSV files locust wrote (``bench/load/run.sh``).

``report.py OUT scenario ...`` prints, for each scenario's requests, requests a second, p50 and
p99 latency as locust saw them, errors (failed requests: a status of 400 or more, a rating not
saved, a comment not redirected), the share of the ceiling's requests a second (the ceiling
being the trivial view on the same server, the mean of its runs), and the issue's target.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

# Issue 14's targets: (share of the ceiling, p99 in ms), by request name.
TARGETS = {
    "conversation page, anonymous": (0.30, 250),
    "conversation page, signed in": (0.10, 250),
    "idea page, signed in": (0.10, 250),
    "API ideas list": (0.10, 250),
    "search, signed in": (0.05, 250),
    "rating POST": (None, 100),
    "conversation page, anonymous, uncached": (None, 250),
}


def rows(out: Path, scenario: str) -> list[dict[str, str]]:
    path = out / f"{scenario}_stats.csv"
    if not path.exists():
        return []
    with path.open() as stats:
        return [row for row in csv.DictReader(stats) if row["Name"] != "Aggregated" or scenario == "mixed"]


def main() -> None:
    out, scenarios = Path(sys.argv[1]), sys.argv[2:]
    ceilings = [
        float(row["Requests/s"]) for s in scenarios if s.startswith("ceiling") for row in rows(out, s)
    ]
    ceiling = sum(ceilings) / len(ceilings) if ceilings else float("nan")
    header = ("scenario", "requests", "req/s", "p50 ms", "p99 ms", "errors", "% of ceiling", "target")
    table = [header]
    for scenario in scenarios:
        for row in rows(out, scenario):
            name = row["Name"] if row["Name"] != "Aggregated" else "all of the above together"
            rate = float(row["Requests/s"])
            share, p99_target = TARGETS.get(name, (None, None))
            if scenario == "mixed" and name != "all of the above together":
                share = None  # a part of the mix is not comparable with the ceiling
            target = []
            if share is not None:
                target.append(f"≥ {share:.0%}" + (" ✓" if rate >= share * ceiling else " ✗"))
            if p99_target is not None:
                target.append(f"p99 ≤ {p99_target}" + (" ✓" if float(row["99%"]) <= p99_target else " ✗"))
            table.append(
                (
                    scenario,
                    name,
                    f"{rate:,.1f}",
                    row["50%"],
                    row["99%"],
                    f"{int(row['Failure Count']):,} of {int(row['Request Count']):,}",
                    f"{rate / ceiling:.1%}" if scenario != "mixed" or "together" in name else "",
                    ", ".join(target),
                )
            )
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for number, line in enumerate(table):
        print(" | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
        if number == 0:
            print("-+-".join("-" * width for width in widths))


if __name__ == "__main__":
    main()
