from __future__ import annotations

import pytest
from django.test import Client

from conversations.models import Conversation
from tests.conftest import make_conversation
from vocaleyes.models import Organisation

pytestmark = pytest.mark.django_db


def test_home_lists_open_public_conversations_only(client: Client, organisation: Organisation) -> None:
    make_conversation(organisation, slug="open-one", title_en="Open and public")
    make_conversation(
        organisation, slug="draft-one", title_en="Still a draft", status=Conversation.Status.DRAFT
    )
    make_conversation(
        organisation,
        slug="invited-one",
        title_en="Invitation only",
        visibility=Conversation.Visibility.INVITATION,
    )
    page = client.get("/").content.decode()
    assert "Open and public" in page
    assert "Still a draft" not in page
    assert "Invitation only" not in page


def test_welsh_home_page_is_in_welsh(client: Client, conversation: Conversation) -> None:
    page = client.get("/cy/").content.decode()
    assert '<html lang="cy"' in page
    assert "Beth fyddai&#x27;n gwneud bywyd yn well?" in page
    assert "Sgyrsiau agored" in page  # "Open conversations"
    assert "Open conversations" not in page


def test_every_page_offers_the_other_language(client: Client, conversation: Conversation) -> None:
    english = client.get(f"/conversations/{conversation.slug}/").content.decode()
    assert f'href="/cy/conversations/{conversation.slug}/"' in english
    welsh = client.get(f"/cy/conversations/{conversation.slug}/").content.decode()
    assert f'href="/conversations/{conversation.slug}/"' in welsh


def test_the_language_switch_names_each_language_in_itself(client: Client, db: None) -> None:
    welsh = client.get("/cy/").content.decode()
    assert 'hreflang="en">English</a>' in welsh
    english = client.get("/").content.decode()
    assert 'hreflang="cy">Cymraeg</a>' in english


def test_bilingual_content_falls_back_and_is_marked_with_its_language(
    client: Client, organisation: Organisation
) -> None:
    make_conversation(organisation, slug="english-only", title_en="Only in English", title_cy="")
    welsh = client.get("/cy/conversations/english-only/").content.decode()
    assert '<h1 class="govuk-heading-xl" lang="en">Only in English</h1>' in welsh


def test_draft_conversation_is_not_found_for_residents_but_visible_to_its_facilitator(
    client: Client, organisation: Organisation, alice, fran
) -> None:
    make_conversation(organisation, slug="draft", status=Conversation.Status.DRAFT)
    assert client.get("/conversations/draft/").status_code == 404
    client.force_login(alice)
    response = client.get("/conversations/draft/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    client.force_login(fran)
    assert "only its organisers can see it" in client.get("/conversations/draft/").content.decode()


def test_not_found_page_is_translated(client: Client, db: None) -> None:
    response = client.get("/cy/no-such-page/")
    assert response.status_code == 404
    assert "Heb ddod o hyd i'r dudalen" in response.content.decode()


@pytest.mark.parametrize("path", ["/accessibility/", "/privacy/", "/cy/accessibility/", "/cy/privacy/"])
def test_footer_pages_exist_in_both_languages(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert ('<html lang="cy"' in response.content.decode()) == path.startswith("/cy/")
