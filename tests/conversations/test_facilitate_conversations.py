"""Facilitators start and edit conversations from their own pages (issue 13), not only in the
admin: in the organisations they facilitate, with the model's checks as field errors, and
nothing changed for outsiders, the suspended or bad input."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.utils import timezone

from conversations import services
from conversations.models import Conversation
from tests.conftest import make_user
from vocaleyes.errors import Refusal
from vocaleyes.models import Organisation, User

pytestmark = pytest.mark.django_db

NEW = "/conversations/new/"


def valid_post(organisation: Organisation, **extra: str) -> dict[str, str]:
    return {
        "organisation": str(organisation.pk),
        "title_en": "Safer streets",
        "title_cy": "Strydoedd mwy diogel",
        "description_en": "What would make your street safer?",
        "description_cy": "Beth fyddai'n gwneud eich stryd yn fwy diogel?",
        "status": "open",
        "visibility": "public",
        **extra,
    }


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_facilitator_starts_a_conversation_in_their_organisation(
    fran: User, organisation: Organisation
) -> None:
    response = signed_in(fran).post(NEW, valid_post(organisation, authors_start_action_groups="on"))
    conversation = Conversation.objects.get(title_en="Safer streets")
    assert (
        response.status_code == 302
        and response["Location"] == f"/conversations/{conversation.slug}/facilitate/"
    )
    assert conversation.organisation == organisation and conversation.slug == "safer-streets"
    assert conversation.title_cy == "Strydoedd mwy diogel" and conversation.status == "open"
    assert conversation.authors_start_action_groups is True


def test_the_address_is_made_unique(fran: User, organisation: Organisation) -> None:
    client = signed_in(fran)
    client.post(NEW, valid_post(organisation))
    client.post(NEW, valid_post(organisation))
    assert sorted(Conversation.objects.values_list("slug", flat=True)) == ["safer-streets", "safer-streets-2"]


def test_a_title_in_welsh_alone_is_enough(fran: User, organisation: Organisation) -> None:
    signed_in(fran).post(NEW, valid_post(organisation, title_en=""))
    assert Conversation.objects.get().title == "Strydoedd mwy diogel"


def test_no_title_and_no_status_are_field_errors_and_create_nothing(
    fran: User, organisation: Organisation
) -> None:
    response = signed_in(fran).post(NEW, valid_post(organisation, title_en="", title_cy="", status=""))
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page and 'href="#id_title_en"' in page
    assert "Give the conversation a title in English or Welsh." in page and "Choose a status." in page
    assert not Conversation.objects.exists()


def test_someone_who_facilitates_nothing_gets_a_404(alice: User, organisation: Organisation) -> None:
    client = signed_in(alice)
    assert client.get(NEW).status_code == 404
    assert client.post(NEW, valid_post(organisation)).status_code == 404
    assert not Conversation.objects.exists()


def test_an_organisation_not_facilitated_is_not_a_choice(fran: User) -> None:
    other = Organisation.objects.create(slug="cardiff", name_en="Cardiff Council", kind="local_authority")
    response = signed_in(fran).post(NEW, valid_post(other))
    assert response.status_code == 400
    assert "Choose an organisation from the list." in html.unescape(response.content.decode())
    assert not Conversation.objects.exists()


def test_the_service_refuses_an_outsider(alice: User, organisation: Organisation) -> None:
    with pytest.raises(Refusal) as refused:
        services.conversation_create(user=alice, organisation=organisation, title_en="Mine")
    assert refused.value.forbidden and not Conversation.objects.exists()


def test_a_suspended_facilitator_sees_why_and_changes_nothing(
    fran: User, organisation: Organisation, conversation: Conversation
) -> None:
    fran.suspended_at = timezone.now()
    fran.suspension_reason = "Spam"
    fran.save()
    client = signed_in(fran)
    page = html.unescape(client.get(NEW).content.decode())
    assert "Your account has been suspended" in page and 'name="title_en"' not in page
    client.post(NEW, valid_post(organisation))
    client.post(
        f"/conversations/{conversation.slug}/facilitate/edit/", valid_post(organisation, title_en="X")
    )
    assert Conversation.objects.count() == 1
    conversation.refresh_from_db()
    assert conversation.title_en == "What would make life better?"
    with pytest.raises(Refusal):
        services.conversation_create(user=fran, organisation=organisation, title_en="Mine")


def test_a_facilitator_edits_titles_status_and_who_takes_part(
    fran: User, organisation: Organisation, conversation: Conversation
) -> None:
    client = signed_in(fran)
    edit = f"/conversations/{conversation.slug}/facilitate/edit/"
    form = html.unescape(client.get(edit).content.decode())
    assert 'value="What would make life better?"' in form
    response = client.post(
        edit, valid_post(organisation, title_en="Better lives", status="closed", visibility="invitation")
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.title_en == "Better lives" and conversation.slug == "wellbeing"
    assert conversation.status == "closed" and conversation.visibility == "invitation"


def test_bad_input_on_the_edit_page_changes_nothing(fran: User, conversation: Conversation) -> None:
    response = signed_in(fran).post(
        f"/conversations/{conversation.slug}/facilitate/edit/",
        {"title_en": "", "title_cy": "", "status": "archived", "visibility": "public"},
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Give the conversation a title in English or Welsh." in page
    assert "Select a valid choice." in page or "valid choice" in page
    conversation.refresh_from_db()
    assert conversation.title_en == "What would make life better?" and conversation.status == "open"


def test_only_its_facilitators_reach_the_edit_page(alice: User, conversation: Conversation) -> None:
    other = make_user("gwen@example.org", "Gwen")
    for user in (alice, other):
        client = signed_in(user)
        assert client.get(f"/conversations/{conversation.slug}/facilitate/edit/").status_code == 404
        assert (
            client.post(
                f"/conversations/{conversation.slug}/facilitate/edit/",
                {"title_en": "Taken", "status": "closed", "visibility": "public"},
            ).status_code
            == 404
        )
    conversation.refresh_from_db()
    assert conversation.title_en == "What would make life better?"


def test_the_pages_link_to_each_other(
    fran: User, conversation: Conversation, organisation: Organisation
) -> None:
    client = signed_in(fran)
    edit = f"/conversations/{conversation.slug}/facilitate/edit/"
    assert edit in client.get(f"/conversations/{conversation.slug}/facilitate/").content.decode()
    assert edit in client.get(f"/conversations/{conversation.slug}/").content.decode()
    assert (
        f"{NEW}?organisation=swansea" in client.get(f"/organisations/{organisation.slug}/").content.decode()
    )
    assert NEW not in Client().get(f"/organisations/{organisation.slug}/").content.decode()


def test_the_pages_in_welsh(fran: User, conversation: Conversation) -> None:
    client = signed_in(fran)
    page = html.unescape(client.get(f"/cy{NEW}").content.decode())
    assert "Dechrau sgwrs" in page and "Start a conversation" not in page
    page = html.unescape(
        client.get(f"/cy/conversations/{conversation.slug}/facilitate/edit/").content.decode()
    )
    assert "Golygu'r sgwrs" in page and "Edit the conversation" not in page
