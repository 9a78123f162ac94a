"""Officers moderate in the admin: the review queues, reasoned (bulk) actions, suspensions,
and an audit log nobody can change or delete."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conversations import services
from conversations.models import ContentStatus, Conversation, Idea, ModerationDecision, Report
from tests.conversations.conftest import make_idea, make_people
from tests.conversations.moderation import report
from vocaleyes.models import User
from vocaleyes.permissions import is_suspended

pytestmark = pytest.mark.django_db

IDEA_QUEUE = "/admin/conversations/ideatoreview/"
COMMENT_QUEUE = "/admin/conversations/commenttoreview/"
LOG = "/admin/conversations/moderationdecision/"


def listed(page: str) -> list[str]:
    """Titles in the order a changelist shows them (the first column links to the item)."""
    return re.findall(r'<th class="field-(?:title|short_body)"><a href="[^"]+">([^<]+)</a>', page)


@pytest.fixture
def queue(conversation: Conversation, alice: User, bob: User) -> dict[str, Idea]:
    """Ideas in every state the queue cares about; reports made in a known order of age."""
    ideas = {
        "Quiet": make_idea(conversation, bob, title="Quiet"),  # published, unreported: not queued
        "Once reported": make_idea(conversation, bob, title="Once reported"),
        "Twice reported": make_idea(conversation, bob, title="Twice reported"),
        "Waiting old": make_idea(conversation, bob, title="Waiting old"),
        "Waiting new": make_idea(conversation, bob, title="Waiting new"),
        "Hidden": make_idea(conversation, bob, title="Hidden"),
    }
    report(ideas["Once reported"], [alice])
    report(ideas["Twice reported"], make_people(2, "reporter"))
    for title, status in (("Waiting old", "pending"), ("Waiting new", "pending"), ("Hidden", "hidden")):
        Idea.objects.filter(pk=ideas[title].pk).update(status=status)
    Idea.objects.filter(pk=ideas["Waiting old"].pk).update(created=timezone.now() - timedelta(days=3))
    return ideas


def test_the_queue_lists_reported_and_waiting_ideas_most_reported_then_oldest_first(
    client: Client, olwen: User, queue: dict[str, Idea]
) -> None:
    client.force_login(olwen)
    page = client.get(IDEA_QUEUE).content.decode()
    assert listed(page) == ["Twice reported", "Once reported", "Waiting old", "Waiting new"]
    assert "Quiet" not in listed(page)
    assert "Hidden" not in listed(page)


def test_hiding_asks_for_a_reason_on_a_page_of_its_own(
    client: Client, olwen: User, queue: dict[str, Idea], django_capture_on_commit_callbacks
) -> None:
    client.force_login(olwen)
    idea = queue["Twice reported"]
    response = client.post(IDEA_QUEUE, {"action": "hide_selected", "_selected_action": [idea.pk]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This applies to 1 item" in page
    assert 'name="reason"' in page
    idea.refresh_from_db()
    assert idea.status == ContentStatus.PUBLISHED

    # No reason: the page again, with the error, and nothing changed.
    response = client.post(
        IDEA_QUEUE, {"action": "hide_selected", "_selected_action": [idea.pk], "confirm": "yes", "reason": ""}
    )
    assert "Give a reason for this decision." in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == ContentStatus.PUBLISHED
    assert not ModerationDecision.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            IDEA_QUEUE,
            {
                "action": "hide_selected",
                "_selected_action": [idea.pk],
                "confirm": "yes",
                "reason": "Personal attack on a councillor.",
            },
            follow=True,
        )
    assert "Hide: done for 1 item." in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == ContentStatus.HIDDEN
    decision = ModerationDecision.objects.get()
    assert (decision.action, decision.actor, decision.reason) == (
        "hide",
        olwen,
        "Personal attack on a councillor.",
    )
    assert Report.objects.filter(idea=idea, decision=decision).count() == 2
    assert "Twice reported" not in listed(response.content.decode())


def test_officers_approve_many_at_once_and_are_told_what_was_left(
    client: Client, olwen: User, queue: dict[str, Idea]
) -> None:
    client.force_login(olwen)
    chosen = [queue[title].pk for title in ("Once reported", "Waiting old", "Waiting new", "Hidden", "Quiet")]
    response = client.post(
        "/admin/conversations/idea/",
        {"action": "approve_selected", "_selected_action": chosen, "confirm": "yes", "reason": "All fine."},
        follow=True,
    )
    page = response.content.decode()
    assert "Approve: done for 3 items." in page
    assert "2 items were left as they were" in page
    assert "is hidden: restore it instead" in page
    statuses = dict(Idea.objects.values_list("title", "status"))
    assert statuses["Waiting old"] == statuses["Waiting new"] == statuses["Once reported"] == "published"
    assert statuses["Hidden"] == "hidden"
    assert ModerationDecision.objects.filter(action="approve").count() == 3
    assert not Report.objects.filter(idea=queue["Once reported"], decision__isnull=True).exists()


def test_hidden_ideas_are_restored_from_the_idea_list(
    client: Client, olwen: User, queue: dict[str, Idea]
) -> None:
    client.force_login(olwen)
    hidden = queue["Hidden"]
    client.post(
        "/admin/conversations/idea/",
        {
            "action": "restore_selected",
            "_selected_action": [hidden.pk],
            "confirm": "yes",
            "reason": "Appeal.",
        },
    )
    hidden.refresh_from_db()
    assert hidden.status == ContentStatus.PUBLISHED
    assert ModerationDecision.objects.get().action == "restore"


def test_comments_have_their_own_queue(
    client: Client, olwen: User, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, alice)
    rude = services.comment_create(idea=idea, author=bob, body="Rude remark")
    services.comment_create(idea=idea, author=bob, body="Kind remark")
    report(rude, make_people(1, "reporter"))
    client.force_login(olwen)
    page = client.get(COMMENT_QUEUE).content.decode()
    assert listed(page) == ["Rude remark"]
    client.post(
        COMMENT_QUEUE,
        {"action": "hide_selected", "_selected_action": [rude.pk], "confirm": "yes", "reason": "Rude."},
    )
    rude.refresh_from_db()
    assert rude.status == ContentStatus.HIDDEN
    assert listed(client.get(COMMENT_QUEUE).content.decode()) == []


def test_the_item_page_shows_its_reports_and_history(
    client: Client, olwen: User, queue: dict[str, Idea]
) -> None:
    idea = queue["Twice reported"]
    Report.objects.filter(idea=idea).update(details="Mentions my neighbour by name")
    client.force_login(olwen)
    page = client.get(f"{IDEA_QUEUE}{idea.pk}/change/").content.decode()
    assert "Mentions my neighbour by name" in page
    assert "Twice reported" in page


def test_officers_suspend_and_lift_from_the_user_list(
    client: Client, olwen: User, alice: User, conversation: Conversation, bob: User
) -> None:
    client.force_login(olwen)
    page = client.post(
        "/admin/vocaleyes/user/", {"action": "suspend_selected", "_selected_action": [alice.pk]}
    )
    assert "For how long" in page.content.decode()
    response = client.post(
        "/admin/vocaleyes/user/",
        {
            "action": "suspend_selected",
            "_selected_action": [alice.pk, olwen.pk],
            "confirm": "yes",
            "reason": "Spam.",
            "duration": "30",
        },
        follow=True,
    )
    result = response.content.decode()
    assert "Suspend: done for 1 item." in result
    assert "Officers cannot be suspended" in result
    alice.refresh_from_db()
    assert is_suspended(alice)
    assert alice.suspended_until is not None
    assert 29 <= (alice.suspended_until - timezone.now()).days <= 30
    suspended_list = client.get("/admin/vocaleyes/user/?suspended=yes").content.decode()
    assert re.findall(r'<th class="field-email"><a href="[^"]+">([^<]+)</a>', suspended_list) == [
        "alice@example.org"
    ]

    client.post(
        "/admin/vocaleyes/user/",
        {
            "action": "unsuspend_selected",
            "_selected_action": [alice.pk],
            "confirm": "yes",
            "reason": "Appeal.",
        },
    )
    alice.refresh_from_db()
    assert not is_suspended(alice)
    assert list(ModerationDecision.objects.order_by("pk").values_list("action", "person__email")) == [
        ("suspend", "alice@example.org"),
        ("unsuspend", "alice@example.org"),
    ]


def test_the_audit_log_cannot_be_changed_or_deleted(
    client: Client, olwen: User, conversation: Conversation, bob: User
) -> None:
    idea = make_idea(conversation, bob, title="Logged")
    decision = services.content_hide(item=idea, officer=olwen, reason="The original reason.")
    client.force_login(olwen)
    page = client.get(LOG).content.decode()
    assert "The original reason." in page
    assert "Logged" in page
    assert f"{LOG}add/" not in page
    assert 'name="action"' not in page  # no bulk actions: no "delete selected"
    detail = client.get(f"{LOG}{decision.pk}/change/").content.decode()
    assert 'name="reason"' not in detail
    assert client.post(f"{LOG}{decision.pk}/change/", {"reason": "Rewritten"}).status_code == 403
    assert client.post(f"{LOG}{decision.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{LOG}add/").status_code == 403
    decision.refresh_from_db()
    assert decision.reason == "The original reason."
    assert ModerationDecision.objects.count() == 1


def test_a_staff_officer_without_model_permissions_still_sees_the_queue_and_log(
    client: Client, queue: dict[str, Idea]
) -> None:
    officer = User.objects.create_user(email="sian@council.example.org", display_name="Sian", is_staff=True)
    client.force_login(officer)
    assert "Twice reported" in client.get(IDEA_QUEUE).content.decode()
    assert client.get(LOG).status_code == 200


def test_residents_and_facilitators_do_not_reach_moderation(
    client: Client, alice: User, fran: User, queue: dict[str, Idea]
) -> None:
    for person in (alice, fran):
        client.force_login(person)
        response = client.get(IDEA_QUEUE)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
