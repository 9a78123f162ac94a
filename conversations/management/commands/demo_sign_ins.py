"""What ``make run`` prints last, once: where the app is, the demo sign-ins and the demo
invitation link. The loaders before it print a line each, and the demo's emails and the
in-process tasks' logs would otherwise scroll the sign-ins out of sight."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse
from django.utils import translation

from conversations.management.commands.load_demo import DEMO_PASSWORD, DEMO_ROLES, DEMO_USERS, OFFICER
from conversations.management.commands.load_demo_groups import GROUPS, ORGANISATION
from vocaleyes import services as groups
from vocaleyes.models import GroupInvitation


class Command(BaseCommand):
    help = "Print the demo's address, sign-ins and invitation link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        base = options["base_url"].rstrip("/")
        write = self.stdout.write
        write("")
        write(f"VocalEyes is running at {base}/ (Cymraeg: {base}/cy/)")
        write(f"Council admin: {base}/admin/ (sign in as the council officer). Stop with Ctrl+C.")
        write(f"Demo sign-ins (password for all three: {DEMO_PASSWORD}):")
        for email, name, *_ in DEMO_USERS:
            write(f"  {f'{name} ({DEMO_ROLES[email]})':<30} {email}")
        invitations = GroupInvitation.objects.filter(
            group__organisation__slug=ORGANISATION,
            group__name_en=GROUPS["young"][0],
            created_by__email=OFFICER,
        ).order_by("-pk")
        invitation = next((i for i in invitations if not groups.invitation_problem(i)), None)
        if invitation is not None:
            with translation.override("en"):
                link = base + reverse("join", args=[groups.invitation_token(invitation)])
            write(f"Invitation to the young people's panel (16 to 24): {link}")
        write("")
