"""Demo of "from priority to action": an action group made from the Swansea conversation's top
idea, the council's response to that idea, plain and conditional pledges (one conditional pledge
bound, one still waiting for others), and hours confirmed and credited to the demo resident, so
they show on Rhian's time-credit statement.

Runs after ``load_demo`` and ``load_demo_groups`` (``make run`` does). Idempotent: it finds the
group by its English name and does nothing more once it is there; hours are confirmed with a
fixed idempotency key, which the ledger honours anyway.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from conversations import ranking_store, services
from conversations.management.commands.load_demo import FACILITATOR, RESIDENT
from conversations.management.commands.load_demo_groups import RESIDENTS, quiet_task_log, resident_email
from conversations.models import ActionGroup, Conversation, Idea, IdeaResponse, Pledge
from conversations.ranking_store import Scope
from vocaleyes.models import User

GROUP_NAME_EN = "Warm spaces volunteers (demo)"
GROUP_NAME_CY = "Gwirfoddolwyr mannau cynnes (demo)"
PURPOSE_EN = "Open a library room as a warm space on winter weekday afternoons, run by volunteers."
PURPOSE_CY = (
    "Agor ystafell yn y llyfrgell fel man cynnes ar brynhawniau yn ystod yr wythnos yn y gaeaf, "
    "wedi'i rhedeg gan wirfoddolwyr."
)
HOURS_KEY = "demo-action-hours-rhian-1"
DEMO_EMAIL = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = "Load the demo action group, its pledges, hours given and the response to its idea."

    def handle(self, *args: Any, **options: Any) -> None:
        conversation = Conversation.objects.filter(slug="swansea-wellbeing").first()
        facilitator = User.objects.filter(email=FACILITATOR).first()
        resident = User.objects.filter(email=RESIDENT).first()
        if conversation is None or facilitator is None or resident is None:
            raise CommandError("Load the Swansea demo first: python manage.py load_demo")
        if ActionGroup.objects.filter(name_en=GROUP_NAME_EN).exists():
            self.stdout.write("Demo action group already loaded.")
            return
        order = ranking_store.order(Scope.of_conversation(conversation.pk))
        top = Idea.objects.visible().filter(pk__in=order[:1]).first() if order else None
        if top is None:
            raise CommandError("The Swansea conversation has no ranked idea yet: run load_demo first.")
        emails = [resident_email(first, family) for first, family, *_ in RESIDENTS[:4]]
        others = list(User.objects.filter(email__in=emails).order_by("pk"))
        if len(others) < 4:
            raise CommandError("Load the demo residents first: python manage.py load_demo_groups")
        # The demo's emails (pledges bound, hours credited) go nowhere, and its in-process tasks
        # run quietly: the newcomer's terminal shows the sign-ins and links, not twenty emails.
        with quiet_task_log(), override_settings(EMAIL_BACKEND=DEMO_EMAIL), transaction.atomic():
            group = services.action_group_create(
                by=facilitator,
                ideas=[top],
                name_en=GROUP_NAME_EN,
                name_cy=GROUP_NAME_CY,
                purpose_en=PURPOSE_EN,
                purpose_cy=PURPOSE_CY,
            )
            services.action_group_set_status(group=group, by=facilitator, status=ActionGroup.Status.ACTIVE)
            services.idea_respond(
                idea=top,
                by=facilitator,
                status=IdeaResponse.Status.ACCEPTED,
                text_en="Thank you: the council will open a warm space with volunteers this winter.",
                text_cy="Diolch: bydd y cyngor yn agor man cynnes gyda gwirfoddolwyr y gaeaf hwn.",
                action_group=group,
            )
            # Rhian gives three hours, no conditions: bound at once.
            rhian = services.pledge_create(person=resident, group=group, kind=Pledge.Kind.HOURS, minutes=180)
            # A conditional pledge that binds: two others pledge after it.
            soon = timezone.now() + timedelta(days=30)
            services.pledge_create(
                person=others[0], group=group, kind=Pledge.Kind.HOURS, minutes=120, threshold=2, deadline=soon
            )
            services.pledge_create(
                person=others[1], group=group, kind=Pledge.Kind.SKILL, description="First aid certificate"
            )
            services.pledge_create(
                person=others[2], group=group, kind=Pledge.Kind.RESOURCE, description="Two urns and cups"
            )
            # One still waiting: it needs ten others.
            services.pledge_create(
                person=others[3],
                group=group,
                kind=Pledge.Kind.HOURS,
                minutes=240,
                threshold=10,
                deadline=soon,
            )
            services.pledge_hours_confirm(
                pledge=rhian,
                minutes=120,
                given_on=timezone.localdate() - timedelta(days=2),
                by=facilitator,
                idempotency_key=HOURS_KEY,
            )
        self.stdout.write(f"Demo action group loaded: {group.name_en}.")
