"""Invitation-only conversations: members of their target groups take part; everyone else is
told, on every surface, that the conversation is by invitation (drafts stay 404)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conversations import permissions
from conversations.models import Conversation, Idea, Rating
from tests.conftest import make_conversation, make_user
from tests.conversations.conftest import make_idea
from vocaleyes import services as vocaleyes_services
from vocaleyes.models import GroupInvitation, GroupMembership, Organisation, TargetGroup, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(organisation: Organisation) -> TargetGroup:
    return TargetGroup.objects.create(
        organisation=organisation, name_en="Citizens' panel", name_cy="Panel dinasyddion", kind="other"
    )


@pytest.fixture
def private(organisation: Organisation, panel: TargetGroup) -> Conversation:
    conversation = make_conversation(
        organisation, slug="panel", visibility=Conversation.Visibility.INVITATION
    )
    conversation.target_groups.add(panel)
    return conversation


@pytest.fixture
def member(panel: TargetGroup) -> User:
    user = make_user("mair@example.org", "Mair")
    GroupMembership.objects.create(user=user, group=panel, how=GroupMembership.How.INVITATION)
    return user


@pytest.fixture
def idea(private: Conversation, fran: User) -> Idea:
    return make_idea(private, fran, title="A panel idea")


def pages(idea: Idea) -> list[str]:
    return [idea.conversation.get_absolute_url(), idea.get_absolute_url()]


def test_members_facilitators_and_officers_see_it(
    private: Conversation, member: User, fran: User, olwen: User, alice: User
) -> None:
    for person in (member, fran, olwen):
        assert permissions.can_see_conversation(person, private)
    assert not permissions.can_see_conversation(alice, private)


def test_a_member_of_another_group_is_an_outsider(
    private: Conversation, organisation: Organisation, alice: User
) -> None:
    other = TargetGroup.objects.create(organisation=organisation, name_en="Carers", kind="other")
    GroupMembership.objects.create(user=alice, group=other, how=GroupMembership.How.INVITATION)
    assert not permissions.can_see_conversation(alice, private)


def test_the_answer_costs_one_query_and_is_remembered(private: Conversation, member: User) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert permissions.can_see_conversation(member, private)
        assert permissions.can_see_conversation(member, private)
        assert permissions.can_take_part(member, private)
    assert len(queries) == 1


@pytest.mark.parametrize("language", ["en", "cy"])
def test_outsiders_get_a_page_saying_how_to_join(
    client: Client, idea: Idea, alice: User, language: str
) -> None:
    prefix = "/cy" if language == "cy" else ""
    urls = pages(idea)  # in English, before a Welsh page switches the language
    for signed_in in (False, True):
        if signed_in:
            client.force_login(alice)
        for url in urls:
            response = client.get(prefix + url)
            assert response.status_code == 403, url
            text = response.content.decode()
            if language == "en":
                assert "This conversation is by invitation" in text
                assert "Ask the organiser for an invitation link" in text
            else:
                assert "Mae'r sgwrs hon drwy wahoddiad" in text
                assert "Gofynnwch i'r trefnydd am ddolen wahoddiad" in text
            assert "A panel idea" not in text
            if not signed_in:
                assert "/accounts/login/?next=" in text


def test_members_see_the_pages_and_take_part(client: Client, idea: Idea, member: User) -> None:
    client.force_login(member)
    for url in pages(idea):
        assert client.get(url).status_code == 200
    response = client.post(f"{idea.get_absolute_url()}rate/", {"value": 4})
    assert response.status_code == 302
    assert Rating.objects.filter(idea=idea, user=member).exists()
    response = client.post(f"{idea.get_absolute_url()}comments/", {"body": "Yes please"})
    assert response.status_code == 302
    assert idea.comments.filter(author=member).exists()


def test_outsiders_cannot_rate_or_comment(client: Client, idea: Idea, alice: User) -> None:
    client.force_login(alice)
    assert client.post(f"{idea.get_absolute_url()}rate/", {"value": 4}).status_code == 403
    assert client.post(f"{idea.get_absolute_url()}comments/", {"body": "Let me in"}).status_code == 403
    assert not Rating.objects.filter(idea=idea).exists()
    assert not idea.comments.exists()


def test_outsiders_and_members_cannot_export(client: Client, idea: Idea, alice: User, member: User) -> None:
    slug = idea.conversation.slug
    for person in (alice, member):
        client.force_login(person)
        for url in (
            f"/conversations/{slug}/facilitate/export/",
            f"/conversations/{slug}/facilitate/export/action-list.csv",
        ):
            assert client.get(url).status_code == 404
    client.force_login(make_user("fac@example.org", "Fac"))  # not a facilitator anywhere
    assert client.get(f"/conversations/{slug}/facilitate/export/action-list.csv").status_code == 404


def test_the_api_refuses_outsiders_and_admits_members(
    client: Client, idea: Idea, alice: User, member: User
) -> None:
    url = f"/api/conversations/{idea.conversation.slug}/ideas/"
    response = client.get(url)
    assert response.status_code == 403
    assert "by invitation" in response.json()["detail"]
    client.force_login(alice)
    assert client.get(url).status_code == 403
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    assert [row["title"] for row in response.json()["results"]] == ["A panel idea"]


def test_it_is_not_listed(client: Client, idea: Idea, alice: User) -> None:
    client.force_login(alice)
    for url in ("/", "/conversations/"):
        assert "/conversations/panel/" not in client.get(url).content.decode()


def test_a_draft_invitation_only_conversation_stays_not_found(
    client: Client, private: Conversation, member: User, fran: User
) -> None:
    Conversation.objects.filter(pk=private.pk).update(status=Conversation.Status.DRAFT)
    client.force_login(member)
    assert client.get("/conversations/panel/").status_code == 404
    assert client.get("/api/conversations/panel/ideas/").status_code == 404
    client.force_login(fran)
    assert client.get("/conversations/panel/").status_code == 200


# The facilitator page for the conversation's invitation links.


def test_a_facilitator_makes_copies_and_revokes_a_link(
    client: Client, private: Conversation, panel: TargetGroup, fran: User
) -> None:
    client.force_login(fran)
    url = "/conversations/panel/facilitate/invitations/"
    assert "Invitation links" in client.get("/conversations/panel/facilitate/").content.decode()
    response = client.post(url, {"group": panel.pk, "days": 14, "max_uses": 20})
    assert response.status_code == 302
    invitation = GroupInvitation.objects.get()
    assert (invitation.group, invitation.created_by, invitation.max_uses) == (panel, fran, 20)
    text = client.get(url).content.decode()
    assert f"http://testserver/join/{vocaleyes_services.invitation_token(invitation)}/" in text
    assert "0 / 20" in text and "Working" in text
    response = client.post(f"{url}{invitation.pk}/revoke/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_by == fran
    assert "Revoked" in client.get(url).content.decode()
    welsh = client.get(f"/cy{url}").content.decode().replace("&#x27;", "'")
    assert "Dolenni gwahoddiad" in welsh and "Wedi'i dynnu'n ôl" in welsh


def test_the_page_checks_its_form(
    client: Client, private: Conversation, panel: TargetGroup, fran: User
) -> None:
    client.force_login(fran)
    response = client.post(
        "/conversations/panel/facilitate/invitations/", {"group": panel.pk, "days": 0, "max_uses": 0}
    )
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert not GroupInvitation.objects.exists()


def test_members_and_outsiders_cannot_use_the_page(
    client: Client, private: Conversation, panel: TargetGroup, member: User, alice: User, fran: User
) -> None:
    invitation = vocaleyes_services.invitation_create(
        group=panel, by=fran, expires_at=timezone.now() + timedelta(days=1), max_uses=1
    )
    for person in (member, alice):
        client.force_login(person)
        assert client.get("/conversations/panel/facilitate/invitations/").status_code == 404
        assert (
            client.post(f"/conversations/panel/facilitate/invitations/{invitation.pk}/revoke/").status_code
            == 404
        )
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
