"""Create a budget round from a past election in a pabulib ``.pb`` file.

    python manage.py pb_import PATH.pb --conversation SLUG [--slug SLUG] [--title TEXT]
        [--rule greedy|equal-shares] [--completion none|add1|add1+greedy]

The round gets the file's projects (their ids become the projects' codes) and its ballots as
imported, anonymous ballots; its phases are already over, so it can be counted at once (from
the results page or the admin). The rule is the file's ``rule`` when it names one we know,
else greedy, unless given.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from budgeting import pabulib, services
from budgeting.models import BudgetRound
from budgeting.rules import COMPLETIONS, RULES, ProfileError
from conversations.models import Conversation
from vocaleyes.errors import Refusal


class Command(BaseCommand):
    help = "Create a budget round, with its projects and ballots, from a pabulib .pb file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the .pb file")
        parser.add_argument(
            "--conversation", required=True, help="slug of the conversation to hold the round"
        )
        parser.add_argument("--slug", default="", help="the round's slug (default: from the file name)")
        parser.add_argument(
            "--title", default="", help="the round's English title (default: the file's description)"
        )
        parser.add_argument(
            "--rule", default="", choices=["", *RULES], help="outcome rule (default: the file's)"
        )
        parser.add_argument("--completion", default="", choices=["", *COMPLETIONS], help="for equal-shares")

    def handle(
        self,
        *args: Any,
        path: str,
        conversation: str,
        slug: str,
        title: str,
        rule: str,
        completion: str,
        **options: Any,
    ) -> None:
        try:
            home = Conversation.objects.get(slug=conversation)
        except Conversation.DoesNotExist as exc:
            raise CommandError(f"There is no conversation with the slug {conversation!r}.") from exc
        slug = slug or slugify(Path(path).stem)[:80]
        if BudgetRound.objects.filter(slug=slug).exists():
            raise CommandError(
                f"A budget round with the slug {slug!r} already exists; choose another with --slug."
            )
        started = time.perf_counter()
        try:
            election = pabulib.load(path)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text: {exc.reason}.") from exc
        except (pabulib.PabulibError, ProfileError) as exc:
            raise CommandError(f"{path} is not a valid .pb file: {exc}") from exc
        try:
            budget_round = services.round_import_pabulib(
                conversation=home,
                election=election,
                slug=slug,
                title_en=title,
                rule=rule,
                completion=completion,
            )
        except Refusal as refusal:
            raise CommandError(f"{path} cannot become a round: {refusal.message}") from refusal
        self.stdout.write(
            f"Created round {budget_round.slug!r} in {home.slug!r}: "
            f"{budget_round.projects.count()} projects, "
            f"{budget_round.ballots.count()} ballots, rule {budget_round.rule}"
            + (f" ({budget_round.completion})" if budget_round.completion != "none" else "")
            + f", in {time.perf_counter() - started:.1f} s."
        )
