"""Helpers for the moderation, facilitator and export tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from conversations import services
from conversations.models import Comment, Idea, Report
from tests.conftest import make_user
from vocaleyes.models import Organisation, OrganisationRole, User


def report(item: Idea | Comment, people: list[User], reason: str = Report.Reason.OFFENSIVE) -> None:
    for person in people:
        services.report_create(item=item, reporter=person, reason=reason)


def suspended(email: str = "carol@example.org", name: str = "Carol", *, days: int | None = 7) -> User:
    """A resident suspended (for ``days``, or until lifted when ``None``) without an officer:
    for tests about what suspension stops, not about how it is decided."""
    until = timezone.now() + timedelta(days=days) if days is not None else None
    return make_user(
        email,
        name,
        suspended_at=timezone.now(),
        suspended_until=until,
        suspension_reason="Repeated personal attacks on other residents.",
    )


def other_facilitator() -> User:
    """A facilitator of another organisation."""
    elsewhere = Organisation.objects.create(
        slug="cardiff", name_en="Cardiff Council", kind=Organisation.Kind.LOCAL_AUTHORITY
    )
    person = make_user("gwen@example.org", "Gwen")
    OrganisationRole.objects.create(organisation=elsewhere, user=person)
    return person


def streamed(response: Any) -> bytes:
    """The whole body of a streaming (or file) response."""
    return b"".join(response.streaming_content)
