"""Load a Swansea-style well-being conversation with three demo people.

Idempotent: every record is looked up by its natural key and created only when missing, so
running the command twice changes nothing (passwords included).
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from conversations.models import Conversation, Organisation, OrganisationRole
from vocaleyes.models import User

DEMO_PASSWORD = "vocaleyes-demo-2026"  # noqa: S105 - demo data only, printed for the newcomer

DEMO_USERS = [
    # email, display name, language, staff, superuser
    ("resident@demo.vocaleyes.cymru", "Rhian (resident)", "cy", False, False),
    ("facilitator@demo.vocaleyes.cymru", "Dafydd (facilitator)", "en", False, False),
    ("officer@demo.vocaleyes.cymru", "Sian (council officer)", "en", True, True),
]

ORGANISATIONS = [
    {
        "slug": "swansea-bay-wellbeing-board",
        "name_en": "Swansea Bay Public Services Board (demo)",
        "name_cy": "Bwrdd Gwasanaethau Cyhoeddus Bae Abertawe (demo)",
        "kind": Organisation.Kind.LOCAL_AUTHORITY,
        "level": Organisation.Level.REGIONAL,
    },
    {
        "slug": "swansea-voluntary-action",
        "name_en": "Swansea Voluntary Action (demo)",
        "name_cy": "Gweithredu Gwirfoddol Abertawe (demo)",
        "kind": Organisation.Kind.THIRD_SECTOR,
        "level": Organisation.Level.LOCAL,
    },
    {
        "slug": "townhill-community-garden",
        "name_en": "Townhill Community Garden (demo)",
        "name_cy": "Gardd Gymunedol Townhill (demo)",
        "kind": Organisation.Kind.COMMUNITY_GROUP,
        "level": Organisation.Level.LOCAL,
    },
]

CONVERSATIONS = [
    {
        "slug": "swansea-wellbeing",
        "organisation": "swansea-bay-wellbeing-board",
        "status": Conversation.Status.OPEN,
        "title_en": "What would make life better in Swansea?",
        "title_cy": "Beth fyddai'n gwneud bywyd yn well yn Abertawe?",
        "description_en": (
            "The Public Services Board is writing its next well-being plan under the Well-being of "
            "Future Generations (Wales) Act 2015, and we want to write it with you, not for you.\n"
            "Tell us your ideas for better public services in Swansea: health and care, getting "
            "around, green spaces, housing, learning and work. Rate other people's ideas, and the "
            "most important ones will become action groups and projects."
        ),
        "description_cy": (
            "Mae'r Bwrdd Gwasanaethau Cyhoeddus yn ysgrifennu ei gynllun llesiant nesaf o dan Ddeddf "
            "Llesiant Cenedlaethau'r Dyfodol (Cymru) 2015, ac rydym am ei ysgrifennu gyda chi, nid ar "
            "eich rhan.\n"
            "Rhannwch eich syniadau am wasanaethau cyhoeddus gwell yn Abertawe: iechyd a gofal, teithio, "
            "mannau gwyrdd, tai, dysgu a gwaith. Rhowch sgôr i syniadau pobl eraill, a bydd y rhai "
            "pwysicaf yn troi'n grwpiau gweithredu a phrosiectau."
        ),
    },
    {
        "slug": "townhill-green-spaces",
        "organisation": "townhill-community-garden",
        "status": Conversation.Status.OPEN,
        "title_en": "Green spaces in Townhill",
        "title_cy": "Mannau gwyrdd yn Townhill",
        "description_en": (
            "How should we use the land behind the community centre? Share ideas for growing food, "
            "play and quiet places, and pledge a few hours to make them happen."
        ),
        "description_cy": (
            "Sut dylen ni ddefnyddio'r tir y tu ôl i'r ganolfan gymunedol? Rhannwch syniadau am dyfu "
            "bwyd, chwarae a mannau tawel, ac addewch ychydig oriau i'w gwireddu."
        ),
    },
    {
        "slug": "carers-support-2025",
        "organisation": "swansea-voluntary-action",
        "status": Conversation.Status.CLOSED,
        "title_en": "Support for unpaid carers (2025)",
        "title_cy": "Cymorth i ofalwyr di-dâl (2025)",
        "description_en": (
            "This conversation with unpaid carers ran in 2025. Its priorities shaped the respite "
            "and peer-support services that started this year."
        ),
        "description_cy": (
            "Cynhaliwyd y sgwrs hon gyda gofalwyr di-dâl yn 2025. Bu ei blaenoriaethau'n sail i'r "
            "gwasanaethau seibiant a chymorth gan gymheiriaid a ddechreuodd eleni."
        ),
    },
]


class Command(BaseCommand):
    help = "Load demo organisations, conversations and three demo people (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        created = 0
        users = {}
        for email, name, language, staff, superuser in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email,
                    password=DEMO_PASSWORD,
                    display_name=name,
                    language=language,
                    is_staff=staff,
                    is_superuser=superuser,
                )
                created += 1
            _, made = EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            created += made
            users[email] = user

        organisations = {}
        for data in ORGANISATIONS:
            organisation, made = Organisation.objects.get_or_create(slug=data["slug"], defaults=data)
            organisations[data["slug"]] = organisation
            created += made

        for data in CONVERSATIONS:
            values = {**data, "organisation": organisations[str(data["organisation"])]}
            _, made = Conversation.objects.get_or_create(slug=data["slug"], defaults=values)
            created += made

        for slug in ("swansea-bay-wellbeing-board", "townhill-community-garden"):
            _, made = OrganisationRole.objects.get_or_create(
                organisation=organisations[slug],
                user=users["facilitator@demo.vocaleyes.cymru"],
                role=OrganisationRole.Role.FACILITATOR,
            )
            created += made

        self.stdout.write(f"Demo data loaded ({created} records created).")
        self.stdout.write(f"Demo sign-ins (password for all three: {DEMO_PASSWORD}):")
        for email, name, *_ in DEMO_USERS:
            self.stdout.write(f"  {name:<24} {email}")
