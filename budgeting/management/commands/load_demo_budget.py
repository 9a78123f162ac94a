"""Load demo participatory budgets into the demo conversation ``swansea-wellbeing``.

Two rounds: last year's community fund, closed and counted, with forty paper ballots chosen so
that the Method of Equal Shares and greedy counting disagree (the results page then has a
popular project to explain); and this year's, open for voting, so the demo resident can vote.
Run after ``load_demo``. Idempotent: rounds, projects and ballots are looked up by slug, code
and paper reference and created only when missing; the closed round is counted only if it has
no finished count.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from budgeting import services
from budgeting.models import Ballot, BudgetProject, BudgetRound, Tally
from conversations.models import Conversation, Idea
from vocaleyes.models import User

CONVERSATION = "swansea-wellbeing"
OFFICER = "officer@demo.vocaleyes.cymru"

CLOSED = {
    "slug": "swansea-community-fund-2025",
    "title_en": "Swansea community fund 2025",
    "title_cy": "Cronfa gymunedol Abertawe 2025",
    "description_en": (
        "Residents shared £60,000 between projects proposed in this conversation. Counted with the "
        "Method of Equal Shares, so that every part of the city had its fair share of the budget."
    ),
    "description_cy": (
        "Rhannodd trigolion £60,000 rhwng prosiectau a gynigiwyd yn y sgwrs hon. Cafodd ei gyfrif "
        "gyda'r Dull Cyfrannau Cyfartal, fel bod pob rhan o'r ddinas yn cael ei chyfran deg o'r gyllideb."
    ),
    "budget": Decimal("60000"),
}
CLOSED_PROJECTS = [
    # code, English, Welsh, cost, category (en, cy)
    ("001", "Repair the Townhill playground", "Trwsio maes chwarae Townhill", 25000, ("Play", "Chwarae")),
    (
        "002",
        "Benches and shade on the seafront",
        "Meinciau a chysgod ar lan y môr",
        12000,
        ("Places", "Lleoedd"),
    ),
    (
        "003",
        "Welsh storytime in libraries",
        "Amser stori Cymraeg mewn llyfrgelloedd",
        6000,
        ("Learning", "Dysgu"),
    ),
    (
        "004",
        "Community minibus for Penlan",
        "Bws mini cymunedol i Benlan",
        20000,
        ("Transport", "Trafnidiaeth"),
    ),
    ("005", "Fruit trees in Mayhill", "Coed ffrwythau ym Mayhill", 5000, ("Green spaces", "Mannau gwyrdd")),
    (
        "006",
        "Youth club nights in Bonymaen",
        "Nosweithiau clwb ieuenctid ym Mon-y-maen",
        18000,
        ("Young people", "Pobl ifanc"),
    ),
]
# (how many ballots, the projects on each): a large group and a smaller one with different wishes.
CLOSED_BALLOTS = [
    (14, ["001", "002", "004"]),
    (8, ["001", "004"]),
    (6, ["002", "003", "005"]),
    (10, ["006"]),
    (2, ["005"]),
]

OPEN = {
    "slug": "swansea-community-fund-2026",
    "title_en": "Swansea community fund 2026",
    "title_cy": "Cronfa gymunedol Abertawe 2026",
    "description_en": "Choose how we spend £40,000 this year: tick the projects you want, within the budget.",
    "description_cy": (
        "Dewiswch sut rydym yn gwario £40,000 eleni: ticiwch y prosiectau rydych chi eu heisiau, "
        "o fewn y gyllideb."
    ),
    "budget": Decimal("40000"),
}
OPEN_PROJECTS = [
    (
        "001",
        "Warm spaces in community centres",
        "Mannau cynnes mewn canolfannau cymunedol",
        15000,
        ("Care", "Gofal"),
    ),
    (
        "002",
        "Safer crossing by Hafod school",
        "Croesfan fwy diogel ger ysgol yr Hafod",
        22000,
        ("Transport", "Trafnidiaeth"),
    ),
    ("003", "Repair café in Sketty", "Caffi trwsio yn Sgeti", 4000, ("Places", "Lleoedd")),
    ("004", "Wildflower verges", "Ymylon blodau gwyllt", 7000, ("Green spaces", "Mannau gwyrdd")),
    (
        "005",
        "Coastal path signs in Welsh and English",
        "Arwyddion llwybr yr arfordir yn Gymraeg a Saesneg",
        9000,
        ("Places", "Lleoedd"),
    ),
]
OPEN_BALLOTS = [(3, ["001", "003", "004"]), (2, ["002", "004"])]
# Projects that grew out of demo ideas (conversations' load_demo), linked when the idea is there.
FROM_IDEAS = {
    ("swansea-community-fund-2026", "001"): "Warm, welcoming libraries in winter",
    ("swansea-community-fund-2026", "003"): "A repair café in every community centre",
}
DESCRIPTIONS = {
    # (round slug, code): (English, Welsh)
    ("swansea-community-fund-2026", "001"): (
        "Heating, hot drinks and company on winter afternoons in five community centres.",
        "Gwres, diodydd poeth a chwmni ar brynhawniau'r gaeaf mewn pum canolfan gymunedol.",
    ),
    ("swansea-community-fund-2026", "002"): (
        "A zebra crossing and a wider pavement where children cross to school.",
        "Croesfan sebra a phalmant lletach lle mae plant yn croesi i'r ysgol.",
    ),
    ("swansea-community-fund-2026", "003"): (
        "A monthly café where volunteers mend clothes, bikes and small appliances.",
        "Caffi misol lle mae gwirfoddolwyr yn trwsio dillad, beiciau ac offer bach.",
    ),
    ("swansea-community-fund-2026", "004"): (
        "Sow wildflowers on grass verges for bees and butterflies, cut twice a year.",
        "Hau blodau gwyllt ar ymylon glaswellt i wenyn a gloÿnnod byw, wedi'u torri ddwywaith y flwyddyn.",
    ),
    ("swansea-community-fund-2026", "005"): (
        "New signs with distances and local history along the coastal path.",
        "Arwyddion newydd gyda phellteroedd a hanes lleol ar hyd llwybr yr arfordir.",
    ),
}


class Command(BaseCommand):
    help = "Load demo budget rounds into the demo conversation (idempotent; run after load_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        conversation = Conversation.objects.filter(slug=CONVERSATION).first()
        officer = User.objects.filter(email=OFFICER).first()
        if conversation is None or officer is None:
            raise CommandError(
                f"The demo conversation {CONVERSATION!r} is missing: run `manage.py load_demo` first."
            )
        now = timezone.now()
        created = 0
        with transaction.atomic():
            closed, made = self._round(
                conversation,
                CLOSED,
                proposals_open=now - timedelta(days=120),
                review_opens=now - timedelta(days=90),
                voting_opens=now - timedelta(days=60),
                voting_closes=now - timedelta(days=30),
            )
            created += made + self._projects(closed, CLOSED_PROJECTS)
            created += self._ballots(closed, officer, CLOSED_BALLOTS, "2025")
            opened, made = self._round(
                conversation,
                OPEN,
                proposals_open=now - timedelta(days=40),
                review_opens=now - timedelta(days=20),
                voting_opens=now - timedelta(days=1),
                voting_closes=now + timedelta(days=365),
            )
            created += made + self._projects(opened, OPEN_PROJECTS)
            created += self._ballots(opened, officer, OPEN_BALLOTS, "2026")
        if not Tally.objects.filter(round=closed, status=Tally.Status.DONE).exists():
            services.tally_request(budget_round=closed, requested_by=officer)  # runs after commit
        self.stdout.write(f"Demo budget rounds loaded ({created} records created).")

    def _round(
        self, conversation: Conversation, data: dict[str, Any], **dates: Any
    ) -> tuple[BudgetRound, int]:
        budget_round = BudgetRound.objects.filter(slug=data["slug"]).first()
        if budget_round is not None:
            return budget_round, 0
        fields = {k: v for k, v in data.items() if k != "slug"}
        return services.round_create(conversation=conversation, slug=data["slug"], **fields, **dates), 1

    def _projects(self, budget_round: BudgetRound, projects: list[Any]) -> int:
        made = 0
        for code, title_en, title_cy, cost, (category_en, category_cy) in projects:
            if BudgetProject.objects.filter(round=budget_round, code=code).exists():
                continue
            description_en, description_cy = DESCRIPTIONS.get((budget_round.slug, code), ("", ""))
            idea = Idea.objects.filter(
                conversation=budget_round.conversation, title=FROM_IDEAS.get((budget_round.slug, code), "")
            ).first()
            services.project_create(
                budget_round=budget_round,
                code=code,
                title_en=title_en,
                title_cy=title_cy,
                description_en=description_en,
                description_cy=description_cy,
                idea=idea,
                cost=Decimal(cost),
                category_en=category_en,
                category_cy=category_cy,
            )
            made += 1
        return made

    def _ballots(self, budget_round: BudgetRound, officer: User, groups: list[Any], year: str) -> int:
        codes = dict(budget_round.projects.values_list("code", "pk"))
        made = 0
        number = 0
        for count, chosen in groups:
            for _ in range(count):
                number += 1
                reference = f"DEMO-{year}-{number:03d}"
                if Ballot.objects.filter(round=budget_round, paper_reference=reference).exists():
                    continue
                services.paper_ballot_enter(
                    budget_round=budget_round,
                    officer=officer,
                    paper_reference=reference,
                    choices={codes[c]: 1 for c in chosen},
                )
                made += 1
        return made
