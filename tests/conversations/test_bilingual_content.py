"""Text in a language other than the page's carries lang (issue 13, WCAG 3.1.2): comments,
ideas and seeded ideas' source notes."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conversations import services
from conversations.models import Comment, Conversation
from tests.conversations.conftest import make_idea
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


def comment_div(page: str, body: str) -> str:
    """The opening tag of the element holding the comment's words."""
    match = re.search(r"(<div[^>]*>)\s*(?:<p[^>]*>)?" + re.escape(body), page)
    assert match, body
    return match.group(1)


def test_a_comment_keeps_the_language_of_the_page_it_was_written_on(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, alice)
    client.force_login(bob)
    path = f"/conversations/{conversation.slug}/ideas/{idea.pk}/comments/"
    client.post(f"/cy{path}", {"body": "Syniad da iawn"})
    client.post(path, {"body": "A fine idea"})
    written = dict(Comment.objects.values_list("body", "language"))
    assert written == {"Syniad da iawn": "cy", "A fine idea": "en"}


def test_a_comment_in_the_other_language_carries_lang(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, alice)
    services.comment_create(idea=idea, author=bob, body="Syniad da iawn", language="cy")
    services.comment_create(idea=idea, author=alice, body="A fine idea", language="en")
    services.comment_create(idea=idea, author=alice, body="Written before we kept languages")
    english = client.get(idea.get_absolute_url()).content.decode()
    assert 'lang="cy"' in comment_div(english, "Syniad da iawn")
    assert "lang=" not in comment_div(english, "A fine idea")
    assert "lang=" not in comment_div(english, "Written before we kept languages")  # unknown: no guess
    welsh = client.get(f"/cy{idea.get_absolute_url()}").content.decode()
    assert "lang=" not in comment_div(welsh, "Syniad da iawn")
    assert 'lang="en"' in comment_div(welsh, "A fine idea")


def test_the_report_form_shows_a_welsh_comment_with_lang(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, alice)
    comment = services.comment_create(idea=idea, author=bob, body="Syniad da iawn", language="cy")
    client.force_login(alice)
    page = client.get(f"{idea.get_absolute_url()}comments/{comment.pk}/report/").content.decode()
    assert 'lang="cy"' in comment_div(page, "Syniad da iawn")


def test_a_seeded_ideas_source_note_carries_the_ideas_language(
    client: Client, conversation: Conversation, fran: User
) -> None:
    idea = make_idea(
        conversation,
        fran,
        title="Hybiau cynnes",
        body="Lleoedd cynnes i bawb.",
        language="cy",
        source_note="Arfer da o Gaerdydd",
    )
    for path in (conversation.get_absolute_url(), idea.get_absolute_url()):
        page = client.get(path).content.decode()
        assert '<span lang="cy">Arfer da o Gaerdydd</span>' in page, path
    welsh = client.get(f"/cy{idea.get_absolute_url()}").content.decode()
    assert "<span>Arfer da o Gaerdydd</span>" in welsh


def test_a_shared_seeds_source_note_carries_its_language(
    client: Client, conversation: Conversation, fran: User
) -> None:
    seed = services.seed_across(
        user=fran,
        conversations=[conversation],
        title="Warm hubs",
        body="Warm places for everyone.",
        source_note="Best practice from Cardiff",
        language="en",
    )
    client.force_login(fran)
    page = client.get(f"/cy{seed.get_absolute_url()}").content.decode()
    assert '<span lang="en">Best practice from Cardiff</span>' in page
