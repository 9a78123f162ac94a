"""Give the Swansea demo its target groups (issue 11): census-style groups for the Public
Services Board, thirty demo residents who declare their groups and rate the Swansea
conversation's ideas so that groups disagree, and an invitation-only young people's panel with a
working invitation link, which the command prints.

Run after ``load_demo`` (``make run`` does). Idempotent: every record is looked up by its natural
key and created only when missing; a resident's groups are declared (with consent) and their
ratings given through the services only when they have none yet, so a second run changes
nothing. The invitation is reused while it works; a new one is made only when it no longer does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from conversations import ranking_runs, services
from conversations.management.commands.load_demo import DEMO_IDEAS, OFFICER
from conversations.models import Conversation, Idea, Rating
from vocaleyes import services as groups
from vocaleyes.models import DemographicConsent, GroupInvitation, Organisation, TargetGroup, User

ORGANISATION = "swansea-bay-wellbeing-board"
SOURCE = "Census 2021 (ONS), Swansea, rounded"

# key: (name_en, name_cy, kind, size, self_declarable)
GROUPS = {
    "young": ("Young people aged 16 to 24", "Pobl ifanc 16 i 24 oed", "age_band", 31000, True),
    "adults": ("Adults aged 25 to 64", "Oedolion 25 i 64 oed", "age_band", 119000, True),
    "older": ("People aged 65 and over", "Pobl 65 oed a hŷn", "age_band", 45000, True),
    "welsh": ("Welsh speakers", "Siaradwyr Cymraeg", "welsh_language", 25000, True),
    "not_welsh": (
        "People who do not speak Welsh",
        "Pobl nad ydynt yn siarad Cymraeg",
        "welsh_language",
        200000,
        True,
    ),
    "carers": ("Unpaid carers", "Gofalwyr di-dâl", "lived_experience", 22000, True),
    "townhill": ("People living in Townhill", "Pobl sy'n byw yn Townhill", "place", 8000, False),
}

PANEL = {
    "slug": "young-peoples-transport-panel",
    "organisation": ORGANISATION,
    "status": Conversation.Status.OPEN,
    "visibility": Conversation.Visibility.INVITATION,
    "title_en": "Young people's panel on transport (demo)",
    "title_cy": "Panel pobl ifanc ar drafnidiaeth (demo)",
    "description_en": (
        "A panel for young people aged 16 to 24 in Swansea, by invitation. How do you get to "
        "college, work and a night out, and what would make it cheaper, safer and quicker?"
    ),
    "description_cy": (
        "Panel i bobl ifanc 16 i 24 oed yn Abertawe, drwy wahoddiad. Sut ydych chi'n cyrraedd y "
        "coleg, y gwaith a noson allan, a beth fyddai'n ei wneud yn rhatach, yn fwy diogel ac yn "
        "gyflymach?"
    ),
}

# How each age band rates the demo ideas (in load_demo's DEMO_IDEAS order: hospital bus,
# swimming lessons, warm libraries, repair café). A band's residents take its patterns in turn,
# so the first, third, … of a band rate as its first pattern. The groups' favourites differ
# (young people want warm libraries to study in, adults, many of them parents, the swimming
# lessons, people over 65 the hospital bus), and so do the three orders' first ideas:
# * priority: warm libraries. Young people and people over 65 are over-represented among the
#   raters (18 of the 30 residents, against 39% of the population) and both rate it highly.
# * representative of the area: swimming lessons. Adults are 61% of the population but only 12
#   of the 30 residents, so their unanimous 5s count for more once each group counts by its size.
# * most agreed across groups: the hospital bus. Every group rates it 4 or more at least half
#   the time, while adults do not call the libraries important and the other bands the swimming
#   lessons.
BAND_RATINGS = {
    "young": [[4, 2, 5, 4], [3, 2, 5, 4]],
    "adults": [[4, 5, 3, 2], [3, 5, 3, 2]],
    "older": [[5, 3, 4, 2], [4, 3, 4, 2]],
}

# (first name, family name, age band, other groups)
RESIDENTS = [
    ("Alys", "Morgan", "young", ["welsh"]),
    ("Ben", "Clarke", "young", ["not_welsh"]),
    ("Cerys", "Hughes", "young", ["welsh", "townhill"]),
    ("Dylan", "Price", "young", ["not_welsh"]),
    ("Ellie", "Walsh", "young", ["not_welsh", "carers"]),
    ("Ffion", "Rees", "young", ["welsh"]),
    ("Harvey", "Bowen", "young", ["not_welsh", "townhill"]),
    ("Isla", "Grant", "young", ["not_welsh"]),
    ("Jac", "Lloyd", "young", ["welsh"]),
    ("Kayla", "Evans", "young", ["not_welsh"]),
    ("Liam", "Davies", "adults", ["not_welsh"]),
    ("Megan", "Thomas", "adults", ["welsh", "carers"]),
    ("Nathan", "Jenkins", "adults", ["not_welsh"]),
    ("Olivia", "Powell", "adults", ["not_welsh", "townhill"]),
    ("Priya", "Shah", "adults", ["not_welsh", "carers"]),
    ("Rhodri", "Williams", "adults", ["welsh"]),
    ("Sara", "Ahmed", "adults", ["not_welsh"]),
    ("Tomos", "Parry", "adults", ["welsh"]),
    ("Usha", "Patel", "adults", ["not_welsh"]),
    ("Wyn", "Roberts", "adults", ["welsh", "townhill"]),
    ("Yasmin", "Ali", "adults", ["not_welsh", "carers"]),
    ("Zoe", "Harris", "adults", ["not_welsh"]),
    ("Arthur", "Jones", "older", ["not_welsh"]),
    ("Beryl", "James", "older", ["welsh", "carers"]),
    ("Clive", "Edwards", "older", ["not_welsh", "townhill"]),
    ("Delyth", "Owen", "older", ["welsh"]),
    ("Eric", "Phillips", "older", ["not_welsh"]),
    ("Glenys", "Morris", "older", ["welsh"]),
    ("Huw", "Griffiths", "older", ["not_welsh", "carers"]),
    ("Iris", "Taylor", "older", ["not_welsh"]),
]

INVITATION_DAYS = 365
INVITATION_USES = 500


def resident_email(first: str, family: str) -> str:
    return f"{first}.{family}@example.org".lower()


class Command(BaseCommand):
    help = "Load the demo's target groups, residents in them and an invitation-only panel (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the site runs, to print the invitation link in full.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Quiet around the transaction: the ratings' queued recomputes run when it commits.
        with quiet_task_log():
            self._load(base_url=options["base_url"])

    @transaction.atomic
    def _load(self, *, base_url: str) -> None:
        organisation = Organisation.objects.filter(slug=ORGANISATION).first()
        conversation = Conversation.objects.filter(slug="swansea-wellbeing").first()
        officer = User.objects.filter(email=OFFICER).first()
        if organisation is None or conversation is None or officer is None:
            raise CommandError("Load the Swansea demo first: python manage.py load_demo")
        created = 0
        targets: dict[str, TargetGroup] = {}
        for key, (name_en, name_cy, kind, size, declarable) in GROUPS.items():
            group, made = TargetGroup.objects.get_or_create(
                organisation=organisation,
                name_en=name_en,
                defaults={
                    "name_cy": name_cy,
                    "kind": kind,
                    "population_size": size,
                    "population_source": SOURCE,
                    "self_declarable": declarable,
                },
            )
            targets[key] = group
            created += made

        panel, made = Conversation.objects.get_or_create(
            slug=PANEL["slug"], defaults={**PANEL, "organisation": organisation}
        )
        created += made
        if not panel.target_groups.filter(pk=targets["young"].pk).exists():
            panel.target_groups.add(targets["young"])
            created += 1

        invitation, made = self._invitation(targets["young"], officer)
        created += made
        townhill, made = self._invitation(targets["townhill"], officer)
        created += made
        created += self._load_residents(conversation, targets, townhill)

        with translation.override("en"):
            link = base_url.rstrip("/") + reverse("join", args=[groups.invitation_token(invitation)])
        self.stdout.write(f"Demo target groups loaded ({created} records created).")
        self.stdout.write(f"Invitation to the young people's panel (16 to 24): {link}")

    def _load_residents(
        self, conversation: Conversation, targets: dict[str, TargetGroup], townhill: GroupInvitation
    ) -> int:
        created = 0
        ideas = [Idea.objects.get(conversation=conversation, title=title) for _a, title, *_ in DEMO_IDEAS]
        in_band: dict[str, int] = {}
        for first, family, band, others in RESIDENTS:
            turn = in_band[band] = in_band.get(band, -1) + 1
            pattern = BAND_RATINGS[band][turn % len(BAND_RATINGS[band])]
            email = resident_email(first, family)
            person = User.objects.filter(email=email).first()
            if person is None:
                # No password: demo residents never sign in; they are there to be counted.
                person = User.objects.create_user(email=email, display_name=f"{first} {family}")
                created += 1
            if not DemographicConsent.objects.filter(user=person).exists():
                chosen = [targets[key] for key in (band, *others) if targets[key].self_declarable]
                groups.groups_declare(user=person, groups=chosen, consent=True)
                created += len(chosen)
            if "townhill" in others:
                # The neighbourhood is joined through an invitation only, as its residents would.
                joined = groups.invitation_accept(token=groups.invitation_token(townhill), user=person)
                created += not joined.already_member
            given = dict(Rating.objects.filter(idea__in=ideas, user=person).values_list("idea_id", "value"))
            for idea, value in zip(ideas, pattern, strict=True):
                # Also corrects a rating an older version of the demo gave differently.
                if given.get(idea.pk) != value:
                    services.rating_set(idea=idea, user=person, value=value)
                    created += 1
        if created:
            ranking_runs.ranking_recompute(conversation_id=conversation.pk)
        return created

    def _invitation(self, group: TargetGroup, officer: User) -> tuple[GroupInvitation, bool]:
        for invitation in GroupInvitation.objects.filter(group=group, created_by=officer).order_by("-pk"):
            if not groups.invitation_problem(invitation):
                return invitation, False
        invitation = groups.invitation_create(
            group=group,
            by=officer,
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
            max_uses=INVITATION_USES,
        )
        return invitation, True


@contextmanager
def quiet_task_log() -> Iterator[None]:
    """Without Redis every demo rating runs its queued recompute in-process, and Celery logs a
    line for each (about 120): the newcomer's terminal should show the sign-ins and the link."""
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    trace.setLevel(logging.WARNING)
    try:
        yield
    finally:
        trace.setLevel(level)
