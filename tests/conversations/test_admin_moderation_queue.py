"""The officer's moderation queue in the admin (issue 13): the index opens with what waits for
review and how much, hides plumbing from officers, lists have natural titles, and an item's page
has the Approve, Hide and Restore buttons beside the reason."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conversations import services
from conversations.models import Comment, ContentStatus, Conversation, Idea, ModerationDecision
from tests.conftest import make_user
from tests.conversations.conftest import make_idea, make_people
from tests.conversations.moderation import report
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def owain(db: None) -> User:
    """An officer who is not a superuser: staff, no model permissions handed out."""
    return make_user("owain@council.example.org", "Owain", is_staff=True)


@pytest.fixture
def waiting(conversation: Conversation, alice: User, bob: User) -> dict[str, Idea]:
    reported = make_idea(conversation, bob, title="Shame the lazy librarians")
    report(reported, [alice])
    pending = make_idea(conversation, bob, title="Free parking everywhere")
    Idea.objects.filter(pk=pending.pk).update(status=ContentStatus.PENDING)
    quiet = make_idea(conversation, bob, title="More benches")
    comment = Comment.objects.create(idea=quiet, author=bob, body="Rude words")
    report(comment, make_people(2, "reporter"))
    return {"reported": reported, "pending": pending, "quiet": quiet}


def review_group(page: str) -> str:
    match = re.search(r'<div class="app-review module">(.*?)</div>', page, re.S)
    assert match, "no To review group"
    return match.group(1)


def test_the_index_opens_with_what_waits_for_review_and_how_much(
    client: Client, owain: User, waiting: dict[str, Idea]
) -> None:
    client.force_login(owain)
    page = client.get("/admin/").content.decode()

    assert page.index('class="app-review module"') < page.index('class="app-conversations module"')
    group = review_group(page)
    assert "To review" in group
    rows = re.findall(r'<a href="([^"]+)">([^<]+)</a></th>\s*<td class="ve-waiting">(\d+)</td>', group)
    assert rows == [
        ("/admin/conversations/ideatoreview/", "Ideas to review", "2"),
        ("/admin/conversations/commenttoreview/", "Comments to review", "1"),
        ("/admin/conversations/report/?decision__isempty=1", "Reports", "3"),
        ("/admin/conversations/reviewrequest/?decision__isempty=1", "Review requests", "0"),
    ]


def test_the_welsh_index_says_it_in_welsh(client: Client, owain: User, waiting: dict[str, Idea]) -> None:
    client.force_login(owain)
    group = review_group(client.get("/cy/admin/").content.decode())

    assert "I&#x27;w hadolygu" in group
    assert "Syniadau i&#x27;w hadolygu" in group
    assert "Yn aros" in group


def test_officers_do_not_see_plumbing_and_superusers_find_it_under_settings(
    client: Client, owain: User, olwen: User
) -> None:
    client.force_login(owain)
    page = client.get("/admin/").content.decode()
    assert "Heartbeats" not in page and "Settings" not in page

    client.force_login(olwen)
    page = client.get("/admin/").content.decode()
    settings = re.search(r'<div class="app-settings module">(.*?)</div>', page, re.S)
    assert settings
    names = re.findall(r'<th scope="row" id="settings-\w+">\s*<a href="[^"]+">([^<]+)</a>', settings.group(1))
    assert names == ["Exports", "Groups", "Heartbeats", "Rankings"]
    assert page.rindex('class="app-settings module"') > page.rindex('class="app-timecredits module"')
    # Still reachable by superusers.
    assert client.get("/admin/vocaleyes/heartbeat/").status_code == 200


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/admin/conversations/ideatoreview/", "Ideas to review"),
        ("/admin/conversations/commenttoreview/", "Comments to review"),
        ("/admin/conversations/report/", "Reports"),
        ("/admin/budgeting/budgetround/", "Budget rounds"),
        ("/cy/admin/conversations/ideatoreview/", "Syniadau i&#x27;w hadolygu"),
    ],
)
def test_lists_have_natural_titles(client: Client, olwen: User, path: str, title: str) -> None:
    client.force_login(olwen)
    page = client.get(path).content.decode()

    assert f"<h1>{title}</h1>" in page
    assert re.search(rf"<title>{re.escape(title)} \| VocalEyes</title>", page)
    assert "Select " not in page.split("<title>")[1].split("</title>")[0]


def test_an_items_page_hides_it_with_a_reason(
    client: Client, owain: User, waiting: dict[str, Idea], mailoutbox: list
) -> None:
    idea = waiting["reported"]
    client.force_login(owain)
    url = f"/admin/conversations/ideatoreview/{idea.pk}/change/"
    page = client.get(url).content.decode()
    assert 'id="moderation-form"' in page
    assert re.findall(r'<button type="submit" name="decision" value="(\w+)"', page) == ["approve", "hide"]

    response = client.post(
        f"/admin/conversations/ideatoreview/{idea.pk}/moderate/",
        {"decision": "hide", "reason": "Insults staff."},
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/conversations/ideatoreview/"  # gone from the queue
    idea.refresh_from_db()
    assert idea.status == ContentStatus.HIDDEN
    decision = ModerationDecision.objects.get(idea=idea)
    assert (decision.actor, decision.action, decision.reason) == (owain, "hide", "Insults staff.")
    assert "Hide: done for 1 item." in client.get(response["Location"]).content.decode()


def test_hiding_without_a_reason_is_refused_with_the_services_message(
    client: Client, owain: User, waiting: dict[str, Idea]
) -> None:
    idea = waiting["reported"]
    client.force_login(owain)

    response = client.post(
        f"/cy/admin/conversations/ideatoreview/{idea.pk}/moderate/", {"decision": "hide", "reason": " "}
    )

    assert response["Location"] == f"/cy/admin/conversations/ideatoreview/{idea.pk}/change/"
    page = client.get(response["Location"]).content.decode()
    assert '<li class="error">Rhowch reswm dros y penderfyniad hwn' in page
    idea.refresh_from_db()
    assert idea.status == ContentStatus.PUBLISHED
    assert not ModerationDecision.objects.exists()


def test_a_hidden_idea_offers_restore_and_is_restored(
    client: Client, olwen: User, waiting: dict[str, Idea]
) -> None:
    idea = waiting["quiet"]
    Idea.objects.filter(pk=idea.pk).update(status=ContentStatus.HIDDEN)
    client.force_login(olwen)
    url = f"/admin/conversations/idea/{idea.pk}/change/"
    assert re.findall(r'name="decision" value="(\w+)"', client.get(url).content.decode()) == ["restore"]

    response = client.post(
        f"/admin/conversations/idea/{idea.pk}/moderate/",
        {"decision": "restore", "reason": "Reported in error."},
    )

    assert response["Location"] == url  # still on the full list of ideas: back to its page
    idea.refresh_from_db()
    assert idea.status == ContentStatus.PUBLISHED


def test_approving_a_waiting_idea_publishes_it(client: Client, owain: User, waiting: dict[str, Idea]) -> None:
    idea = waiting["pending"]
    client.force_login(owain)

    client.post(
        f"/admin/conversations/ideatoreview/{idea.pk}/moderate/", {"decision": "approve", "reason": "Fine."}
    )

    idea.refresh_from_db()
    assert idea.status == ContentStatus.PUBLISHED


def test_residents_cannot_moderate_from_the_admin(
    client: Client, alice: User, waiting: dict[str, Idea]
) -> None:
    idea = waiting["reported"]
    client.force_login(alice)

    response = client.post(
        f"/admin/conversations/ideatoreview/{idea.pk}/moderate/", {"decision": "hide", "reason": "x"}
    )

    assert response.status_code == 302 and "/login/" in response["Location"]
    idea.refresh_from_db()
    assert idea.status == ContentStatus.PUBLISHED


def test_a_hidden_item_whose_author_asked_for_a_review_can_be_restored_or_hidden_again(
    client: Client, owain: User, olwen: User, bob: User, waiting: dict[str, Idea]
) -> None:
    idea = waiting["quiet"]
    services.content_hide(item=idea, officer=olwen, reason="Off topic.")
    idea.refresh_from_db()
    services.review_request_create(item=idea, author=bob, message="It is about the library.")
    client.force_login(owain)
    rows = re.findall(
        r'<a href="([^"]+)">([^<]+)</a></th>\s*<td class="ve-waiting">(\d+)</td>',
        review_group(client.get("/admin/").content.decode()),
    )
    assert ("/admin/conversations/reviewrequest/?decision__isempty=1", "Review requests", "1") in rows

    page = client.get(f"/admin/conversations/ideatoreview/{idea.pk}/change/").content.decode()
    assert re.findall(r'name="decision" value="(\w+)"', page) == ["restore", "hide"]
    client.post(
        f"/admin/conversations/ideatoreview/{idea.pk}/moderate/",
        {"decision": "hide", "reason": "Still off topic: it is about parking."},
    )

    idea.refresh_from_db()
    assert idea.status == ContentStatus.HIDDEN
    assert not idea.review_requests.filter(decision__isnull=True).exists()  # answered
