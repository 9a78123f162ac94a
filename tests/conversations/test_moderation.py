"""Moderation decisions: approve, hide, restore, the automatic hold, suspend and lift. Each is
one entry in the audit log (who, what, when, why, which item), and the people concerned are
told by email in their own language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from conversations import ranking_runs, ranking_store, services
from conversations.models import (
    ContentStatus,
    Conversation,
    Idea,
    IdeaRanking,
    ModerationDecision,
    RankingSummary,
)
from conversations.ranking_store import Scope
from tests.conversations.conftest import make_idea, make_people
from tests.conversations.moderation import report
from vocaleyes.errors import Refusal
from vocaleyes.models import User
from vocaleyes.permissions import is_suspended

pytestmark = pytest.mark.django_db

Action = ModerationDecision.Action


def _hold(idea: Idea, officer: User) -> None:
    report(idea, make_people(3, "reporter"))


def _hide(idea: Idea, officer: User) -> None:
    services.content_hide(item=idea, officer=officer, reason="Names a private person.")


def _restore(idea: Idea, officer: User) -> None:
    Idea.objects.filter(pk=idea.pk).update(status=ContentStatus.HIDDEN)
    idea.refresh_from_db()
    services.content_restore(item=idea, officer=officer, reason="Name removed by the author.")


def _approve(idea: Idea, officer: User) -> None:
    Idea.objects.filter(pk=idea.pk).update(status=ContentStatus.PENDING)
    idea.refresh_from_db()
    services.content_approve(item=idea, officer=officer, reason="On topic and polite.")


@pytest.mark.parametrize(
    ("decide", "action", "actor_is_officer", "before", "after", "reason"),
    [
        (_hold, Action.AUTO_HOLD, False, "published", "pending", "Reported by 3 people"),
        (_hide, Action.HIDE, True, "published", "hidden", "Names a private person."),
        (_restore, Action.RESTORE, True, "hidden", "published", "Name removed by the author."),
        (_approve, Action.APPROVE, True, "pending", "published", "On topic and polite."),
    ],
)
def test_every_decision_about_an_idea_is_one_audit_entry(
    decide: Callable[[Idea, User], None],
    action: str,
    actor_is_officer: bool,
    before: str,
    after: str,
    reason: str,
    conversation: Conversation,
    bob: User,
    olwen: User,
) -> None:
    idea = make_idea(conversation, bob)
    started = timezone.now()
    decide(idea, olwen)
    entry = ModerationDecision.objects.get()
    assert entry.action == action
    assert entry.actor == (olwen if actor_is_officer else None)
    assert started <= entry.created <= timezone.now()
    assert entry.reason.startswith(reason)
    assert (entry.idea, entry.comment, entry.person, entry.conversation) == (idea, None, bob, conversation)
    assert (entry.status_before, entry.status_after) == (before, after)
    idea.refresh_from_db()
    assert idea.status == after


def test_decisions_about_comments_are_logged_with_the_comment(
    conversation: Conversation, alice: User, bob: User, olwen: User
) -> None:
    idea = make_idea(conversation, alice)
    comment = services.comment_create(idea=idea, author=bob, body="Rude words")
    services.content_hide(item=comment, officer=olwen, reason="Abusive.")
    services.content_restore(item=comment, officer=olwen, reason="Edited on appeal.")
    hide, restore = ModerationDecision.objects.order_by("created", "pk")
    assert (hide.action, hide.comment, hide.idea, hide.person) == (Action.HIDE, comment, None, bob)
    assert (restore.action, restore.comment, restore.status_after) == (Action.RESTORE, comment, "published")
    idea.refresh_from_db()
    assert idea.comment_count == 1


def test_suspending_and_lifting_are_audit_entries_about_the_person(alice: User, olwen: User) -> None:
    until = timezone.now() + timedelta(days=7)
    services.user_suspend(person=alice, officer=olwen, reason="Spam in every conversation.", until=until)
    alice.refresh_from_db()
    assert is_suspended(alice)
    assert (alice.suspended_until, alice.suspension_reason) == (until, "Spam in every conversation.")
    services.user_unsuspend(person=alice, officer=olwen, reason="Appeal upheld.")
    alice.refresh_from_db()
    assert not is_suspended(alice)
    assert (alice.suspended_at, alice.suspended_until, alice.suspension_reason) == (None, None, "")
    suspend, lift = ModerationDecision.objects.order_by("created", "pk")
    assert (suspend.action, suspend.actor, suspend.person, suspend.reason, suspend.suspended_until) == (
        Action.SUSPEND,
        olwen,
        alice,
        "Spam in every conversation.",
        until,
    )
    assert (suspend.idea, suspend.comment, suspend.conversation) == (None, None, None)
    assert (lift.action, lift.actor, lift.person, lift.reason) == (
        Action.UNSUSPEND,
        olwen,
        alice,
        "Appeal upheld.",
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_decision_needs_a_reason_and_changes_nothing_without_one(
    reason: str, conversation: Conversation, alice: User, bob: User, olwen: User
) -> None:
    idea = make_idea(conversation, bob)
    with pytest.raises(Refusal, match="Give a reason") as refused:
        services.content_hide(item=idea, officer=olwen, reason=reason)
    assert refused.value.field == "reason"
    with pytest.raises(Refusal, match="Give a reason") as refused:
        services.user_suspend(person=alice, officer=olwen, reason=reason)
    assert refused.value.field == "reason"
    idea.refresh_from_db()
    alice.refresh_from_db()
    assert idea.status == ContentStatus.PUBLISHED
    assert not is_suspended(alice)
    assert not ModerationDecision.objects.exists()


@pytest.mark.parametrize(
    "service",
    [services.content_hide, services.content_restore, services.content_approve],
)
def test_only_officers_moderate(
    service: Any, conversation: Conversation, alice: User, bob: User, fran: User
) -> None:
    idea = make_idea(conversation, bob)
    for person in (alice, fran):
        with pytest.raises(Refusal, match="Only council officers can moderate") as refused:
            service(item=idea, officer=person, reason="Because.")
        assert refused.value.forbidden
    with pytest.raises(Refusal, match="Only council officers can moderate") as refused:
        services.user_suspend(person=bob, officer=fran, reason="Because.")
    assert refused.value.forbidden
    assert not ModerationDecision.objects.exists()


def test_decisions_that_do_not_apply_are_refused(conversation: Conversation, bob: User, olwen: User) -> None:
    idea = make_idea(conversation, bob)
    with pytest.raises(Refusal, match="nothing to restore"):
        services.content_restore(item=idea, officer=olwen, reason="x")
    with pytest.raises(Refusal, match="nobody has reported it"):
        services.content_approve(item=idea, officer=olwen, reason="x")
    services.content_hide(item=idea, officer=olwen, reason="x")
    with pytest.raises(Refusal, match="already hidden"):
        services.content_hide(item=idea, officer=olwen, reason="x")
    with pytest.raises(Refusal, match="restore it instead"):
        services.content_approve(item=idea, officer=olwen, reason="x")
    assert ModerationDecision.objects.count() == 1


def test_officers_are_not_suspended_and_suspensions_end_in_the_future(alice: User, olwen: User) -> None:
    with pytest.raises(Refusal, match="Officers cannot be suspended"):
        services.user_suspend(person=olwen, officer=olwen, reason="Testing.")
    with pytest.raises(Refusal, match="in the future"):
        services.user_suspend(
            person=alice, officer=olwen, reason="x", until=timezone.now() - timedelta(days=1)
        )
    with pytest.raises(Refusal, match="not suspended"):
        services.user_unsuspend(person=alice, officer=olwen, reason="x")
    assert not ModerationDecision.objects.exists()


def test_the_author_is_told_in_their_language_when_their_idea_is_hidden(
    conversation: Conversation, alice: User, bob: User, olwen: User, django_capture_on_commit_callbacks
) -> None:
    english = make_idea(conversation, alice, title="Alice's idea")
    welsh = make_idea(conversation, bob, title="Syniad Bob")
    with django_capture_on_commit_callbacks(execute=True):
        services.content_hide(item=english, officer=olwen, reason="It names a neighbour.")
        services.content_hide(item=welsh, officer=olwen, reason="Mae'n enwi cymydog.")
    to_alice, to_bob = sorted(mail.outbox, key=lambda email: email.to[0])
    assert to_alice.to == ["alice@example.org"]
    assert to_alice.subject == "[VocalEyes] Your idea has been hidden"
    assert "A council officer has hidden your idea “Alice's idea”" in to_alice.body
    assert "It names a neighbour." in to_alice.body
    assert "Swansea Council" in to_alice.body
    assert to_bob.to == ["bob@example.org"]
    assert to_bob.subject == "[VocalEyes] Mae eich syniad wedi'i guddio"
    assert "Syniad Bob" in to_bob.body
    assert "Mae'n enwi cymydog." in to_bob.body
    assert "Cyngor Abertawe" in to_bob.body


def test_a_suspended_person_is_told_why_and_until_when(
    alice: User, olwen: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.user_suspend(
            person=alice, officer=olwen, reason="Spam.", until=timezone.now() + timedelta(days=7)
        )
    (email,) = mail.outbox
    assert email.subject == "[VocalEyes] Your VocalEyes account has been suspended"
    assert "Spam." in email.body
    assert "cannot post ideas, comment, rate, report or vote" in email.body


def test_approving_and_restoring_send_no_email(
    conversation: Conversation, bob: User, olwen: User, django_capture_on_commit_callbacks
) -> None:
    idea = make_idea(conversation, bob)
    Idea.objects.filter(pk=idea.pk).update(status=ContentStatus.HIDDEN)
    with django_capture_on_commit_callbacks(execute=True):
        services.content_restore(item=idea, officer=olwen, reason="Appeal upheld.")
    assert mail.outbox == []


def test_hiding_an_idea_takes_it_and_its_ratings_out_of_the_ranking(
    conversation: Conversation, alice: User, bob: User, olwen: User, django_capture_on_commit_callbacks
) -> None:
    loved = make_idea(conversation, bob, title="Loved")
    other = make_idea(conversation, bob, title="Other")
    for person in make_people(4, "rater"):
        services.rating_set(idea=loved, user=person, value=5)
        services.rating_set(idea=other, user=person, value=3)
    ranking_runs.ranking_recompute(conversation_id=conversation.pk)
    assert IdeaRanking.objects.get(idea=loved).rank == 1
    with django_capture_on_commit_callbacks(execute=True):  # the recompute is queued on commit
        services.content_hide(item=loved, officer=olwen, reason="Copied from elsewhere.")
    summary = RankingSummary.objects.get(conversation=conversation)
    assert summary.idea_count == 1
    assert summary.rating_count == 4  # only the visible idea's ratings
    assert IdeaRanking.objects.get(idea=loved).rank is None
    assert IdeaRanking.objects.get(idea=loved).score is None
    assert IdeaRanking.objects.get(idea=other).rank == 1
    assert ranking_store.order(Scope.of_conversation(conversation.pk)) == [other.pk]
