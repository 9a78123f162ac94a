"""Finding things (issue 13): a facilitator's "Your conversations" page and its header link."""

from __future__ import annotations

import pytest
from django.test import Client

from conversations.models import ContentStatus, Conversation
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea
from tests.conversations.moderation import other_facilitator
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db


def test_a_facilitator_sees_their_organisations_conversations_with_their_pages(
    client: Client, fran: User, alice: User, organisation: Organisation
) -> None:
    mine = make_conversation(organisation, slug="parks", title_en="Parks for all")
    draft = Conversation.Status.DRAFT
    make_conversation(organisation, slug="draft-one", title_en="Not yet out", status=draft)
    other_facilitator()  # creates Cardiff
    make_conversation(Organisation.objects.get(slug="cardiff"), slug="cardiff-one", title_en="Cardiff's own")
    make_idea(mine, alice, "Shown idea")
    held = make_idea(mine, alice, "Held idea")
    held.status = ContentStatus.PENDING
    held.save(update_fields=["status"])
    client.force_login(fran)
    page = client.get("/conversations/facilitating/").content.decode()
    assert "Parks for all" in page and "Not yet out" in page
    assert "Cardiff&#x27;s own" not in page
    assert "1 idea shown · 1 idea waiting for review · 0 comments waiting for review" in page
    assert 'href="/conversations/new/"' in page  # start one without the admin
    pages = ("facilitate/", "facilitate/edit/", "facilitate/groups/", "facilitate/export/")
    for href in (*pages, "facilitate/invitations/"):
        assert f'href="/conversations/parks/{href}"' in page
    assert "/admin/" not in page.split('id="main-content"')[1]  # officers' links only


def test_open_conversations_come_first(client: Client, fran: User, organisation: Organisation) -> None:
    closed = Conversation.Status.CLOSED
    make_conversation(organisation, slug="closed-one", title_en="Closed one", status=closed)
    make_conversation(organisation, slug="open-one", title_en="Open one")
    client.force_login(fran)
    page = client.get("/conversations/facilitating/").content.decode()
    assert page.index("Open one") < page.index("Closed one")


def test_an_officer_sees_every_conversation_and_the_admin_links(
    client: Client, olwen: User, organisation: Organisation
) -> None:
    conversation = make_conversation(organisation, slug="parks", title_en="Parks for all")
    client.force_login(olwen)
    page = client.get("/conversations/facilitating/").content.decode()
    assert "Parks for all" in page
    assert f'href="/admin/conversations/conversation/{conversation.pk}/change/"' in page


def test_residents_and_visitors_have_no_such_page(client: Client, alice: User) -> None:
    assert client.get("/conversations/facilitating/").status_code == 302  # to sign in
    client.force_login(alice)
    assert client.get("/conversations/facilitating/").status_code == 404


def test_the_header_offers_it_to_facilitators_only(
    client: Client, fran: User, alice: User, conversation: Conversation
) -> None:
    client.force_login(alice)
    assert "/conversations/facilitating/" not in client.get("/").content.decode()
    client.force_login(fran)
    page = client.get("/").content.decode()
    assert 'href="/conversations/facilitating/">Your conversations</a>' in page
    welsh = client.get("/cy/conversations/facilitating/").content.decode()
    assert "Eich sgyrsiau</h1>" in welsh and "Dangosfwrdd hwylusydd" in welsh


def test_the_page_costs_the_same_queries_however_many_conversations(
    client: Client, fran: User, organisation: Organisation, django_assert_max_num_queries
) -> None:
    client.force_login(fran)
    make_conversation(organisation, slug="one")
    with django_assert_max_num_queries(8) as few:
        client.get("/conversations/facilitating/")
    for n in range(10):
        make_conversation(organisation, slug=f"more-{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/conversations/facilitating/")
