"""Load a Swansea-style well-being conversation with three demo people, and a few ideas,
ratings and comments in it so the priority ranking has something to show.

Idempotent: every record is looked up by its natural key and created only when missing, so
running the command twice changes nothing (passwords included). Ideas, ratings and comments go
through the services like any other; the ranking is recomputed at the end.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from conversations import ranking_runs, services
from conversations.management.demo import ideas_posted, ratings_given
from conversations.models import Comment, Conversation
from vocaleyes.models import Organisation, OrganisationRole, User

DEMO_PASSWORD = "vocaleyes-demo-2026"  # noqa: S105 - demo data only, printed for the newcomer

DEMO_USERS = [
    # email, display name, language, staff, superuser
    # Names do not say the role (display names may not): pages show a badge from the role.
    ("resident@demo.vocaleyes.cymru", "Rhian Morgan", "cy", False, False),
    ("facilitator@demo.vocaleyes.cymru", "Dafydd Evans", "en", False, False),
    ("officer@demo.vocaleyes.cymru", "Sian Price", "en", True, True),
]

ORGANISATIONS = [
    {
        "slug": "swansea-bay-wellbeing-board",
        "name_en": "Swansea Bay Public Services Board (demo)",
        "name_cy": "Bwrdd Gwasanaethau Cyhoeddus Bae Abertawe (demo)",
        "kind": Organisation.Kind.LOCAL_AUTHORITY,
        "level": Organisation.Level.REGIONAL,
        "contact_email": "moderation@swansea-bay-psb.example.gov.uk",
        "contact_phone": "01792 636000",
    },
    {
        "slug": "swansea-voluntary-action",
        "name_en": "Swansea Voluntary Action (demo)",
        "name_cy": "Gweithredu Gwirfoddol Abertawe (demo)",
        "kind": Organisation.Kind.THIRD_SECTOR,
        "level": Organisation.Level.LOCAL,
        "contact_email": "hello@swansea-voluntary-action.example.org",
        "contact_url": "https://swansea-voluntary-action.example.org/contact",
    },
    {
        "slug": "townhill-community-garden",
        "name_en": "Townhill Community Garden (demo)",
        "name_cy": "Gardd Gymunedol Townhill (demo)",
        "kind": Organisation.Kind.COMMUNITY_GROUP,
        "level": Organisation.Level.LOCAL,
        "contact_email": "townhill-garden@example.org",
    },
]

CONVERSATIONS: list[dict[str, Any]] = [
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
        "opened_on": date(2025, 3, 3),
        "closed_on": date(2025, 6, 27),
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


RESIDENT, FACILITATOR, OFFICER = (email for email, *_ in DEMO_USERS)
# What ``demo_sign_ins`` prints beside each name.
DEMO_ROLES = {RESIDENT: "resident", FACILITATOR: "facilitator", OFFICER: "council officer"}

# (author, title, body, language, source note for seeded ideas)
DEMO_IDEAS = [
    (
        RESIDENT,
        "A bus that links the hill estates to Morriston Hospital",
        "Getting to outpatient appointments from Townhill or Mayhill takes two buses and over an hour.\n"
        "A direct hourly service would help older people and carers most.",
        "en",
        "",
    ),
    (
        RESIDENT,
        "Gwersi nofio am ddim i blant ysgol gynradd",
        "Mae llawer o blant yn gadael yr ysgol gynradd heb allu nofio. Byddai gwersi am ddim yn "
        "y pyllau lleol yn newid hynny.",
        "cy",
        "",
    ),
    (
        FACILITATOR,
        "Warm, welcoming libraries in winter",
        "Libraries stay open later from November to March as warm spaces, with tea, Wi-Fi and "
        "someone to talk to.",
        "en",
        "Best practice from Cardiff",
    ),
    (
        OFFICER,
        "A repair café in every community centre",
        "Volunteers fix clothes, toasters and bikes once a month: less waste, and a reason to meet.",
        "en",
        "",
    ),
]

# Each person's rating of each idea above (None: not rated; nobody rates their own). The demo
# resident leaves the repair café unrated, so there is something to rate when signing in.
DEMO_RATINGS = {
    RESIDENT: [None, None, 5, None],
    FACILITATOR: [5, 4, None, 3],
    OFFICER: [5, 5, 3, None],
}

DEMO_COMMENTS = [
    (0, FACILITATOR, "Could it stop at the Singleton campus too?", "en"),
    (1, OFFICER, "Byddai hyn yn help mawr i deuluoedd sy'n methu talu am wersi preifat.", "cy"),
    (2, RESIDENT, "The one in Sketty was full every afternoon last winter.", "en"),
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
            elif user.display_name != name:
                # Demo databases made before role words were refused in names.
                User.objects.filter(pk=user.pk).update(display_name=name)
            _, made = EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            created += made
            users[email] = user

        organisations = {}
        for data in ORGANISATIONS:
            organisation, made = Organisation.objects.get_or_create(slug=data["slug"], defaults=data)
            if not made and not organisation.contact:  # loaded before organisations had contacts
                contact = {key: value for key, value in data.items() if key.startswith("contact_")}
                Organisation.objects.filter(pk=organisation.pk).update(**contact)
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

        created += self._load_ideas(users)

        self.stdout.write(f"Demo data loaded ({created} records created).")

    def _load_ideas(self, people: dict[str, User]) -> int:
        conversation = Conversation.objects.get(slug="swansea-wellbeing")
        rows = [
            (people[author], title, body, language, note)
            for author, title, body, language, note in DEMO_IDEAS
        ]
        ideas, created = ideas_posted(conversation, rows)
        created += ratings_given(ideas, {people[email]: values for email, values in DEMO_RATINGS.items()})

        for number, email, body, language in DEMO_COMMENTS:
            if not Comment.objects.filter(idea=ideas[number], author=people[email], body=body).exists():
                services.comment_create(
                    idea=ideas[number], author=people[email], body=body, language=language
                )
                created += 1

        ranking_runs.ranking_recompute(conversation_id=conversation.pk)
        return created
