"""The admin's yes/no icons carry text in the officer's language (WCAG 3.1.2), not Python's
"True"/"False" (vocaleyes/admin_boolean_icons.py)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conversations.models import ContentStatus, Conversation, Idea
from tests.conftest import make_user
from tests.conversations.conftest import make_idea
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


def _icon_alts(page: str) -> set[str]:
    return set(re.findall(r'<img src="[^"]*/admin/img/icon-(?:yes|no|unknown)\.svg" alt="([^"]*)"', page))


@pytest.mark.parametrize(("prefix", "words"), [("", {"No"}), ("/cy", {"Nac ydy"})])
def test_the_review_queues_yes_no_column_speaks_the_pages_language(
    client: Client, conversation: Conversation, bob: User, prefix: str, words: set[str]
) -> None:
    pending = make_idea(conversation, bob, title="Free parking everywhere")
    Idea.objects.filter(pk=pending.pk).update(status=ContentStatus.PENDING)
    client.force_login(make_user("owain@council.example.org", "Owain", is_staff=True, is_superuser=True))
    page = client.get(f"{prefix}/admin/conversations/ideatoreview/").content.decode()
    assert "Free parking everywhere" in page
    assert _icon_alts(page) == words  # Django's own icon would say "False"
