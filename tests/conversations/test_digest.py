"""The followers' daily digest: one email per person per day in their language, with what
happened since their last one, however often (or however concurrently) it runs; nothing when
nothing happened; a one-click unsubscribe link that needs no sign-in."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from conversations import services
from conversations.models import (
    ActionGroup,
    ContentStatus,
    Conversation,
    DigestSent,
    Follow,
    FollowEvent,
    Idea,
)
from conversations.services import responses
from tests.conversations.conftest import make_idea
from vocaleyes.models import User

UNSUBSCRIBE = re.compile(r"http://localhost:8000(/(?:cy/)?conversations/unsubscribe/[^/\s]+/)")


def _group(conversation: Conversation, idea: Idea, by: User) -> ActionGroup:
    group = ActionGroup.objects.create(
        conversation=conversation, name_en="Bench builders", name_cy="Adeiladwyr meinciau", created_by=by
    )
    group.ideas.add(idea)
    return group


@pytest.fixture
def followed(conversation: Conversation, alice: User, bob: User, fran: User) -> dict[str, Any]:
    """Alice (English) follows an idea, Bob (Welsh) follows it and an action group."""
    idea = make_idea(conversation, fran, title="More benches")
    group = _group(conversation, idea, fran)
    services.follow(person=alice, idea=idea)
    services.follow(person=bob, idea=idea)
    services.follow(person=bob, group=group)
    return {"idea": idea, "group": group}


def _happen(followed: dict[str, Any], fran: User) -> None:
    services.idea_respond(
        idea=followed["idea"], by=fran, status="accepted", text_en="We will.", text_cy="Fe wnawn."
    )
    services.follow_event_record(kind=FollowEvent.Kind.UPDATE, group=followed["group"])


@pytest.mark.django_db
def test_one_email_per_person_in_their_language_even_when_run_twice(
    followed: dict[str, Any], alice: User, bob: User, fran: User
) -> None:
    _happen(followed, fran)
    now = timezone.now()
    assert services.digests_send(now=now) == 2
    assert services.digests_send(now=now + timedelta(hours=1)) == 0  # the same day: nothing more
    to_alice, to_bob = sorted(mail.outbox, key=lambda email: email.to[0])
    assert to_alice.to == ["alice@example.org"]
    assert to_alice.subject == "[VocalEyes] What happened to what you follow"
    assert "More benches" in to_alice.body
    assert "The organisation has responded (Accepted): We will." in to_alice.body
    assert "Bench builders" not in to_alice.body  # she does not follow the group
    assert to_bob.to == ["bob@example.org"]
    assert to_bob.subject == "[VocalEyes] Beth sydd wedi digwydd i'r hyn rydych yn ei ddilyn"
    assert "Mae'r sefydliad wedi ymateb (Derbyniwyd): Fe wnawn." in to_bob.body
    assert "Adeiladwyr meinciau" in to_bob.body
    assert "Mae'r grŵp gweithredu wedi rhannu newyddion." in to_bob.body
    # HTML too, and the one-click unsubscribe header (RFC 8058).
    assert isinstance(to_bob, EmailMultiAlternatives)
    html, mimetype = to_bob.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="cy">' in str(html)
    assert to_bob.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert UNSUBSCRIBE.search(str(to_bob.extra_headers["List-Unsubscribe"]))
    assert list(DigestSent.objects.order_by("person__email").values_list("person__email", "events")) == [
        ("alice@example.org", 1),
        ("bob@example.org", 2),
    ]


@pytest.mark.django_db
def test_nothing_is_sent_when_nothing_happened(followed: dict[str, Any]) -> None:
    assert services.digests_send(now=timezone.now()) == 0
    assert mail.outbox == []
    assert not DigestSent.objects.exists()


@pytest.mark.django_db
def test_the_next_digest_has_only_what_happened_since(
    followed: dict[str, Any], alice: User, fran: User
) -> None:
    _happen(followed, fran)
    now = timezone.now()
    services.digests_send(now=now)
    mail.outbox.clear()
    assert services.digests_send(now=now + timedelta(days=1)) == 0  # nothing new the next day
    services.idea_respond(idea=followed["idea"], by=fran, status="done", text_en="Twelve benches.")
    assert services.digests_send(now=timezone.now() + timedelta(days=1)) == 2
    to_alice = next(email for email in mail.outbox if email.to == ["alice@example.org"])
    assert "Its status is now: Done." in to_alice.body
    assert "responded (Accepted)" not in to_alice.body


@pytest.mark.django_db
def test_what_happened_before_someone_followed_or_to_a_hidden_idea_is_not_sent(
    conversation: Conversation, alice: User, bob: User, fran: User
) -> None:
    idea = make_idea(conversation, fran, title="Old news")
    services.idea_respond(idea=idea, by=fran, status="accepted", text_en="Yes.")
    FollowEvent.objects.update(created=timezone.now() - timedelta(hours=1))
    services.follow(person=alice, idea=idea)
    assert services.digests_send(now=timezone.now()) == 0

    hidden = make_idea(conversation, fran, title="Soon hidden")
    services.follow(person=bob, idea=hidden)
    services.idea_respond(idea=hidden, by=fran, status="accepted", text_en="Yes.")
    Idea.objects.filter(pk=hidden.pk).update(status=ContentStatus.HIDDEN)
    assert services.digests_send(now=timezone.now()) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_run_that_loses_the_race_for_the_days_row_sends_nothing(
    followed: dict[str, Any], alice: User, fran: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run takes Alice's row for today after this one listed her: this one's insert
    fails on the unique constraint and it sends her nothing."""
    _happen(followed, fran)
    now = timezone.now()
    found = responses._events_for

    def other_run_first(person: User, since: Any, up_to: Any) -> Any:
        events = found(person, since, up_to)
        if person == alice:
            DigestSent.objects.create(person=alice, day=timezone.localdate(now), up_to=now, events=1)
        return events

    monkeypatch.setattr(responses, "_events_for", other_run_first)
    assert services.digests_send(now=now) == 1
    assert [email.to for email in mail.outbox] == [["bob@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_email_each_on_postgres(
    conversation: Conversation, alice: User, bob: User, fran: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs Postgres: two transactions racing for the unique row")
    idea = make_idea(conversation, fran, title="More benches")
    services.follow(person=alice, idea=idea)
    services.follow(person=bob, idea=idea)
    services.idea_respond(idea=idea, by=fran, status="accepted", text_en="We will.")
    # Both runs list everybody before either takes a row.
    together = threading.Barrier(2, timeout=20)
    found = responses._events_for

    def in_step(person: User, since: Any, up_to: Any) -> Any:
        events = found(person, since, up_to)
        together.wait()
        return events

    monkeypatch.setattr(responses, "_events_for", in_step)
    now = timezone.now()
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(services.digests_send(now=now))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sum(results) == 2
    assert sorted(email.to[0] for email in mail.outbox) == ["alice@example.org", "bob@example.org"]
    assert DigestSent.objects.count() == 2


@pytest.mark.django_db
def test_the_unsubscribe_link_works_without_signing_in(
    client: Client, followed: dict[str, Any], alice: User, bob: User, fran: User
) -> None:
    _happen(followed, fran)
    services.digests_send(now=timezone.now())
    to_bob = next(email for email in mail.outbox if email.to == ["bob@example.org"])
    match = UNSUBSCRIBE.search(str(to_bob.body))
    assert match is not None
    link = match.group(1)
    assert link.startswith("/cy/")  # the page in his language
    page = client.get(link)
    assert page.status_code == 200
    assert "Rydych wedi dad-danysgrifio" in page.content.decode()
    assert not Follow.objects.filter(person=bob).exists()
    assert Follow.objects.filter(person=alice).count() == 1  # nobody else's follows
    assert client.get(link.replace("/unsubscribe/", "/unsubscribe/x")).status_code == 404


@pytest.mark.django_db
def test_one_click_unsubscribe_by_post_needs_no_form(followed: dict[str, Any], alice: User) -> None:
    token = responses.unsubscribe_token(alice)
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/conversations/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Follow.objects.filter(person=alice).exists()


@pytest.mark.django_db
def test_the_command_sends_the_digests(followed: dict[str, Any], fran: User, capsys: Any) -> None:
    _happen(followed, fran)
    call_command("send_follow_digests")
    assert "Digests sent: 2" in capsys.readouterr().out
    assert len(mail.outbox) == 2
