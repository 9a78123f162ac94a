"""Recompute a participatory-budgeting outcome from a pabulib ``.pb`` file.

    python manage.py pb_outcome PATH.pb --rule greedy|equal-shares [--completion none|add1|add1+greedy]

Prints the funded project ids in selection order, one per line, on stdout, and a summary with
the time taken on stderr, so anyone holding a round's exported ballots can check its result
(and ``> winners.txt`` captures just the ids). Needs no database.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from budgeting import pabulib
from budgeting.rules import COMPLETIONS, RULES, ProfileError, compute


def _plain(text: str) -> str:
    return text


class Command(BaseCommand):
    help = (
        "Compute the outcome of a participatory budget from a pabulib .pb file and print the "
        "funded project ids in selection order (time taken on stderr)."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the .pb file")
        parser.add_argument("--rule", required=True, choices=RULES, help="the outcome rule")
        parser.add_argument(
            "--completion",
            default="none",
            choices=COMPLETIONS,
            help="for equal-shares: none (default); add1 (raise every voter's share one unit at a "
            "time while the outcome stays within budget); add1+greedy (then fill what is left "
            "greedily by votes)",
        )

    def handle(self, *args: Any, path: str, rule: str, completion: str, **options: Any) -> None:
        if rule == "greedy" and completion != "none":
            raise CommandError("--completion applies to --rule equal-shares only.")
        started = time.perf_counter()
        try:
            election = pabulib.load(path)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text: {exc.reason}.") from exc
        except (pabulib.PabulibError, ProfileError) as exc:
            raise CommandError(f"{path} is not a valid .pb file: {exc}") from exc
        read = time.perf_counter() - started

        started = time.perf_counter()
        outcome = compute(election.profile, rule, completion, explain=False)  # type: ignore[arg-type]
        took = time.perf_counter() - started

        ids = election.profile.project_ids
        for project in outcome.selected:
            self.stdout.write(ids[project])
        label = rule if completion == "none" else f"{rule} with {completion}"
        self.stderr.write(
            f"{label}: {len(outcome.selected)} projects funded, {_money(outcome.spent)} of "
            f"{_money(outcome.budget)} spent; computed in {took:.3f} s (file read in {read:.3f} s).",
            style_func=_plain,
        )


def _money(value: Any) -> str:
    return f"{float(value):,.2f}".removesuffix(".00")
