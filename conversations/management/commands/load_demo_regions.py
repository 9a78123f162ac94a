"""Give the demo a region and a nation (issue 11's roll-up): "Swansea Bay region (demo)", whose
members are the demo's local organisations (Townhill Community Garden, Swansea Voluntary
Action), and "Wales (demo)", whose members are that region and the Swansea Bay Public Services
Board (regional already). A few ideas in Townhill's green-spaces conversation give the region
something to rank; the nation ranks them with the Swansea well-being ideas. The roll-ups are
computed in-process at the end.

Run after ``load_demo`` and ``load_demo_groups`` (``make run`` does). Idempotent: organisations,
ideas and ratings are looked up by their natural keys and made only when missing; a parent is
set only where none is, so a second run changes nothing (it only recomputes the roll-ups).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from conversations import ranking_runs
from conversations.management.commands.load_demo import FACILITATOR, OFFICER, RESIDENT
from conversations.management.commands.load_demo_groups import quiet_task_log
from conversations.management.demo import ideas_posted, ratings_given
from conversations.models import Conversation
from vocaleyes.models import Organisation, User

# The kinds are council, third sector and community group: a regional partnership and the
# national level are public bodies, nearest to the first.
REGION = {
    "slug": "swansea-bay-region",
    "name_en": "Swansea Bay region (demo)",
    "name_cy": "Rhanbarth Bae Abertawe (demo)",
    "kind": Organisation.Kind.LOCAL_AUTHORITY,
    "level": Organisation.Level.REGIONAL,
}
NATION = {
    "slug": "wales",
    "name_en": "Wales (demo)",
    "name_cy": "Cymru (demo)",
    "kind": Organisation.Kind.LOCAL_AUTHORITY,
    "level": Organisation.Level.NATIONAL,
}
# member slug -> parent slug
MEMBERSHIPS = {
    "townhill-community-garden": REGION["slug"],
    "swansea-voluntary-action": REGION["slug"],
    REGION["slug"]: NATION["slug"],
    "swansea-bay-wellbeing-board": NATION["slug"],
}

TOWNHILL = "townhill-green-spaces"
# (author, title, body, language)
TOWNHILL_IDEAS = [
    (
        RESIDENT,
        "Gardd lysiau i deuluoedd",
        "Lleiniau bach i deuluoedd dyfu llysiau, gyda gwersi garddio ar fore Sadwrn.",
        "cy",
    ),
    (
        FACILITATOR,
        "A quiet garden with benches for older neighbours",
        "A sheltered corner with benches and scented plants, away from the play area.",
        "en",
    ),
    (
        OFFICER,
        "Raised beds that wheelchair users can reach",
        "Waist-high beds and firm paths, so everyone can grow something.",
        "en",
    ),
]
# Each demo person's rating of each idea above (None: not rated; nobody rates their own).
TOWNHILL_RATINGS = {
    RESIDENT: [None, 4, 5],
    FACILITATOR: [5, None, 4],
    OFFICER: [4, 3, None],
}


class Command(BaseCommand):
    help = "Load a demo region and nation whose pages rank their members' ideas together (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with quiet_task_log():
            created = self._load()
        for slug in (REGION["slug"], NATION["slug"]):
            ranking_runs.roll_up_recompute(organisation_id=Organisation.objects.get(slug=slug).pk)
        self.stdout.write(f"Demo region and nation loaded ({created} records created).")

    @transaction.atomic
    def _load(self) -> int:
        people = {person.email: person for person in User.objects.filter(email__in=TOWNHILL_RATINGS)}
        townhill = Conversation.objects.filter(slug=TOWNHILL).first()
        if townhill is None or len(people) < len(TOWNHILL_RATINGS):
            raise CommandError("Load the Swansea demo first: python manage.py load_demo")
        created = 0
        for data in (NATION, REGION):
            _, made = Organisation.objects.get_or_create(slug=data["slug"], defaults=data)
            created += made
        organisations = {
            o.slug: o for o in Organisation.objects.filter(slug__in=[*MEMBERSHIPS, NATION["slug"]])
        }
        for member_slug, parent_slug in MEMBERSHIPS.items():
            member = organisations.get(member_slug)
            if member is None or member.parent_id is not None:
                continue  # not in this demo, or an officer placed it already
            member.parent = organisations[parent_slug]
            member.full_clean()  # one level up or more, as the admin checks
            member.save(update_fields=["parent"])
            created += 1
        created += self._load_townhill(townhill, people)
        return created

    def _load_townhill(self, conversation: Conversation, people: dict[str, User]) -> int:
        rows = [
            (people[author], title, body, language, "") for author, title, body, language in TOWNHILL_IDEAS
        ]
        ideas, created = ideas_posted(conversation, rows)
        created += ratings_given(ideas, {people[email]: values for email, values in TOWNHILL_RATINGS.items()})
        ranking_runs.ranking_recompute(conversation_id=conversation.pk)
        return created
