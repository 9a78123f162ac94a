"""Send today's digests to people who follow ideas and action groups (the beat task does this
daily; running it again the same day sends nobody a second email)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from conversations import services


class Command(BaseCommand):
    help = "Send followers their daily digest (at most one email per person per day)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.digests_send()
        self.stdout.write(f"Digests sent: {sent}")
