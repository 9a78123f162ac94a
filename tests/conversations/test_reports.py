"""Residents report ideas and comments; enough reports hold an item for review; a conversation
with pre-moderation holds new ideas until an officer approves them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client

from conversations import services
from conversations.models import Comment, ContentStatus, Conversation, Idea, ModerationDecision, Report
from tests.conftest import make_conversation
from tests.conversations.conftest import make_idea, make_people
from tests.conversations.moderation import report
from vocaleyes.errors import Refusal
from vocaleyes.models import User

pytestmark = pytest.mark.django_db


def test_a_resident_reports_an_idea_with_a_reason(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob, title="Knock down the library")
    client.force_login(alice)
    page = client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
    assert f"/conversations/wellbeing/ideas/{idea.pk}/report/" in page
    form = client.get(f"/conversations/wellbeing/ideas/{idea.pk}/report/").content.decode()
    assert "Report an idea" in form
    assert "Knock down the library" in form
    response = client.post(
        f"/conversations/wellbeing/ideas/{idea.pk}/report/",
        {"reason": "offensive", "details": "Insults the librarians."},
        follow=True,
    )
    assert "A council officer will look at it." in response.content.decode()
    made = Report.objects.get()
    assert (made.reporter, made.idea, made.comment, made.reason, made.details) == (
        alice,
        idea,
        None,
        "offensive",
        "Insults the librarians.",
    )
    assert made.conversation == conversation
    assert made.decision is None
    idea.refresh_from_db()
    assert idea.status == ContentStatus.PUBLISHED  # one report of three


def test_a_report_without_a_reason_is_refused_next_to_the_field(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    client.force_login(alice)
    response = client.post(f"/conversations/wellbeing/ideas/{idea.pk}/report/", {"reason": "other"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in page
    assert "Tell us what is wrong with it." in page
    response = client.post(f"/conversations/wellbeing/ideas/{idea.pk}/report/", {})
    assert "Choose why you are reporting it." in response.content.decode()
    assert not Report.objects.exists()


def test_a_resident_reports_a_comment(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    comment = services.comment_create(idea=idea, author=bob, body="You are all idiots")
    client.force_login(alice)
    page = client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
    assert f"/conversations/wellbeing/ideas/{idea.pk}/comments/{comment.pk}/report/" in page
    response = client.post(
        f"/conversations/wellbeing/ideas/{idea.pk}/comments/{comment.pk}/report/", {"reason": "offensive"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert Report.objects.get().comment == comment


def test_one_report_per_person_per_item(conversation: Conversation, alice: User, bob: User) -> None:
    idea = make_idea(conversation, bob)
    report(idea, [alice])
    with pytest.raises(Refusal, match="already reported"):
        services.report_create(item=idea, reporter=alice, reason=Report.Reason.SPAM)
    # The database holds the rule whoever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=alice, idea=idea, conversation=conversation, reason="spam")
    assert Report.objects.count() == 1


def test_a_report_is_about_an_idea_or_a_comment_never_both(
    conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, bob)
    comment = services.comment_create(idea=idea, author=bob, body="Hello")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            reporter=alice, idea=idea, comment=comment, conversation=conversation, reason="spam"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=alice, conversation=conversation, reason="spam")


def test_nobody_reports_their_own_idea(client: Client, conversation: Conversation, bob: User) -> None:
    idea = make_idea(conversation, bob)
    with pytest.raises(Refusal, match="your own") as refused:
        services.report_create(item=idea, reporter=bob, reason=Report.Reason.SPAM)
    assert refused.value.forbidden
    client.force_login(bob)
    assert "/report/" not in client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
    response = client.post(
        f"/conversations/wellbeing/ideas/{idea.pk}/report/", {"reason": "spam"}, follow=True
    )
    assert "You cannot report your own idea or comment." in response.content.decode()
    assert not Report.objects.exists()


def test_signing_in_comes_before_reporting(client: Client, conversation: Conversation, bob: User) -> None:
    idea = make_idea(conversation, bob)
    response = client.get(f"/conversations/wellbeing/ideas/{idea.pk}/report/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_idea_is_held_for_review_when_the_threshold_of_people_report_it(
    conversation: Conversation, bob: User, django_capture_on_commit_callbacks
) -> None:
    idea = make_idea(conversation, bob, title="Rude idea")
    first, second, third = make_people(3, "reporter")
    with django_capture_on_commit_callbacks(execute=True):
        report(idea, [first, second])
    idea.refresh_from_db()
    assert idea.status == ContentStatus.PUBLISHED
    assert not ModerationDecision.objects.exists()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        report(idea, [third])
    idea.refresh_from_db()
    assert idea.status == ContentStatus.PENDING
    decision = ModerationDecision.objects.get()
    assert decision.action == ModerationDecision.Action.AUTO_HOLD
    assert decision.actor is None
    assert (decision.idea, decision.person, decision.conversation) == (idea, bob, conversation)
    assert decision.reason == "Reported by 3 people; the conversation holds items for review at 3."
    assert (decision.status_before, decision.status_after) == ("published", "pending")
    # The reports stay open for the officer to decide on.
    assert Report.objects.filter(idea=idea, decision__isnull=True).count() == 3
    # Bob prefers Welsh: he is told in Welsh.
    (email,) = mail.outbox
    assert email.to == ["bob@example.org"]
    assert "aros i gael ei adolygu" in email.subject
    assert "Rude idea" in email.body


def test_the_threshold_is_set_per_conversation(organisation, alice: User, bob: User) -> None:
    strict = make_conversation(organisation, slug="strict", report_threshold=1)
    idea = make_idea(strict, bob)
    report(idea, [alice])
    idea.refresh_from_db()
    assert idea.status == ContentStatus.PENDING


def test_a_comment_is_held_at_the_threshold_and_leaves_the_count(
    client: Client, conversation: Conversation, alice: User, bob: User
) -> None:
    idea = make_idea(conversation, alice)
    comment = services.comment_create(idea=idea, author=bob, body="Nasty words")
    services.comment_create(idea=idea, author=alice, body="A kind reply", parent=comment)
    services.comment_create(idea=idea, author=alice, body="Another thought")
    idea.refresh_from_db()
    assert idea.comment_count == 3
    report(comment, make_people(3, "reporter"))
    comment.refresh_from_db()
    idea.refresh_from_db()
    assert comment.status == ContentStatus.PENDING
    # The held comment and the reply under it are no longer shown.
    assert idea.comment_count == 1
    page = client.get(f"/conversations/wellbeing/ideas/{idea.pk}/").content.decode()
    assert "Nasty words" not in page
    assert "Another thought" in page
    assert "1 comment" in page


def test_reports_dealt_with_by_an_officer_no_longer_count(
    conversation: Conversation, bob: User, olwen: User
) -> None:
    idea = make_idea(conversation, bob)
    report(idea, make_people(3, "first"))
    services.content_approve(item=idea, officer=olwen, reason="Robust, but within the rules.")
    idea.refresh_from_db()
    assert idea.status == ContentStatus.PUBLISHED
    assert not Report.objects.filter(decision__isnull=True).exists()
    report(idea, make_people(2, "second"))
    idea.refresh_from_db()
    assert idea.status == ContentStatus.PUBLISHED  # two new reports: below the threshold again
    report(idea, make_people(1, "third"))
    idea.refresh_from_db()
    assert idea.status == ContentStatus.PENDING


def test_pre_moderation_holds_a_residents_idea_until_an_officer_approves_it(
    client: Client, organisation, alice: User, olwen: User
) -> None:
    make_conversation(organisation, slug="careful", premoderation=True)
    client.force_login(alice)
    response = client.post(
        "/conversations/careful/ideas/new/",
        {"title": "A bench by the pond", "body": "Somewhere to sit and watch the ducks.", "language": "en"},
        follow=True,
    )
    page = response.content.decode()
    assert "your idea has been sent for review" in page
    assert "A bench by the pond</a>" not in page
    assert "0 ideas" in page
    idea = Idea.objects.get()
    assert idea.status == ContentStatus.PENDING
    # Only its author is told it waits for review (issue 13); everyone else gets a 404.
    assert (
        "Your idea is waiting for review."
        in client.get(f"/conversations/careful/ideas/{idea.pk}/").content.decode()
    )
    client.force_login(olwen)
    assert client.get(f"/conversations/careful/ideas/{idea.pk}/").status_code == 404

    services.content_approve(item=idea, officer=olwen, reason="Fine.")
    page = client.get("/conversations/careful/").content.decode()
    assert "A bench by the pond</a>" in page
    assert "1 idea" in page


def test_pre_moderation_lets_facilitators_ideas_through(organisation, fran: User) -> None:
    careful = make_conversation(organisation, slug="careful", premoderation=True)
    idea = make_idea(careful, fran, source_note="Best practice from Cardiff")
    assert idea.status == ContentStatus.PUBLISHED


def test_comments_are_not_pre_moderated(organisation, alice: User, fran: User) -> None:
    careful = make_conversation(organisation, slug="careful", premoderation=True)
    idea = make_idea(careful, fran, source_note="Best practice from Cardiff")
    comment = services.comment_create(idea=idea, author=alice, body="Good one")
    assert comment.status == ContentStatus.PUBLISHED
    assert Comment.objects.visible().count() == 1
